import { inspect } from 'node:util';
import { assertApiAuthConfigured, ConfigError, describeConfig, loadCrmConfig } from './crm-config';

describe('loadCrmConfig', () => {
  it('given an empty environment, when loaded, then the embedded defaults apply', () => {
    const config = loadCrmConfig({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.dataDir).toMatch(/\.crm-data$/);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.eventStoreUrl).toBeUndefined();
    expect(config.projector).toBe('in-process');
  });

  it.each([
    ['PORT', 'abc', /PORT must be a whole number/],
    ['PORT', '70000', /PORT must be between 0 and 65535/],
    ['CRM_PROJECTOR', 'sometimes', /CRM_PROJECTOR must be one of in-process, external/],
    ['DATABASE_URL', 'mysql://x@y/z', /DATABASE_URL must use postgres: or postgresql:/],
    ['EVENTSTORE_URL', 'not a url', /EVENTSTORE_URL must be a URL/],
    ['CRM_PROJECTOR_BATCH_SIZE', '0', /CRM_PROJECTOR_BATCH_SIZE must be between 1 and 10000/],
  ])('given %s=%s, when loaded, then it fails naming the variable', (name, value, message) => {
    expect(() => loadCrmConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadCrmConfig({ [name]: value })).toThrow(message);
  });

  it('given a database password, when the configuration is described or refused, then the password never appears', () => {
    const config = loadCrmConfig({ DATABASE_URL: 'postgres://crm:s3cret-pass@db.internal:5432/crm' });
    expect(JSON.stringify(describeConfig(config))).not.toContain('s3cret-pass');
    try {
      loadCrmConfig({ DATABASE_URL: 'mysql://crm:s3cret-pass@db/crm' });
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret-pass');
    }
  });

  it('given no CRM_API_KEYS and no CRM_AUTH, when loaded, then there are no keys and authentication is on', () => {
    const config = loadCrmConfig({});
    expect(config.apiKeys).toEqual([]);
    expect(config.auth).toBe('on');
  });

  it('given role:key pairs, when loaded, then each key keeps its role', () => {
    const config = loadCrmConfig({
      CRM_API_KEYS: ' writer:Writer-Key_0123456789 , reader:reader.key~0123456789,admin:ADMIN-key-0123456789',
    });
    expect(config.apiKeys.map((k) => [k.role, k.key])).toEqual([
      ['writer', 'Writer-Key_0123456789'],
      ['reader', 'reader.key~0123456789'],
      ['admin', 'ADMIN-key-0123456789'],
    ]);
  });

  it.each([
    ['a pair without a role', 'writer:aaaaaaaaaaaaaaaa,bbbbbbbbbbbbbbbbbb-secret', /CRM_API_KEYS pair 2 has no role/],
    [
      'an unknown role',
      'writer:aaaaaaaaaaaaaaaa,Writer:bbbbbbbbbbbbbbbbbb-secret',
      /CRM_API_KEYS pair 2 has an unknown role/,
    ],
    ['a pair written key:role', 'bbbbbbbbbbbbbbbbbb-secret:writer', /CRM_API_KEYS pair 1 has an unknown role/],
    ['a short key', 'reader:short-secret', /CRM_API_KEYS pair 1 \(role reader\): the key must be 16 to 512/],
    ['a key with a space', 'auditor:bbbbbbbb bbbbbbbbbb-secret', /CRM_API_KEYS pair 1 \(role auditor\): the key must/],
    ['an empty pair', 'writer:aaaaaaaaaaaaaaaa,,reader:bbbbbbbbbbbbbbbbbb-secret', /CRM_API_KEYS pair 2 is empty/],
    [
      'a key given twice',
      'writer:bbbbbbbbbbbbbbbbbb-secret,reader:cccccccccccccccc,admin:bbbbbbbbbbbbbbbbbb-secret',
      /CRM_API_KEYS pair 3 \(role admin\) repeats the key of pair 1/,
    ],
  ])(
    'given %s, when loaded, then it fails naming CRM_API_KEYS and the pair, never the key',
    (_label, value, message) => {
      let error: unknown;
      try {
        loadCrmConfig({ CRM_API_KEYS: value });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).variable).toBe('CRM_API_KEYS');
      expect((error as ConfigError).message).toMatch(message);
      expect((error as ConfigError).message).not.toContain('secret');
    },
  );

  it('given CRM_AUTH=maybe, when loaded, then it fails naming CRM_AUTH', () => {
    expect(() => loadCrmConfig({ CRM_AUTH: 'maybe' })).toThrow(/CRM_AUTH must be one of on, off/);
  });

  it('given API keys, when the configuration is described, logged or serialised, then only the count per role shows', () => {
    const config = loadCrmConfig({
      CRM_API_KEYS: 'writer:first-writer-secret-1,writer:second-writer-secret,admin:the-admin-secret-12',
    });
    expect(describeConfig(config)).toMatchObject({ auth: 'on', apiKeys: 'writer: 2, admin: 1' });
    for (const shown of [
      JSON.stringify(describeConfig(config)),
      JSON.stringify(config),
      inspect(config, { depth: 5 }),
    ]) {
      expect(shown).not.toContain('secret');
    }
    expect(describeConfig(loadCrmConfig({})).apiKeys).toBe('none');
  });

  it('given a PostgreSQL server, authentication on and no keys, when the API checks its configuration, then it fails naming CRM_API_KEYS', () => {
    const config = loadCrmConfig({ DATABASE_URL: 'postgres://crm@db:5432/crm' });
    expect(() => assertApiAuthConfigured(config)).toThrow(ConfigError);
    expect(() => assertApiAuthConfigured(config)).toThrow(/CRM_API_KEYS is required with DATABASE_URL/);
  });

  it.each([
    ['keys are configured', { DATABASE_URL: 'postgres://crm@db:5432/crm', CRM_API_KEYS: 'admin:aaaaaaaaaaaaaaaa' }],
    ['authentication is off', { DATABASE_URL: 'postgres://crm@db:5432/crm', CRM_AUTH: 'off' }],
    ['the mode is embedded', {}],
  ])('given %s, when the API checks its configuration, then it passes', (_label, env) => {
    expect(() => assertApiAuthConfigured(loadCrmConfig(env))).not.toThrow();
  });
});
