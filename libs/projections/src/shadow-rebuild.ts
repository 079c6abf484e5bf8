import { randomBytes } from 'node:crypto';
import type { EventStore, StoredEvent } from '@crm/event-store';
import { DataSource, type EntityManager, type ObjectLiteral } from 'typeorm';
import type { RowProjection } from './projection';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { projectionTable, rebuildProjections, type RebuildOptions } from './projection-rebuild';
import { applyBatch, ensureCheckpointRow, readCheckpoint } from './projection-runner';

/** A live table and its shadow copy. */
interface TablePair {
  readonly live: string;
  readonly shadow: string;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Creates a shadow copy of each projection's table (same columns, defaults,
 * constraints and primary key; its other indexes are built by
 * `buildSecondaryIndexes` once the table is filled, which costs the server
 * less than keeping them up to date row by row) and of the checkpoint table
 * (indexes included), and a data source that writes to them (TypeORM's
 * entity prefix), so the product's own rebuild code fills them while the
 * live tables keep serving. The shadow tables are dropped when `work` is
 * done (a swap has renamed its own by then).
 */
async function withShadowTables<T>(
  live: DataSource,
  projections: readonly RowProjection<ObjectLiteral>[],
  purpose: 'verify' | 'swap',
  work: (shadow: DataSource, pairs: readonly TablePair[]) => Promise<T>,
): Promise<T> {
  const prefix = `${purpose}_${randomBytes(4).toString('hex')}_`;
  const liveNames = [
    ...projections.map((projection) => projectionTable(live, projection)),
    live.getMetadata(ProjectionCheckpointEntity).tableName,
  ];
  const pairs = liveNames.map((name) => ({ live: name, shadow: `${prefix}${name}` }));
  for (const [index, pair] of pairs.entries()) {
    if (index === projections.length) {
      await live.query(`CREATE TABLE ${quote(pair.shadow)} (LIKE ${quote(pair.live)} INCLUDING ALL)`);
      continue;
    }
    await live.query(`CREATE TABLE ${quote(pair.shadow)} (LIKE ${quote(pair.live)} INCLUDING ALL EXCLUDING INDEXES)`);
    const [primaryKey] = (await live.query(
      `SELECT pg_get_constraintdef(oid) AS definition FROM pg_constraint
        WHERE conrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass AND contype = 'p'`,
      [pair.live],
    )) as Array<{ definition: string }>;
    if (primaryKey) await live.query(`ALTER TABLE ${quote(pair.shadow)} ADD ${primaryKey.definition}`);
  }
  const shadow = new DataSource({
    ...live.options,
    entityPrefix: prefix,
    migrations: [],
    migrationsRun: false,
    synchronize: false,
  } as ConstructorParameters<typeof DataSource>[0]);
  try {
    await shadow.initialize();
    return await work(shadow, pairs);
  } finally {
    if (shadow.isInitialized) await shadow.destroy();
    for (const pair of pairs) await live.query(`DROP TABLE IF EXISTS ${quote(pair.shadow)}`);
  }
}

/**
 * Folds the events after the projection's checkpoint in `dataSource`, up to
 * `upTo` (inclusive), batch by batch with the runner's own applyBatch.
 */
async function foldForward(
  store: EventStore,
  dataSource: DataSource,
  projection: RowProjection<ObjectLiteral>,
  upTo: string | null,
  batchSize: number,
): Promise<void> {
  if (upTo === null) return;
  await dataSource.transaction((manager) => ensureCheckpointRow(manager, projection.name));
  let checkpoint = (await readCheckpoint(dataSource.manager, projection.name))?.checkpoint ?? null;
  const filter = { streamPrefixes: projection.streamPrefixes };
  for (;;) {
    if (checkpoint !== null && store.compareCheckpoints(checkpoint, upTo) >= 0) return;
    const read = await store.readAll({ fromCheckpoint: checkpoint ?? undefined, maxCount: batchSize, filter });
    const batch: StoredEvent[] = read.filter((event) => store.compareCheckpoints(event.checkpoint, upTo) <= 0);
    if (batch.length === 0) return;
    const expected = checkpoint;
    await dataSource.transaction((manager) => applyBatch(manager, projection, batch, expected));
    checkpoint = batch[batch.length - 1]!.checkpoint;
    if (batch.length < read.length) return;
  }
}

