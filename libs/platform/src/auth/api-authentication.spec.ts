import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadCrmConfig } from '../config/crm-config';
import { AUTH_OFF_PRINCIPAL, createApiAuthentication, principalOf, setPrincipal } from './api-authentication';

const WRITER_KEY = 'writer-key-0123456789abcdef';

interface Recorded {
  readonly logs: string[];
  readonly printed: string[];
  readonly options: {
    logger: { log(m: string): void; warn(m: string): void; error(m: string): void };
    print(text: string): void;
  };
}

function recorder(): Recorded {
  const logs: string[] = [];
  const printed: string[] = [];
  return {
    logs,
    printed,
    options: {
      logger: {
        log: (m) => logs.push(`log: ${m}`),
        warn: (m) => logs.push(`warn: ${m}`),
        error: (m) => logs.push(`error: ${m}`),
      },
      print: (text) => printed.push(text),
    },
  };
}

describe('API authentication', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'crm-auth-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each([
    ['no header', undefined, /an API key is required/],
    ['an empty header', '', /an API key is required/],
    ['another scheme', `Basic ${WRITER_KEY}`, /must be Bearer <key>/],
    ['a scheme alone', 'Bearer', /must be Bearer <key>/],
    ['two tokens', `Bearer ${WRITER_KEY} ${WRITER_KEY}`, /must be Bearer <key>/],
    ['a key without scheme', WRITER_KEY, /must be Bearer <key>/],
    ['a wrong key', 'Bearer some-other-key-0123456789', /not valid/],
  ])(
    'given %s, when a request is authenticated, then it is refused without echoing the header',
    (_l, header, message) => {
      const { options } = recorder();
      const auth = createApiAuthentication(
        loadCrmConfig({ CRM_DATA_DIR: dataDir, CRM_API_KEYS: `writer:${WRITER_KEY}` }),
        options,
      );
      const result = auth.authenticate(header);
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(message) });
      expect(JSON.stringify(result)).not.toContain(WRITER_KEY);
      expect(JSON.stringify(result)).not.toContain('some-other-key');
    },
  );

  it.each([`Bearer ${WRITER_KEY}`, `bearer ${WRITER_KEY}`, `Bearer  ${WRITER_KEY} `])(
    'given the header %j, when authenticated, then the writer is recognised',
    (header) => {
      const auth = createApiAuthentication(
        loadCrmConfig({ CRM_DATA_DIR: dataDir, CRM_API_KEYS: `writer:${WRITER_KEY}` }),
        recorder().options,
      );
      expect(auth.authenticate(header)).toMatchObject({ ok: true, principal: { role: 'writer' } });
    },
  );

  it('given configured keys, when authentication starts, then the log counts them and names no key', () => {
    const { logs, printed, options } = recorder();
    createApiAuthentication(loadCrmConfig({ CRM_DATA_DIR: dataDir, CRM_API_KEYS: `writer:${WRITER_KEY}` }), options);
    expect(logs.join('\n')).toContain('1 API key(s) from CRM_API_KEYS');
    expect(logs.join('\n') + printed.join('')).not.toContain(WRITER_KEY);
  });

  it('given no keys in embedded mode, when started twice, then the key is printed once and works on both starts', () => {
    const config = loadCrmConfig({ CRM_DATA_DIR: dataDir });
    const first = recorder();
    const auth = createApiAuthentication(config, first.options);
    expect(first.printed).toHaveLength(1);
    const key = /^ {4}([A-Za-z0-9_-]{43})$/m.exec(first.printed[0])?.[1] as string;
    expect(auth.authenticate(`Bearer ${key}`)).toMatchObject({ ok: true, principal: { role: 'admin' } });
    expect(first.logs.join('\n')).not.toContain(key);

    const second = recorder();
    const again = createApiAuthentication(config, second.options);
    expect(second.printed).toEqual([]);
    expect(second.logs.join('\n')).toContain('the admin key from the data folder is in use');
    expect(second.logs.join('\n')).not.toContain(key);
    expect(again.authenticate(`Bearer ${key}`)).toMatchObject({ ok: true, principal: { role: 'admin' } });
  });

  it('given CRM_AUTH=off, when started, then a warning is logged and every request is the anonymous admin', () => {
    const { logs, options } = recorder();
    const auth = createApiAuthentication(loadCrmConfig({ CRM_DATA_DIR: dataDir, CRM_AUTH: 'off' }), options);
    expect(logs).toEqual([expect.stringMatching(/^warn: authentication is OFF \(CRM_AUTH=off\)/)]);
    expect(auth.authenticate(undefined)).toEqual({ ok: true, principal: AUTH_OFF_PRINCIPAL });
    expect(AUTH_OFF_PRINCIPAL).toEqual({ role: 'admin', actor: 'anonymous (auth off)' });
  });

  it('given CRM_AUTH=off and LOG_LEVEL=error, when started, then the warning is logged as an error so it still shows', () => {
    const { logs, options } = recorder();
    createApiAuthentication(loadCrmConfig({ CRM_DATA_DIR: dataDir, CRM_AUTH: 'off', LOG_LEVEL: 'error' }), options);
    expect(logs).toEqual([expect.stringMatching(/^error: authentication is OFF/)]);
  });

  it('given a PostgreSQL server and no keys, when authentication starts, then it fails naming CRM_API_KEYS', () => {
    const config = loadCrmConfig({ DATABASE_URL: 'postgres://crm@db:5432/crm' });
    expect(() => createApiAuthentication(config, recorder().options)).toThrow(ConfigError);
  });

  it('given a request, when its principal is set, then principalOf returns it; without one it throws', () => {
    const request = {};
    expect(() => principalOf(request)).toThrow(/no authenticated principal/);
    setPrincipal(request, { role: 'reader', actor: 'reader-key:0123456789ab' });
    expect(principalOf(request)).toEqual({ role: 'reader', actor: 'reader-key:0123456789ab' });
  });
});
