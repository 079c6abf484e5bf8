import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedPostgres } from '@crm/event-store';
import type { PoolConfig } from 'pg';
import type { CrmConfig } from '../config/crm-config';

/**
 * The PostgreSQL the product stores into: a server (DATABASE_URL) or the
 * embedded PGlite in CRM_DATA_DIR. Both are reached through `pg`.
 */
export class Database {
  private constructor(
    readonly kind: 'postgres' | 'pglite',
    private readonly config: PoolConfig,
    private readonly embedded: EmbeddedPostgres | undefined,
    private readonly lockFile: string | undefined,
  ) {}

  static async open(config: CrmConfig): Promise<Database> {
    if (config.databaseUrl)
      return new Database('postgres', { connectionString: config.databaseUrl }, undefined, undefined);
    mkdirSync(config.dataDir, { recursive: true });
    const lockFile = acquireDataDirLock(config.dataDir);
    try {
      const embedded = await EmbeddedPostgres.start({ dataDir: join(config.dataDir, 'pglite') });
      return new Database('pglite', embedded.connectionConfig(), embedded, lockFile);
    } catch (error) {
      rmSync(lockFile, { force: true });
      throw error;
    }
  }

  /** Connection settings for `pg` (Pool or Client). */
  poolConfig(): PoolConfig {
    return { ...this.config };
  }

  async close(): Promise<void> {
    await this.embedded?.stop();
    if (this.lockFile) rmSync(this.lockFile, { force: true });
  }
}

/** One process at a time may open an embedded data folder: PGlite would corrupt a shared one. */
function acquireDataDirLock(dataDir: string): string {
  const lockFile = join(dataDir, 'crm.pid');
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `the embedded data folder ${dataDir} is in use by process ${pid}; stop it, or set CRM_DATA_DIR to another folder`,
      );
    }
  }
  writeFileSync(lockFile, `${process.pid}\n`);
  return lockFile;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
