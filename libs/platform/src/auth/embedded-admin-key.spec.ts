import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyRegistry } from './api-keys';
import { ADMIN_KEY_FILE, generatedAdminKeyMessage, loadOrCreateEmbeddedAdminKey } from './embedded-admin-key';

describe('the embedded admin key', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'crm-admin-key-')), 'data');
  });
  afterEach(() => rmSync(join(dataDir, '..'), { recursive: true, force: true }));

  it('given an empty data folder, when loaded, then a key is generated and only its digest is written, mode 0600', () => {
    const admin = loadOrCreateEmbeddedAdminKey(dataDir, { now: () => new Date('2026-03-01T10:00:00Z') });
    const key = admin.generatedKey as string;
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = join(dataDir, ADMIN_KEY_FILE);
    expect(admin.file).toBe(file);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key);
    expect(JSON.parse(text)).toEqual({
      role: 'admin',
      sha256: createHash('sha256').update(key).digest('hex'),
      createdAt: '2026-03-01T10:00:00.000Z',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new ApiKeyRegistry([admin.stored]).authenticate(key)).toMatchObject({ role: 'admin' });
  });

  it('given a key generated at an earlier start, when loaded again, then the same digest is used and no key is shown', () => {
    const first = loadOrCreateEmbeddedAdminKey(dataDir);
    const before = readFileSync(first.file, 'utf8');
    const second = loadOrCreateEmbeddedAdminKey(dataDir);
    expect(second.generatedKey).toBeUndefined();
    expect(readFileSync(second.file, 'utf8')).toBe(before);
    expect(new ApiKeyRegistry([second.stored]).authenticate(first.generatedKey as string)).toMatchObject({
      role: 'admin',
    });
  });

  it('given the file was deleted, when loaded, then a new key is generated and the old one no longer works', () => {
    const first = loadOrCreateEmbeddedAdminKey(dataDir);
    rmSync(first.file);
    const second = loadOrCreateEmbeddedAdminKey(dataDir);
    expect(second.generatedKey).toBeDefined();
    expect(second.generatedKey).not.toBe(first.generatedKey);
    expect(new ApiKeyRegistry([second.stored]).authenticate(first.generatedKey as string)).toBeUndefined();
  });

  it('given a damaged file, when loaded, then it fails saying to delete the file', () => {
    loadOrCreateEmbeddedAdminKey(dataDir);
    writeFileSync(join(dataDir, ADMIN_KEY_FILE), '{"role":"admin","sha256":"nope"}');
    expect(() => loadOrCreateEmbeddedAdminKey(dataDir)).toThrow(/delete it to generate a new admin key/);
  });

  it('given a generated key, when its message is built, then it shows the key once with how to send it', () => {
    const admin = loadOrCreateEmbeddedAdminKey(dataDir);
    const key = admin.generatedKey as string;
    const message = generatedAdminKeyMessage({ ...admin, generatedKey: key }, 'http://127.0.0.1:3000/health');
    expect(message.split(key)).toHaveLength(2);
    expect(message).toContain('will NOT be shown again');
    expect(message).toContain('Authorization: Bearer');
    expect(message).toContain(admin.file);
  });
});
