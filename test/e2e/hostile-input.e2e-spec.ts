import { brotliCompressSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { startTestApp, TEST_KEYS, type TestApp } from '../support/test-app';
import { COMMAND_SAMPLES as COMMANDS, stringFields, type Json, type Method } from '../support/command-samples';
import { describeOnPostgresServer } from '../support/server-suites';

/**
 * The hostile-input corpus, generated: every string field of every command
 * (nested ones included) × every string the store cannot keep, every query
 * parameter of every reader route × the same strings, and the body-level
 * attacks (depth, duplicate keys, prototype keys, encodings, UTF-8). Each
 * case is a 4xx that names the field or carries a code, never a 5xx, and
 * the event count does not move.
 */

const HOSTILE: ReadonlyArray<readonly [string, string]> = [
  ['a NUL character', 'ab\u0000cd'],
  ['an unpaired high surrogate', 'ab\ud800cd'],
  ['an unpaired low surrogate', '\udc00'],
];

/** The same in a URL: percent-encoded UTF-8 cannot hold a surrogate, so it comes as bytes that are not UTF-8. */
const HOSTILE_IN_URLS: ReadonlyArray<readonly [string, string]> = [
  ['a NUL character', 'ab%00cd'],
  ['an encoded surrogate (not UTF-8)', 'ab%ED%A0%80cd'],
  ['bytes that are not UTF-8', '%C3%28'],
];

/** Reader routes and their query parameters (each gets every hostile string). */
const QUERIES: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    '/customers',
    [
      'stage',
      'segment',
      'rfmSegment',
      'abcClass',
      'pyramidTier',
      'quadrant',
      'accountManagerId',
      'region',
      'sort',
      'cursor',
      'minCheckpoint',
    ],
  ],
  ['/customers/h-1', ['asOf', 'minCheckpoint']],
  ['/customers/h-1/timeline', ['from', 'to', 'types', 'cursor', 'minCheckpoint']],
  ['/customers/h-1/lifecycle-history', ['asOf', 'minCheckpoint']],
  ['/customers/h-1/recommendations', ['level', 'minCheckpoint']],
  ['/customers/h-1/history', ['types', 'from', 'to']],
  ['/customers/h-1/state', ['asOf', 'knownAt']],
  ['/complaints', ['state', 'category', 'severity', 'customerId', 'cursor']],
  ['/alerts/churn', ['accountManagerId', 'region', 'cursor']],
  ['/analytics/summary', ['from', 'to']],
  [
    '/analytics/revenue?from=2025-01-01&to=2025-02-01&',
    ['groupBy', 'currency', 'region', 'category', 'channel', 'accountManager', 'segment'],
  ],
  ['/analytics/association-rules', ['level', 'basket']],
  ['/events', ['after', 'streamPrefix', 'type']],
];

interface BodyCase {
  readonly name: string;
  readonly method: Method;
  readonly path: string;
  readonly body: Json;
  /** The field the problems must name. */
  readonly field: string;
}

const FIELD_CASES: BodyCase[] = COMMANDS.flatMap(([route, method, path, body]) =>
  stringFields(body).flatMap(({ field, replace }) =>
    HOSTILE.map(([label, value]) => ({
      name: `${route}: ${field} with ${label}`,
      method,
      path,
      body: replace(value),
      field,
    })),
  ),
);

const KEY_CASES: BodyCase[] = COMMANDS.flatMap(([route, method, path, body]) =>
  HOSTILE.map(([label, value]) => ({
    name: `${route}: a key with ${label}`,
    method,
    path,
    body: { ...body, [`k${value}`]: 1 },
    field: `k${value}`,
  })),
);

const QUERY_CASES = QUERIES.flatMap(([path, params]) =>
  params.flatMap((param) =>
    HOSTILE_IN_URLS.map(([label, value]) => ({
      name: `GET ${path.split('?')[0]} ${param} with ${label}`,
      url: `${path}${path.includes('?') ? '' : '?'}${param}=${value}`,
      field: `query:${param}`,
    })),
  ),
);

const PATH_CASES = [
  ...HOSTILE_IN_URLS.map(([label, value]) => ({
    name: `GET a customer id with ${label}`,
    method: 'get' as const,
    url: `/customers/${value}`,
  })),
  ...HOSTILE_IN_URLS.map(([label, value]) => ({
    name: `POST a purchase for a customer id with ${label}`,
    method: 'post' as const,
    url: `/customers/${value}/purchases`,
  })),
];

