import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { actorOf, sha256, type StoredApiKey } from './api-keys';

/** Name of the file, in the embedded data folder, that holds the generated admin key's digest. */
export const ADMIN_KEY_FILE = 'admin-key.json';

/** What the file holds: the digest, never the key. */
interface AdminKeyFile {
  readonly role: 'admin';
  readonly sha256: string;
  readonly createdAt: string;
}

export interface EmbeddedAdminKey {
  readonly stored: StoredApiKey;
  readonly file: string;
  /** The key itself, only on the start that generated it (to be shown once); undefined afterwards. */
  readonly generatedKey: string | undefined;
}

export interface EmbeddedAdminKeyOptions {
  readonly now?: () => Date;
  /** 32 random bytes by default. */
  readonly randomKey?: () => string;
}

/**
 * The embedded mode's admin key: generated at first start (32 random bytes,
 * base64url), of which only the SHA-256 digest is written to
 * `<dataDir>/admin-key.json` (mode 0600); later starts read the digest.
 * Deleting the file makes the next start generate a new key.
 */
export function loadOrCreateEmbeddedAdminKey(dataDir: string, options: EmbeddedAdminKeyOptions = {}): EmbeddedAdminKey {
  const file = join(dataDir, ADMIN_KEY_FILE);
  if (existsSync(file)) return { stored: readAdminKeyFile(file), file, generatedKey: undefined };

  mkdirSync(dataDir, { recursive: true });
  const key = (options.randomKey ?? (() => randomBytes(32).toString('base64url')))();
  const digest = sha256(key);
  const content: AdminKeyFile = {
    role: 'admin',
    sha256: digest.toString('hex'),
    createdAt: (options.now ?? (() => new Date()))().toISOString(),
  };
  // Written whole to a private temporary file, then linked into place: the
  // link fails if another process created the file meanwhile, and a crash
  // never leaves a half-written admin-key.json.
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { stored: readAdminKeyFile(file), file, generatedKey: undefined };
  } finally {
    rmSync(temporary, { force: true });
  }
  return { stored: { role: 'admin', digest }, file, generatedKey: key };
}

function readAdminKeyFile(file: string): StoredApiKey {
  let parsed: Partial<AdminKeyFile>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<AdminKeyFile>;
  } catch (error) {
    throw new Error(`${file} cannot be read (${(error as Error).message}); delete it to generate a new admin key`, {
      cause: error,
    });
  }
  if (parsed.role !== 'admin' || typeof parsed.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(parsed.sha256)) {
    throw new Error(`${file} is not an admin key digest file; delete it to generate a new admin key`);
  }
  return { role: 'admin', digest: Buffer.from(parsed.sha256, 'hex') };
}

/** The framed message that shows a generated admin key, the one time it is shown. */
export function generatedAdminKeyMessage(
  generated: EmbeddedAdminKey & { generatedKey: string },
  healthUrl: string,
): string {
  const rule = '='.repeat(78);
  return [
    '',
    rule,
    '  CRM admin API key, generated at first start. It will NOT be shown again:',
    '  store it now (e.g. in a password manager).',
    '',
    `    ${generated.generatedKey}`,
    '',
    '  Send it with every request:  Authorization: Bearer <the key above>',
    `    curl -H 'Authorization: Bearer <the key above>' ${healthUrl}`,
    '',
    `  Only its SHA-256 digest is kept, in ${generated.file}`,
    `  (actor ${actorOf('admin', generated.stored.digest)}). Lost the key? Stop the CRM,`,
    '  delete that file and start again: a new key is generated and shown.',
    '  Own keys per role: CRM_API_KEYS=writer:<key>,reader:<key>,… (see README).',
    rule,
    '',
    '',
  ].join('\n');
}
