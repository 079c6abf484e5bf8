import { resolve } from 'node:path';

export type ProjectorMode = 'in-process' | 'external';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type AuthMode = 'on' | 'off';

/** The roles an API key can carry: `admin` satisfies every other. */
export const API_ROLES = ['writer', 'reader', 'auditor', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/**
 * One key of CRM_API_KEYS. `key` is secret: it is a non-enumerable property,
 * so JSON.stringify and console.log / util.inspect of the configuration leave
 * it out; only the key registry reads it, to keep its digest.
 */
export interface ConfiguredApiKey {
  readonly role: ApiRole;
  readonly key: string;
}

/** The product's runtime settings, read once from the environment and validated at boot. */
export interface CrmConfig {
  readonly port: number;
  readonly host: string;
  /** Folder of the embedded database (used when DATABASE_URL is not set). */
  readonly dataDir: string;
  /** PostgreSQL server for the read models and, without EVENTSTORE_URL, for the events. Secret: holds credentials. */
  readonly databaseUrl: string | undefined;
  /** EventStoreDB / KurrentDB connection string. Secret: may hold credentials. */
  readonly eventStoreUrl: string | undefined;
  readonly projector: ProjectorMode;
  readonly projectorBatchSize: number;
  readonly pollIntervalMs: number;
  /** How often the status refresher re-evaluates customers whose status is due (seconds). */
  readonly statusRefreshSeconds: number;
  /** A segmentation run is made when the latest is older than this many hours (0: only on demand). */
  readonly segmentationIntervalHours: number;
  /** How long the first answer to an Idempotency-Key is kept (hours); older records are deleted where the projector runs. */
  readonly idempotencyRetentionHours: number;
  readonly logLevel: LogLevel;
  /** API keys with their roles (CRM_API_KEYS). Secret: only the number of keys per role may be shown. */
  readonly apiKeys: readonly ConfiguredApiKey[];
  /** `off` serves every request unauthenticated, as admin (CRM_AUTH). */
  readonly auth: AuthMode;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`invalid configuration: ${variable} ${message}`);
    this.name = 'ConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function text(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw)}`);
  }
  return raw as T;
}

/** A URL with one of the given schemes; the error never repeats the value, which may hold a password. */
function url(env: Env, name: string, schemes: readonly string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${schemes.map((s) => `${s}//…`).join(' or ')})`);
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${schemes.join(' or ')}, got ${parsed.protocol}`);
  }
  return raw;
}

/** Characters and length of an API key: what a Bearer token can carry without escaping. */
const API_KEY_PATTERN = /^[A-Za-z0-9._~-]{16,512}$/;

function secretKey(role: ApiRole, key: string): ConfiguredApiKey {
  const entry = { role } as { role: ApiRole; key: string };
  Object.defineProperty(entry, 'key', { value: key, enumerable: false });
  return Object.freeze(entry);
}

/**
 * CRM_API_KEYS: comma-separated `role:key` pairs. Errors name the pair by its
 * position (1-based) and, when it is a known one, its role; never the key,
 * nor an unknown role (a pair written `key:role` would otherwise echo a key).
 */
function apiKeys(env: Env, name: string): ConfiguredApiKey[] {
  const raw = text(env, name);
  if (raw === undefined) return [];
  const keys: ConfiguredApiKey[] = [];
  const seen = new Map<string, number>();
  raw.split(',').forEach((part, index) => {
    const position = index + 1;
    const pair = part.trim();
    if (pair === '') throw new ConfigError(name, `pair ${position} is empty; write role:key pairs separated by commas`);
    const colon = pair.indexOf(':');
    if (colon < 0) throw new ConfigError(name, `pair ${position} has no role; write it as role:key`);
    const role = pair.slice(0, colon);
    const key = pair.slice(colon + 1);
    if (!(API_ROLES as readonly string[]).includes(role)) {
      throw new ConfigError(
        name,
        `pair ${position} has an unknown role; roles are ${API_ROLES.join(', ')} (lower case)`,
      );
    }
    if (!API_KEY_PATTERN.test(key)) {
      throw new ConfigError(
        name,
        `pair ${position} (role ${role}): the key must be 16 to 512 characters of A-Z a-z 0-9 . _ ~ -`,
      );
    }
    const first = seen.get(key);
    if (first !== undefined) {
      throw new ConfigError(name, `pair ${position} (role ${role}) repeats the key of pair ${first}; each key once`);
    }
    seen.set(key, position);
    keys.push(secretKey(role as ApiRole, key));
  });
  return keys;
}

