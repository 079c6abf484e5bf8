import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { DATA_SOURCE, loadCrmConfig, type CrmConfig } from '@crm/platform';
import type { DataSource } from 'typeorm';
import { createApp } from '../../apps/api/src/create-app';
import { createScratchDatabase, postgresServerUnavailable } from '../support/databases';
import { expectEventually } from '../support/eventually';

const WRITER = { Authorization: 'Bearer walking-skeleton-writer-key' };
const READER = { Authorization: 'Bearer walking-skeleton-reader-key' };
const CRM_API_KEYS = 'writer:walking-skeleton-writer-key,reader:walking-skeleton-reader-key';

interface Mode {
  readonly name: string;
  readonly setUp: () => Promise<{ config: CrmConfig; tearDown(): Promise<void> }>;
}

const modes: Mode[] = [
  {
    name: 'embedded PGlite',
    setUp: async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'crm-e2e-'));
      return {
        config: loadCrmConfig({
          CRM_DATA_DIR: dataDir,
          PORT: '0',
          LOG_LEVEL: 'error',
          CRM_POLL_INTERVAL_MS: '50',
          CRM_API_KEYS,
        }),
        tearDown: async () => rmSync(dataDir, { recursive: true, force: true }),
      };
    },
  },
];
if (!postgresServerUnavailable()) {
  modes.push({
    name: 'PostgreSQL server',
    setUp: async () => {
      const database = await createScratchDatabase('e2e');
      return {
        config: loadCrmConfig({
          DATABASE_URL: database.url,
          PORT: '0',
          LOG_LEVEL: 'error',
          CRM_POLL_INTERVAL_MS: '50',
          CRM_API_KEYS,
        }),
        tearDown: () => database.drop(),
      };
    },
  });
}

/** Events committed to the store, counted directly. */
async function countEvents(app: INestApplication): Promise<number> {
  const rows: Array<{ n: number }> = await app
    .get<DataSource>(DATA_SOURCE)
    .query('SELECT count(*)::int AS n FROM es_events');
  return rows[0]!.n;
}

describe.each(modes)('walking skeleton on $name', ({ setUp }) => {
  let app: INestApplication;
  let tearDown: () => Promise<void>;

  beforeAll(async () => {
    const environment = await setUp();
    tearDown = environment.tearDown;
    app = await createApp(environment.config);
    await app.init();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await tearDown?.();
  }, 60_000);

  it('registers a customer, projects it, and serves the read model', async () => {
    const created = await request(app.getHttpServer())
      .post('/customers')
      .set(WRITER)
      .send({
        customerId: 'c-1001',
        kind: 'individual',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        region: 'London',
      })
      .expect(201);
    expect(created.body).toMatchObject({ customerId: 'c-1001', revision: 0 });
    expect(created.body.eventIds).toHaveLength(1);
    expect(typeof created.body.checkpoint).toBe('string');
    expect(created.headers.etag).toBe('"0"');
    expect(created.headers.location).toBe('/customers/c-1001');

    const customer = await expectEventually(async () => {
      const response = await request(app.getHttpServer()).get('/customers/c-1001').set(READER).expect(200);
      return response.body as Record<string, unknown>;
    });
    expect(customer).toMatchObject({
      customerId: 'c-1001',
      kind: 'individual',
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      region: 'London',
      status: 'active',
      revision: 0,
      lastCheckpoint: created.body.checkpoint,
    });

    await expectEventually(async () => {
      const health = await request(app.getHttpServer()).get('/health').set(READER).expect(200);
      expect(health.body).toMatchObject({ status: 'ok', store: { ok: true }, database: { ok: true } });
      expect(health.body.projections[0]).toMatchObject({ name: 'customer_summary', lagEvents: 0, lagSeconds: 0 });
    });
  });

  it('refuses a second registration of the same customer with a coded 409 and appends nothing', async () => {
    await request(app.getHttpServer())
      .post('/customers')
      .set(WRITER)
      .send({ customerId: 'c-2001', kind: 'organisation', name: 'Acme Ltd' })
      .expect(201);
    const before = await expectEventually(async () => {
      const n = await countEvents(app);
      expect(n).toBeGreaterThan(0);
      return n;
    });
    const again = await request(app.getHttpServer())
      .post('/customers')
      .set(WRITER)
      .send({ customerId: 'c-2001', kind: 'organisation', name: 'Acme Ltd' })
      .expect(409);
    expect(again.body).toMatchObject({ code: 'CUSTOMER_ALREADY_REGISTERED', customerId: 'c-2001' });
    expect(await countEvents(app)).toBe(before);
  });

  it('answers a retried command with the same Idempotency-Key like the first time, appending nothing', async () => {
    const send = () =>
      request(app.getHttpServer())
        .post('/customers')
        .set(WRITER)
        .set('Idempotency-Key', 'register-c-3001-attempt')
        .send({ customerId: 'c-3001', kind: 'individual', name: 'Grace Hopper' });
    const first = await send().expect(201);
    const before = await countEvents(app);
    const retry = await send().expect(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await countEvents(app)).toBe(before);
  });

  it.each([
    ['an unknown field', { kind: 'individual', name: 'X', favouriteColour: 'blue' }, 'favouriteColour'],
    ['a missing name', { kind: 'individual' }, 'name'],
    ['an unknown kind', { kind: 'robot', name: 'X' }, 'kind'],
    ['a name of the wrong type', { kind: 'individual', name: 42 }, 'name'],
    ['an over-long name', { kind: 'individual', name: 'x'.repeat(201) }, 'name'],
    ['a malformed email', { kind: 'individual', name: 'X', email: 'not-an-email' }, 'email'],
    ['a malformed customer id', { customerId: '../etc', kind: 'individual', name: 'X' }, 'customerId'],
    [
      'a registration time far in the future',
      { kind: 'individual', name: 'X', registeredAt: '2999-01-01T00:00:00Z' },
      'registeredAt',
    ],
    ['an impossible date', { kind: 'individual', name: 'X', registeredAt: '2026-02-30T00:00:00Z' }, 'registeredAt'],
  ])('refuses %s with a 400 naming the field, and appends nothing', async (_label, body, field) => {
    const before = await countEvents(app);
    const response = await request(app.getHttpServer()).post('/customers').set(WRITER).send(body).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.problems.map((p: { field: string }) => p.field)).toContain(field);
    expect(await countEvents(app)).toBe(before);
  });

  it('refuses malformed JSON and oversized bodies with a 4xx, not a 500', async () => {
    const malformed = await request(app.getHttpServer())
      .post('/customers')
      .set(WRITER)
      .set('Content-Type', 'application/json')
      .send('{"kind": "individual", "name": ')
      .expect(400);
    expect(malformed.body.code).toBe('MALFORMED_BODY');
    const huge = await request(app.getHttpServer())
      .post('/customers')
      .set(WRITER)
      .send({ kind: 'individual', name: 'X', region: 'y'.repeat(300_000) })
      .expect(413);
    expect(huge.body.code).toBe('BODY_TOO_LARGE');
  });

  it('answers 404 for an unknown customer and 400 for a malformed id', async () => {
    const missing = await request(app.getHttpServer()).get('/customers/nobody-here').set(READER).expect(404);
    expect(missing.body.code).toBe('CUSTOMER_NOT_FOUND');
    await request(app.getHttpServer()).get('/customers/bad%20id').set(READER).expect(400);
  });
});