/** Instants outside the supported range (1900-01-01 … 2199-12-31), or without an offset, wherever one is asked for. */
const BAD_INSTANTS = [
  '0000-01-01T00:00:00Z',
  '1899-12-31T23:59:59Z',
  '2200-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '2024-03-01T10:15:00',
];
const DATE_QUERY_CASES = [
  ...BAD_INSTANTS.flatMap((instant) => [
    { url: `/customers/h-1?asOf=${encodeURIComponent(instant)}`, field: 'asOf' },
    { url: `/customers/h-1/lifecycle-history?asOf=${encodeURIComponent(instant)}`, field: 'asOf' },
    { url: `/customers/h-1/state?asOf=${encodeURIComponent(instant)}`, field: 'asOf' },
    { url: `/customers/h-1/timeline?from=${encodeURIComponent(instant)}`, field: 'from' },
    { url: `/customers/h-1/history?to=${encodeURIComponent(instant)}`, field: 'to' },
    { url: `/analytics/summary?from=${encodeURIComponent(instant)}`, field: 'from' },
  ]),
  { url: '/analytics/revenue?from=0000-01-01&to=0001-01-01', field: 'from' },
  { url: '/analytics/revenue?from=1899-01-01&to=1899-06-01', field: 'from' },
  { url: '/analytics/revenue?from=2199-01-01&to=2200-01-01', field: 'to' },
  { url: '/analytics/revenue?from=9999-01-01&to=9999-06-01', field: 'from' },
].map((c) => ({ ...c, name: `GET ${c.url}` }));
const DATE_COMMAND_CASES = BAD_INSTANTS.slice(0, 2).flatMap((instant) =>
  COMMANDS.filter(([route]) => route !== 'RegisterCustomer (individual)').map(([route, method, path, body]) => ({
    name: `${route} with occurredAt ${instant}`,
    method,
    path,
    body: { ...body, occurredAt: instant },
  })),
);

/** Raw bodies: what a JSON library would never send. */
interface RawCase {
  readonly name: string;
  readonly body: Buffer | string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  readonly field?: string;
}

