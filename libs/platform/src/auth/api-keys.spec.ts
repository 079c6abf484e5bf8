import { createHash } from 'node:crypto';
import { loadCrmConfig } from '../config/crm-config';
import { ApiKeyRegistry, roleSatisfies } from './api-keys';

const WRITER_KEY = 'writer-key-0123456789abcdef';
const READER_KEY = 'reader-key-0123456789abcdef';
const ADMIN_KEY = 'admin-key-0123456789abcdefgh';

function registry(): ApiKeyRegistry {
  const config = loadCrmConfig({ CRM_API_KEYS: `writer:${WRITER_KEY},reader:${READER_KEY},admin:${ADMIN_KEY}` });
  return ApiKeyRegistry.fromKeys(config.apiKeys);
}

function fingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

describe('ApiKeyRegistry', () => {
  it('given configured keys, when the right key is presented, then its role and fingerprint actor come back', () => {
    expect(registry().authenticate(WRITER_KEY)).toEqual({
      role: 'writer',
      actor: `writer-key:${fingerprint(WRITER_KEY)}`,
    });
    expect(registry().authenticate(READER_KEY)).toEqual({
      role: 'reader',
      actor: `reader-key:${fingerprint(READER_KEY)}`,
    });
  });

  it.each([
    ['an unknown key', 'nobody-knows-this-key-0123'],
    ['a prefix of a key', WRITER_KEY.slice(0, -1)],
    ['a key with a suffix', `${WRITER_KEY}x`],
    ['a key in other case', WRITER_KEY.toUpperCase()],
    ['an empty key', ''],
  ])('given configured keys, when %s is presented, then nobody is authenticated', (_label, key) => {
    expect(registry().authenticate(key)).toBeUndefined();
  });

  it('given configured keys, when the registry is inspected, then it holds digests only, never a key', () => {
    const shown = JSON.stringify(registry()) + JSON.stringify(Object.values(registry()));
    for (const key of [WRITER_KEY, READER_KEY, ADMIN_KEY]) {
      expect(shown).not.toContain(key);
      expect(shown).not.toContain(Buffer.from(key).toString('hex'));
    }
  });

  it('given no keys, when any key is presented, then nobody is authenticated', () => {
    expect(new ApiKeyRegistry([]).authenticate(WRITER_KEY)).toBeUndefined();
  });

  it('given a digest of the wrong size, when the registry is built, then it refuses it', () => {
    expect(() => new ApiKeyRegistry([{ role: 'admin', digest: Buffer.alloc(16) }])).toThrow(/32-byte/);
  });
});

describe('roleSatisfies', () => {
  it.each([
    ['writer', ['writer'], true],
    ['reader', ['writer'], false],
    ['auditor', ['reader'], false],
    ['reader', ['reader', 'writer', 'auditor'], true],
    ['admin', ['writer'], true],
    ['admin', ['auditor'], true],
  ] as const)('given a %s key, when the route requires %j, then it is allowed: %s', (held, required, allowed) => {
    expect(roleSatisfies(held, required)).toBe(allowed);
  });
});
