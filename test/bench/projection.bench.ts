/**
 * `npm run bench:projection`: rebuilds every read model from an event log of
 * a million events on the PostgreSQL server, beside a naive fold of the same
 * events with one transaction per event.
 *
 *   npm run bench:projection
 *   npm run bench:projection -- --events 200000 --naive-events 10000
 *   npm run bench:projection -- --keep              # keep the scratch database
 *   npm run bench:projection -- --database <url>    # reuse a kept database (no generation)
 *   DATABASE_URL=postgres://... npm run bench:projection
 *
 * 1. Generates the log (test/bench/projection-log.ts): the CDNOW purchases
 *    scaled up with distinct customer ids, plus refunds, surveys, complaints
 *    and account manager assignments, every event decided by the customer
 *    decider. Appended into a fresh scratch database with the store's
 *    `appendUsingClient`, many customer streams per transaction.
 * 2. The naive fold, on a prefix of the log (`--naive-events`, default
 *    10,000): for each projection and each event, one transaction that loads
 *    the row, folds the event, saves the row and moves the checkpoint.
 * 3. The rebuild: `crm projections rebuild` (every projection, the log read
 *    once; `--swap`: `crm projections rebuild --swap`), compiled as the
 *    product runs it, in a child process whose RSS is sampled every 100 ms;
 *    `--runs N` repeats it (default 1), and repeated runs must leave
 *    identical tables.
 * 4. Prints log events/s, the rebuilding process's peak RSS and CPU time,
 *    the CPU time of the database's server processes when the server runs
 *    on this machine, the load average, and the rebuilt tables' row counts
 *    and digests (an order-independent hash of every row, to compare two
 *    versions of the projector on one kept log).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { DataSource, type ObjectLiteral } from 'typeorm';
import { readModels } from '@crm/catalog';
import { PostgresEventStore, type StoredEvent } from '@crm/event-store';
import { ensureCheckpointRow, projectionTable, type RowProjection } from '@crm/projections';
import { createScratchDatabase, testDatabaseUrl } from '../support/databases';
import { LOG_MIX, readCdnow, scaledCdnowLog, type CustomerLog } from './projection-log';

const ROOT = join(__dirname, '..', '..');
const CDNOW = join(ROOT, 'data', 'cdnow', 'CDNOW_master.txt');
/** Customer streams appended in one transaction. */
const STREAMS_PER_TRANSACTION = 250;
/** Transactions appending at the same time. */
const WRITERS = 2;
const RSS_SAMPLE_MS = 100;
/** How often the server processes' CPU times are read. */
const SERVER_SAMPLE_MS = 250;

