import request from 'supertest';
import { expectEventually } from '../support/eventually';
import { startTestApp, TEST_KEYS, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

const BIG = 100_000_000_000_000; // 10^14 minor units: the largest amount of one order
const big = (orderId: string) => ({
  orderId,
  currency: 'EUR',
  channel: 'web',
  occurredAt: '2025-06-01T10:00:00Z',
  lines: [{ sku: 'JET', category: 'aircraft', quantity: 1, unitPriceMinor: BIG }],
});

/** The raw text of an answer: JSON.parse would round the figures under test. */
async function rawGet(t: TestApp, path: string): Promise<string> {
  const response = await request(t.app.getHttpServer())
    .get(path)
    .set('Authorization', `Bearer ${TEST_KEYS.reader}`)
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    })
    .expect(200);
  return response.body as string;
}

/**
 * Money stays exact beyond 2^53 minor units: one customer's total may not
 * pass it (refused), and sums over many customers are answered as exact
 * integers (9,100,000,000,000,001 is not a double).
 */
describeOnPostgresServer('money beyond 2^53 minor units on PostgreSQL server', () => {
  let t: TestApp;
  const customers = ['whale-1', 'whale-2', 'whale-3'];

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    for (const customerId of customers) {
      await writer
        .post('/customers')
        .send({ customerId, kind: 'organisation', name: customerId, occurredAt: '2025-01-01T00:00:00Z' })
        .expect(201);
    }
    // 91 orders of 10^14 and one of 1 minor unit: 9,100,000,000,000,001 in all, spread over three customers.
    for (let i = 0; i < 91; i++) {
      await writer
        .post(`/customers/${customers[i % 3]}/purchases`)
        .send(big(`o-${i}`))
        .expect(201);
    }
    const last = await writer
      .post('/customers/whale-1/purchases')
      .send({ ...big('o-one'), lines: [{ sku: 'PEN', category: 'pens', quantity: 1, unitPriceMinor: 1 }] })
      .expect(201);
    await expectEventually(async () => {
      await t.as('reader').get(`/analytics/summary?minCheckpoint=${last.body.checkpoint}`).expect(200);
    });
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('answers revenue over every customer as an exact integer', async () => {
    const text = await rawGet(t, '/analytics/revenue?from=2025-06-01&to=2025-06-02');
    expect(text).toContain('"grossRevenueMinor":9100000000000001');
    expect(text).toContain('"netRevenueMinor":9100000000000001');
  });

  it('answers the summary revenue per currency as an exact integer', async () => {
    const text = await rawGet(t, '/analytics/summary?from=2025-06-01T00:00:00Z&to=2025-06-02T00:00:00Z');
    expect(text).toMatch(/"grossMinor":9100000000000001\b/);
    expect(text).toMatch(/"netMinor":9100000000000001\b/);
  });

  it('refuses a purchase that would take one customer past 2^53 − 1 in a currency, appending nothing', async () => {
    const writer = t.as('writer');
    await writer
      .post('/customers')
      .send({ customerId: 'whale-4', kind: 'organisation', name: 'w4', occurredAt: '2025-01-01T00:00:00Z' })
      .expect(201);
    for (let i = 0; i < 90; i++)
      await writer
        .post('/customers/whale-4/purchases')
        .send(big(`w4-${i}`))
        .expect(201);
    const before = await t.eventCount();
    const response = await writer.post('/customers/whale-4/purchases').send(big('w4-over'));
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'CUSTOMER_TOTAL_TOO_LARGE', currency: 'EUR' });
    expect(await t.eventCount()).toBe(before);
  }, 120_000);
});
