import request from 'supertest';
import { startTestApp, TEST_KEYS, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

/**
 * The bad-input corpus: every case is answered 4xx, names the offending field
 * (or carries a code), and leaves the event store exactly as it was.
 */
interface BadCase {
  readonly name: string;
  readonly method: 'post' | 'put' | 'patch';
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
  /** A field the problems must name, or the error code. */
  readonly field?: string;
  readonly code?: string;
  readonly headers?: Record<string, string>;
  readonly raw?: boolean;
}

const line = { sku: 'A', category: 'c', quantity: 1, unitPriceMinor: 100 };
const order = { orderId: 'o-1', currency: 'EUR', channel: 'web', lines: [line] };
const complaint = (id: string) => `/customers/bad-1/complaints/${id}`;

const CASES: BadCase[] = [
  // Registration
  {
    name: 'unknown top-level field',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', vip: true },
    status: 400,
    field: 'vip',
  },
  {
    name: 'missing name',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual' },
    status: 400,
    field: 'name',
  },
  {
    name: 'empty name',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: '' },
    status: 400,
    field: 'name',
  },
  {
    name: 'name is a number',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 42 },
    status: 400,
    field: 'name',
  },
  {
    name: 'huge name',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'n'.repeat(5000) },
    status: 400,
    field: 'name',
  },
  {
    name: 'unknown kind',
    method: 'post',
    path: '/customers',
    body: { kind: 'robot', name: 'X' },
    status: 400,
    field: 'kind',
  },
  {
    name: 'malformed email',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', email: 'nope' },
    status: 400,
    field: 'email',
  },
  {
    name: 'malformed phone',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', phone: 'call me' },
    status: 400,
    field: 'phone',
  },
  {
    name: 'customer id with a slash',
    method: 'post',
    path: '/customers',
    body: { customerId: 'a/b', kind: 'individual', name: 'X' },
    status: 400,
    field: 'customerId',
  },
  {
    name: 'birth date in the future',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', birthDate: '2999-01-01' },
    status: 400,
    field: 'birthDate',
  },
  {
    name: 'impossible birth date',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', birthDate: '1990-02-30' },
    status: 400,
    field: 'birthDate',
  },
  {
    name: 'unknown gender',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', gender: 'robot' },
    status: 400,
    field: 'gender',
  },
  {
    name: 'bad country code',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', address: { country: 'England' } },
    status: 400,
    field: 'address.country',
  },
  {
    name: 'unknown field inside address',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', address: { planet: 'Mars' } },
    status: 400,
    field: 'address.planet',
  },
  {
    name: 'key person without role',
    method: 'post',
    path: '/customers',
    body: { kind: 'organisation', name: 'X', keyPeople: [{ name: 'Y', decisionMaker: true }] },
    status: 400,
    field: 'keyPeople.0.role',
  },
  {
    name: 'negative credit limit',
    method: 'post',
    path: '/customers',
    body: { kind: 'organisation', name: 'X', creditLimit: { amountMinor: -1, currency: 'EUR' } },
    status: 400,
    field: 'creditLimit.amountMinor',
  },
  {
    name: 'credit limit in an unknown currency',
    method: 'post',
    path: '/customers',
    body: { kind: 'organisation', name: 'X', creditLimit: { amountMinor: 1, currency: 'XYZ' } },
    status: 400,
    field: 'creditLimit.currency',
  },
  {
    name: 'organisation field on an individual',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', industry: 'steel' },
    status: 422,
    code: 'FIELD_NOT_APPLICABLE',
  },
  {
    name: 'registration far in the future',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', occurredAt: '2999-01-01T00:00:00Z' },
    status: 400,
    field: 'occurredAt',
  },
  {
    name: 'impossible business date',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', occurredAt: '2026-02-30T00:00:00Z' },
    status: 400,
    field: 'occurredAt',
  },
  {
    name: 'registering an existing customer',
    method: 'post',
    path: '/customers',
    body: { customerId: 'bad-1', kind: 'individual', name: 'X' },
    status: 409,
    code: 'CUSTOMER_ALREADY_REGISTERED',
  },
  // Profile, manager, preferences
  {
    name: 'clearing the name',
    method: 'patch',
    path: '/customers/bad-1/profile',
    body: { name: null },
    status: 422,
    code: 'NAME_REQUIRED',
  },
  {
    name: 'profile update with an unknown field',
    method: 'patch',
    path: '/customers/bad-1/profile',
    body: { shoeSize: 44 },
    status: 400,
    field: 'shoeSize',
  },
  {
    name: 'account manager id missing',
    method: 'put',
    path: '/customers/bad-1/account-manager',
    body: {},
    status: 400,
    field: 'accountManagerId',
  },
  {
    name: 'unknown contact channel preference',
    method: 'put',
    path: '/customers/bad-1/contact-preferences',
    body: { channels: { pigeon: false } },
    status: 400,
    field: 'channels.pigeon',
  },
  {
    name: 'preference not a boolean',
    method: 'put',
    path: '/customers/bad-1/contact-preferences',
    body: { channels: { phone: 'no' } },
    status: 400,
    field: 'channels.phone',
  },
  // Purchases and refunds
  {
    name: 'negative unit price',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, lines: [{ ...line, unitPriceMinor: -5 }] },
    status: 400,
    field: 'lines.0.unitPriceMinor',
  },
  {
    name: 'fractional money',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, lines: [{ ...line, unitPriceMinor: 9.99 }] },
    status: 400,
    field: 'lines.0.unitPriceMinor',
  },
  {
    name: 'money as a string',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, lines: [{ ...line, unitPriceMinor: '100' }] },
    status: 400,
    field: 'lines.0.unitPriceMinor',
  },
  {
    name: 'zero quantity',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, lines: [{ ...line, quantity: 0 }] },
    status: 400,
    field: 'lines.0.quantity',
  },
  {
    name: 'unknown currency',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, currency: 'EURO' },
    status: 400,
    field: 'currency',
  },
  {
    name: 'lower-case currency',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, currency: 'eur' },
    status: 400,
    field: 'currency',
  },
  {
    name: 'no lines',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, lines: [] },
    status: 400,
    field: 'lines',
  },
  {
    name: 'unknown purchase channel',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, channel: 'telepathy' },
    status: 400,
    field: 'channel',
  },
  {
    name: 'discount larger than the line',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, lines: [{ ...line, discountMinor: 101 }] },
    status: 422,
    code: 'DISCOUNT_EXCEEDS_PRICE',
  },
  {
    name: 'unknown field in a line',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, lines: [{ ...line, colour: 'red' }] },
    status: 400,
    field: 'lines.0.colour',
  },
  {
    name: 'duplicate order id',
    method: 'post',
    path: '/customers/bad-1/purchases',
    body: { ...order, orderId: 'paid-1' },
    status: 409,
    code: 'ORDER_ALREADY_RECORDED',
  },
  {
    name: 'refund over the paid amount',
    method: 'post',
    path: '/customers/bad-1/purchases/paid-1/refunds',
    body: { amountMinor: 1001 },
    status: 422,
    code: 'REFUND_EXCEEDS_PAID',
  },
  {
    name: 'negative refund',
    method: 'post',
    path: '/customers/bad-1/purchases/paid-1/refunds',
    body: { amountMinor: -10 },
    status: 400,
    field: 'amountMinor',
  },
  {
    name: 'refund of an unknown order',
    method: 'post',
    path: '/customers/bad-1/purchases/nope/refunds',
    body: { amountMinor: 1 },
    status: 422,
    code: 'ORDER_NOT_FOUND',
  },
  {
    name: 'malformed order id in the path',
    method: 'post',
    path: '/customers/bad-1/purchases/%20x/refunds',
    body: { amountMinor: 1 },
    status: 400,
    field: 'path:orderId',
  },
  // Contacts, surveys, feedback
  {
    name: 'unknown contact direction',
    method: 'post',
    path: '/customers/bad-1/contacts',
    body: { channel: 'email', direction: 'sideways', agent: 'a', topic: 't' },
    status: 400,
    field: 'direction',
  },
  {
    name: 'follow-up without a due date',
    method: 'post',
    path: '/customers/bad-1/contacts',
    body: { channel: 'email', direction: 'inbound', agent: 'a', topic: 't', followUp: { task: 'x' } },
    status: 400,
    field: 'followUp.dueAt',
  },
  {
    name: 'CSAT out of range',
    method: 'post',
    path: '/customers/bad-1/surveys',
    body: { method: 'online', csat: 6 },
    status: 400,
    field: 'csat',
  },
  {
    name: 'NPS out of range',
    method: 'post',
    path: '/customers/bad-1/surveys',
    body: { method: 'online', nps: 11 },
    status: 400,
    field: 'nps',
  },
  {
    name: 'CES out of range',
    method: 'post',
    path: '/customers/bad-1/surveys',
    body: { method: 'online', ces: 0 },
    status: 400,
    field: 'ces',
  },
  {
    name: 'unknown survey method',
    method: 'post',
    path: '/customers/bad-1/surveys',
    body: { method: 'telepathy', csat: 3 },
    status: 400,
    field: 'method',
  },
  {
    name: 'unknown feedback kind',
    method: 'post',
    path: '/customers/bad-1/feedback',
    body: { kind: 'rant', channel: 'web', text: 'x' },
    status: 400,
    field: 'kind',
  },
  // Complaints out of order
  {
    name: 'resolving a complaint that was only filed',
    method: 'post',
    path: `${complaint('cmp-open')}/resolution`,
    body: { resolution: 'x' },
    status: 409,
    code: 'COMPLAINT_TRANSITION_NOT_ALLOWED',
  },
  {
    name: 'closing a complaint that was only filed',
    method: 'post',
    path: `${complaint('cmp-open')}/closure`,
    body: {},
    status: 409,
    code: 'COMPLAINT_TRANSITION_NOT_ALLOWED',
  },
  {
    name: 'reopening an open complaint',
    method: 'post',
    path: `${complaint('cmp-open')}/reopening`,
    body: { reason: 'x' },
    status: 409,
    code: 'COMPLAINT_TRANSITION_NOT_ALLOWED',
  },
  {
    name: 'follow-up satisfaction out of range',
    method: 'post',
    path: `${complaint('cmp-open')}/follow-up`,
    body: { satisfaction: 9 },
    status: 400,
    field: 'satisfaction',
  },
  {
    name: 'unknown severity',
    method: 'post',
    path: '/customers/bad-1/complaints',
    body: { category: 'x', severity: 'apocalyptic', channel: 'email', description: 'y' },
    status: 400,
    field: 'severity',
  },
  {
    name: 'assessment without a verdict',
    method: 'post',
    path: `${complaint('cmp-open')}/assessment`,
    body: { reason: 'x' },
    status: 400,
    field: 'valid',
  },
  // Bodies and headers
  {
    name: 'malformed JSON',
    method: 'post',
    path: '/customers',
    body: '{"kind": "individual", "name": ',
    status: 400,
    code: 'MALFORMED_BODY',
    raw: true,
  },
  {
    name: 'a JSON array instead of an object',
    method: 'post',
    path: '/customers',
    body: '[1,2,3]',
    status: 400,
    raw: true,
  },
  {
    name: 'a body over the size limit',
    method: 'post',
    path: '/customers',
    body: { kind: 'individual', name: 'X', attitude: 'a'.repeat(300_000) },
    status: 413,
    code: 'BODY_TOO_LARGE',
  },
  {
    name: 'a malformed If-Match',
    method: 'post',
    path: '/customers/bad-1/feedback',
    body: { kind: 'praise', channel: 'web', text: 'x' },
    status: 400,
    field: 'header:If-Match',
    headers: { 'If-Match': 'yesterday' },
  },
  {
    name: 'a malformed Idempotency-Key',
    method: 'post',
    path: '/customers/bad-1/feedback',
    body: { kind: 'praise', channel: 'web', text: 'x' },
    status: 400,
    field: 'header:Idempotency-Key',
    headers: { 'Idempotency-Key': 'has spaces in it' },
  },
];

