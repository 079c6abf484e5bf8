import { ConfigError, describeConfig, loadCrmConfig } from './crm-config';

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
});
