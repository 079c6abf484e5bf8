import { SegmentationService } from '@crm/customers/segmentation/segmentation.service';
import { DATA_SOURCE } from '@crm/platform';
import type { DataSource } from 'typeorm';
import { expectEventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

const line = (unitPriceMinor: number) => [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor }];
const DAY_MS = 86_400_000;

describeOnPostgresServer('customer facts and lifecycle on PostgreSQL server', () => {
  let t: TestApp;

  const customer = (query = '') => t.as('reader').get(`/customers/lc-1${query}`);

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    await writer
      .post('/customers')
      .send({ customerId: 'lc-1', kind: 'individual', name: 'Lifecycle One', occurredAt: '2025-01-01T09:00:00.000Z' })
      .expect(201);
    const purchase = (orderId: string, occurredAt: string, unitPriceMinor: number, currency = 'EUR') =>
      writer
        .post('/customers/lc-1/purchases')
        .send({ orderId, currency, channel: 'web', lines: line(unitPriceMinor), occurredAt })
        .expect(201);
    await purchase('o-2', '2025-03-01T10:00:00.000Z', 2000);
    await purchase('o-3', '2025-05-01T10:00:00.000Z', 3000);
    // Backdated: recorded after the others, happened before them.
    await purchase('o-1', '2025-01-15T10:00:00.000Z', 1000);
    await writer
      .post('/customers/lc-1/purchases/o-3/refunds')
      .send({ refundId: 'r-1', amountMinor: 500, occurredAt: '2025-05-10T10:00:00.000Z' })
      .expect(201);
    await purchase('o-4', '2025-05-20T10:00:00.000Z', 9999, 'USD');
    await writer
      .post('/customers/lc-1/surveys')
      .send({ surveyId: 'sv-1', method: 'online', csat: 4, nps: 6, occurredAt: '2025-05-21T10:00:00.000Z' })
      .expect(201);
    await expectEventually(async () => {
      const response = await customer().expect(200);
      expect(response.body.revision).toBe(6);
    });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('answers the purchase facts with the backdated purchase in place, refunds deducted and other currencies kept out', async () => {
    const { body } = await customer().expect(200);
    expect(body).toMatchObject({
      customerId: 'lc-1',
      firstPurchaseAt: '2025-01-15T10:00:00.000Z',
      lastPurchaseAt: '2025-05-20T10:00:00.000Z',
      purchaseCount: 4,
      distinctPurchaseDays: 4,
      currency: 'EUR',
      otherCurrencyPurchases: 1,
      grossSpendMinor: 6000,
      refundsMinor: 500,
      netSpendMinor: 5500,
      averageOrderValueMinor: 1833,
      // 2025-01-15 → 2025-05-20 is 125 days over 3 gaps
      meanPurchaseGapDays: 125 / 3,
      purchaseDays: [20103, 20148, 20209, 20228],
      purchaseDayCounts: [1, 1, 1, 1],
      spendDays: [20103, 20148, 20209, 20218],
      spendDayNetMinor: [1000, 2000, 3000, -500],
      csatCount: 1,
      csatAverage: 4,
      lastNps: 6,
      satisfaction: { csatSatisfiedPercent: 100, lastNpsCategory: 'detractor', rulesVersion: 'crm-rules-defaults-1' },
    });
  });

  // Purchase days 2025-01-15, 03-01, 05-01 and 05-20: mean gap 41.7 days, so the customer declines after
  // 83.3 silent days (from 2025-08-12) and churns after 166.7 (4 × gap, from 2025-11-03).
  it('evaluates the lifecycle now: silent for more than a year, churned since silence passed 4 × the mean gap', async () => {
    const before = Date.now();
    const { body } = await customer().expect(200);
    expect(body.lifecycle).toMatchObject({
      stage: 'churned',
      since: '2025-11-03T00:00:00.000Z',
      rulesVersion: 'crm-rules-defaults-1',
    });
    expect(body.lifecycle.reason).toMatch(/silent \d+ days \(> 365 days\)/);
    expect(Date.parse(body.lifecycle.evaluatedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('evaluates the lifecycle as of an instant, from the purchases made up to it', async () => {
    const asOf = async (instant: string) => (await customer(`?asOf=${instant}`).expect(200)).body.lifecycle;
    expect(await asOf('2025-01-10T00:00:00.000Z')).toMatchObject({
      stage: 'prospect',
      since: '2025-01-01T09:00:00.000Z',
    });
    expect(await asOf('2025-02-01T00:00:00.000Z')).toMatchObject({
      stage: 'new',
      since: '2025-01-15T00:00:00.000Z',
      evaluatedAt: '2025-02-01T00:00:00.000Z',
    });
    expect(await asOf('2025-04-20T00:00:00.000Z')).toMatchObject({
      stage: 'growth',
      since: '2025-03-01T00:00:00.000Z',
    });
    // One purchase on 2025-01-15 only would have made the customer decline after 90 days: the backdated one counts.
    expect(await asOf('2025-05-25T12:00:00.000Z')).toMatchObject({ stage: 'growth' });
  });

  it('answers the lifecycle history computed from the facts', async () => {
    const { body } = await t
      .as('reader')
      .get('/customers/lc-1/lifecycle-history?asOf=2026-06-01T00:00:00.000Z')
      .expect(200);
    expect(body).toMatchObject({
      customerId: 'lc-1',
      asOf: '2026-06-01T00:00:00.000Z',
      rulesVersion: 'crm-rules-defaults-1',
    });
    expect(
      body.items.map((item: { stage: string; enteredAt: string; leftAt: string | null }) => [
        item.stage,
        item.enteredAt,
        item.leftAt,
      ]),
    ).toEqual([
      ['prospect', '2025-01-01T09:00:00.000Z', '2025-01-15T00:00:00.000Z'],
      ['new', '2025-01-15T00:00:00.000Z', '2025-03-01T00:00:00.000Z'],
      ['growth', '2025-03-01T00:00:00.000Z', '2025-08-12T00:00:00.000Z'],
      ['declining', '2025-08-12T00:00:00.000Z', '2025-11-03T00:00:00.000Z'],
      ['churned', '2025-11-03T00:00:00.000Z', null],
    ]);
  });

  // As of 2025-06-01, lc-1's last purchase day is 2025-05-20 (12 days before), it made 4 purchases (the USD one
  // counts) and spent EUR 10 + 20 + 30 − 5 refunded = 5500 minor units (the USD purchase is not in its currency).
  // lc-2 bought once, EUR 25 on 2025-05-30: 2 days, 1 purchase, 2500. With two buyers the quintiles are 1 and 2:
  // lc-1 is R 1 (less recent), F 2, M 2 → FM 2, Hibernating; lc-2 is R 2, F 1, M 1 → FM 1, Hibernating.
  it('answers the RFM raw values of the segmentation run in force beside their scores', async () => {
    const writer = t.as('writer');
    await writer
      .post('/customers')
      .send({ customerId: 'lc-2', kind: 'individual', name: 'Lifecycle Two', occurredAt: '2025-02-01T09:00:00.000Z' })
      .expect(201);
    const bought = await writer
      .post('/customers/lc-2/purchases')
      .send({
        orderId: 'o-1',
        currency: 'EUR',
        channel: 'store',
        lines: line(2500),
        occurredAt: '2025-05-30T16:00:00.000Z',
      })
      .expect(201);
    await t.as('reader').get(`/customers/lc-2?minCheckpoint=${bought.body.checkpoint}`).expect(200);
    const run = await t.app.get(SegmentationService).recompute(new Date('2025-06-01T00:00:00.000Z'));
    // A run as of an earlier day than today is historical: the as-of views read it, the live view does not.
    expect(run.historical).toBe(true);
    expect((await customer().expect(200)).body.segmentation).toBeNull();

    const { body } = await customer('?asOf=2025-06-01T00:00:00.000Z').expect(200);
    expect(body.segmentation).toMatchObject({
      runId: run.id,
      asOf: '2025-06-01T00:00:00.000Z',
      recencyDays: 12,
      frequency: 4,
      monetaryMinor: 5500,
      r: 1,
      f: 2,
      m: 2,
      rfmSegment: 'Hibernating',
      currentValueMinor: 5500,
    });
    const other = await t.as('reader').get('/customers/lc-2?asOf=2025-06-01T00:00:00.000Z').expect(200);
    expect(other.body.segmentation).toMatchObject({
      runId: run.id,
      recencyDays: 2,
      frequency: 1,
      monetaryMinor: 2500,
      r: 2,
      f: 1,
      m: 1,
    });
  });

  it('refuses an asOf that is not an ISO 8601 instant, naming it', async () => {
    const { body } = await customer('?asOf=yesterday').expect(400);
    expect(body).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(JSON.stringify(body.problems)).toMatch(/asOf/);
    await t.as('reader').get('/customers/lc-1/lifecycle-history?asOf=nope').expect(400);
    await t.as('writer').get('/customers/lc-1/lifecycle-history').expect(403);
    await t.as('reader').get('/customers/nobody/lifecycle-history').expect(404);
  });

  /**
   * A win-back, days counted back from today (day 0): registered on day 400, bought on days 380 and 350 (mean
   * gap 30), then nothing until day 20. New on day 380; growth from the second purchase; declining once silent
   * more than 2 × 30 = 60 days (day 350 − 61 = 289); churned once silent more than 4 × 30 = 120 days
   * (day 350 − 121 = 229); the purchase on day 20 wins the customer back into growth, where it still is.
   */
  it('keeps a win-back after a churn by silence in lifecycle_stage_history and the lifecycle history', async () => {
    const today = Math.floor(Date.now() / DAY_MS);
    const day = (n: number, hour = 0) => new Date((today - n) * DAY_MS + hour * 3_600_000).toISOString();
    const writer = t.as('writer');
    await writer
      .post('/customers')
      .send({ customerId: 'wb-1', kind: 'individual', name: 'Won Back', occurredAt: day(400, 9) })
      .expect(201);
    let checkpoint = '';
    for (const [orderId, n] of [
      ['o-1', 380],
      ['o-2', 350],
      ['o-3', 20],
    ] as const) {
      const { body } = await writer
        .post('/customers/wb-1/purchases')
        .send({ orderId, currency: 'EUR', channel: 'web', lines: line(3000), occurredAt: day(n, 10) })
        .expect(201);
      checkpoint = body.checkpoint;
    }
    const expected = [
      { stage: 'prospect', enteredAt: day(400, 9), leftAt: day(380), reason: 'registered, no purchase yet' },
      { stage: 'new', enteredAt: day(380), leftAt: day(350), reason: 'one purchase, 0 days ago (new for 90 days)' },
      { stage: 'growth', enteredAt: day(350), leftAt: day(289), reason: '2 purchases, not yet mature' },
      {
        stage: 'declining',
        enteredAt: day(289),
        leftAt: day(229),
        reason: 'silent 61 days (> 2 × own mean gap of 30 days, at least 60 days)',
      },
      {
        stage: 'churned',
        enteredAt: day(229),
        leftAt: day(20),
        reason: 'silent 121 days (> 4 × own mean gap of 30 days)',
      },
      {
        stage: 'growth',
        enteredAt: day(20),
        leftAt: null,
        reason: 'win-back: buying again after churn (1 purchase since)',
      },
    ];

    const { body } = await t
      .as('reader')
      .get(`/customers/wb-1/lifecycle-history?minCheckpoint=${checkpoint}`)
      .expect(200);
    expect(body.items).toEqual(expected);

    // Listing customers re-evaluates the statuses that are due, and with them the table.
    await t.as('reader').get(`/customers?minCheckpoint=${checkpoint}`).expect(200);
    const rows: Array<{ stage: string; entered_at: Date; left_at: Date | null; reason: string }> = await t.app
      .get<DataSource>(DATA_SOURCE)
      .query(
        `SELECT stage, entered_at, left_at, reason FROM lifecycle_stage_history
          WHERE customer_id = 'wb-1' ORDER BY entered_at`,
      );
    expect(
      rows.map((row) => ({
        stage: row.stage,
        enteredAt: new Date(row.entered_at).toISOString(),
        leftAt: row.left_at === null ? null : new Date(row.left_at).toISOString(),
        reason: row.reason,
      })),
    ).toEqual(expected);
  });
});
