import { captureCliOutput } from '../support/cli-output';
import { CRM_CONFIG, type CrmConfig } from '@crm/platform';
import { historyCommand, NOT_FOUND_EXIT, stateCommand } from '../../apps/cli/src/customer-audit.command';
import { UsageError } from '../../apps/cli/src/import.command';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const line = (unitPriceMinor: number) => [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor }];

/**
 * au-1: registered 2025-01-01; bought 2025-02-01 (o-1) and 2025-03-01 (o-2);
 * then — recorded after the instant `knownBefore` — a purchase dated
 * 2025-01-15 (o-0, backdated), a survey and a profile change.
 */
describeOnPostgresServer('customer history and state as of both time axes on PostgreSQL server', () => {
  let t: TestApp;
  let knownBefore: string;
  let o1Checkpoint: string;

  const audit = (path: string) => t.as('auditor').get(`/customers/au-1${path}`);

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const w = t.as('writer');
    await w
      .post('/customers')
      .send({
        customerId: 'au-1',
        kind: 'individual',
        name: 'Audit One',
        region: 'north',
        occurredAt: '2025-01-01T09:00:00Z',
      })
      .expect(201);
    const purchase = (orderId: string, occurredAt: string, unitPriceMinor: number) =>
      w
        .post('/customers/au-1/purchases')
        .send({ orderId, currency: 'EUR', channel: 'web', lines: line(unitPriceMinor), occurredAt })
        .set('Idempotency-Key', `audit-${orderId}`)
        .expect(201);
    o1Checkpoint = (await purchase('o-1', '2025-02-01T10:00:00Z', 2000)).body.checkpoint;
    await purchase('o-2', '2025-03-01T10:00:00Z', 3000);
    // Recorded times are the store's clock: wait until it has moved past the last event recorded so far.
    const started = Date.now();
    await expectEventually(() => expect(Date.now()).toBeGreaterThan(started + 20));
    knownBefore = new Date().toISOString();
    await expectEventually(() => expect(Date.now()).toBeGreaterThan(Date.parse(knownBefore) + 20));
    await purchase('o-0', '2025-01-15T10:00:00Z', 1000);
    await w
      .post('/customers/au-1/surveys')
      .send({ surveyId: 'sv-1', method: 'online', csat: 5, nps: 10, occurredAt: '2025-03-05T10:00:00Z' })
      .expect(201);
    await w.patch('/customers/au-1/profile').send({ region: 'south', occurredAt: '2025-03-10T10:00:00Z' }).expect(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers every event with its business and recorded time, positions, actor and ids', async () => {
    const { body } = await audit('/history').expect(200);
    expect(body.stream).toBe('customer-au-1');
    expect(body.nextRevision).toBeNull();
    expect(body.items.map((item: { type: string }) => item.type)).toEqual([
      'CustomerRegistered',
      'PurchaseRecorded',
      'PurchaseRecorded',
      'PurchaseRecorded',
      'SurveyRecorded',
      'CustomerProfileUpdated',
    ]);
    expect(body.items.map((item: { revision: number }) => item.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    const backdated = body.items[3];
    expect(backdated).toMatchObject({
      eventId: expect.any(String),
      businessTime: '2025-01-15T10:00:00.000Z',
      commandId: 'audit-o-0',
      correlationId: expect.any(String),
      causationId: 'audit-o-0',
      actor: expect.stringMatching(/.+/),
      schemaVersion: expect.any(Number),
      data: expect.objectContaining({ orderId: 'o-0' }),
    });
    expect(Date.parse(backdated.recordedAt)).toBeGreaterThan(Date.parse(knownBefore));
    expect(body.items[1].checkpoint).toBe(o1Checkpoint);
  });

  it('filters by type and business time, and pages by revision', async () => {
    const purchases = await audit('/history?types=PurchaseRecorded&from=2025-01-20T00:00:00Z&to=2025-03-01T10:00:00Z');
    expect(purchases.body.items.map((item: { data: { orderId: string } }) => item.data.orderId)).toEqual(['o-1']);
    const first = await audit('/history?limit=4').expect(200);
    expect(first.body.items).toHaveLength(4);
    expect(first.body.nextRevision).toBe(4);
    const second = await audit(`/history?limit=4&fromRevision=${first.body.nextRevision}`).expect(200);
    expect(second.body.items.map((item: { revision: number }) => item.revision)).toEqual([4, 5]);
    expect(second.body.nextRevision).toBeNull();
  });

  it('answers the state at a business instant with every event known now, the backdated purchase included', async () => {
    const { body } = await audit('/state?asOf=2025-02-15T00:00:00Z').expect(200);
    expect(body).toMatchObject({
      customerId: 'au-1',
      region: 'north',
      purchaseCount: 2,
      firstPurchaseAt: '2025-01-15T10:00:00.000Z',
      lastPurchaseAt: '2025-02-01T10:00:00.000Z',
      netSpendMinor: 3000,
      csatCount: 0,
      lifecycle: { stage: 'growth' },
      rfm: { recencyDays: 14, frequency: 2, monetaryMinor: 3000 },
      basis: { eventsKnown: 6, eventsFolded: 3, eventsAfterAsOf: 3, lastKnownRevision: 5 },
    });
    // 4 (1 repeat day) + 0.4 (31 days of tenure) + 15 (recency) + 0 (two purchase days) + 7.5 + 7.5 (no survey yet) + 10.
    expect(body.loyalty).toMatchObject({ score: 44, tier: 'potentially-loyal' });
  });

  it('answers the loyalty score and tier of an earlier instant, part by part (docs/rules.md, "Loyalty")', async () => {
    // As of 2025-03-06: purchase days 01-15, 02-01, 03-01 (gaps 17 and 28 days), the survey of 03-05 (CSAT 5, NPS 10).
    const { body } = await audit('/state?asOf=2025-03-06T00:00:00Z').expect(200);
    const points = (parts: Record<string, { points: number }>) =>
      Object.fromEntries(Object.entries(parts).map(([name, part]) => [name, part.points]));
    expect(points(body.loyalty.parts)).toEqual({
      repeat: 8, // 2 repeat days of 5 × 20
      tenure: 0.7, // 50 days since the first of 730 × 10 = 0.68
      recency: 15, // last purchase 5 days ago, within 30
      regularity: 11.3, // (1 − 5.5 / 22.5) × 15: the gaps' standard deviation over their mean
      nps: 15, // promoter
      csat: 15, // every answer satisfied
      complaints: 10, // none open
    });
    expect(body.loyalty).toMatchObject({ score: 75, tier: 'loyal' });
    // Today the last purchase is more than 365 days old: no recency points, and the tier falls.
    const { body: today } = await audit('/state').expect(200);
    expect(today.loyalty.parts.recency.points).toBe(0);
    expect(today.loyalty.tier).toBe('potentially-loyal');
    expect(today.loyalty.score).toBeLessThan(70);
  });

  it('answers the state as it was known before the backdated purchase was recorded', async () => {
    const byTime = await audit(`/state?asOf=2025-02-15T00:00:00Z&knownAt=${knownBefore}`).expect(200);
    expect(byTime.body).toMatchObject({
      purchaseCount: 1,
      firstPurchaseAt: '2025-02-01T10:00:00.000Z',
      netSpendMinor: 2000,
      lifecycle: { stage: 'new' },
      basis: { eventsKnown: 3, eventsFolded: 2, lastKnownRevision: 2 },
    });
    const byCheckpoint = await audit(`/state?asOf=2025-12-31T00:00:00Z&knownAt=${o1Checkpoint}`).expect(200);
    expect(byCheckpoint.body).toMatchObject({ purchaseCount: 1, basis: { eventsKnown: 2, lastKnownRevision: 1 } });
  });

  it('folds with the projection code: the state now equals the live read model', async () => {
    await expectEventually(async () => {
      const { body } = await t.as('reader').get('/customers/au-1').expect(200);
      expect(body.revision).toBe(5);
    });
    const live = (await t.as('reader').get('/customers/au-1').expect(200)).body;
    const now = new Date().toISOString();
    const { body: state } = await audit(`/state?asOf=${now}`).expect(200);
    const facts = [
      'region',
      'purchaseCount',
      'netSpendMinor',
      'purchaseDays',
      'spendDayNetMinor',
      'csatScoreCounts',
      'lastNps',
      'revision',
      'lastCheckpoint',
    ];
    for (const key of facts) expect([key, state[key]]).toEqual([key, live[key]]);
    expect(state.lifecycle.stage).toBe(live.lifecycle.stage);
    expect(state.loyalty.score).toBe(live.loyalty.score);
  });

  it.each([
    ['/state?knownAt=yesterday', 'knownAt'],
    ['/state?asOf=2025-02-30', 'asOf'],
    ['/history?types=Purchase Recorded', 'types'],
    ['/history?limit=1001', 'limit'],
    ['/history?from=2025-03-01T00:00:00Z&to=2025-02-01T00:00:00Z', 'to'],
  ])('refuses %s naming %s', async (path, field) => {
    const { body } = await audit(path).expect(400);
    expect(JSON.stringify(body.problems)).toContain(field);
  });

  /** Runs a CLI command on the app's storage, as `crm …` would, and captures what it prints. */
  const cli = (run: (config: CrmConfig) => Promise<number>) =>
    captureCliOutput(() => run(t.app.get<CrmConfig>(CRM_CONFIG)));

  it('crm history prints one line per event, and with --json the items of GET /history as NDJSON', async () => {
    const { body } = await audit('/history').expect(200);
    const text = await cli((config) => historyCommand('au-1', { json: false }, config));
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(body.items.length);
    lines.forEach((line, index) => {
      const item = body.items[index];
      expect(line).toMatch(
        new RegExp(`^\\s*${item.revision}  ${item.businessTime}  recorded ${item.recordedAt}  ${item.type} `),
      );
      for (const part of [`by ${item.actor}`, `command ${item.commandId}`, `correlation ${item.correlationId}`]) {
        expect(line).toContain(part);
      }
      expect(line.endsWith(`@${item.checkpoint}  ${JSON.stringify(item.data)}`)).toBe(true);
    });

    const json = await cli((config) => historyCommand('au-1', { json: true }, config));
    expect(json.code).toBe(0);
    expect(json.stdout.endsWith('\n')).toBe(true);
    expect(
      json.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual(body.items);

    const filtered = await cli((config) =>
      historyCommand(
        'au-1',
        { type: 'PurchaseRecorded', from: '2025-01-20T00:00:00Z', to: '2025-03-01T10:00:00Z', json: true },
        config,
      ),
    );
    expect(
      filtered.stdout
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line).data.orderId),
    ).toEqual(['o-1']);

    const unknown = await cli((config) => historyCommand('nobody', { json: false }, config));
    expect(unknown).toEqual({ code: NOT_FOUND_EXIT, stdout: '' });
  });

  it('crm state prints the answer of GET /state, on both time axes', async () => {
    const cases: Array<[query: string, options: { asOf?: string; knownAt?: string }]> = [
      ['asOf=2025-02-15T00:00:00Z', { asOf: '2025-02-15T00:00:00Z' }],
      [`asOf=2025-02-15T00:00:00Z&knownAt=${knownBefore}`, { asOf: '2025-02-15T00:00:00Z', knownAt: knownBefore }],
      [`asOf=2025-12-31T00:00:00Z&knownAt=${o1Checkpoint}`, { asOf: '2025-12-31T00:00:00Z', knownAt: o1Checkpoint }],
    ];
    for (const [query, options] of cases) {
      const { body } = await audit(`/state?${query}`).expect(200);
      const printed = await cli((config) => stateCommand('au-1', options, config));
      expect(printed.code).toBe(0);
      expect(JSON.parse(printed.stdout)).toEqual(body);
    }
    const unknown = await cli((config) => stateCommand('nobody', {}, config));
    expect(unknown).toEqual({ code: NOT_FOUND_EXIT, stdout: '' });
    await expect(cli((config) => stateCommand('au-1', { knownAt: 'yesterday' }, config))).rejects.toBeInstanceOf(
      UsageError,
    );
    await expect(cli((config) => stateCommand('au-1', { knownAt: '0:0' }, config))).rejects.toBeInstanceOf(UsageError);
  });

  it('is for auditors: readers are refused; an unknown customer is 404', async () => {
    await t.as('reader').get('/customers/au-1/history').expect(403);
    await t.as('reader').get('/customers/au-1/state').expect(403);
    await t.as('auditor').get('/customers/nobody/history').expect(404);
    await t.as('auditor').get('/customers/nobody/state').expect(404);
  });
});
