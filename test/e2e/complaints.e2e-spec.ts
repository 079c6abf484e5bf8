import request from 'supertest';
import { expectEventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

const HOUR_MS = 3_600_000;

interface Item {
  key: string;
  complaintId: string;
  customerId: string;
  state: string;
  category: string;
  severity: string;
  filedAt: string;
  assessedAt: string | null;
  verdict: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  reopenedCount: number;
  lastReopenedAt: string | null;
  satisfaction: number | null;
  minutesToAssess: number | null;
  minutesToResolve: number | null;
  assessTargetMinutes: number;
  resolveTargetMinutes: number;
  slaRulesVersion: string;
  assessBreached: boolean;
  resolveBreached: boolean;
  assessDueAt: string;
  resolveDueAt: string | null;
  breached: boolean;
  revision: number;
  lastCheckpoint: string;
}

interface Page {
  asOf: string;
  items: Item[];
  nextCursor: string | null;
}

/** Newest filing first. */
const ALL = ['cmp-fresh', 'cmp-on-time', 'cmp-open-late', 'cmp-reopened', 'cmp-late-assess'];

describeOnPostgresServer('GET /complaints on PostgreSQL server', () => {
  let t: TestApp;
  /** The business time the scenario is laid out from (filings are backdated from it). */
  const start = Date.now();
  const ago = (hours: number) => new Date(start - hours * HOUR_MS).toISOString();

  async function step(customerId: string, path: string, body: Record<string, unknown>): Promise<void> {
    await t
      .as('writer')
      .post(`/customers/${customerId}${path}`)
      .send(body)
      .expect((response) => expect([200, 201]).toContain(response.status));
  }

  async function file(customerId: string, complaintId: string, body: Record<string, unknown>): Promise<void> {
    await step(customerId, '/complaints', { complaintId, channel: 'email', description: 'It went wrong.', ...body });
  }

  async function list(query = ''): Promise<Page> {
    const response = await t.as('reader').get(`/complaints${query}`).expect(200);
    return response.body as Page;
  }

  const ids = (page: Page) => page.items.map((item) => item.complaintId);

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    for (const customerId of ['cust-a', 'cust-b']) {
      await writer
        .post('/customers')
        .send({ customerId, kind: 'individual', name: `Customer ${customerId}`, occurredAt: ago(24 * 30) })
        .expect(201);
    }
    // Critical, filed 3 days ago and never assessed: past both targets as of now, with nothing stored as missed.
    await file('cust-a', 'cmp-open-late', { category: 'delivery', severity: 'critical', occurredAt: ago(72) });
    // High, assessed after 48 h (target 24 h), resolved after 60 h (target 72 h), followed up, closed.
    await file('cust-a', 'cmp-late-assess', { category: 'billing', severity: 'high', occurredAt: ago(240) });
    const late = '/complaints/cmp-late-assess';
    await step('cust-a', `${late}/assessment`, { valid: true, reason: 'overcharged', occurredAt: ago(192) });
    await step('cust-a', `${late}/resolution-proposals`, { proposal: 'refund', occurredAt: ago(190) });
    await step('cust-a', `${late}/resolution`, { resolution: 'refunded', occurredAt: ago(180) });
    await step('cust-a', `${late}/follow-up`, { satisfaction: 3, occurredAt: ago(170) });
    await step('cust-a', `${late}/closure`, { occurredAt: ago(169) });
    // Critical, rejected within the hour, reopened an hour ago: its new clocks start at the reopening.
    await file('cust-a', 'cmp-reopened', { category: 'product', severity: 'critical', occurredAt: ago(120) });
    const reopen = '/complaints/cmp-reopened';
    await step('cust-a', `${reopen}/assessment`, { valid: false, reason: 'not ours', occurredAt: ago(119.5) });
    await step('cust-a', `${reopen}/reopening`, { reason: 'new evidence', occurredAt: ago(1) });
    // Low, rejected after a day (target 72 h) and closed: no resolution expected.
    await file('cust-b', 'cmp-on-time', { category: 'delivery', severity: 'low', occurredAt: ago(48) });
    await step('cust-b', '/complaints/cmp-on-time/assessment', {
      valid: false,
      reason: 'no fault',
      occurredAt: ago(24),
    });
    await step('cust-b', '/complaints/cmp-on-time/closure', { occurredAt: ago(23) });
    // Medium, filed now.
    await file('cust-b', 'cmp-fresh', { category: 'product', severity: 'medium' });

    await expectEventually(async () => {
      const page = await list();
      expect(page.items.map((item) => `${item.complaintId}:${item.state}`)).toEqual([
        'cmp-fresh:filed',
        'cmp-on-time:closed',
        'cmp-open-late:filed',
        'cmp-reopened:reopened',
        'cmp-late-assess:closed',
      ]);
    });
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('lists every complaint newest filing first, with its SLA targets, due times and breach as of the request', async () => {
    const before = Date.now();
    const page = await list();
    expect(Date.parse(page.asOf)).toBeGreaterThanOrEqual(before);
    expect(page.nextCursor).toBeNull();
    const byId = new Map(page.items.map((item) => [item.complaintId, item]));

    const openLate = byId.get('cmp-open-late')!;
    expect(openLate).toMatchObject({
      key: 'cust-a/cmp-open-late',
      customerId: 'cust-a',
      state: 'filed',
      category: 'delivery',
      severity: 'critical',
      filedAt: ago(72),
      assessedAt: null,
      minutesToAssess: null,
      assessTargetMinutes: 4 * 60,
      resolveTargetMinutes: 24 * 60,
      assessBreached: false,
      resolveBreached: false,
      breached: true,
      assessDueAt: ago(72 - 4),
      resolveDueAt: ago(72 - 24),
    });
    expect(openLate.slaRulesVersion).toMatch(/\S/);

    expect(byId.get('cmp-late-assess')).toMatchObject({
      state: 'closed',
      verdict: 'valid',
      assessedAt: ago(192),
      resolvedAt: ago(180),
      closedAt: ago(169),
      satisfaction: 3,
      minutesToAssess: 48 * 60,
      minutesToResolve: 60 * 60,
      assessTargetMinutes: 24 * 60,
      resolveTargetMinutes: 72 * 60,
      assessBreached: true,
      resolveBreached: false,
      breached: true,
    });

    expect(byId.get('cmp-reopened')).toMatchObject({
      state: 'reopened',
      reopenedCount: 1,
      lastReopenedAt: ago(1),
      assessedAt: null,
      verdict: null,
      assessDueAt: ago(1 - 4),
      resolveDueAt: ago(1 - 24),
      assessBreached: false,
      breached: false,
    });

    expect(byId.get('cmp-on-time')).toMatchObject({
      state: 'closed',
      verdict: 'rejected',
      minutesToAssess: 24 * 60,
      minutesToResolve: null,
      resolveDueAt: null,
      breached: false,
    });

    expect(byId.get('cmp-fresh')).toMatchObject({ state: 'filed', severity: 'medium', breached: false });
  });

  it.each([
    ['?slaBreached=true', ['cmp-open-late', 'cmp-late-assess']],
    ['?slaBreached=false', ['cmp-fresh', 'cmp-on-time', 'cmp-reopened']],
    ['?state=closed', ['cmp-on-time', 'cmp-late-assess']],
    ['?state=reopened', ['cmp-reopened']],
    ['?state=resolved', []],
    ['?category=delivery', ['cmp-on-time', 'cmp-open-late']],
    ['?severity=critical', ['cmp-open-late', 'cmp-reopened']],
    ['?customerId=cust-a', ['cmp-open-late', 'cmp-reopened', 'cmp-late-assess']],
    ['?customerId=cust-b&state=closed', ['cmp-on-time']],
    ['?category=delivery&slaBreached=true', ['cmp-open-late']],
    ['?category=product&slaBreached=false&severity=critical', ['cmp-reopened']],
    ['?customerId=nobody', []],
  ])('filters %s', async (query, expected) => {
    expect(ids(await list(query))).toEqual(expected);
  });

  it.each([
    ['', ALL],
    ['&slaBreached=false', ['cmp-fresh', 'cmp-on-time', 'cmp-reopened']],
  ])('pages through the list%s with the cursor, in the same order as one page', async (filter, expected) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page = await list(`?limit=2${filter}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(page));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));
  });

  it('answers 401 without a valid key and 403 to roles other than reader or admin', async () => {
    const app = t.app.getHttpServer();
    await request(app).get('/complaints').expect(401);
    await request(app).get('/complaints').set('Authorization', 'Bearer not-a-key-of-this-api').expect(401);
    const forbidden = await t.as('writer').get('/complaints').expect(403);
    expect(forbidden.body).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['reader'] });
    await t.as('auditor').get('/complaints').expect(403);
    await t.as('admin').get('/complaints').expect(200);
  });

  it.each([
    ['state=open', 'state'],
    ['state=', 'state'],
    ['state=filed&state=closed', 'state'],
    ['severity=urgent', 'severity'],
    ['category=', 'category'],
    [`category=${'x'.repeat(101)}`, 'category'],
    ['customerId=bad%20id', 'customerId'],
    ['slaBreached=yes', 'slaBreached'],
    ['slaBreached=1', 'slaBreached'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=2.5', 'limit'],
    ['cursor=not-a-cursor', 'cursor'],
    [`cursor=${Buffer.from('["yesterday","k"]').toString('base64url')}`, 'cursor'],
    ['colour=blue', 'colour'],
  ])('answers 400 naming the parameter for ?%s', async (query, field) => {
    const response = await t.as('reader').get(`/complaints?${query}`).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
  });
});
