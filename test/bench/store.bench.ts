/**
 * Event-store throughput: the PostgreSQL store on a PostgreSQL server and on
 * embedded PGlite (in memory).
 *
 *   npm run bench:store
 *   BENCH_SCALE=0.2 npm run bench:store      # event counts times 0.2
 *   DATABASE_URL=postgres://... npm run bench:store
 *
 * Scenarios, per store:
 * - single appends from 1 writer, then from 32 concurrent writers: one
 *   event per append, each writer on its own streams, exact expected
 *   revisions (no-stream, then the last revision);
 * - 100-event batch appends from 1 writer;
 * - read-all: readAll pages of 1000 from the start through every event
 *   appended above (PGlite: see PGLITE_READ_PAGE).
 *
 * The server store runs with its production settings: a LISTEN connection,
 * so every append also sends a NOTIFY. It works in a fresh schema that is
 * dropped afterwards. When the server cannot be reached, that is printed and
 * PGlite still runs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client, Pool } from 'pg';
import {
  EmbeddedPostgres,
  PostgresEventStore,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
} from '@crm/event-store';
import { dropSchema, testDatabaseUrl, uniqueSchemaName } from '../support/databases';

const SCALE = parseScale(process.env.BENCH_SCALE);
const CONCURRENT_WRITERS = 32;
const BATCH_SIZE = 100;
const EVENTS_PER_STREAM = 10;
const BATCH_STREAM_EVENTS = 2 * BATCH_SIZE;
const READ_PAGE = 1000;
/** Server connections: one per concurrent writer, so the pool is not what the writers wait for. */
const SERVER_POOL_SIZE = CONCURRENT_WRITERS;
/** PGlite serialises transactions behind its wire server; the embedded pool size of the tests. */
const PGLITE_POOL_SIZE = 10;

interface Counts {
  readonly single1: number;
  readonly single32: number;
  readonly batched: number;
}

const COUNTS: Counts = {
  single1: count(5_000),
  single32: count(5_000),
  batched: count(20_000, BATCH_SIZE),
};

/** PGlite's read page (BENCH_PGLITE_READ_PAGE), the same as the server's unless set. */
const PGLITE_READ_PAGE = parsePage(process.env.BENCH_PGLITE_READ_PAGE, 1000);
/** A query that has not answered after this long fails instead of hanging the run. */
const QUERY_TIMEOUT_MS = 60_000;

interface Row {
  readonly store: string;
  readonly scenario: string;
  readonly events: number;
  readonly seconds: number;
}

function parsePage(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const page = Number(raw);
  if (!Number.isSafeInteger(page) || page < 1) throw new Error(`page size must be a positive integer, got ${raw}`);
  return page;
}

function parseScale(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`BENCH_SCALE must be a positive number, got ${raw}`);
  return scale;
}

/** `base` times BENCH_SCALE, rounded to a multiple of `unit`, at least one unit. */
function count(base: number, unit = 1): number {
  return Math.max(unit, Math.round((base * SCALE) / unit) * unit);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

const occurredAt = new Date('2025-01-01T00:00:00.000Z').toISOString();

/** A purchase as the CRM records it: a few hundred bytes of data and metadata. */
function purchase(customer: string, n: number): EventToAppend {
  const commandId = randomUUID();
  return {
    id: randomUUID(),
    type: 'PurchaseRecorded',
    data: {
      customerId: customer,
      orderId: `order-${n}`,
      amountMinor: 1_000 + (n % 9_000),
      currency: 'EUR',
      items: [{ sku: `SKU-${n % 500}`, quantity: 1 + (n % 3) }],
    },
    metadata: {
      commandId,
      correlationId: commandId,
      causationId: commandId,
      actor: 'service:bench',
      schemaVersion: 1,
      occurredAt,
    },
  };
}

/**
 * One writer: `events` events in appends of `batchSize`, on its own streams
 * of `perStream` events each, always with the exact expected revision.
 */
async function writer(
  store: EventStore,
  prefix: string,
  events: number,
  batchSize: number,
  perStream: number,
): Promise<number> {
  let written = 0;
  let stream = 0;
  while (written < events) {
    const name = `${prefix}-${stream++}`;
    let next: ExpectedRevision = 'no-stream';
    for (let inStream = 0; inStream < perStream && written < events;) {
      const size = Math.min(batchSize, perStream - inStream, events - written);
      const batch = Array.from({ length: size }, (_, i) => purchase(name, written + i));
      const result = await store.append(name, batch, { expectedRevision: next });
      if (result.nextExpectedRevision !== inStream + size - 1) {
        throw new Error(`${name}: expected revision ${inStream + size - 1}, store says ${result.nextExpectedRevision}`);
      }
      next = result.nextExpectedRevision;
      inStream += size;
      written += size;
    }
  }
  return written;
}

/** `total` events spread over `writers` concurrent writers. */
async function writers(
  store: EventStore,
  prefix: string,
  total: number,
  count: number,
  batchSize: number,
  perStream: number,
): Promise<number> {
  const share = Math.floor(total / count);
  const extra = total % count;
  const done = await Promise.all(
    Array.from({ length: count }, (_, w) =>
      writer(store, `${prefix}-w${w}`, share + (w < extra ? 1 : 0), batchSize, perStream),
    ),
  );
  return done.reduce((a, b) => a + b, 0);
}

async function timed(label: string, run: () => Promise<number>): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  const events = await run();
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`  ${label}: ${events} events in ${seconds.toFixed(2)} s\n`);
  return { events, seconds };
}

