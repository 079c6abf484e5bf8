import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PoolConfig } from 'pg';
import { PgliteWireServer } from './pglite-wire-server';

export interface EmbeddedPostgresOptions {
  /** Folder PGlite persists to; omit for an in-memory database. */
  readonly dataDir?: string;
}

/**
 * PostgreSQL compiled to WebAssembly, in this process, served over the
 * PostgreSQL protocol on a private Unix socket so that `pg` and TypeORM talk
 * to it exactly as to a server. PGlite runs one transaction at a time: the
 * wire server queues the others (see PgliteWireServer).
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PgliteWireServer,
    private readonly socketDir: string,
    readonly dataDir: string | undefined,
  ) {}

  static async start(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
    const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create(dataDir ? { dataDir } : {});
    const socketDir = mkdtempSync(join(tmpdir(), 'crm-pglite-'));
    const server = new PgliteWireServer(db);
    try {
      await server.listen(join(socketDir, '.s.PGSQL.5432'));
    } catch (error) {
      await db.close();
      rmSync(socketDir, { recursive: true, force: true });
      throw error;
    }
    return new EmbeddedPostgres(db, server, socketDir, dataDir);
  }

  /** Settings for a `pg` Pool or Client connecting to this database. */
  connectionConfig(): PoolConfig {
    return { host: this.socketDir, port: 5432, user: 'postgres', database: 'postgres' };
  }

  async stop(): Promise<void> {
    await this.server.close();
    await this.db.close();
    rmSync(this.socketDir, { recursive: true, force: true });
  }
}