interface Options {
  readonly events: number;
  readonly naiveEvents: number;
  readonly keep: boolean;
  readonly database: string | undefined;
  readonly cdnow: string;
  readonly runs: number;
  readonly swap: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options = {
    events: 1_000_000,
    naiveEvents: 10_000,
    keep: false,
    database: undefined as string | undefined,
    cdnow: CDNOW,
    runs: 1,
    swap: false,
  };
  const count = (flag: string, value: string | undefined, min: number): number => {
    const n = Number(value?.replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < min) throw new Error(`${flag} needs a whole number >= ${min}, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--events') options.events = count(arg, argv[++i], 1);
    else if (arg === '--naive-events') options.naiveEvents = count(arg, argv[++i], 0);
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--database') options.database = argv[++i];
    else if (arg === '--cdnow') options.cdnow = argv[++i] ?? CDNOW;
    else if (arg === '--runs') options.runs = count(arg, argv[++i], 1);
    else if (arg === '--swap') options.swap = true;
    else
      throw new Error(
        `unknown argument ${arg} (--events N, --naive-events N, --runs N, --swap, --keep, --database URL, --cdnow FILE)`,
      );
  }
  return options;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const log = (line: string): void => void process.stdout.write(`${line}\n`);

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

/** Appends the scaled CDNOW log, many streams per transaction, WRITERS transactions at a time. */
async function generate(
  url: string,
  options: Options,
): Promise<{ events: number; streams: number; seconds: number; types: Map<string, number> }> {
  const pool = new Pool({ connectionString: url, max: WRITERS + 1 });
  const store = await PostgresEventStore.create({ pool, kind: 'postgres' });
  const started = performance.now();
  const customers = readCdnow(options.cdnow);
  const logs = scaledCdnowLog(customers, options.events);
  const types = new Map<string, number>();
  let events = 0;
  let streams = 0;
  let lastReport = started;
  const nextChunk = (): CustomerLog[] => {
    const chunk: CustomerLog[] = [];
    // next() rather than for-of: leaving a for-of early would close the generator.
    for (let next = logs.next(); !next.done; next = logs.next()) {
      chunk.push(next.value);
      for (const event of next.value.events) types.set(event.type, (types.get(event.type) ?? 0) + 1);
      if (chunk.length >= STREAMS_PER_TRANSACTION) break;
    }
    return chunk;
  };
  const writer = async (): Promise<void> => {
    for (let chunk = nextChunk(); chunk.length > 0; chunk = nextChunk()) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        for (const customer of chunk) {
          await store.appendUsingClient(client, customer.stream, customer.events, { expectedRevision: 'no-stream' });
        }
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
      streams += chunk.length;
      events += chunk.reduce((sum, c) => sum + c.events.length, 0);
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        process.stderr.write(`  appended ${fmt(events)} events (${fmt(streams)} streams)\n`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: WRITERS }, writer));
  } finally {
    await store.close();
    await pool.end();
  }
  return { events, streams, seconds: (performance.now() - started) / 1000, types };
}

async function openReadModels(url: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    entities: [...readModels.entities],
    migrations: [...readModels.migrations],
    migrationsTableName: 'read_model_migrations',
    logging: false,
    extra: { max: 2 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/**
 * The naive fold: for each projection, each event of the prefix in its own
 * transaction (load the row, fold, save the row, move the checkpoint).
 */
async function naiveFold(
  url: string,
  dataSource: DataSource,
  prefix: number,
): Promise<{ name: string; seconds: number }[]> {
  const pool = new Pool({ connectionString: url, max: 1 });
  const store = await PostgresEventStore.create({ pool, kind: 'postgres' });
  const events: StoredEvent[] = [];
  while (events.length < prefix) {
    const page = await store.readAll({
      fromCheckpoint: events[events.length - 1]?.checkpoint,
      maxCount: Math.min(5_000, prefix - events.length),
    });
    if (page.length === 0) break;
    events.push(...page);
  }
  await store.close();
  await pool.end();
  const results: { name: string; seconds: number }[] = [];
  for (const projection of readModels.projections as readonly RowProjection<ObjectLiteral>[]) {
    await dataSource.query(`TRUNCATE TABLE "${projectionTable(dataSource, projection)}"`);
    await dataSource.query('DELETE FROM projection_checkpoints WHERE name = $1', [projection.name]);
    await ensureCheckpointRow(dataSource.manager, projection.name);
    const started = performance.now();
    let checkpoint: string | null = null;
    for (const event of events) {
      const expected: string | null = checkpoint;
      await dataSource.transaction(async (manager) => {
        const key = projection.keyOf(event);
        if (key !== null) {
          const where = { [projection.keyProperty]: key };
          const row = await manager.findOneBy(projection.entity, where);
          const next = projection.evolve(row, event);
          if (next === null) await manager.delete(projection.entity, where);
          else await manager.upsert(projection.entity, next, [projection.keyProperty]);
        }
        const moved: unknown = await manager.query(
          `UPDATE projection_checkpoints
              SET checkpoint = $2, events_applied = events_applied + 1, last_event_recorded_at = $3, updated_at = now()
            WHERE name = $1 AND checkpoint IS NOT DISTINCT FROM $4`,
          [projection.name, event.checkpoint, event.recordedAt, expected],
        );
        if (!Array.isArray(moved) || Number(moved[1]) !== 1) throw new Error(`${projection.name}: checkpoint moved`);
      });
      checkpoint = event.checkpoint;
    }
    results.push({ name: projection.name, seconds: (performance.now() - started) / 1000 });
  }
  return results;
}

function rssKb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's CPU times (100 on Linux). */
const CLOCK_TICKS = 100;

/** CPU seconds (user and system) a process of this machine has used, or undefined when it cannot be read. */
function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

const load = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

interface RebuildRun {
  /** The time the command reports: the projections are rebuilt together. */
  readonly seconds: number;
  readonly wallSeconds: number;
  readonly peakRssMb: number;
  readonly maxRssMb: number;
  /** CPU time of the rebuilding process (user and system). */
  readonly cpuSeconds: number;
  /** CPU time of the database's server processes, when the server runs on this machine. */
  readonly serverCpuSeconds: number | undefined;
  readonly loadBefore: string;
  readonly loadAfter: string;
}

/**
 * `crm projections rebuild` in a child process, compiled as the product runs
 * it (scripts/crm.js builds first if the build is stale; the command times
 * the rebuild itself). Its RSS is sampled every 100 ms; it reports its own
 * peak RSS and CPU time on exit (test/bench/process-usage.js); the CPU time
 * of the server processes serving the database is read from /proc.
 */
async function rebuildInChild(url: string, dataSource: DataSource, swap: boolean): Promise<RebuildRun> {
  const backends = new Map<number, number>();
  let serverReadable = true;
  const sampleServer = async (): Promise<void> => {
    const rows = (await dataSource.query(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    )) as { pid: number }[];
    for (const { pid } of rows) {
      const seconds = cpuSeconds(pid);
      if (seconds === undefined) serverReadable = false;
      else backends.set(pid, Math.max(backends.get(pid) ?? 0, seconds));
    }
  };
  // The server processes already open (this benchmark's own pool) are left out.
  const before = new Map<number, number>();
  for (const { pid } of (await dataSource.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  )) as { pid: number }[]) {
    before.set(pid, cpuSeconds(pid) ?? 0);
  }
  const loadBefore = load();
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...['--require', join(__dirname, 'process-usage.js'), join(ROOT, 'scripts', 'crm.js')],
        ...['projections', 'rebuild', ...(swap ? ['--swap'] : [])],
      ],
      {
        cwd: ROOT,
        env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let peakKb = 0;
    const sampler = setInterval(() => {
      if (child.pid) peakKb = Math.max(peakKb, rssKb(child.pid));
    }, RSS_SAMPLE_MS);
    let sampling = Promise.resolve();
    const serverSampler = setInterval(() => {
      sampling = sampling.then(sampleServer).catch(() => undefined);
    }, SERVER_SAMPLE_MS);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      process.stderr.write(`  ${chunk.toString().trimEnd().replace(/\n/g, '\n  ')}\n`);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(sampler);
      clearInterval(serverSampler);
      void sampling.then(() => {
        if (code !== 0) {
          reject(new Error(`the rebuild exited with code ${code}:\n${stderr}`));
          return;
        }
        const reported = swap
          ? /^switched \d+ table\(s\) in ([\d.]+) s/m.exec(stdout)
          : /^rebuilt \d+ projection\(s\): [\d,]+ events applied in ([\d.]+) s/m.exec(stdout);
        if (!reported) {
          reject(new Error(`the rebuild did not report its time:\n${stdout}`));
          return;
        }
        const usage = /process-usage max-rss-kb (\d+) user-ms (\d+) system-ms (\d+)/.exec(stderr);
        const server = [...backends].reduce((sum, [pid, seconds]) => sum + seconds - (before.get(pid) ?? 0), 0);
        resolve({
          seconds: Number(reported[1]),
          wallSeconds: (performance.now() - started) / 1000,
          peakRssMb: peakKb / 1024,
          maxRssMb: usage ? Number(usage[1]) / 1024 : 0,
          cpuSeconds: usage ? (Number(usage[2]) + Number(usage[3])) / 1000 : 0,
          serverCpuSeconds: serverReadable && backends.size > 0 ? server : undefined,
          loadBefore,
          loadAfter: load(),
        });
      });
    });
  });
}

/** Row count and an order-independent digest of every row of each projection's table. */
async function digests(dataSource: DataSource): Promise<{ table: string; rows: number; digest: string }[]> {
  const out: { table: string; rows: number; digest: string }[] = [];
  for (const projection of readModels.projections as readonly RowProjection<ObjectLiteral>[]) {
    const table = projectionTable(dataSource, projection);
    const [row] = (await dataSource.query(
      `SELECT count(*)::bigint AS n, coalesce(sum(hashtext(t::text)::bigint), 0)::text AS digest FROM "${table}" t`,
    )) as { n: string; digest: string }[];
    out.push({ table, rows: Number(row!.n), digest: row!.digest });
  }
  return out;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  log(`projection benchmark: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);

  let url: string;
  let drop: (() => Promise<void>) | undefined;
  if (options.database) {
    url = options.database;
    log(`reusing the log in ${redact(url)}`);
  } else {
    const scratch = await createScratchDatabase('projbench');
    url = scratch.url;
    drop = scratch.drop;
    log(`scratch database ${redact(url)} on ${redact(testDatabaseUrl())}`);
  }
  try {
    if (!options.database) {
      log(`generating >= ${fmt(options.events)} events from ${options.cdnow} ...`);
      const generated = await generate(url, options);
      log(
        `generated ${fmt(generated.events)} events in ${fmt(generated.streams)} customer streams in ` +
          `${generated.seconds.toFixed(1)} s (${fmt(generated.events / generated.seconds)} events/s; ` +
          `${STREAMS_PER_TRANSACTION} streams per transaction, ${WRITERS} writers)`,
      );
      log(
        `  mix: account managers ${LOG_MIX.accountManager * 100} % of customers, refunds ${LOG_MIX.refund * 100} % ` +
          `and surveys ${LOG_MIX.survey * 100} % of purchases, complaints ${LOG_MIX.complaint * 100} % of customers`,
      );
      for (const [type, n] of [...generated.types].sort((a, b) => b[1] - a[1]))
        log(`  ${type.padEnd(28)} ${fmt(n).padStart(10)}`);
    }
    // Statistics, as autovacuum would gather after a bulk load: without them the planner
    // misjudges the store's reads of the global log and sorts the whole table for each page.
    const analyzer = new Pool({ connectionString: url, max: 1 });
    await analyzer.query('ANALYZE es_events').finally(() => analyzer.end());
    const dataSource = await openReadModels(url);
    try {
      const [{ n: total }] = (await dataSource.query('SELECT count(*)::int AS n FROM es_events')) as [{ n: number }];
      const projectionCount = readModels.projections.length;

      let naiveRate: number | undefined;
      const naiveEvents = Math.min(options.naiveEvents, total);
      if (naiveEvents > 0) {
        log('');
        log(
          `naive fold: the first ${fmt(naiveEvents)} events of the log (a prefix), one transaction per event and projection`,
        );
        const naive = await naiveFold(url, dataSource, naiveEvents);
        for (const r of naive) {
          log(
            `  ${r.name.padEnd(30)} ${r.seconds.toFixed(1).padStart(7)} s  ${fmt(naiveEvents / r.seconds).padStart(9)} events/s`,
          );
        }
        const seconds = naive.reduce((sum, r) => sum + r.seconds, 0);
        naiveRate = naiveEvents / seconds;
        log(`  all ${projectionCount} projections: ${seconds.toFixed(1)} s, ${fmt(naiveRate)} log events/s`);
      }

      const digestsByRun: string[] = [];
      for (let run = 1; run <= options.runs; run++) {
        log('');
        log(
          `rebuild from position 0 over ${fmt(total)} events: crm projections rebuild${options.swap ? ' --swap' : ''} ` +
            '(every projection, the log read once)' +
            (options.runs > 1 ? `, run ${run} of ${options.runs}` : ''),
        );
        const rebuild = await rebuildInChild(url, dataSource, options.swap);
        const seconds = rebuild.seconds;
        const rate = total / seconds;
        log(
          `  all ${projectionCount} projections: ${seconds.toFixed(1)} s, ${fmt(rate)} log events/s ` +
            `(${fmt((total * projectionCount) / seconds)} projection-events/s); process wall time ${rebuild.wallSeconds.toFixed(1)} s`,
        );
        log(
          `  projector peak RSS: ${rebuild.peakRssMb.toFixed(0)} MB sampled every ${RSS_SAMPLE_MS} ms, ` +
            `${rebuild.maxRssMb.toFixed(0)} MB max RSS reported by the process`,
        );
        log(
          `  CPU: rebuilding process ${rebuild.cpuSeconds.toFixed(1)} s, ` +
            (rebuild.serverCpuSeconds === undefined
              ? 'server processes not readable (server on another machine?)'
              : `PostgreSQL server processes of the database ${rebuild.serverCpuSeconds.toFixed(1)} s`) +
            `; load average ${rebuild.loadBefore} before, ${rebuild.loadAfter} after (${cpus().length} cores)`,
        );
        if (naiveRate !== undefined) log(`  rebuild / naive fold: ${(rate / naiveRate).toFixed(1)}x`);
        log('  goal: >= 50,000 events/s and >= 13x the naive fold, within 512 MB');
        log('  rebuilt tables (rows, digest):');
        const tables = await digests(dataSource);
        for (const d of tables) log(`    ${d.table.padEnd(30)} ${fmt(d.rows).padStart(10)}  ${d.digest}`);
        digestsByRun.push(JSON.stringify(tables));
      }
      if (digestsByRun.length > 1) {
        const same = digestsByRun.every((d) => d === digestsByRun[0]);
        log('');
        log(`tables of the ${digestsByRun.length} rebuilds ${same ? 'are identical (same rows, same digests)' : 'DIFFER'}`);
        if (!same) process.exitCode = 1;
      }
    } finally {
      await dataSource.destroy();
    }
  } finally {
    if (drop && !options.keep) await drop();
    else if (drop) log(`kept the database: ${redact(url)} (reuse it with --database <url>)`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
