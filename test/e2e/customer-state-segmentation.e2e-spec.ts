import { SegmentationService } from '@crm/customers/segmentation/segmentation.service';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Five buyers, each scored 1–5 by ntile(5) on recency, frequency and
 * monetary value (ties by customer id):
 *
 * | customer | purchases (2025, minor units)        | as of 02-01: count, spend, last | as of 03-01 |
 * |----------|--------------------------------------|---------------------------------|-------------|
 * | sg-a     | 01-10 100                            | 1, 100, 01-10                   | same        |
 * | sg-b     | 01-05 200, 01-20 200                 | 2, 400, 01-20                   | same        |
 * | sg-c     | 01-15 300, then 02-10 5000 (late)    | 1, 300, 01-15                   | 2, 5300, 02-10 |
 * | sg-d     | 01-02, 01-12, 01-25 at 500           | 3, 1500, 01-25                  | same        |
 * | sg-e     | 01-03, 01-06, 01-09, 01-30 at 50     | 4, 200, 01-30                   | same        |
 *
 * Run 1 (as of 02-01) scores sg-c R 2 (a, c, b, d, e), F 2 (a, c, b, d, e),
 * M 3 (a, e, c, b, d); run 2 (as of 03-01) R 5 (a, b, d, e, c), F 3
 * (a, b, c, d, e), M 5 (a, e, b, d, c). Run 1 is dated just before the store
 * recorded sg-c's second purchase, run 2 just after.
 */
const PURCHASES: ReadonlyArray<readonly [customer: string, day: string, unitPriceMinor: number]> = [
  ['sg-a', '01-10', 100],
  ['sg-b', '01-05', 200],
  ['sg-b', '01-20', 200],
  ['sg-c', '01-15', 300],
  ['sg-d', '01-02', 500],
  ['sg-d', '01-12', 500],
  ['sg-d', '01-25', 500],
  ['sg-e', '01-03', 50],
  ['sg-e', '01-06', 50],
  ['sg-e', '01-09', 50],
  ['sg-e', '01-30', 50],
];

describeOnPostgresServer('state as of an instant: the segmentation run in force (PostgreSQL server)', () => {
  let t: TestApp;
  let lateCheckpoint: string;
  let lateRecordedAt: number;
  let run1: string;
  let run2: string;

  const state = (query: string) => t.as('auditor').get(`/customers/sg-c/state?${query}`);
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const w = t.as('writer');
    const purchase = (customer: string, day: string, unitPriceMinor: number) =>
      w
        .post(`/customers/${customer}/purchases`)
        .send({
          orderId: `o-${day}`,
          currency: 'EUR',
          channel: 'web',
          lines: [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor }],
          occurredAt: `2025-${day}T10:00:00Z`,
        })
        .expect(201);
    for (const customer of ['sg-a', 'sg-b', 'sg-c', 'sg-d', 'sg-e']) {
      await w
        .post('/customers')
        .send({ customerId: customer, kind: 'individual', name: customer, occurredAt: '2025-01-01T00:00:00Z' })
        .expect(201);
    }
    for (const [customer, day, price] of PURCHASES) await purchase(customer, day, price);
    lateCheckpoint = (await purchase('sg-c', '02-10', 5000)).body.checkpoint;
    const history = await t.as('auditor').get('/customers/sg-c/history').expect(200);
    lateRecordedAt = Date.parse(history.body.items[history.body.items.length - 1].recordedAt);

    expect(await t.eventCount()).toBe(5 + PURCHASES.length + 1);
    await expectEventually(
      async () => {
        const { body } = await t.as('reader').get('/customers/sg-c').expect(200);
        expect(body.purchaseCount).toBe(2);
        const { body: list } = await t.as('reader').get('/customers?limit=10').expect(200);
        expect(list.items.map((c: { purchaseCount: number }) => c.purchaseCount).sort()).toEqual([1, 2, 2, 3, 4]);
      },
      { timeoutMs: 20_000 },
    );
    const segmentation = t.app.get(SegmentationService);
    run1 = (await segmentation.recompute(new Date('2025-02-01T00:00:00Z'), new Date(lateRecordedAt - 60_000))).id;
    run2 = (await segmentation.recompute(new Date('2025-03-01T00:00:00Z'), new Date(lateRecordedAt + 1))).id;
  });

  afterAll(async () => {
    await t?.close();
  });

  const run1Scores = () => ({ runId: run1, runAt: iso(lateRecordedAt - 60_000), r: 2, f: 2, m: 3 });
  const run2Scores = () => ({ runId: run2, runAt: iso(lateRecordedAt + 1), r: 5, f: 3, m: 5 });

  it('known at a checkpoint: the run in force when the store recorded the event at that checkpoint', async () => {
    const { body } = await state(`asOf=2025-03-01T00:00:00Z&knownAt=${lateCheckpoint}`).expect(200);
    expect(body.segmentation).toMatchObject(run1Scores());
    // The raw values are the fold's: both purchases were known at that checkpoint.
    expect(body.rfm).toEqual({ recencyDays: 19, frequency: 2, monetaryMinor: 5300 });
  });

  it('known at an instant: the run in force at that instant', async () => {
    const before = await state(`asOf=2025-03-01T00:00:00Z&knownAt=${iso(lateRecordedAt)}`).expect(200);
    expect(before.body.segmentation).toMatchObject(run1Scores());
    const after = await state(`asOf=2025-03-01T00:00:00Z&knownAt=${iso(lateRecordedAt + 1)}`).expect(200);
    expect(after.body.segmentation).toMatchObject(run2Scores());
    expect(after.body.rfm).toEqual({ recencyDays: 19, frequency: 2, monetaryMinor: 5300 });
  });

  it('without knownAt: the run in force at asOf, the one whose as-of is the latest by then', async () => {
    const between = await state('asOf=2025-02-15T00:00:00Z').expect(200);
    expect(between.body.segmentation).toMatchObject(run1Scores());
    const atRecording = await state(`asOf=${iso(lateRecordedAt)}`).expect(200);
    expect(atRecording.body.segmentation).toMatchObject(run2Scores());
    const now = await state('').expect(200);
    expect(now.body.segmentation).toMatchObject(run2Scores());
    // GET /customers/:id?asOf= answers the same run.
    const { body: asOf } = await t.as('reader').get('/customers/sg-c?asOf=2025-02-15T00:00:00Z').expect(200);
    expect(asOf.segmentation).toMatchObject(run1Scores());
    // Both runs are historical (as of 2025, made today): the live view reads neither.
    const { body: live } = await t.as('reader').get('/customers/sg-c').expect(200);
    expect(live.segmentation).toBeNull();
  });

  it('refuses a known-at checkpoint at which the store holds no event', async () => {
    const { body } = await state('knownAt=0:0').expect(400);
    expect(body.problems).toEqual([expect.objectContaining({ field: 'knownAt' })]);
  });
});
