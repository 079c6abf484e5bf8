import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { EventStore } from '@crm/event-store';
import { EVENT_STORE, loadCrmConfig } from '@crm/platform';
import { createApp } from '../../apps/api/src/create-app';
import { expectEventually } from '../support/eventually';

const KEYS = {
  writer: 'e2e-writer-key-0123456789',
  reader: 'e2e-reader-key-0123456789',
  auditor: 'e2e-auditor-key-012345678',
  admin: 'e2e-admin-key-01234567890',
};
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

async function startApp(env: Record<string, string>): Promise<{ app: INestApplication; tearDown(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-e2e-auth-'));
  const app = await createApp(
    loadCrmConfig({ CRM_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'error', CRM_POLL_INTERVAL_MS: '50', ...env }),
  );
  await app.init();
  return {
    app,
    tearDown: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('API-key authentication on embedded PGlite', () => {
  let app: INestApplication;
  let tearDown: () => Promise<void>;

  beforeAll(async () => {
    ({ app, tearDown } = await startApp({
      CRM_API_KEYS: Object.entries(KEYS)
        .map(([role, key]) => `${role}:${key}`)
        .join(','),
    }));
  }, 60_000);

  afterAll(async () => {
    await tearDown?.();
  }, 60_000);

  const register = (customerId: string) => ({ customerId, kind: 'individual', name: 'Ada Lovelace' });

  it.each([
    ['no Authorization header', {}, /an API key is required/],
    ['a wrong key', bearer('not-a-known-key-0123456789'), /not valid/],
    ['a malformed header', { Authorization: `Basic ${KEYS.writer}` }, /must be Bearer <key>/],
    ['a scheme without a key', { Authorization: 'Bearer' }, /must be Bearer <key>/],
  ])('answers 401 to %s, with WWW-Authenticate and without echoing the header', async (_label, headers, message) => {
    for (const call of [
      request(app.getHttpServer()).post('/customers').set(headers).send(register('c-401')),
      request(app.getHttpServer()).get('/customers/c-401').set(headers),
      request(app.getHttpServer()).get('/health').set(headers),
    ]) {
      const response = await call.expect(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer\b/);
      expect(response.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        code: 'UNAUTHENTICATED',
        message: expect.stringMatching(message),
      });
      expect(response.text).not.toContain('0123456789');
    }
  });

  it('answers 401 before reading the body or looking up the route', async () => {
    await request(app.getHttpServer())
      .post('/customers')
      .set('Content-Type', 'application/json')
      .send('{"kind": ')
      .expect(401);
    await request(app.getHttpServer()).get('/no-such-route').expect(401);
    await request(app.getHttpServer()).get('/no-such-route').set(bearer(KEYS.reader)).expect(404);
  });

  it('answers 403 naming the required role to a reader that sends a command, and appends nothing', async () => {
    const response = await request(app.getHttpServer())
      .post('/customers')
      .set(bearer(KEYS.reader))
      .send(register('c-403'))
      .expect(403);
    expect(response.body).toMatchObject({ statusCode: 403, error: 'Forbidden', code: 'FORBIDDEN' });
    expect(response.body.message).toContain('writer');
    const store = app.get<EventStore>(EVENT_STORE);
    await expect(store.readStream('customer-c-403')).rejects.toThrow();
  });

  it('answers 403 to an auditor on commands and queries', async () => {
    await request(app.getHttpServer()).post('/customers').set(bearer(KEYS.auditor)).send(register('c-aud')).expect(403);
    await request(app.getHttpServer()).get('/customers/c-aud').set(bearer(KEYS.auditor)).expect(403);
  });

  it('accepts a writer command (recording the key fingerprint as actor) and a reader query', async () => {
    await request(app.getHttpServer()).post('/customers').set(bearer(KEYS.writer)).send(register('c-201')).expect(201);
    const [event] = await app.get<EventStore>(EVENT_STORE).readStream('customer-c-201');
    const fingerprint = createHash('sha256').update(KEYS.writer).digest('hex').slice(0, 12);
    expect(event.metadata.actor).toBe(`writer-key:${fingerprint}`);
    expect(JSON.stringify(event)).not.toContain(KEYS.writer);

    await expectEventually(() =>
      request(app.getHttpServer()).get('/customers/c-201').set(bearer(KEYS.reader)).expect(200),
    );
    await request(app.getHttpServer()).get('/customers/c-201').set(bearer(KEYS.writer)).expect(403);
  });

  it('lets an admin send commands and queries', async () => {
    await request(app.getHttpServer()).post('/customers').set(bearer(KEYS.admin)).send(register('c-adm')).expect(201);
    await expectEventually(() =>
      request(app.getHttpServer()).get('/customers/c-adm').set(bearer(KEYS.admin)).expect(200),
    );
  });

  it.each(Object.keys(KEYS) as Array<keyof typeof KEYS>)('lets a %s key read /health', async (role) => {
    await request(app.getHttpServer()).get('/health').set(bearer(KEYS[role])).expect(200);
  });

  it.each(['/docs-json', '/docs-yaml', '/docs', '/docs/', '/docs/swagger-ui-init.js', '/DOCS-JSON', '/docs-json/'])(
    'serves %s only with a key',
    async (path) => {
      const refused = await request(app.getHttpServer()).get(path).expect(401);
      expect(refused.body).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(refused.headers['www-authenticate']).toMatch(/^Bearer\b/);
      await request(app.getHttpServer()).get(path).set(bearer(KEYS.reader)).expect(200);
    },
  );

  it('declares the bearer scheme in the OpenAPI document', async () => {
    const document = await request(app.getHttpServer()).get('/docs-json').set(bearer(KEYS.auditor)).expect(200);
    expect(document.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.body.paths['/customers'].post.security).toEqual([{ bearer: [] }]);
  });
});

describe('API-key authentication turned off', () => {
  let app: INestApplication;
  let tearDown: () => Promise<void>;

  beforeAll(async () => {
    ({ app, tearDown } = await startApp({ CRM_AUTH: 'off' }));
  }, 60_000);

  afterAll(async () => {
    await tearDown?.();
  }, 60_000);

  it('serves commands, queries, health and the OpenAPI document without a key, as the anonymous admin', async () => {
    await request(app.getHttpServer())
      .post('/customers')
      .send({ customerId: 'c-open', kind: 'organisation', name: 'Acme Ltd' })
      .expect(201);
    const [event] = await app.get<EventStore>(EVENT_STORE).readStream('customer-c-open');
    expect(event.metadata.actor).toBe('anonymous (auth off)');
    await expectEventually(() => request(app.getHttpServer()).get('/customers/c-open').expect(200));
    await request(app.getHttpServer()).get('/health').expect(200);
    await request(app.getHttpServer()).get('/docs-json').expect(200);
  });
});
