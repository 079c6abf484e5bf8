import type { Response } from 'supertest';
import { postgresServerUnavailable } from '../support/databases';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeSkipped } from '../support/server-suites';

/**
 * `minCheckpoint` on every reader query: read your own writes, or 503
 * PROJECTION_LAGGING naming the read models still behind.
 */
const unavailable = postgresServerUnavailable();

const cp = (response: Response): string => encodeURIComponent(response.body.checkpoint as string);
const line = (unitPriceMinor: number) => [{ sku: 'CD-1', category: 'music', quantity: 1, unitPriceMinor }];

/**
 * Every reader query that accepts `minCheckpoint` (for the customer `id`),
 * with the read models it waits for, in the order it names them.
 */
const READER_QUERIES: ReadonlyArray<readonly [string, (id: string) => string, readonly string[]]> = [
  ['GET /customers', () => '/customers?', ['customer_summary']],
  ['GET /alerts/churn', () => '/alerts/churn?', ['customer_summary']],
  ['GET /customers/:id', (id) => `/customers/${id}?`, ['customer_summary']],
  ['GET /customers/:id/lifecycle-history', (id) => `/customers/${id}/lifecycle-history?`, ['customer_summary']],
  ['GET /customers/:id/timeline', (id) => `/customers/${id}/timeline?`, ['customer_timeline', 'customer_summary']],
  [
    'GET /customers/:id/recommendations',
    (id) => `/customers/${id}/recommendations?`,
    ['analytics_orders', 'customer_summary'],
  ],
  ['GET /analytics/association-rules', () => '/analytics/association-rules?', ['analytics_orders']],
  ['GET /complaints', () => '/complaints?', ['complaints']],
  [
    'GET /analytics/summary',
    () => '/analytics/summary?',
    ['customer_summary', 'analytics_surveys', 'analytics_orders', 'complaints'],
  ],
  [
    'GET /analytics/revenue',
    () => '/analytics/revenue?from=2026-01-01&to=2026-02-01&',
    ['analytics_orders', 'analytics_customer_attributes'],
  ],
  [
    'GET /analytics/revenue?groupBy=segment',
    () => '/analytics/revenue?from=2026-01-01&to=2026-02-01&groupBy=segment&',
    ['analytics_orders', 'analytics_customer_attributes', 'customer_summary'],
  ],
];

