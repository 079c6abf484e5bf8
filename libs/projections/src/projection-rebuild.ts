import type { EventStore, StoredEvent } from '@crm/event-store';
import type { DataSource, ObjectLiteral } from 'typeorm';
import type { RowProjection } from './projection';
import { checkpointTable, ensureCheckpointRow } from './projection-runner';
import { RebuildWriter, takesCopyFromStdin } from './rebuild-writer';

export interface RebuildResult {
  readonly name: string;
  readonly eventsApplied: number;
  /** The projection's checkpoint after the rebuild (null when no event concerned it). */
  readonly checkpoint: string | null;
  /** The store's head when the rebuild started: the rebuild folded up to it. */
  readonly head: string | null;
  /** Seconds the rebuild took (projections rebuilt together share one figure). */
  readonly seconds: number;
}

export interface RebuildOptions {
  /** The projector's batch size: a rebuild applies at least this many events per transaction. */
  readonly batchSize: number;
  /**
   * Events read and applied per transaction during a rebuild (default: the
   * larger of `batchSize` and 5,000). A rebuild has the whole log before it,
   * so it takes larger batches than the live projector, which keeps its
   * batches small to stay close to the head.
   */
  readonly rebuildBatchSize?: number;
  /**
   * Rows of each projection a rebuild keeps in memory between batches (default
   * 1,000): the most recently written, folded on without being read back
   * when their key comes again.
   */
  readonly rebuildCachedRows?: number;
  /** Fold up to this checkpoint (inclusive) instead of the store's head at the start; null: fold nothing. */
  readonly upTo?: string | null;
}

/** Rows of each projection kept in memory between a rebuild's batches unless the options say otherwise. */
export const DEFAULT_REBUILD_CACHED_ROWS = 1_000;

/** Events per batch of a rebuild unless the options say otherwise. */
export const DEFAULT_REBUILD_BATCH_SIZE = 5_000;

/**
 * Events per read of the log. Reads stay small and the batches are made of
 * several of them: a PostgreSQL store's planner estimates the events after a
 * checkpoint at a couple of thousand, and asked for more than that in one
 * read it sorts the whole table instead of walking the global-order index.
 */
const READ_PAGE_SIZE = 1_000;

/** The table a row projection writes. */
export function projectionTable(dataSource: DataSource, projection: RowProjection<ObjectLiteral>): string {
  return dataSource.getMetadata(projection.entity).tableName;
}

/** Whether a projection reads an event's stream (no prefixes: every stream). */
function reads(projection: RowProjection<ObjectLiteral>, event: StoredEvent): boolean {
  const prefixes = projection.streamPrefixes;
  return prefixes.length === 0 || prefixes.some((prefix) => event.stream.startsWith(prefix));
}

/** The prefixes that cover every projection's streams, or undefined when one of them reads every stream. */
function sharedPrefixes(projections: readonly RowProjection<ObjectLiteral>[]): string[] | undefined {
  if (projections.some((p) => p.streamPrefixes.length === 0)) return undefined;
  return [...new Set(projections.flatMap((p) => p.streamPrefixes))];
}

/**
 * Rebuilds row projections from scratch: for each, one transaction empties
 * its table (TRUNCATE) and removes its checkpoint row; then the events from
 * position 0 up to the store's head at the start are read once, in batches
 * of pages, and each batch is folded into every projection by the
 * projection's `evolve` and written by a RebuildWriter (rebuild-writer.ts),
 * each projection's batch committing its rows and its checkpoint together
 * in its own transaction, with the runner's compare-and-set. The next batch
 * is read while the current one is folded and written, each projection
 * folds a batch while its previous one is written, and the projections'
 * transactions run side by side. A projector still running on the same
 * database finds its checkpoints moved and restarts from the stored ones.
 */
export async function rebuildProjections(
  store: EventStore,
  dataSource: DataSource,
  projections: readonly RowProjection<ObjectLiteral>[],
  options: RebuildOptions,
): Promise<RebuildResult[]> {
  const started = Date.now();
  const head = options.upTo !== undefined ? options.upTo : await store.headCheckpoint();
  for (const projection of projections) {
    const table = projectionTable(dataSource, projection);
    await dataSource.transaction(async (manager) => {
      await manager.query(`TRUNCATE TABLE "${table.replace(/"/g, '""')}"`);
      await manager.query(`DELETE FROM ${checkpointTable(manager)} WHERE name = $1`, [projection.name]);
      await ensureCheckpointRow(manager, projection.name);
    });
  }
  const batchSize = options.rebuildBatchSize ?? Math.max(options.batchSize, DEFAULT_REBUILD_BATCH_SIZE);
  const pageSize = Math.min(READ_PAGE_SIZE, batchSize);
  const prefixes = sharedPrefixes(projections);
  const filter = prefixes ? { streamPrefixes: prefixes } : undefined;

  /** The next batch of events up to the head, read in pages (empty at the end). */
  let after: string | undefined;
  let ended = head === null;
  const readBatch = async (): Promise<StoredEvent[]> => {
    const batch: StoredEvent[] = [];
    while (!ended && batch.length < batchSize) {
      const asked = Math.min(pageSize, batchSize - batch.length);
      const read = await store.readAll({ fromCheckpoint: after, maxCount: asked, filter });
      for (const event of read) {
        if (store.compareCheckpoints(event.checkpoint, head!) > 0) {
          ended = true;
          break;
        }
        batch.push(event);
      }
      const last = read[read.length - 1];
      if (last) after = last.checkpoint;
      // A short read: nothing more up to the head (everything at or before it was visible when it was taken).
      if (!last || read.length < asked || store.compareCheckpoints(last.checkpoint, head!) >= 0) ended = true;
    }
    return batch;
  };

  const writerOptions = {
    cachedRows: options.rebuildCachedRows ?? DEFAULT_REBUILD_CACHED_ROWS,
    copy: await takesCopyFromStdin(dataSource),
  };
  const writers = projections.map((projection) => new RebuildWriter(dataSource, projection, writerOptions));
  let failure: { error: unknown } | undefined;
  try {
    let events = await readBatch();
    while (events.length > 0) {
      // The next batch is read while this one is folded and written.
      const next = readBatch();
      // A rejected read is awaited below; this keeps it from counting as unhandled meanwhile.
      next.catch(() => undefined);
      const current = events;
      projections.forEach((projection, index) => {
        const batch = projections.length === 1 && prefixes ? current : current.filter((e) => reads(projection, e));
        writers[index]!.enqueue(batch);
      });
      // Each projection folds its next batch while its previous one is written, and goes no further ahead.
      await Promise.all(writers.map((writer) => writer.waitForRoom(2)));
      events = await next;
    }
  } catch (error) {
    failure = { error };
  }
  // Nothing is left in flight, even after a failure; then the first failure is thrown.
  const drained = await Promise.allSettled(writers.map((writer) => writer.drain()));
  if (failure) throw failure.error;
  for (const result of drained) if (result.status === 'rejected') throw result.reason;
  const seconds = (Date.now() - started) / 1000;
  return projections.map((projection, index) => ({
    name: projection.name,
    eventsApplied: writers[index]!.eventsApplied,
    checkpoint: writers[index]!.checkpoint,
    head,
    seconds,
  }));
}

/** Rebuilds one row projection from scratch (see `rebuildProjections`). */
export async function rebuildProjection(
  store: EventStore,
  dataSource: DataSource,
  projection: RowProjection<ObjectLiteral>,
  options: RebuildOptions,
): Promise<RebuildResult> {
  const [result] = await rebuildProjections(store, dataSource, [projection], options);
  return result!;
}