/** A row that is in the fresh fold and not in the live table, or the other way round. */
export interface ProjectionDifference {
  /** The projection. */
  readonly name: string;
  readonly kind: 'missing-from-live' | 'unexpected-in-live';
  /** The row, as a JSON object (column names as keys). */
  readonly row: unknown;
}

/**
 * Builds on each shadow table the indexes of its live table that it lacks
 * (all but the primary key, after `withShadowTables`), with the live
 * definitions; `swapTable` then gives them the live names.
 */
async function buildSecondaryIndexes(manager: EntityManager, pairs: readonly TablePair[]): Promise<void> {
  for (const pair of pairs) {
    const built = new Set((await indexesOf(manager, pair.shadow)).keys());
    for (const definition of (await indexesOf(manager, pair.live)).keys()) {
      if (built.has(definition)) continue;
      // The definition without its index and table names: `CREATE [UNIQUE] INDEX ON <table> USING …`.
      await manager.query(definition.replace(/INDEX ON/, `INDEX ON ${quote(pair.shadow)}`));
    }
  }
}

/** One projection's comparison of its live table with a fresh fold from position 0. */
export interface ProjectionVerification {
  readonly name: string;
  readonly table: string;
  /** The checkpoint both were compared at. */
  readonly checkpoint: string | null;
  readonly liveRows: number;
  readonly rebuiltRows: number;
  /** Rows of the fresh fold that the live table lacks (duplicates counted). */
  readonly missingFromLive: number;
  /** Rows of the live table that the fresh fold does not have. */
  readonly unexpectedInLive: number;
  /** The differing rows (up to `limit` of each kind), unless `onDifference` took them. */
  readonly differences: readonly ProjectionDifference[];
}

export interface VerifyOptions extends RebuildOptions {
  /** Rows listed per projection and kind of difference (default: every one); the counts are always complete. */
  readonly limit?: number;
  /**
   * Takes each differing row as it is read (through a cursor, so none is
   * held): then `differences` stays empty. Without it they are collected.
   */
  readonly onDifference?: (difference: ProjectionDifference) => void;
  /** How long to wait for a running projector to settle on a checkpoint the fold has reached (default 30 s). */
  readonly settleTimeoutMs?: number;
}

/**
 * `crm projections verify`: folds every event from position 0 into shadow
 * tables, up to the live projections' checkpoints, and compares them row for
 * row with the live tables (EXCEPT ALL both ways, at the same checkpoint, in
 * one snapshot). A projector running meanwhile moves the live checkpoints:
 * the shadow then follows them until both stand still at the same place.
 */
