import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readModels } from '@crm/catalog';
import { PostgresEventStore, type EventStore } from '@crm/event-store';
import { Pool } from 'pg';
import { getMetadataArgsStorage } from 'typeorm';
import { createScratchDatabase, postgresServerUnavailable } from '../../../test/support/databases';
import { expectEventually } from '../../../test/support/eventually';
import { describeSkipped } from '../../../test/support/server-suites';

/**
 * Guarantee 5 with a real crash: the projector process is SIGKILLed in the
 * middle of catching up, restarted, and its tables must then equal, row for
 * row, a rebuild from position 0.
 */
const ROOT = resolve(__dirname, '../../..');
const CUSTOMERS = 300;
const PURCHASES_PER_CUSTOMER = 11;

/** A CDNOW master file: every customer registers with the first purchase, then buys again. */
function cdnowFile(): string {
  const lines = [' customer_id  date number_of_cds  dollar_value'];
  for (let c = 1; c <= CUSTOMERS; c++) {
    for (let p = 0; p < PURCHASES_PER_CUSTOMER; p++) {
      const day = new Date(Date.UTC(1997, 0, 1 + p * 17 + (c % 13)));
      const date = day.toISOString().slice(0, 10).replace(/-/g, '');
      const cds = 1 + ((c + p) % 4);
      const dollars = (5 + ((c * 7 + p * 3) % 90) + ((c + p) % 100) / 100).toFixed(2);
      lines.push(` ${String(c).padStart(5, '0')} ${date}  ${cds}   ${dollars}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function run(args: string[], env: Record<string, string>): Promise<Exited & { stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
  });
}

function startProjector(env: Record<string, string>): { child: ChildProcess; exited: Promise<Exited> } {
  const child = spawn(process.execPath, ['scripts/start.js', 'projector'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<Exited>((resolvePromise) =>
    child.on('close', (code, signal) => resolvePromise({ code, signal, stderr })),
  );
  return { child, exited };
}

/** Each read-model table of the catalog's projections. */
function projectionTables(): string[] {
  const tables = getMetadataArgsStorage().tables;
  return readModels.projections.map((projection) => {
    const table = tables.find((t) => t.target === projection.entity);
    if (!table?.name) throw new Error(`no table for projection ${projection.name}`);
    return table.name;
  });
}

/** Rows of `a` missing from `b`, duplicates counted. */
async function rowsMissing(pool: Pool, a: string, b: string): Promise<number> {
  const result = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT * FROM "${a}" EXCEPT ALL SELECT * FROM "${b}") missing`,
  );
  return result.rows[0]!.n;
}

const unavailable = postgresServerUnavailable();

if (unavailable) {
  describeSkipped('projector killed mid-way (PostgreSQL server)', unavailable);
} else {
  describe('projector killed mid-way (PostgreSQL server)', () => {
    let database: { url: string; drop(): Promise<void> };
    let pool: Pool;
    let store: EventStore;
    let workDir: string;
    const children: ChildProcess[] = [];

    beforeAll(async () => {
      database = await createScratchDatabase('kill');
      pool = new Pool({ connectionString: database.url, max: 2 });
      workDir = mkdtempSync(join(tmpdir(), 'crm-kill-'));
    });

    afterAll(async () => {
      for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await store?.close();
      await pool?.end();
      await database?.drop();
      rmSync(workDir, { recursive: true, force: true });
    });

    it('converges to the same tables as a rebuild from position 0', async () => {
      const env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn', CRM_PROJECTOR_BATCH_SIZE: '50' };
      const file = join(workDir, 'purchases.txt');
      writeFileSync(file, cdnowFile());

      const imported = await run(['scripts/crm.js', 'import', 'cdnow', file, '--no-progress', '--json'], env);
      expect({ code: imported.code, stderr: imported.code === 0 ? '' : imported.stderr }).toEqual({
        code: 0,
        stderr: '',
      });
      store = await PostgresEventStore.create({
        pool: new Pool({ connectionString: database.url, max: 2 }),
        ownsPool: true,
        kind: 'postgres',
        pollIntervalMs: 50,
      });
      const head = await store.headCheckpoint();
      expect(head).not.toBeNull();
      expect(await store.countAfter(undefined, 100_000)).toBeGreaterThan(3_000);

      const checkpoints = async (): Promise<Map<string, string | null>> => {
        const rows = await pool.query<{ name: string; checkpoint: string | null }>(
          'SELECT name, checkpoint FROM projection_checkpoints',
        );
        return new Map(rows.rows.map((r) => [r.name, r.checkpoint]));
      };
      const caughtUp = (checkpoint: string | null | undefined): boolean =>
        checkpoint != null && store.compareCheckpoints(checkpoint, head!) >= 0;

      // First run: killed once customer_summary has moved but not finished.
      const first = startProjector(env);
      children.push(first.child);
      await expectEventually(
        async () => {
          const summary = (await checkpoints()).get('customer_summary');
          if (summary == null) throw new Error('customer_summary has not moved yet');
          if (caughtUp(summary)) throw new Error('customer_summary finished before the kill');
          if (first.child.exitCode !== null) throw new Error('the projector exited on its own');
        },
        { timeoutMs: 120_000, intervalMs: 5 },
      ).catch(async (error: unknown) => {
        first.child.kill('SIGKILL');
        throw error;
      });
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const atKill = await checkpoints();
      expect(caughtUp(atKill.get('customer_summary'))).toBe(false);

      // Second run: catches up from the stored checkpoints.
      const second = startProjector(env);
      children.push(second.child);
      await expectEventually(
        async () => {
          const now = await checkpoints();
          for (const projection of readModels.projections) {
            if (!caughtUp(now.get(projection.name))) throw new Error(`${projection.name} not caught up`);
          }
        },
        { timeoutMs: 120_000, intervalMs: 50 },
      );
      second.child.kill('SIGTERM');
      const stopped = await second.exited;
      expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);

      // Keep the live tables, rebuild from position 0 into the same database, compare.
      const tables = projectionTables();
      for (const table of tables) await pool.query(`CREATE TABLE "${table}_live" AS SELECT * FROM "${table}"`);
      const rebuilt = await run(['scripts/crm.js', 'projections', 'rebuild'], env);
      expect({ code: rebuilt.code, stderr: rebuilt.code === 0 ? '' : rebuilt.stderr }).toEqual({ code: 0, stderr: '' });
      expect(rebuilt.stdout).toMatch(/events applied/);

      const summaryRows = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM customer_summary');
      expect(summaryRows.rows[0]!.n).toBe(CUSTOMERS);
      const differences: Record<string, [number, number]> = {};
      for (const table of tables) {
        differences[table] = [
          await rowsMissing(pool, table, `${table}_live`),
          await rowsMissing(pool, `${table}_live`, table),
        ];
      }
      expect(differences).toEqual(Object.fromEntries(tables.map((t) => [t, [0, 0]])));

      // The comparison can fail: one altered row in a copy is found both ways.
      await pool.query('CREATE TABLE customer_summary_altered AS SELECT * FROM customer_summary_live');
      await pool.query(
        `UPDATE customer_summary_altered SET customer_id = customer_id || '-altered'
          WHERE ctid = (SELECT ctid FROM customer_summary_altered LIMIT 1)`,
      );
      expect(await rowsMissing(pool, 'customer_summary', 'customer_summary_altered')).toBe(1);
      expect(await rowsMissing(pool, 'customer_summary_altered', 'customer_summary')).toBe(1);
    }, 300_000);
  });
}
