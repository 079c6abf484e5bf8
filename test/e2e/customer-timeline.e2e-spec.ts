import request from 'supertest';
import { expectEventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

interface Item {
  eventId: string;
  streamRevision: number;
  eventType: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  actor: string | null;
  commandId: string | null;
  correlationId: string | null;
  summary: string;
  data: Record<string, unknown>;
}

interface Page {
  customerId: string;
  items: Item[];
  nextCursor: string | null;
}

const lines = [
  { sku: 'CD-1', category: 'music', quantity: 2, unitPriceMinor: 1000 },
  { sku: 'CD-2', category: 'music', quantity: 1, unitPriceMinor: 1500 },
  { sku: 'BK-7', category: 'books', quantity: 1, unitPriceMinor: 1000 },
];

/** The timeline of `tl-1` by business time, then stream revision: [revision, type, occurredAt]. */
const EXPECTED: ReadonlyArray<readonly [number, string, string]> = [
  [0, 'CustomerRegistered', '2026-01-10T09:00:00.000Z'],
  [1, 'CustomerProfileUpdated', '2026-01-11T09:00:00.000Z'],
  [7, 'PurchaseRecorded', '2026-01-11T12:00:00.000Z'], // backdated: recorded last, happened early
  [2, 'PurchaseRecorded', '2026-01-12T09:00:00.000Z'],
  [3, 'ComplaintFiled', '2026-01-13T09:00:00.000Z'],
  [4, 'ComplaintAssessed', '2026-01-14T09:00:00.000Z'],
  [5, 'ContactLogged', '2026-01-15T10:00:00.000Z'], // two events at the same instant
  [6, 'FeedbackRecorded', '2026-01-15T10:00:00.000Z'],
];

describeOnPostgresServer('customer timeline on PostgreSQL server', () => {
  let t: TestApp;

  const timeline = (query = '', customerId = 'tl-1') =>
    t.as('reader').get(`/customers/${customerId}/timeline${query ? `?${query}` : ''}`);

  /** Every page of a query, following nextCursor. */
  async function allPages(query: string): Promise<Page[]> {
    const pages: Page[] = [];
    let cursor: string | null = null;
    do {
      const response = await timeline(`${query}${cursor ? `&cursor=${cursor}` : ''}`).expect(200);
      const page = response.body as Page;
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor !== null && pages.length < 20);
    return pages;
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    await writer
      .post('/customers')
      .set('X-Correlation-Id', 'corr-tl-1')
      .send({ customerId: 'tl-1', kind: 'individual', name: 'Timeline One', occurredAt: EXPECTED[0]![2] })
      .expect(201);
    await writer
      .patch('/customers/tl-1/profile')
      .send({ email: 'one@example.com', region: 'North', occurredAt: '2026-01-11T09:00:00.000Z' })
      .expect(200);
    await writer
      .post('/customers/tl-1/purchases')
      .send({ orderId: 'o-17', currency: 'EUR', channel: 'web', lines, occurredAt: '2026-01-12T09:00:00.000Z' })
      .expect(201);
    await writer
      .post('/customers/tl-1/complaints')
      .send({
        complaintId: 'cmp-1',
        category: 'billing',
        severity: 'high',
        channel: 'email',
        description: 'charged twice',
        occurredAt: '2026-01-13T09:00:00.000Z',
      })
      .expect(201);
    await writer
      .post('/customers/tl-1/complaints/cmp-1/assessment')
      .send({ valid: false, reason: 'outside warranty', occurredAt: '2026-01-14T09:00:00.000Z' })
      .expect(201);
    await writer
      .post('/customers/tl-1/contacts')
      .send({
        contactId: 'ct-1',
        channel: 'phone',
        direction: 'inbound',
        agent: 'agent-4',
        topic: 'renewal',
        occurredAt: '2026-01-15T10:00:00.000Z',
      })
      .expect(201);
    await writer
      .post('/customers/tl-1/feedback')
      .send({
        feedbackId: 'fb-1',
        kind: 'suggestion',
        channel: 'web',
        text: 'dark mode please',
        occurredAt: '2026-01-15T10:00:00.000Z',
      })
      .expect(201);
    await writer
      .post('/customers/tl-1/purchases')
      .send({ orderId: 'o-5', currency: 'JPY', channel: 'store', lines, occurredAt: '2026-01-11T12:00:00.000Z' })
      .expect(201);
    // Another customer at the same instants: never mixed into tl-1's timeline.
    await writer
      .post('/customers')
      .send({ customerId: 'tl-2', kind: 'individual', name: 'Timeline Two', occurredAt: EXPECTED[0]![2] })
      .expect(201);
    await writer
      .post('/customers/tl-2/purchases')
      .send({ orderId: 'o-17', currency: 'EUR', channel: 'web', lines, occurredAt: '2026-01-12T09:00:00.000Z' })
      .expect(201);

    await expectEventually(async () => {
      const response = await timeline('limit=500').expect(200);
      expect(response.body.items).toHaveLength(EXPECTED.length);
      const other = await timeline('', 'tl-2').expect(200);
      expect(other.body.items).toHaveLength(2);
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('lists one item per event by business time then revision, the backdated purchase at its business time', async () => {
    const response = await timeline().expect(200);
    const page = response.body as Page;
    expect(page.customerId).toBe('tl-1');
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((i) => [i.streamRevision, i.eventType, i.occurredAt])).toEqual(EXPECTED);
    const backdated = page.items.find((i) => i.streamRevision === 7)!;
    expect(Date.parse(backdated.recordedAt)).toBeGreaterThan(Date.parse(page.items[7]!.recordedAt));
    expect(new Set(page.items.map((i) => i.eventId)).size).toBe(EXPECTED.length);
  });

  it('carries the metadata, a readable summary and the event data', async () => {
    const { items } = (await timeline().expect(200)).body as Page;
    const [registered, updated, backdated, purchase, , assessed] = items;
    expect(registered).toMatchObject({
      schemaVersion: 2,
      correlationId: 'corr-tl-1',
      actor: expect.stringMatching(/^writer-key:[0-9a-f]{12}$/),
      commandId: expect.any(String),
      summary: 'Customer registered: Timeline One (individual)',
      data: { customerId: 'tl-1', kind: 'individual', profile: expect.objectContaining({ name: 'Timeline One' }) },
    });
    expect(updated!.summary).toBe('Profile updated: email, region');
    expect(purchase!.summary).toBe('Purchase o-17: 3 lines, EUR 45.00');
    expect(backdated!.summary).toBe('Purchase o-5: 3 lines, JPY 4500');
    expect(assessed!.summary).toBe('Complaint cmp-1 assessed: rejected (outside warranty)');
    expect(purchase!.data).toMatchObject({ orderId: 'o-17', totalMinor: 4500, currency: 'EUR' });
  });

  it('orders newest first with order=desc', async () => {
    const { items } = (await timeline('order=desc').expect(200)).body as Page;
    expect(items.map((i) => i.streamRevision)).toEqual(EXPECTED.map(([revision]) => revision).reverse());
  });

  it('filters by event types and by business time (from inclusive, to exclusive)', async () => {
    const byType = (await timeline('types=PurchaseRecorded,ComplaintFiled').expect(200)).body as Page;
    expect(byType.items.map((i) => i.streamRevision)).toEqual([7, 2, 3]);

    const byTime = (await timeline('from=2026-01-11T12:00:00Z&to=2026-01-15T10:00:00Z').expect(200)).body as Page;
    expect(byTime.items.map((i) => i.streamRevision)).toEqual([7, 2, 3, 4]);

    const both = (await timeline('from=2026-01-12T00:00:00Z&types=PurchaseRecorded').expect(200)).body as Page;
    expect(both.items.map((i) => i.streamRevision)).toEqual([2]);

    const none = (await timeline('from=2027-01-01T00:00:00Z').expect(200)).body as Page;
    expect(none).toEqual({ customerId: 'tl-1', items: [], nextCursor: null });
  });

  // `splitAt` ends the first page between the two events at 2026-01-15T10:00Z.
  it.each([
    { order: 'asc', revisions: EXPECTED.map(([revision]) => revision), splitAt: 7 },
    { order: 'desc', revisions: EXPECTED.map(([revision]) => revision).reverse(), splitAt: 1 },
  ])(
    'pages through the whole timeline ($order), also between two events at the same instant',
    async ({ order, revisions, splitAt }) => {
      const pages = await allPages(`order=${order}&limit=3`);
      expect(pages.map((p) => p.items.length)).toEqual([3, 3, 2]);
      expect(pages.flatMap((p) => p.items.map((i) => i.streamRevision))).toEqual(revisions);
      expect(pages.at(-1)!.nextCursor).toBeNull();
      for (const page of pages.slice(0, -1)) expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);

      const split = await allPages(`order=${order}&limit=${splitAt}`);
      const [first, second] = split;
      expect(first!.items.at(-1)!.occurredAt).toBe('2026-01-15T10:00:00.000Z');
      expect(second!.items[0]!.occurredAt).toBe('2026-01-15T10:00:00.000Z');
      expect(split.flatMap((p) => p.items.map((i) => i.streamRevision))).toEqual(revisions);
    },
  );

  it('pages within a filter', async () => {
    const pages = await allPages('types=PurchaseRecorded,ComplaintFiled,ComplaintAssessed&limit=2');
    expect(pages.flatMap((p) => p.items.map((i) => i.streamRevision))).toEqual([7, 2, 3, 4]);
    expect(pages).toHaveLength(2);
  });

  it('answers 401 without a key and 403 for a writer key', async () => {
    const unauthenticated = await request(t.app.getHttpServer()).get('/customers/tl-1/timeline').expect(401);
    expect(unauthenticated.body.code).toBe('UNAUTHENTICATED');
    const forbidden = await t.as('writer').get('/customers/tl-1/timeline').expect(403);
    expect(forbidden.body.code).toBe('FORBIDDEN');
    await t.as('admin').get('/customers/tl-1/timeline').expect(200);
  });

  it('answers 404 CUSTOMER_NOT_FOUND for an unknown customer', async () => {
    const response = await timeline('', 'nobody-here').expect(404);
    expect(response.body).toMatchObject({ code: 'CUSTOMER_NOT_FOUND', customerId: 'nobody-here' });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('["yesterday",1]').toString('base64url')}`, 'cursor'],
    [`cursor=${Buffer.from('["2026-01-01T00:00:00.000Z",-1]').toString('base64url')}`, 'cursor'],
    ['types=PurchaseRecorded,SomethingElse', 'types'],
    ['types=', 'types'],
    ['order=sideways', 'order'],
    ['from=yesterday', 'from'],
    ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'to'],
    ['page=2', 'page'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const response = await timeline(query).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.problems).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  });

  it('answers 400 for a malformed customer id', async () => {
    const response = await timeline('', 'bad%20id').expect(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ field: 'path:customerId' })]);
  });
});
