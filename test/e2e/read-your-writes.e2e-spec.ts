import { postgresServerUnavailable } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeSkipped } from '../support/server-suites';

/** GET /customers/:id?minCheckpoint=: read your own writes, or 503 PROJECTION_LAGGING. */
const unavailable = postgresServerUnavailable();

if (unavailable) {
  describeSkipped('read your writes (PostgreSQL server)', unavailable);
} else {
  describe('read your writes with the projector in the API (PostgreSQL server)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp('postgres');
    });
    afterAll(async () => t?.close());

    it('answers the customer once the projector has passed the checkpoint of the command', async () => {
      const registered = await t
        .as('writer')
        .post('/customers')
        .send({ customerId: 'ryw-1', kind: 'individual', name: 'Read Writes' })
        .expect(201);
      const checkpoint = registered.body.checkpoint as string;
      expect(typeof checkpoint).toBe('string');
      const { body } = await t
        .as('reader')
        .get(`/customers/ryw-1?minCheckpoint=${encodeURIComponent(checkpoint)}`)
        .expect(200);
      expect(body).toMatchObject({ customerId: 'ryw-1', name: 'Read Writes' });

      const purchased = await t
        .as('writer')
        .post('/customers/ryw-1/purchases')
        .send({
          orderId: 'o-ryw-1',
          currency: 'EUR',
          channel: 'web',
          region: 'North',
          lines: [{ sku: 'CD-1', category: 'music', quantity: 2, unitPriceMinor: 1500 }],
        })
        .expect(201);
      const after = await t
        .as('reader')
        .get(`/customers/ryw-1?minCheckpoint=${encodeURIComponent(purchased.body.checkpoint as string)}`)
        .expect(200);
      expect(after.body.firstPurchaseAt).not.toBeNull();
    });

    it('refuses a malformed checkpoint with 400 naming minCheckpoint', async () => {
      const { body } = await t.as('reader').get('/customers/ryw-1?minCheckpoint=not-a-checkpoint').expect(400);
      expect(body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(body)).toMatch(/minCheckpoint/);
    });
  });

  describe('read your writes with no projector running (PostgreSQL server)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp('postgres', { CRM_PROJECTOR: 'external' });
    });
    afterAll(async () => t?.close());

    it('answers 503 PROJECTION_LAGGING after waiting 5 s when the projector has not passed the checkpoint', async () => {
      const registered = await t
        .as('writer')
        .post('/customers')
        .send({ customerId: 'ryw-2', kind: 'individual', name: 'Lagging' })
        .expect(201);
      const started = Date.now();
      const { body } = await t
        .as('reader')
        .get(`/customers/ryw-2?minCheckpoint=${encodeURIComponent(registered.body.checkpoint as string)}`)
        .expect(503);
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
      expect(body).toMatchObject({ statusCode: 503, code: 'PROJECTION_LAGGING' });
      expect(body.lagEvents).toBeGreaterThanOrEqual(1);
      expect(typeof body.lagSeconds).toBe('number');
      expect(body.lagSeconds).toBeGreaterThanOrEqual(4.9);
    });

    it('answers at once without minCheckpoint (404: the read model has not seen the customer)', async () => {
      await t.as('reader').get('/customers/ryw-2').expect(404);
    });
  });
}
