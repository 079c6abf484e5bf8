import type { StoredEvent } from '@crm/event-store';
import { In, type DataSource, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import { KeyFingerprints } from './key-fingerprints';
import type { RowProjection } from './projection';
import { moveCheckpoint } from './projection-runner';
import { insertRows, loadRows, upsertRows } from './row-writer';

/** Keys per DELETE statement (TypeORM sends one parameter per key). */
const KEYS_PER_DELETE = 1_000;

const ignore = (): void => undefined;

export interface RebuildWriterOptions {
  /** Rows kept in memory between batches (the most recently written). */
  readonly cachedRows: number;
  /** Whether new rows go through COPY FROM STDIN (a PostgreSQL server; not PGlite, whose wire server has no COPY). */
  readonly copy: boolean;
}

/**
 * Whether the database takes COPY FROM STDIN: a PostgreSQL server does;
 * embedded PGlite, served to the driver by the product's wire server, does
 * not (it names itself in `version()`).
 */
export async function takesCopyFromStdin(dataSource: DataSource): Promise<boolean> {
  const [row] = (await dataSource.query('SELECT version() AS version')) as Array<{ version: string }>;
  return !/PGlite/i.test(row?.version ?? 'PGlite');
}

/** One batch folded and ready to write: the checkpoint moves past `events` in the same transaction. */
interface FoldedBatch<Row> {
  readonly events: readonly StoredEvent[];
  readonly expectedCheckpoint: string | null;
  /** Rows whose key had no row before the batch. */
  readonly inserts: Row[];
  /** Rows whose key had a row before the batch. */
  readonly updates: Row[];
  /** Keys whose row the batch removed. */
  readonly deletions: string[];
}

/**
 * Writes one projection's batches during a rebuild from position 0 into a
 * table that the rebuild emptied (or created) and alone writes to: a
 * projector that got in between would move the checkpoint, and the next
 * batch's compare-and-set fails. Because the table starts empty, the rebuild
 * knows which keys have a row:
 *
 * - a key it never wrote has none: no lookup, and its row is inserted
 *   without conflict handling (through COPY on a PostgreSQL server);
 * - the rows it wrote last (`cachedRows` of them) are kept in memory, as a
 *   batch keeps the rows it folds, so a key met again is folded on without
 *   reading it back (a log appended stream by stream has a stream's events
 *   side by side, so the keys a batch shares with the next are its last);
 * - only a key written earlier and no longer kept is read from the table
 *   (with the live projector's `loadRows`), after every earlier batch of the
 *   projection has committed.
 *
 * The fold is the projection's own `evolve`, event by event in log order;
 * each batch's rows and checkpoint commit in one transaction, in order, with
 * the runner's compare-and-set. Batches are folded as soon as they are
 * queued (while the previous one is being written) and written one after the
 * other.
 *
 * Rebuild transactions commit with `synchronous_commit = off`: the server
 * acknowledges the commit before its WAL reaches the disk. A server crash
 * can then lose the last rebuild transactions (less than a second of them),
 * never a part of one: a transaction's rows and its checkpoint are lost
 * together, so the projection stands at an earlier checkpoint with the rows
 * of that checkpoint, and the projector folds the lost events again.
 */
export class RebuildWriter<Row extends ObjectLiteral> {
  /** The most recently written rows by key (null: the key has no row), least recent first. */
  private readonly recent = new Map<string, Row | null>();
  /** Every key given a row so far (maybe also a few never given one). */
  private readonly written = new KeyFingerprints();
  /** The checkpoint after the last batch queued. */
  private queuedCheckpoint: string | null = null;
  private folded: Promise<unknown> = Promise.resolve();
  private committed: Promise<void> = Promise.resolve();
  /** Commits of the batches queued and not yet awaited by `waitForRoom`. */
  private readonly pending: Promise<void>[] = [];
  private applied = 0;
  private checkpointCommitted: string | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly projection: RowProjection<Row>,
    private readonly options: RebuildWriterOptions,
  ) {}

  /** Events applied by the batches committed so far. */
  get eventsApplied(): number {
    return this.applied;
  }

  /** The checkpoint of the last batch committed (null before the first). */
  get checkpoint(): string | null {
    return this.checkpointCommitted;
  }

  /**
   * Queues a batch (events in log order, after those of the previous batch):
   * folded once the previous batch is folded, committed after the previous
   * batch commits. A failure fails every later batch; `waitForRoom` and
   * `drain` report it.
   */
  enqueue(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    const keys = events.map((event) => this.projection.keyOf(event));
    const expectedCheckpoint = this.queuedCheckpoint;
    this.queuedCheckpoint = events[events.length - 1]!.checkpoint;
    const earlierCommits = this.committed;
    const folded = this.folded.then(() => this.fold(events, keys, expectedCheckpoint, earlierCommits));
    // Settles only once the earlier batches have: a failure never leaves an earlier write in flight.
    const committed = earlierCommits.then(() => folded).then((batch) => this.write(batch));
    this.folded = folded;
    this.committed = committed;
    this.pending.push(committed);
    // Failures are reported by waitForRoom and drain; these keep them from counting as unhandled meanwhile.
    folded.catch(ignore);
    committed.catch(ignore);
  }

  /** Waits until fewer than `limit` queued batches are uncommitted; throws the first failure. */
  async waitForRoom(limit: number): Promise<void> {
    while (this.pending.length >= limit) await this.pending.shift();
  }

  /** Waits until every queued batch is committed, or settled after a failure (then throws it). */
  async drain(): Promise<void> {
    const results = await Promise.allSettled([this.folded, this.committed]);
    this.pending.length = 0;
    for (const result of results) if (result.status === 'rejected') throw result.reason;
  }

  private async fold(
    events: readonly StoredEvent[],
    keys: ReadonlyArray<string | null>,
    expectedCheckpoint: string | null,
    earlierCommits: Promise<void>,
  ): Promise<FoldedBatch<Row>> {
    const { projection, recent, written } = this;
    // Each key's row before the batch: kept in memory, certainly none, or read back below.
    const touched = new Map<string, { existed: boolean; row: Row | null }>();
    const unknown: string[] = [];
    for (const key of keys) {
      if (key === null || touched.has(key)) continue;
      // Rows are objects or null, never undefined: undefined means not kept.
      const kept = recent.get(key);
      if (kept !== undefined) {
        recent.delete(key);
        touched.set(key, { existed: kept !== null, row: kept });
      } else {
        if (written.mayHave(key)) unknown.push(key);
        touched.set(key, { existed: false, row: null });
      }
    }
    if (unknown.length > 0) {
      // The table holds these keys' rows once every earlier batch has committed.
      await earlierCommits;
      for (const row of await loadRows(this.dataSource.manager, projection.entity, projection.keyProperty, unknown)) {
        const entry = touched.get(String(row[projection.keyProperty]));
        if (entry) {
          entry.existed = true;
          entry.row = row;
        }
      }
    }

    for (let i = 0; i < events.length; i++) {
      const key = keys[i];
      if (key === null || key === undefined) continue;
      const entry = touched.get(key)!;
      entry.row = projection.evolve(entry.row, events[i]!);
    }

    const batch: FoldedBatch<Row> = { events, expectedCheckpoint, inserts: [], updates: [], deletions: [] };
    // The batch's last rows are kept for the next batches, most recently written last.
    let skip = touched.size - this.options.cachedRows;
    for (const [key, { existed, row }] of touched) {
      if (row === null) {
        if (existed) batch.deletions.push(key);
      } else if (existed) {
        batch.updates.push(row);
      } else {
        batch.inserts.push(row);
        written.add(key);
      }
      if (skip-- <= 0) recent.set(key, row);
    }
    for (const key of recent.keys()) {
      if (recent.size <= this.options.cachedRows) break;
      recent.delete(key);
    }
    return batch;
  }

  private async write(batch: FoldedBatch<Row>): Promise<void> {
    const { projection } = this;
    await this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL synchronous_commit = off');
      await moveCheckpoint(manager, projection.name, batch.events, batch.expectedCheckpoint);
      await insertRows(manager, projection.entity, projection.keyProperty, batch.inserts, { copy: this.options.copy });
      await upsertRows(manager, projection.entity, projection.keyProperty, batch.updates);
      for (let i = 0; i < batch.deletions.length; i += KEYS_PER_DELETE) {
        const keys = batch.deletions.slice(i, i + KEYS_PER_DELETE);
        await manager.delete(projection.entity, { [projection.keyProperty]: In(keys) } as FindOptionsWhere<Row>);
      }
    });
    this.applied += batch.events.length;
    this.checkpointCommitted = batch.events[batch.events.length - 1]!.checkpoint;
  }
}