async function readEverything(store: EventStore, pageSize: number): Promise<number> {
  let read = 0;
  let from: string | undefined;
  for (;;) {
    const page = await store.readAll({ fromCheckpoint: from, maxCount: pageSize });
    if (page.length === 0) return read;
    read += page.length;
    from = page[page.length - 1]!.checkpoint;
  }
}

/** Runs every scenario on one store; returns its rows. */
interface StoreResult {
  readonly rows: Row[];
  /** Correctness problems seen while measuring: printed after the table, and the run fails. */
  readonly problems: string[];
}

/**
 * Waits until every appended event is behind the read horizon. A transaction
 * another session holds open (anywhere on the server) keeps the horizon
 * back; the read measurement should not time that wait.
 */
async function waitForHorizon(store: EventStore, appended: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const visible = await store.countAfter(undefined, appended);
    if (visible >= appended || Date.now() >= deadline) return visible;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Runs every scenario on one store. */
async function benchmark(label: string, store: EventStore, counts: Counts, readPage: number): Promise<StoreResult> {
  process.stderr.write(`${label}\n`);
  const run = randomUUID().slice(0, 8);
  const rows: Row[] = [];
  const problems: string[] = [];
  const record = (scenario: string, result: { events: number; seconds: number }): void => {
    rows.push({ store: label, scenario, ...result });
  };

  // Warm-up, not measured: opens the pool's connections and plans the statements.
  const warmup = await writers(store, `bench-${run}-warmup`, CONCURRENT_WRITERS * 2, CONCURRENT_WRITERS, 1, 2);
  let appended = warmup;

  const one = await timed('single appends, 1 writer', () =>
    writer(store, `bench-${run}-single1`, counts.single1, 1, EVENTS_PER_STREAM),
  );
  record('append 1 event, 1 writer', one);
  appended += one.events;

  const many = await timed(`single appends, ${CONCURRENT_WRITERS} writers`, () =>
    writers(store, `bench-${run}-single32`, counts.single32, CONCURRENT_WRITERS, 1, EVENTS_PER_STREAM),
  );
  record(`append 1 event, ${CONCURRENT_WRITERS} writers`, many);
  appended += many.events;

  const batched = await timed(`${BATCH_SIZE}-event appends, 1 writer`, () =>
    writer(store, `bench-${run}-batch`, counts.batched, BATCH_SIZE, BATCH_STREAM_EVENTS),
  );
  record(`append ${BATCH_SIZE} events, 1 writer`, batched);
  appended += batched.events;

  const visible = await waitForHorizon(store, appended, 30_000);
  if (visible < appended) {
    problems.push(
      `${label}: after 30 s only ${visible} of ${appended} appended events are behind the read horizon ` +
        '(a transaction of another session is open on the server)',
    );
  }
  const read = await timed(`readAll, pages of ${readPage}`, () => readEverything(store, readPage));
  record(`readAll, pages of ${readPage}`, read);
  if (read.events !== visible) {
    problems.push(
      `${label}: readAll from the start returned ${read.events} events, but countAfter sees ${visible} ` +
        `(${appended} appended): readAll skipped ${visible - read.events} events`,
    );
  }
  return { rows, problems };
}

async function serverVersion(
  query: (sql: string) => Promise<{ rows: Array<Record<string, string>> }>,
): Promise<string> {
  const { rows } = await query('SHOW server_version');
  return rows[0]?.server_version ?? 'unknown';
}

function pgliteVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(join(process.cwd(), 'node_modules/@electric-sql/pglite/package.json'), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Why the server cannot be used, or undefined when it answers. */
async function serverUnreachable(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function benchServer(url: string): Promise<StoreResult & { version: string }> {
  const schema = uniqueSchemaName('bench');
  const pool = new Pool({ connectionString: url, max: SERVER_POOL_SIZE, query_timeout: QUERY_TIMEOUT_MS });
  let store: PostgresEventStore | undefined;
  try {
    const version = await serverVersion((sql) => pool.query(sql));
    store = await PostgresEventStore.create({ pool, schema, listenConnection: { connectionString: url } });
    const result = await benchmark('postgres server', store, COUNTS, READ_PAGE);
    return { ...result, version };
  } finally {
    await store?.close();
    await pool.end();
    await dropSchema({ connectionString: url }, schema);
  }
}

async function benchPglite(): Promise<StoreResult & { version: string }> {
  const embedded = await EmbeddedPostgres.start();
  const pool = new Pool({
    ...embedded.connectionConfig(),
    max: PGLITE_POOL_SIZE,
    query_timeout: QUERY_TIMEOUT_MS,
  });
  let store: PostgresEventStore | undefined;
  try {
    const version = await serverVersion((sql) => pool.query(sql));
    store = await PostgresEventStore.create({ pool, kind: 'pglite' });
    const result = await benchmark('pglite, in memory', store, COUNTS, PGLITE_READ_PAGE);
    return { ...result, version };
  } finally {
    await store?.close();
    await pool.end();
    await embedded.stop();
  }
}

function table(rows: readonly Row[]): string {
  const header = ['store', 'scenario', 'events', 'seconds', 'events/s'];
  const cells = rows.map((r) => [
    r.store,
    r.scenario,
    String(r.events),
    r.seconds.toFixed(2),
    Math.round(r.events / r.seconds).toLocaleString('en-US'),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = [false, false, true, true, true];
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

async function main(): Promise<void> {
  const url = testDatabaseUrl();
  const rows: Row[] = [];
  const notes: string[] = [];
  const versions: string[] = [];
  const problems: string[] = [];

  const unreachable = await serverUnreachable(url);
  if (unreachable) {
    const note = `PostgreSQL server at ${redact(url)} unreachable (${unreachable}): server not measured`;
    process.stderr.write(`${note}\n`);
    notes.push(note);
  } else {
    try {
      const server = await benchServer(url);
      rows.push(...server.rows);
      problems.push(...server.problems);
      versions.push(`PostgreSQL server ${server.version}`);
      notes.push(
        `server: ${redact(url)}, fresh schema dropped afterwards, pool of ${SERVER_POOL_SIZE}, ` +
          'LISTEN connection set (every append NOTIFYs), as in production',
      );
    } catch (error) {
      problems.push(`PostgreSQL server run failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  const pglite = await benchPglite();
  rows.push(...pglite.rows);
  problems.push(...pglite.problems);
  versions.push(`PGlite ${pgliteVersion()} (PostgreSQL ${pglite.version}, in memory)`);
  notes.push(`pglite: in memory behind its wire server, pool of ${PGLITE_POOL_SIZE}; transactions run one at a time`);
  if (PGLITE_READ_PAGE !== READ_PAGE) {
    notes.push(`pglite readAll uses pages of ${PGLITE_READ_PAGE}, not ${READ_PAGE} (BENCH_PGLITE_READ_PAGE)`);
  }
  const out = [
    '',
    `event-store benchmark: ${cpus().length} cores, Node ${process.version}, ${versions.join(', ')}, BENCH_SCALE=${SCALE}`,
    ...notes.map((n) => `  ${n}`),
    `  single appends: streams of ${EVENTS_PER_STREAM} events, exact expected revisions; ` +
      `batches: ${BATCH_SIZE} events, streams of ${BATCH_STREAM_EVENTS}; readAll covers every event appended`,
    '',
    table(rows),
    '',
  ];
  if (problems.length > 0) out.push('PROBLEMS', ...problems.map((p) => `  ${p}`), '');
  process.stdout.write(out.join('\n'));
  if (problems.length > 0) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