export async function verifyProjections(
  store: EventStore,
  live: DataSource,
  projections: readonly RowProjection<ObjectLiteral>[],
  options: VerifyOptions,
): Promise<ProjectionVerification[]> {
  const limit = options.limit ?? Infinity;
  const deadline = Date.now() + (options.settleTimeoutMs ?? 30_000);
  return withShadowTables(live, projections, 'verify', async (shadow, pairs) => {
    await rebuildProjections(store, shadow, projections, { ...options, upTo: await liveLow(store, live, projections) });
    for (;;) {
      // Bring each shadow to its live checkpoint, then compare if nothing moved meanwhile.
      const targets = await liveCheckpoints(live.manager, projections);
      for (const [index, projection] of projections.entries()) {
        await foldForward(store, shadow, projection, targets[index]!, options.batchSize);
      }
      const report = await live.transaction('REPEATABLE READ', async (manager) => {
        const now = await liveCheckpoints(manager, projections);
        // Through this transaction's connection, as the comparison reads the new tables: on the embedded database
        // an open transaction holds back every other connection.
        const shadows = await checkpointsIn(manager, pairs[projections.length]!.shadow, projections);
        if (now.some((checkpoint, index) => checkpoint !== shadows[index])) return null;
        const results: ProjectionVerification[] = [];
        for (const [index, projection] of projections.entries()) {
          results.push(await compareTables(manager, projection.name, pairs[index]!, now[index]!, limit, options));
        }
        return results;
      });
      if (report) return report;
      if (Date.now() > deadline) {
        throw new Error(
          'the live projections kept moving, or stand behind what the rebuild reached: verify again when the projector is idle',
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
}

async function liveCheckpoints(
  manager: EntityManager,
  projections: readonly RowProjection<ObjectLiteral>[],
): Promise<Array<string | null>> {
  return Promise.all(projections.map(async (p) => (await readCheckpoint(manager, p.name))?.checkpoint ?? null));
}

/** The projections' checkpoints in a checkpoint table named outright (a shadow copy), null where none. */
async function checkpointsIn(
  manager: EntityManager,
  table: string,
  projections: readonly RowProjection<ObjectLiteral>[],
): Promise<Array<string | null>> {
  const rows: Array<{ name: string; checkpoint: string | null }> = await manager.query(
    `SELECT name, checkpoint FROM ${quote(table)} WHERE name = ANY($1::text[])`,
    [projections.map((p) => p.name)],
  );
  return projections.map((p) => rows.find((row) => row.name === p.name)?.checkpoint ?? null);
}

/** The lowest live checkpoint among the projections (null when one has none): where the shared rebuild stops. */
async function liveLow(
  store: EventStore,
  live: DataSource,
  projections: readonly RowProjection<ObjectLiteral>[],
): Promise<string | null> {
  const checkpoints = await liveCheckpoints(live.manager, projections);
  // The rebuild reads the log once for all; each shadow then folds forward to its own checkpoint.
  let low: string | null | undefined;
  for (const checkpoint of checkpoints) {
    if (checkpoint === null) return null;
    if (low === undefined || low === null) low = checkpoint;
    else if (store.compareCheckpoints(checkpoint, low) < 0) low = checkpoint;
  }
  return low ?? null;
}

/** Rows fetched per round trip while listing differences. */
const DIFFERENCE_PAGE = 500;

async function compareTables(
  manager: EntityManager,
  name: string,
  pair: TablePair,
  checkpoint: string | null,
  limit: number,
  options: Pick<VerifyOptions, 'onDifference'>,
): Promise<ProjectionVerification> {
  const live = quote(pair.live);
  const shadow = quote(pair.shadow);
  const count = async (sql: string): Promise<number> => Number((await manager.query(sql))[0].n);
  const differences: ProjectionDifference[] = [];
  const report = options.onDifference ?? ((difference: ProjectionDifference) => differences.push(difference));
  /** Every row of `from` that `except` lacks, page by page through a cursor, up to the limit. */
  const list = async (kind: ProjectionDifference['kind'], from: string, except: string): Promise<void> => {
    await manager.query(
      `DECLARE verify_differences NO SCROLL CURSOR FOR
         SELECT row_to_json(d) AS row FROM (SELECT * FROM ${from} EXCEPT ALL SELECT * FROM ${except}) d`,
    );
    try {
      let listed = 0;
      while (listed < limit) {
        const page: Array<{ row: unknown }> = await manager.query(
          `FETCH FORWARD ${Math.min(DIFFERENCE_PAGE, limit - listed)} FROM verify_differences`,
        );
        for (const { row } of page) report({ name, kind, row });
        listed += page.length;
        if (page.length === 0) break;
      }
    } finally {
      await manager.query('CLOSE verify_differences');
    }
  };
  const missingFromLive = await count(
    `SELECT count(*) AS n FROM (SELECT * FROM ${shadow} EXCEPT ALL SELECT * FROM ${live}) d`,
  );
  const unexpectedInLive = await count(
    `SELECT count(*) AS n FROM (SELECT * FROM ${live} EXCEPT ALL SELECT * FROM ${shadow}) d`,
  );
  if (missingFromLive > 0) await list('missing-from-live', shadow, live);
  if (unexpectedInLive > 0) await list('unexpected-in-live', live, shadow);
  return {
    name,
    table: pair.live,
    checkpoint,
    liveRows: await count(`SELECT count(*) AS n FROM ${live}`),
    rebuiltRows: await count(`SELECT count(*) AS n FROM ${shadow}`),
    missingFromLive,
    unexpectedInLive,
    differences,
  };
}

export interface SwapResult {
  readonly name: string;
  readonly table: string;
  readonly eventsApplied: number;
  /** The checkpoint the new table was built up to; the projector goes on from it. */
  readonly checkpoint: string | null;
  readonly seconds: number;
}

/**
 * How long the switch waits for the live tables (readers finishing) before it
 * lets go of everything and tries again: below PostgreSQL's deadlock_timeout
 * (1 s by default), so that a reader whose transaction holds one of the tables
 * and then asks for another never waits on the switch long enough to be
 * chosen as a deadlock victim, and readers queue behind the switch at most
 * this long.
 */
export const SWITCH_LOCK_TIMEOUT_MS = 500;

/** How long the switch keeps trying before it gives up, leaving the live tables in place. */
const SWITCH_DEADLINE_MS = 60_000;

/** A row of a checkpoint table, as the switch reads it. */
interface CheckpointRow {
  readonly name: string;
  readonly checkpoint: string | null;
  readonly events_applied: string;
  readonly last_event_recorded_at: Date | null;
}

/** PostgreSQL's lock_not_available: a lock not granted within lock_timeout. */
function isLockTimeout(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code;
  return code === '55P03' || (error as { code?: unknown } | null)?.code === '55P03';
}

/**
 * `crm projections rebuild --swap`: rebuilds into shadow tables while the
 * live tables keep serving, folds what arrived meanwhile, then in one
 * transaction takes the live tables, puts the new ones in their place (names,
 * index names and the views that read them kept) and sets the checkpoints to
 * where the new tables stand. Readers see the old tables or the new ones,
 * never a half-built one, and never a state older than one already shown:
 *
 * - the switch first takes the live projections' checkpoint rows (FOR
 *   UPDATE), the lock a projector batch takes first, before its table: no
 *   batch is then under way or can start on the live tables, and the switch
 *   and a batch never wait on each other in opposite orders;
 * - if the live projector had applied events after the new tables were
 *   brought to the store's head, the new tables are folded up to the live
 *   checkpoint before the switch (on the embedded database, where an open
 *   transaction holds back every other connection, the switch instead lets go
 *   and brings the new tables further first);
 * - then it takes the tables, waiting at most SWITCH_LOCK_TIMEOUT_MS for
 *   readers, else lets go and tries again.
 *
 * A running projector goes on from the new checkpoint: where the new tables
 * stand exactly where it stood, its next batch applies to them; where they
 * stand further, it finds its checkpoint moved and restarts from the stored one.
 */
export async function swapRebuildProjections(
  store: EventStore,
  live: DataSource,
  projections: readonly RowProjection<ObjectLiteral>[],
  options: RebuildOptions,
): Promise<SwapResult[]> {
  const started = Date.now();
  return withShadowTables(live, projections, 'swap', async (shadow, pairs) => {
    const rebuilt = await rebuildProjections(store, shadow, projections, options);
    await buildSecondaryIndexes(live.manager, pairs.slice(0, projections.length));
    const tables = pairs.slice(0, projections.length);
    const shadowCheckpoints = quote(pairs[projections.length]!.shadow);
    const checkpoints = quote(live.getMetadata(ProjectionCheckpointEntity).tableName);
    const names = projections.map((projection) => projection.name);
    // The embedded database runs one transaction at a time: while the switch holds its locks, no other connection
    // (the store's, the new tables') gets an answer.
    const foldWhileHolding = store.kind !== 'pglite';
    const deadline = Date.now() + SWITCH_DEADLINE_MS;
    for (;;) {
      // What arrived during the rebuild; the projector applies what arrives after the switch.
      const head = await store.headCheckpoint();
      for (const projection of projections) await foldForward(store, shadow, projection, head, options.batchSize);
      let switched: CheckpointRow[] | null = null;
      try {
        switched = await live.transaction(async (manager): Promise<CheckpointRow[] | null> => {
          for (const name of names) await ensureCheckpointRow(manager, name);
          const held: Array<Pick<CheckpointRow, 'name' | 'checkpoint'>> = await manager.query(
            `SELECT name, checkpoint FROM ${checkpoints} WHERE name = ANY($1::text[]) ORDER BY name FOR UPDATE`,
            [names],
          );
          const built = async (): Promise<CheckpointRow[]> =>
            manager.query(
              `SELECT name, checkpoint, events_applied, last_event_recorded_at FROM ${shadowCheckpoints}
                WHERE name = ANY($1::text[])`,
              [names],
            );
          const before = await built();
          for (const projection of projections) {
            const reached = held.find((row) => row.name === projection.name)?.checkpoint ?? null;
            const own = before.find((row) => row.name === projection.name)?.checkpoint ?? null;
            if (reached === null || (own !== null && store.compareCheckpoints(own, reached) >= 0)) continue;
            // The live projector went further than the new tables: they must not step back behind it.
            if (!foldWhileHolding) return null;
            await foldForward(store, shadow, projection, reached, options.batchSize);
          }
          const rows = await built();
          await manager.query(`SET LOCAL lock_timeout = '${SWITCH_LOCK_TIMEOUT_MS}ms'`);
          await manager.query(
            `LOCK TABLE ${tables.map((pair) => quote(pair.live)).join(', ')} IN ACCESS EXCLUSIVE MODE`,
          );
          const views = await dependentViews(
            manager,
            tables.map((pair) => pair.live),
          );
          for (const view of [...views].reverse()) await manager.query(`DROP VIEW ${quote(view.name)}`);
          for (const pair of tables) await swapTable(manager, pair);
          for (const view of views) await manager.query(`CREATE VIEW ${quote(view.name)} AS ${view.definition}`);
          for (const name of names) {
            const row = rows.find((candidate) => candidate.name === name);
            await manager.query(
              `UPDATE ${checkpoints} SET checkpoint = $2, events_applied = $3, last_event_recorded_at = $4, updated_at = now()
                WHERE name = $1`,
              [name, row?.checkpoint ?? null, row?.events_applied ?? 0, row?.last_event_recorded_at ?? null],
            );
          }
          return rows;
        });
      } catch (error) {
        if (!isLockTimeout(error)) throw error;
      }
      if (switched) {
        const seconds = (Date.now() - started) / 1000;
        return projections.map((projection, index) => {
          const row = switched.find((candidate) => candidate.name === projection.name);
          return {
            name: projection.name,
            table: pairs[index]!.live,
            eventsApplied: Number(row?.events_applied ?? rebuilt[index]!.eventsApplied),
            checkpoint: row?.checkpoint ?? null,
            seconds,
          };
        });
      }
      if (Date.now() > deadline) {
        throw new Error(
          `the live tables stayed in use for ${SWITCH_DEADLINE_MS / 1000} s (a long transaction reading them?): ` +
            'nothing was switched, the live tables keep serving',
        );
      }
    }
  });
}

/** The views that read any of the tables, in an order that creates each after those it reads. */
async function dependentViews(
  manager: EntityManager,
  tables: readonly string[],
): Promise<Array<{ name: string; definition: string }>> {
  const rows: Array<{ name: string; definition: string }> = await manager.query(
    `SELECT DISTINCT v.oid::int AS oid, v.relname AS name, pg_get_viewdef(v.oid) AS definition
       FROM pg_depend d
       JOIN pg_rewrite r ON r.oid = d.objid
       JOIN pg_class v ON v.oid = r.ev_class
      WHERE d.refobjid IN (SELECT oid FROM pg_class WHERE relname = ANY($1::text[]) AND relnamespace = current_schema()::regnamespace)
        AND v.relkind = 'v' AND v.oid <> d.refobjid
      ORDER BY 1`,
    [tables],
  );
  return rows.map(({ name, definition }) => ({ name, definition }));
}

/** Indexes of a table by their definition without their own and their table's names. */
async function indexesOf(manager: EntityManager, table: string): Promise<Map<string, string>> {
  const rows: Array<{ indexname: string; indexdef: string }> = await manager.query(
    'SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1',
    [table],
  );
  return new Map(rows.map((row) => [row.indexdef.replace(/INDEX \S+ ON \S+/, 'INDEX ON'), row.indexname]));
}

/** Puts the shadow table in the live one's place, with the live one's index names. */
async function swapTable(manager: EntityManager, pair: TablePair): Promise<void> {
  const oldIndexes = await indexesOf(manager, pair.live);
  const retired = `${pair.shadow}_retired`;
  await manager.query(`ALTER TABLE ${quote(pair.live)} RENAME TO ${quote(retired)}`);
  await manager.query(`ALTER TABLE ${quote(pair.shadow)} RENAME TO ${quote(pair.live)}`);
  await manager.query(`DROP TABLE ${quote(retired)}`);
  for (const [definition, name] of await indexesOf(manager, pair.live)) {
    const original = oldIndexes.get(definition);
    if (original && original !== name) await manager.query(`ALTER INDEX ${quote(name)} RENAME TO ${quote(original)}`);
  }
}