export function loadCrmConfig(env: Env = process.env): CrmConfig {
  return {
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: text(env, 'HOST') ?? '127.0.0.1',
    dataDir: resolve(text(env, 'CRM_DATA_DIR') ?? '.crm-data'),
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    eventStoreUrl: url(env, 'EVENTSTORE_URL', [
      'esdb:',
      'esdb+discover:',
      'kurrentdb:',
      'kurrentdb+discover:',
      'kurrent:',
    ]),
    projector: oneOf<ProjectorMode>(env, 'CRM_PROJECTOR', ['in-process', 'external'], 'in-process'),
    projectorBatchSize: integer(env, 'CRM_PROJECTOR_BATCH_SIZE', 500, 1, 10_000),
    pollIntervalMs: integer(env, 'CRM_POLL_INTERVAL_MS', 250, 10, 60_000),
    statusRefreshSeconds: integer(env, 'CRM_STATUS_REFRESH_SECONDS', 60, 1, 86_400),
    segmentationIntervalHours: integer(env, 'CRM_SEGMENTATION_INTERVAL_HOURS', 24, 0, 8_760),
    idempotencyRetentionHours: integer(env, 'CRM_IDEMPOTENCY_RETENTION_HOURS', 24, 1, 87_600),
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose'], 'log'),
    apiKeys: apiKeys(env, 'CRM_API_KEYS'),
    auth: oneOf<AuthMode>(env, 'CRM_AUTH', ['on', 'off'], 'on'),
  };
}

/**
 * What serving HTTP requires beyond loadCrmConfig (checked by the API, not
 * by the projector, which serves nothing and needs no keys): with a
 * PostgreSQL server there is no data folder to keep a generated admin key
 * in, so authentication on needs CRM_API_KEYS.
 */
export function assertApiAuthConfigured(config: CrmConfig): void {
  if (config.auth === 'on' && config.databaseUrl && config.apiKeys.length === 0) {
    throw new ConfigError(
      'CRM_API_KEYS',
      'is required with DATABASE_URL while authentication is on: set role:key pairs (e.g. admin:<random key>), or CRM_AUTH=off to serve without authentication',
    );
  }
}

/** The configuration as it may be logged: credentials removed. */
export function describeConfig(config: CrmConfig): Record<string, string | number> {
  return {
    port: config.port,
    host: config.host,
    mode: config.eventStoreUrl ? 'production (EventStoreDB)' : config.databaseUrl ? 'server PostgreSQL' : 'embedded',
    dataDir: config.databaseUrl ? '(unused)' : config.dataDir,
    database: config.databaseUrl ? redactUrl(config.databaseUrl) : 'embedded PGlite',
    eventStore: config.eventStoreUrl ? redactUrl(config.eventStoreUrl) : 'PostgreSQL',
    projector: config.projector,
    auth: config.auth,
    apiKeys: describeApiKeys(config.apiKeys),
  };
}

/** How many keys per role, e.g. "admin: 1, writer: 2"; never a key. */
function describeApiKeys(keys: readonly ConfiguredApiKey[]): string {
  const counts = API_ROLES.map((role) => [role, keys.filter((k) => k.role === role).length] as const).filter(
    ([, count]) => count > 0,
  );
  return counts.length === 0 ? 'none' : counts.map(([role, count]) => `${role}: ${count}`).join(', ');
}

export function redactUrl(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}

const NEST_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'] as const;

/** The Nest logger levels enabled at a LOG_LEVEL. */
export function logLevelsFrom(level: string): Array<(typeof NEST_LEVELS)[number]> {
  const index = NEST_LEVELS.indexOf(level as (typeof NEST_LEVELS)[number]);
  return NEST_LEVELS.slice(0, index < 0 ? 4 : index + 1);
}
