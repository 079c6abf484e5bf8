import type { DataSource } from 'typeorm';
import { DATA_SOURCE, IdempotencyStore } from '@crm/platform';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

const purchase = (orderId: string) => ({
  orderId,
  currency: 'EUR',
  channel: 'web',
  lines: [{ sku: 'CD-1', category: 'music', quantity: 1, unitPriceMinor: 1500 }],
});

/**
 * One Idempotency-Key applies exactly one command: the store, not only the
 * record of first answers, decides. A 2xx always means the command's events
 * are in the log; another request under the key is 422.
 */
function idempotencySuite(mode: 'postgres' | 'pglite'): void {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(mode);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  async function register(customerId: string): Promise<void> {
    await t.as('writer').post('/customers').send({ customerId, kind: 'individual', name: customerId }).expect(201);
  }

  async function ordersOf(customerId: string): Promise<string[]> {
    const events = await t.store.readStream(`customer-${customerId}`);
    return events.filter((e) => e.type === 'PurchaseRecorded').map((e) => String(e.data.orderId));
  }

  it('answers 2xx to exactly one of 50 concurrent requests with one key and different bodies; the rest are 422', async () => {
    await register('race-1');
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t
          .as('writer')
          .post('/customers/race-1/purchases')
          .set('Idempotency-Key', 'race-key-1')
          .send(purchase(`o-${i}`)),
      ),
    );
    const accepted = responses.filter((r) => r.status < 300);
    expect(accepted).toHaveLength(1);
    for (const r of responses.filter((x) => x.status >= 300)) {
      expect(r.status).toBe(422);
      expect(r.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    }
    expect(await ordersOf('race-1')).toEqual([accepted[0]!.body.orderId]);
  }, 60_000);

  it('answers concurrent identical requests with one key alike, the command applied once', async () => {
    await register('race-2');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t
          .as('writer')
          .post('/customers/race-2/purchases')
          .set('Idempotency-Key', 'race-key-2')
          .send(purchase('o-same')),
      ),
    );
    for (const r of responses) expect(r.status).toBe(201);
    for (const r of responses) expect(r.body).toEqual(responses[0]!.body);
    expect(await ordersOf('race-2')).toEqual(['o-same']);
  }, 60_000);

  it('refuses another body under a key whose stored answer is missing (found through the events), and replays the same body', async () => {
    await register('lost-1');
    const first = await t
      .as('writer')
      .post('/customers/lost-1/purchases')
      .set('Idempotency-Key', 'lost-key-1')
      .send(purchase('o-first'))
      .expect(201);
    // As after a crash between the append and the saving of the answer.
    await t.app.get<DataSource>(DATA_SOURCE).query(`DELETE FROM idempotency_keys WHERE key = 'lost-key-1'`);

    const other = await t
      .as('writer')
      .post('/customers/lost-1/purchases')
      .set('Idempotency-Key', 'lost-key-1')
      .send(purchase('o-other'));
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');

    const again = await t
      .as('writer')
      .post('/customers/lost-1/purchases')
      .set('Idempotency-Key', 'lost-key-1')
      .send(purchase('o-first'))
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ordersOf('lost-1')).toEqual(['o-first']);
  }, 60_000);

  it('refuses a key used for one customer when it is sent for another, appending nothing', async () => {
    await register('cross-1');
    await register('cross-2');
    await t
      .as('writer')
      .post('/customers/cross-1/purchases')
      .set('Idempotency-Key', 'cross-key')
      .send(purchase('o-1'))
      .expect(201);
    await t.app.get<DataSource>(DATA_SOURCE).query(`DELETE FROM idempotency_keys WHERE key = 'cross-key'`);
    const before = await t.eventCount();
    const response = await t
      .as('writer')
      .post('/customers/cross-2/purchases')
      .set('Idempotency-Key', 'cross-key')
      .send(purchase('o-1'));
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.eventCount()).toBe(before);
  }, 60_000);

  it('forgets answers after the retention (records deleted where the projector runs) but still refuses another body', async () => {
    await register('old-1');
    await t
      .as('writer')
      .post('/customers/old-1/purchases')
      .set('Idempotency-Key', 'old-key')
      .send(purchase('o-old'))
      .expect(201);
    const records = t.app.get(IdempotencyStore);
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    const count = async () =>
      (
        (await dataSource.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'old-key'`)) as Array<{
          n: number;
        }>
      )[0]!.n;
    expect(await records.purgeExpired(new Date())).toBe(0);
    expect(await count()).toBe(1);
    const dayLater = new Date(Date.now() + 24 * 3_600_000 + 1_000);
    expect(await records.purgeExpired(dayLater)).toBeGreaterThanOrEqual(1);
    expect(await count()).toBe(0);

    const other = await t
      .as('writer')
      .post('/customers/old-1/purchases')
      .set('Idempotency-Key', 'old-key')
      .send(purchase('o-new'));
    expect(other.status).toBe(422);
    expect(await ordersOf('old-1')).toEqual(['o-old']);
  }, 60_000);
}

describeOnPostgresServer('Idempotency-Key on the PostgreSQL server', () => idempotencySuite('postgres'));
describe('Idempotency-Key on embedded PGlite', () => idempotencySuite('pglite'));
