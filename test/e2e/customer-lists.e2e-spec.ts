import { SegmentationService } from '@crm/customers/segmentation/segmentation.service';
import { DATA_SOURCE } from '@crm/platform';
import type { DataSource } from 'typeorm';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;
const daysAgo = (n: number): string => new Date(Date.now() - n * DAY_MS).toISOString();
const line = (unitPriceMinor: number) => [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor }];

/**
 * Five customers whose stage and churn risk depend on today's date:
 *   ls-active    bought 100, 70 and 40 days ago, a promoter  → growth, not at risk
 *   ls-slipping  bought 130, 100 and 70 days ago (gap 30)    → declining, at risk: silent 70 > 2 × 30
 *   ls-unhappy   bought 10 days ago, one open complaint      → new, at risk: the complaint
 *   ls-prospect  never bought                                → prospect
 *   ls-gone      bought 800 and 760 days ago                  → churned (never "at risk": already lost)
 */
describeOnPostgresServer('GET /customers and GET /alerts/churn on PostgreSQL server', () => {
  let t: TestApp;
  let lastCheckpoint = '';

  const list = (query = '') => t.as('reader').get(`/customers${query}`);
  const ids = (body: { items: Array<{ customerId: string }> }) => body.items.map((item) => item.customerId);

  async function register(customerId: string, region: string, accountManagerId?: string): Promise<void> {
    await t
      .as('writer')
      .post('/customers')
      .send({ customerId, kind: 'individual', name: `Customer ${customerId}`, region, occurredAt: daysAgo(900) })
      .expect(201);
    if (accountManagerId) {
      await t
        .as('writer')
        .put(`/customers/${customerId}/account-manager`)
        .send({ accountManagerId, occurredAt: daysAgo(899) })
        .expect(200);
    }
  }

  async function buy(customerId: string, orderId: string, days: number, unitPriceMinor: number): Promise<void> {
    const { body } = await t
      .as('writer')
      .post(`/customers/${customerId}/purchases`)
      .send({ orderId, currency: 'EUR', channel: 'web', lines: line(unitPriceMinor), occurredAt: daysAgo(days) })
      .expect(201);
    lastCheckpoint = body.checkpoint;
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    await register('ls-active', 'north', 'am-1');
    await register('ls-slipping', 'north', 'am-2');
    await register('ls-unhappy', 'south');
    await register('ls-prospect', 'south');
    await register('ls-gone', 'south');
    for (const [n, days] of [100, 70, 40].entries()) await buy('ls-active', `a-${n}`, days, 2000);
    for (const [n, days] of [130, 100, 70].entries()) await buy('ls-slipping', `s-${n}`, days, 5000);
    await buy('ls-unhappy', 'u-0', 10, 1000);
    await buy('ls-gone', 'g-0', 800, 700);
    await buy('ls-gone', 'g-1', 760, 700);
    await t
      .as('writer')
      .post('/customers/ls-active/surveys')
      .send({ surveyId: 'sv-1', method: 'online', csat: 5, nps: 10, occurredAt: daysAgo(39) })
      .expect(201);
    const complaint = await t
      .as('writer')
      .post('/customers/ls-unhappy/complaints')
      .send({
        complaintId: 'cp-1',
        category: 'delivery',
        severity: 'high',
        channel: 'phone',
        description: 'late',
        occurredAt: daysAgo(5),
      })
      .expect(201);
    lastCheckpoint = complaint.body.checkpoint;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lists every customer with the status evaluated for today', async () => {
    const { body } = await list(`?minCheckpoint=${lastCheckpoint}`).expect(200);
    expect(body.rulesVersion).toBe('crm-rules-defaults-1');
    expect(body.segmentationRunId).toBeNull();
    const byId = Object.fromEntries(body.items.map((item: { customerId: string }) => [item.customerId, item]));
    expect(Object.keys(byId).sort()).toEqual(['ls-active', 'ls-gone', 'ls-prospect', 'ls-slipping', 'ls-unhappy']);
    expect(byId['ls-active']).toMatchObject({ stage: 'growth', churnRisk: false, segment: 'unscored' });
    expect(byId['ls-slipping']).toMatchObject({
      stage: 'declining',
      churnRisk: true,
      currentValueMinor: 15000,
      netSpendMinor: 15000,
    });
    expect(byId['ls-slipping'].churnReasons[0]).toMatch(/silent 70 days \(> 2 × own mean gap of 30 days/);
    expect(byId['ls-unhappy']).toMatchObject({
      stage: 'new',
      churnRisk: true,
      churnReasons: ['1 unresolved complaint'],
    });
    expect(byId['ls-prospect']).toMatchObject({ stage: 'prospect', segment: 'prospect', churnRisk: false });
    expect(byId['ls-gone']).toMatchObject({
      stage: 'churned',
      segment: 'churned',
      churnRisk: false,
      currentValueMinor: 0,
    });
  });

  it('keeps lifecycle_stage_history equal to the lifecycle history answered for today', async () => {
    await list().expect(200);
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    for (const customerId of ['ls-slipping', 'ls-gone', 'ls-prospect']) {
      const { body } = await t.as('reader').get(`/customers/${customerId}/lifecycle-history`).expect(200);
      const rows: Array<{ stage: string; entered_at: Date; left_at: Date | null }> = await dataSource.query(
        'SELECT stage, entered_at, left_at FROM lifecycle_stage_history WHERE customer_id = $1 ORDER BY entered_at',
        [customerId],
      );
      expect(
        rows.map((row) => ({
          stage: row.stage,
          enteredAt: new Date(row.entered_at).toISOString(),
          leftAt: row.left_at === null ? null : new Date(row.left_at).toISOString(),
        })),
      ).toEqual(
        body.items.map(({ stage, enteredAt, leftAt }: Record<string, unknown>) => ({ stage, enteredAt, leftAt })),
      );
      expect(rows.length).toBeGreaterThan(0);
    }
    const stages = await dataSource.query(
      "SELECT stage FROM lifecycle_stage_history WHERE customer_id = 'ls-slipping' ORDER BY entered_at",
    );
    expect(stages.map((row: { stage: string }) => row.stage)).toEqual(['prospect', 'new', 'growth', 'declining']);
  });

  it('answers the same loyalty and churn risk in the 360° view as in the list', async () => {
    const { body: page } = await list('?region=north').expect(200);
    for (const item of page.items) {
      const { body } = await t.as('reader').get(`/customers/${item.customerId}`).expect(200);
      expect([item.customerId, body.loyalty.score, body.loyalty.tier, body.churnRisk.atRisk, body.segment]).toEqual([
        item.customerId,
        item.loyaltyScore,
        item.loyaltyTier,
        item.churnRisk,
        item.segment,
      ]);
    }
  });

  it.each([
    ['?stage=declining', ['ls-slipping']],
    ['?churnRisk=true', ['ls-slipping', 'ls-unhappy']],
    ['?churnRisk=false&region=south', ['ls-gone', 'ls-prospect']],
    ['?accountManagerId=am-1', ['ls-active']],
    ['?segment=churned', ['ls-gone']],
    ['?region=north&sort=-netSpend', ['ls-slipping', 'ls-active']],
    ['?sort=-loyaltyScore&stage=growth', ['ls-active']],
  ])('filters and sorts: GET /customers%s', async (query, expected) => {
    const { body } = await list(query).expect(200);
    expect(ids(body)).toEqual(expected);
  });

  it('pages with a cursor: the pages put together are the whole sorted list', async () => {
    const { body: whole } = await list('?sort=-netSpend').expect(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ customerId: string }>; nextCursor: string | null } } = await list(
        `?sort=-netSpend&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      ).expect(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids(whole));
    expect(seen.slice(0, 2)).toEqual(['ls-slipping', 'ls-active']);
  });

  it.each([
    ['?stage=asleep', 'stage'],
    ['?sort=revenue', 'sort'],
    ['?limit=0', 'limit'],
    ['?churnRisk=yes', 'churnRisk'],
    ['?cursor=not-a-cursor', 'cursor'],
    ['?accountManagerId=%20', 'accountManagerId'],
    ['?minCheckpoint=nope', 'minCheckpoint'],
  ])('refuses GET /customers%s naming %s', async (query, field) => {
    const { body } = await list(query).expect(400);
    expect(JSON.stringify(body)).toContain(field);
  });

  it('refuses a cursor made for another sort', async () => {
    const { body } = await list('?sort=-netSpend&limit=1').expect(200);
    const refused = await list(`?sort=name&cursor=${body.nextCursor}`).expect(400);
    expect(refused.body.problems[0].field).toBe('cursor');
  });

  it('ranks the at-risk customers by value, with their reasons', async () => {
    const { body } = await t.as('reader').get('/alerts/churn').expect(200);
    expect(
      body.items.map((item: { customerId: string; currentValueMinor: number }) => [
        item.customerId,
        item.currentValueMinor,
      ]),
    ).toEqual([
      ['ls-slipping', 15000],
      ['ls-unhappy', 1000],
    ]);
    expect(body.items[1].churnReasons).toEqual(['1 unresolved complaint']);
    await t.as('reader').get('/alerts/churn?stage=declining').expect(400);
  });

  it('sums up customers by stage and segment, NPS, CSAT, revenue and open complaints for the dashboard', async () => {
    const { body } = await t.as('reader').get('/analytics/summary').expect(200);
    expect(body.customers).toMatchObject({
      total: 5,
      byStage: { prospect: 1, new: 1, growth: 1, mature: 0, declining: 1, churned: 1 },
      bySegment: { prospect: 1, churned: 1, unscored: 3 },
      byValueQuadrant: { vip: 0, improve: 0, maintain: 0, abandon: 0 },
      atRiskOfChurn: 2,
    });
    expect(Object.values(body.customers.byLoyaltyTier).reduce((a: number, b) => a + Number(b), 0)).toBe(5);
    expect(body.satisfaction).toMatchObject({
      nps: 100,
      npsAnswers: 1,
      promoters: 1,
      csatAverage: 5,
      csatSatisfiedPercent: 100,
    });
    expect(body.revenue).toEqual([{ currency: 'EUR', orders: 9, grossMinor: 23400, refundsMinor: 0, netMinor: 23400 }]);
    expect(body.complaints).toEqual({ open: 1, total: 1 });
    const recent = await t
      .as('reader')
      .get(`/analytics/summary?from=${daysAgo(50)}`)
      .expect(200);
    expect(recent.body.revenue).toEqual([
      { currency: 'EUR', orders: 2, grossMinor: 3000, refundsMinor: 0, netMinor: 3000 },
    ]);
    const refused = await t
      .as('reader')
      .get(`/analytics/summary?from=${daysAgo(1)}&to=${daysAgo(2)}`)
      .expect(400);
    expect(refused.body.problems[0].field).toBe('to');
  });

  it('moves a customer out of the alerts as soon as a new purchase is projected', async () => {
    await buy('ls-slipping', 's-3', 0, 5000);
    const { body } = await list(`?minCheckpoint=${lastCheckpoint}&churnRisk=true`).expect(200);
    expect(ids(body)).toEqual(['ls-unhappy']);
    const { body: all } = await list(`?stage=growth`).expect(200);
    expect(ids(all)).toEqual(['ls-active', 'ls-slipping']);
  });

  it('labels buyers with their RFM segment once a segmentation run has scored them', async () => {
    const run = await t.app.get(SegmentationService).recompute(new Date());
    await expectEventually(async () => {
      const { body } = await list().expect(200);
      expect(body.segmentationRunId).toBe(run.id);
      const byId = Object.fromEntries(body.items.map((item: { customerId: string }) => [item.customerId, item]));
      expect(byId['ls-active'].segment).toBe(byId['ls-active'].rfmSegment);
      expect(byId['ls-active'].rfmSegment).toEqual(expect.any(String));
      expect(byId['ls-active'].abcClass).toEqual(expect.stringMatching(/^[ABC]$/));
      expect(byId['ls-gone'].segment).toBe('churned');
      expect(byId['ls-prospect'].rfmSegment).toBeNull();
    });
    const champions = byRfm(await list().expect(200));
    for (const [segment, members] of Object.entries(champions)) {
      const { body } = await list(`?rfmSegment=${encodeURIComponent(segment)}`).expect(200);
      expect(ids(body)).toEqual(members);
    }
  });
});

function byRfm(response: { body: { items: Array<{ customerId: string; rfmSegment: string | null }> } }) {
  const groups: Record<string, string[]> = {};
  for (const item of response.body.items) {
    if (item.rfmSegment) (groups[item.rfmSegment] ??= []).push(item.customerId);
  }
  return groups;
}