describeOnPostgresServer('bad-input corpus on PostgreSQL server', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    await writer.post('/customers').send({ customerId: 'bad-1', kind: 'individual', name: 'Target' }).expect(201);
    await writer
      .post('/customers/bad-1/purchases')
      .send({ ...order, orderId: 'paid-1', lines: [{ ...line, unitPriceMinor: 1000 }] })
      .expect(201);
    await writer
      .post('/customers/bad-1/complaints')
      .send({ complaintId: 'cmp-open', category: 'x', severity: 'low', channel: 'email', description: 'y' })
      .expect(201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('has at least 40 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(40);
  });

  it.each(CASES.map((c) => [c.name, c] as const))(
    'refuses %s with a named 4xx and appends nothing',
    async (_name, c) => {
      const before = await t.eventCount();
      let call = request(t.app.getHttpServer())[c.method](c.path).set('Authorization', `Bearer ${TEST_KEYS.writer}`);
      for (const [header, value] of Object.entries(c.headers ?? {})) call = call.set(header, value);
      if (c.raw) call = call.set('Content-Type', 'application/json');
      const response = await call.send(c.body as object);
      expect(response.status).toBe(c.status);
      expect(response.status).toBeLessThan(500);
      if (c.field) {
        const fields = ((response.body.problems ?? []) as Array<{ field: string; rule: string }>).map((p) => p.field);
        expect(fields).toContain(c.field);
        for (const problem of response.body.problems as Array<{ rule: string; message: string }>) {
          expect(problem.rule).toEqual(expect.any(String));
          expect(problem.message).toEqual(expect.any(String));
        }
      }
      if (c.code) expect(response.body.code).toBe(c.code);
      expect(await t.eventCount()).toBe(before);
    },
  );
});