if (unavailable) {
  describeSkipped('read your writes (PostgreSQL server)', unavailable);
} else {
  describe('read your writes with the projector in the API (PostgreSQL server)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp('postgres');
    });
    afterAll(async () => t?.close());

    const register = (customerId: string, occurredAt?: string) =>
      t
        .as('writer')
        .post('/customers')
        .send({ customerId, kind: 'individual', name: `Customer ${customerId}`, occurredAt })
        .expect(201);
    const purchase = (customerId: string, orderId: string, occurredAt: string, unitPriceMinor = 1500) =>
      t
        .as('writer')
        .post(`/customers/${customerId}/purchases`)
        .send({ orderId, currency: 'EUR', channel: 'web', lines: line(unitPriceMinor), occurredAt })
        .expect(201);

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

    it('lists a purchase in the timeline with the checkpoint of its command', async () => {
      await register('ryw-tl', '2026-01-05T09:00:00.000Z');
      const purchased = await purchase('ryw-tl', 'o-tl-1', '2026-01-06T10:00:00.000Z');
      const { body } = await t
        .as('reader')
        .get(`/customers/ryw-tl/timeline?minCheckpoint=${cp(purchased)}`)
        .expect(200);
      expect(body.items.map((item: { eventType: string }) => item.eventType)).toEqual([
        'CustomerRegistered',
        'PurchaseRecorded',
      ]);
      expect(body.items[1]).toMatchObject({ occurredAt: '2026-01-06T10:00:00.000Z', data: { orderId: 'o-tl-1' } });
    });

    it('answers the lifecycle history with the stage a purchase began', async () => {
      await register('ryw-lh', '2026-03-01T09:00:00.000Z');
      const purchased = await purchase('ryw-lh', 'o-lh-1', '2026-03-10T10:00:00.000Z');
      const { body } = await t
        .as('reader')
        .get(`/customers/ryw-lh/lifecycle-history?asOf=2026-04-01T00:00:00.000Z&minCheckpoint=${cp(purchased)}`)
        .expect(200);
      expect(
        body.items.map(({ stage, enteredAt, leftAt }: Record<string, unknown>) => [stage, enteredAt, leftAt]),
      ).toEqual([
        ['prospect', '2026-03-01T09:00:00.000Z', '2026-03-10T00:00:00.000Z'],
        ['new', '2026-03-10T00:00:00.000Z', null],
      ]);
    });

    it('lists a complaint with the checkpoint of its filing', async () => {
      await register('ryw-cp');
      const filed = await t
        .as('writer')
        .post('/customers/ryw-cp/complaints')
        .send({ complaintId: 'cp-1', category: 'delivery', severity: 'low', channel: 'phone', description: 'late' })
        .expect(201);
      const { body } = await t
        .as('reader')
        .get(`/complaints?customerId=ryw-cp&minCheckpoint=${cp(filed)}`)
        .expect(200);
      expect(body.items).toEqual([
        expect.objectContaining({ customerId: 'ryw-cp', complaintId: 'cp-1', state: 'filed' }),
      ]);
    });

    it('sums up the purchase, the survey and the complaint of the commands before the checkpoint', async () => {
      const period = 'from=2024-05-01T00:00:00.000Z&to=2024-06-01T00:00:00.000Z';
      const registered = await register('ryw-sum', '2024-05-01T09:00:00.000Z');
      const before = await t
        .as('reader')
        .get(`/analytics/summary?${period}&minCheckpoint=${cp(registered)}`)
        .expect(200);
      await purchase('ryw-sum', 'o-sum-1', '2024-05-10T10:00:00.000Z', 4200);
      await t
        .as('writer')
        .post('/customers/ryw-sum/surveys')
        .send({ surveyId: 'sv-1', method: 'online', nps: 10, csat: 5, occurredAt: '2024-05-11T10:00:00.000Z' })
        .expect(201);
      const filed = await t
        .as('writer')
        .post('/customers/ryw-sum/complaints')
        .send({ complaintId: 'cp-1', category: 'billing', severity: 'high', channel: 'email', description: 'twice' })
        .expect(201);
      const { body } = await t
        .as('reader')
        .get(`/analytics/summary?${period}&minCheckpoint=${cp(filed)}`)
        .expect(200);
      expect(before.body.revenue).toEqual([]);
      expect(before.body.satisfaction.npsAnswers).toBe(0);
      expect(body.revenue).toEqual([{ currency: 'EUR', orders: 1, grossMinor: 4200, refundsMinor: 0, netMinor: 4200 }]);
      expect(body.satisfaction).toMatchObject({ nps: 100, npsAnswers: 1, csatAverage: 5 });
      expect(body.complaints).toEqual({
        open: before.body.complaints.open + 1,
        total: before.body.complaints.total + 1,
      });
      expect(body.customers.total).toBe(before.body.customers.total);
    });

    it('answers revenue credited to the account manager assigned before the purchase', async () => {
      await register('ryw-rev', '2024-03-01T09:00:00.000Z');
      await t
        .as('writer')
        .put('/customers/ryw-rev/account-manager')
        .send({ accountManagerId: 'am-ryw', occurredAt: '2024-04-01T09:00:00.000Z' })
        .expect(200);
      const purchased = await purchase('ryw-rev', 'o-rev-1', '2024-04-15T10:00:00.000Z', 3100);
      const { body } = await t
        .as('reader')
        .get(`/analytics/revenue?from=2024-04-01&to=2024-05-01&groupBy=accountManager&minCheckpoint=${cp(purchased)}`)
        .expect(200);
      expect(body.rows).toEqual([
        expect.objectContaining({ accountManager: 'am-ryw', currency: 'EUR', netRevenueMinor: 3100, orders: 1 }),
      ]);
    });

    it('declares minCheckpoint and the 503 answer of every reader query in the OpenAPI document', async () => {
      const { body } = await t.as('reader').get('/docs-json').expect(200);
      const paths = body.paths as Record<
        string,
        { get: { parameters: Array<{ name: string; in: string }>; responses: Record<string, unknown> } }
      >;
      for (const path of [
        '/customers',
        '/alerts/churn',
        '/customers/{customerId}',
        '/customers/{customerId}/lifecycle-history',
        '/customers/{customerId}/timeline',
        '/customers/{customerId}/recommendations',
        '/analytics/association-rules',
        '/complaints',
        '/analytics/summary',
        '/analytics/revenue',
      ]) {
        const operation = paths[path]!.get;
        expect([path, operation.parameters.filter((p) => p.name === 'minCheckpoint').map((p) => p.in)]).toEqual([
          path,
          ['query'],
        ]);
        expect([path, Object.keys(operation.responses)]).toEqual([path, expect.arrayContaining(['503'])]);
      }
    });

    it.each(READER_QUERIES.map(([label, path]) => [label, path]))(
      '%s refuses a checkpoint of no store with 400 naming minCheckpoint',
      async (_label, path) => {
        const { body } = await t
          .as('reader')
          .get(`${path('ryw-1')}minCheckpoint=not-a-checkpoint`)
          .expect(400);
        expect(body).toMatchObject({ code: 'VALIDATION_FAILED' });
        expect(body.problems).toEqual([expect.objectContaining({ field: 'minCheckpoint' })]);
      },
    );

    it.each(
      READER_QUERIES.flatMap(([label, path]) => [
        [label, 'a checkpoint beyond the newest event', path, '999999999:999999999', 'CHECKPOINT_AHEAD_OF_STORE'],
        [label, 'a checkpoint out of the 64-bit range', path, '99999999999999999999:1', 'VALIDATION_FAILED'],
        [label, 'a position out of the signed 64-bit range', path, '1:9999999999999999999', 'VALIDATION_FAILED'],
        [label, 'a checkpoint between events', path, '1:0', 'CHECKPOINT_NOT_FOUND'],
      ]),
    )('%s refuses %s at once with 400 naming minCheckpoint', async (_label, _case, path, checkpoint, code) => {
      const started = Date.now();
      const { body } = await t
        .as('reader')
        .get(`${path('ryw-1')}minCheckpoint=${checkpoint}`)
        .expect(400);
      expect(Date.now() - started).toBeLessThan(4_000);
      expect(body).toMatchObject({ code });
      expect(body.problems).toEqual([expect.objectContaining({ field: 'minCheckpoint' })]);
    });
  });

  describe('read your writes with no projector running (PostgreSQL server)', () => {
    let t: TestApp;
    /** Events appended, all of them in customer streams that no projector has read. */
    let appended = 0;
    const answers = new Map<string, { status: number; body: Record<string, unknown>; waitedMs: number }>();

    beforeAll(async () => {
      t = await startTestApp('postgres', { CRM_PROJECTOR: 'external' });
      const registered = await t
        .as('writer')
        .post('/customers')
        .send({ customerId: 'ryw-2', kind: 'individual', name: 'Lagging', occurredAt: '2026-01-01T00:00:00Z' })
        .expect(201);
      const purchased = await t
        .as('writer')
        .post('/customers/ryw-2/purchases')
        .send({ orderId: 'o-1', currency: 'EUR', channel: 'web', lines: line(900), occurredAt: '2026-01-10T10:00:00Z' })
        .expect(201);
      appended = registered.body.eventIds.length + purchased.body.eventIds.length;
      // The lag counts what the store's readers see: every event appended, once no open transaction holds them back.
      await t.untilReadable(purchased.body.checkpoint as string);
      // Every query waits its 5 s at the same time.
      await Promise.all(
        READER_QUERIES.map(async ([label, path]) => {
          const started = Date.now();
          const response = await t.as('reader').get(`${path('ryw-2')}minCheckpoint=${cp(purchased)}`);
          answers.set(label, { status: response.status, body: response.body, waitedMs: Date.now() - started });
        }),
      );
    });
    afterAll(async () => t?.close());

    it.each(READER_QUERIES.map(([label, , readModels]) => [label, readModels.join(', '), readModels]))(
      '%s answers 503 PROJECTION_LAGGING after 5 s, naming %s',
      (label, _names, readModels) => {
        const answer = answers.get(label)!;
        expect(answer.status).toBe(503);
        expect(answer.waitedMs).toBeGreaterThanOrEqual(4_900);
        expect(answer.body).toMatchObject({ statusCode: 503, code: 'PROJECTION_LAGGING', lagEvents: appended });
        expect(answer.body.lagSeconds).toBeGreaterThanOrEqual(4.9);
        const lagging = answer.body.lagging as Array<{ name: string; lagEvents: number; lagSeconds: number }>;
        expect(lagging.map((projection) => projection.name)).toEqual(readModels);
        for (const projection of lagging) expect(projection.lagEvents).toBe(appended);
      },
    );

    it('answers at once without minCheckpoint (404: the read model has not seen the customer)', async () => {
      await t.as('reader').get('/customers/ryw-2').expect(404);
    });
  });
}
