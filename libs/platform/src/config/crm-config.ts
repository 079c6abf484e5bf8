import { resolve } from 'node:path';

export type ProjectorMode = 'in-process' | 'external';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';

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
  readonly logLevel: LogLevel;
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
    logLevel: oneOf<LogLevel>(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug', 'verbose'], 'log'),
  };
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
  };
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