const nested = (depth: number, inner: string) => '{"a":'.repeat(depth) + inner + '}'.repeat(depth);
const register = '{"kind":"individual","name":"Raw"}';
const RAW_CASES: RawCase[] = [
  {
    name: 'JSON nested 5,000 levels at the top',
    body: '['.repeat(5000) + ']'.repeat(5000),
    status: 400,
    code: 'VALIDATION_FAILED',
    field: Array.from({ length: 32 }, () => '0').join('.'),
  },
  {
    name: 'a field nested 10,000 levels',
    body: `{"kind":"individual","name":"X","attitude":${nested(10_000, '1')}}`,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'an array nested 33 levels in a field',
    body: `{"kind":"individual","name":"X","preferences":${'['.repeat(33)}${']'.repeat(33)}}`,
    status: 400,
    code: 'VALIDATION_FAILED',
  },
  {
    name: 'a duplicate key',
    body: '{"kind":"individual","name":"A","name":"B"}',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  {
    name: 'a duplicate key in a nested object',
    body: '{"kind":"individual","name":"A","address":{"city":"x","city":"y"}}',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'address.city',
  },
  {
    name: 'a duplicate key written with an escape',
    body: '{"kind":"individual","name":"A","n\\u0061me":"B"}',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'name',
  },
  {
    name: '__proto__ at the top',
    body: '{"kind":"individual","name":"A","__proto__":{"polluted":true}}',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '__proto__',
  },
  {
    name: '__proto__ written with escapes',
    body: '{"kind":"individual","name":"A","__pro\\u0074o__":{"polluted":true}}',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: '__proto__',
  },
  {
    name: 'constructor in a nested object',
    body: '{"kind":"individual","name":"A","address":{"constructor":{"prototype":{"polluted":true}}}}',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'address.constructor',
  },
  {
    name: 'prototype in an array element',
    body: '{"kind":"organisation","name":"A","keyPeople":[{"name":"x","role":"y","prototype":1}]}',
    status: 400,
    code: 'VALIDATION_FAILED',
    field: 'keyPeople.0.prototype',
  },
  {
    name: 'invalid UTF-8',
    body: Buffer.concat([Buffer.from('{"kind":"individual","name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]),
    status: 400,
    code: 'MALFORMED_BODY',
  },
  {
    name: 'a UTF-8 encoded surrogate (CESU)',
    body: Buffer.concat([
      Buffer.from('{"kind":"individual","name":"'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]),
    status: 400,
    code: 'MALFORMED_BODY',
  },
  {
    name: 'a raw NUL byte inside a string',
    body: Buffer.concat([Buffer.from('{"kind":"individual","name":"a'), Buffer.from([0]), Buffer.from('"}')]),
    status: 400,
    code: 'MALFORMED_BODY',
  },
  { name: 'a JSON string at the top', body: '"hello"', status: 400, code: 'MALFORMED_BODY' },
  { name: 'a JSON number at the top', body: '42', status: 400, code: 'MALFORMED_BODY' },
  { name: 'truncated JSON', body: '{"kind":"individual","name":', status: 400, code: 'MALFORMED_BODY' },
  {
    name: 'gzip declared, plain body',
    body: register,
    headers: { 'Content-Encoding': 'gzip' },
    status: 400,
    code: 'MALFORMED_BODY',
  },
  {
    name: 'br declared, plain body',
    body: register,
    headers: { 'Content-Encoding': 'br' },
    status: 400,
    code: 'MALFORMED_BODY',
  },
  {
    name: 'deflate declared, plain body',
    body: register,
    headers: { 'Content-Encoding': 'deflate' },
    status: 400,
    code: 'MALFORMED_BODY',
  },
  {
    name: 'an unknown encoding',
    body: register,
    headers: { 'Content-Encoding': 'zstd' },
    status: 415,
    code: 'UNSUPPORTED_ENCODING',
  },
  {
    name: 'a compress encoding',
    body: register,
    headers: { 'Content-Encoding': 'compress' },
    status: 415,
    code: 'UNSUPPORTED_ENCODING',
  },
  {
    name: 'a latin-1 charset',
    body: register,
    headers: { 'Content-Type': 'application/json; charset=latin1' },
    status: 415,
    code: 'UNSUPPORTED_ENCODING',
  },
  {
    name: 'a gzip bomb (1 MB of zeros)',
    body: gzipSync(Buffer.alloc(1_000_000, 0x20)),
    headers: { 'Content-Encoding': 'gzip' },
    status: 413,
    code: 'BODY_TOO_LARGE',
  },
];

describeOnPostgresServer('hostile-input corpus on PostgreSQL server', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    const writer = t.as('writer');
    await writer.post('/customers').send({ customerId: 'h-1', kind: 'individual', name: 'Target' }).expect(201);
    await writer
      .post('/customers/h-1/purchases')
      .send({
        orderId: 'paid-1',
        currency: 'EUR',
        channel: 'web',
        lines: [{ sku: 'A', category: 'c', quantity: 1, unitPriceMinor: 1000 }],
      })
      .expect(201);
    await writer
      .post('/customers/h-1/complaints')
      .send({ complaintId: 'cmp-1', category: 'x', severity: 'low', channel: 'email', description: 'y' })
      .expect(201);
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('has more than 200 generated cases', () => {
    expect(
      FIELD_CASES.length + KEY_CASES.length + QUERY_CASES.length + PATH_CASES.length + RAW_CASES.length,
    ).toBeGreaterThan(200);
  });

  it('accepts each valid body of the corpus unchanged (so each refusal below is the hostile string’s doing)', async () => {
    // Checked on a customer of its own, so the corpus customer keeps its state.
    await t.as('writer').post('/customers').send({ customerId: 'v-1', kind: 'individual', name: 'Valid' }).expect(201);
    await t
      .as('writer')
      .post('/customers/v-1/purchases')
      .send({
        orderId: 'paid-1',
        currency: 'EUR',
        channel: 'web',
        lines: [{ sku: 'A', category: 'c', quantity: 1, unitPriceMinor: 1000 }],
      })
      .expect(201);
    await t
      .as('writer')
      .post('/customers/v-1/complaints')
      .send({ complaintId: 'cmp-1', category: 'x', severity: 'low', channel: 'email', description: 'y' })
      .expect(201);
    for (const [route, method, path, body] of COMMANDS) {
      const response = await t.as('writer')[method](path.replace('/h-1', '/v-1')).send(body);
      expect([route, response.status < 300]).toEqual([route, true]);
    }
  });

  it.each(FIELD_CASES.map((c) => [c.name, c] as const))('refuses %s with 400 naming it', async (_name, c) => {
    const before = await t.eventCount();
    const writer = t.as('writer');
    const response = await writer[c.method](c.path).send(c.body as object);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect((response.body.problems as Array<{ field: string }>).map((p) => p.field)).toContain(c.field);
    expect(await t.eventCount()).toBe(before);
  });

  it.each(KEY_CASES.map((c) => [c.name, c] as const))('refuses %s with 400', async (_name, c) => {
    const before = await t.eventCount();
    const writer = t.as('writer');
    const response = await writer[c.method](c.path).send(c.body as object);
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ field: c.field, rule: 'storableText' })]);
    expect(await t.eventCount()).toBe(before);
  });

  it.each(QUERY_CASES.map((c) => [c.name, c] as const))('refuses %s with 400 naming it', async (_name, c) => {
    const response = await t.as('admin').get(c.url);
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ field: c.field })]);
  });

  it.each(DATE_QUERY_CASES.map((c) => [c.name, c] as const))(
    'refuses %s with 400 naming the parameter',
    async (_name, c) => {
      const response = await t.as('admin').get(c.url);
      expect(response.status).toBe(400);
      expect((response.body.problems as Array<{ field: string }>).map((p) => p.field)).toContain(c.field);
    },
  );

  it.each(DATE_COMMAND_CASES.map((c) => [c.name, c] as const))(
    'refuses %s with 400 naming occurredAt',
    async (_name, c) => {
      const before = await t.eventCount();
      const response = await t.as('writer')[c.method](c.path).send(c.body);
      expect(response.status).toBe(400);
      expect((response.body.problems as Array<{ field: string }>).map((p) => p.field)).toContain('occurredAt');
      expect(await t.eventCount()).toBe(before);
    },
  );

  it.each(PATH_CASES.map((c) => [c.name, c] as const))('refuses %s with 400', async (_name, c) => {
    const before = await t.eventCount();
    const response = await t.as('admin')[c.method](c.url).send({});
    expect(response.status).toBe(400);
    expect(response.body.problems).toEqual([expect.objectContaining({ field: 'path' })]);
    expect(await t.eventCount()).toBe(before);
  });

  it.each(RAW_CASES.map((c) => [c.name, c] as const))('refuses %s', async (_name, c) => {
    const before = await t.eventCount();
    let call = request(t.app.getHttpServer())
      .post('/customers')
      .set('Authorization', `Bearer ${TEST_KEYS.writer}`)
      .set('Content-Type', 'application/json');
    for (const [header, value] of Object.entries(c.headers ?? {})) call = call.set(header, value);
    // Sent as given: superagent would write a Buffer as JSON of its bytes.
    const response = await call.serialize((raw: unknown) => raw as string).send(c.body);
    expect(response.status).toBe(c.status);
    expect(response.body.code).toBe(c.code);
    if (c.field) expect(response.body.problems).toEqual([expect.objectContaining({ field: c.field })]);
    expect(JSON.stringify(response.body)).not.toMatch(/\n\s+at /);
    expect(await t.eventCount()).toBe(before);
  });

  it('leaves every prototype as it was after bodies that try to pollute them', async () => {
    const probe = {} as Record<string, unknown>;
    for (const body of [
      '{"kind":"individual","name":"A","__proto__":{"polluted":true}}',
      '{"kind":"individual","name":"A","constructor":{"prototype":{"polluted":true}}}',
      '{"kind":"organisation","name":"A","keyPeople":[{"__proto__":{"polluted":true},"name":"x","role":"y"}]}',
    ]) {
      await request(t.app.getHttpServer())
        .post('/customers')
        .set('Authorization', `Bearer ${TEST_KEYS.writer}`)
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
    }
    expect(probe.polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
      Object.getOwnPropertyNames(Object.getPrototypeOf({})).sort(),
    );
  });

  describe('decisions on well-formed variants', () => {
    const send = (body: Buffer | string, headers: Record<string, string> = {}) => {
      let call = request(t.app.getHttpServer())
        .post('/customers')
        .set('Authorization', `Bearer ${TEST_KEYS.writer}`)
        .set('Content-Type', 'application/json');
      for (const [header, value] of Object.entries(headers)) call = call.set(header, value);
      return call.serialize((raw: unknown) => raw as string).send(body);
    };

    it('ignores a byte-order mark before the JSON (RFC 8259 §8.1 allows a parser to)', async () => {
      const response = await send(
        Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"kind":"individual","name":"BOM"}')]),
      );
      expect(response.status).toBe(201);
    });

    it('accepts a gzip, deflate or br body and a body with a UTF-8 charset', async () => {
      const body = (name: string) => Buffer.from(JSON.stringify({ kind: 'individual', name }));
      expect((await send(gzipSync(body('gzip')), { 'Content-Encoding': 'gzip' })).status).toBe(201);
      expect((await send(brotliCompressSync(body('br')), { 'Content-Encoding': 'br' })).status).toBe(201);
      expect((await send(body('utf8'), { 'Content-Type': 'application/json; charset=UTF-8' })).status).toBe(201);
    });

    it('keeps a paired surrogate (an emoji) and other text exactly', async () => {
      const name = 'Zoë 😀 \u2028 «tab\t»';
      const response = await send(JSON.stringify({ customerId: 'emoji-1', kind: 'individual', name })).expect(201);
      const [event] = await t.store.readStream('customer-emoji-1');
      expect(event!.data.profile).toMatchObject({ name });
      expect(response.body.customerId).toBe('emoji-1');
    });
  });
});
