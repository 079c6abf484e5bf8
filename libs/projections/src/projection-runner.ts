import type { EventStore, StoredEvent, Subscription } from '@crm/event-store';
import { In, type DataSource, type EntityManager, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import type { RowProjection } from './projection';
import { loadRows, upsertRows } from './row-writer';

export interface ProjectionLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProjectionRunnerOptions {
  /** Most events applied in one transaction. */
  readonly batchSize: number;
  readonly logger: ProjectionLogger;
}

/** Another runner applied events first: this one's view of the checkpoint is stale. */
export class CheckpointMovedError extends Error {
  constructor(readonly projection: string) {
    super(
      `projection ${projection}: the checkpoint moved under this runner (another projector instance applied events, or a rebuild --swap switched tables)`,
    );
    this.name = 'CheckpointMovedError';
  }
}

const NOT_READY = Symbol('not-ready');

/**
 * Groups a subscription's events into batches: waits for one event, then
 * takes whatever else is already available, up to the batch size.
 */
class BatchReader {
  private pending: Promise<IteratorResult<StoredEvent>> | undefined;
  private readonly iterator: AsyncIterator<StoredEvent>;

  constructor(subscription: Subscription) {
    this.iterator = subscription[Symbol.asyncIterator]();
  }

  async next(maxCount: number): Promise<StoredEvent[]> {
    const first = await (this.pending ?? this.iterator.next());
    this.pending = undefined;
    if (first.done) return [];
    const batch = [first.value];
    while (batch.length < maxCount) {
      const next = this.iterator.next();
      const ready = await Promise.race([next, new Promise<typeof NOT_READY>((r) => setImmediate(() => r(NOT_READY)))]);
      if (ready === NOT_READY) {
        this.pending = next;
        break;
      }
      if (ready.done) break;
      batch.push(ready.value);
    }
    return batch;
  }
}

/**
 * The checkpoint table as the data source names it: `projection_checkpoints`,
 * or its shadow copy when a verification or swap rebuilds into shadow tables
 * (a data source with an entity prefix).
 */
export function checkpointTable(manager: EntityManager): string {
  return `"${manager.connection.getMetadata(ProjectionCheckpointEntity).tableName.replace(/"/g, '""')}"`;
}

export async function ensureCheckpointRow(manager: EntityManager, name: string): Promise<void> {
  await manager.query(
    `INSERT INTO ${checkpointTable(manager)} (name, checkpoint, events_applied, updated_at)
     VALUES ($1, NULL, 0, now()) ON CONFLICT (name) DO NOTHING`,
    [name],
  );
}

export async function readCheckpoint(manager: EntityManager, name: string): Promise<ProjectionCheckpointEntity | null> {
  return manager.findOneBy(ProjectionCheckpointEntity, { name });
}

/**
 * Moves a projection's checkpoint past a batch of events inside the caller's
 * transaction, by compare-and-set: it must still be `expectedCheckpoint`.
 * The update also locks the checkpoint row against a concurrent runner until
 * the transaction ends. Throws CheckpointMovedError when it had moved.
 */
export async function moveCheckpoint(
  manager: EntityManager,
  name: string,
  events: readonly StoredEvent[],
  expectedCheckpoint: string | null,
): Promise<void> {
  const last = events[events.length - 1];
  if (!last) return;
  const moved: unknown = await manager.query(
    `UPDATE ${checkpointTable(manager)}
        SET checkpoint = $2, events_applied = events_applied + $3, last_event_recorded_at = $4, updated_at = now()
      WHERE name = $1 AND checkpoint IS NOT DISTINCT FROM $5`,
    [name, last.checkpoint, events.length, last.recordedAt, expectedCheckpoint],
  );
  // pg answers an UPDATE through TypeORM with [rows, affectedCount].
  const affected = Array.isArray(moved) ? Number(moved[1]) : 0;
  if (affected !== 1) throw new CheckpointMovedError(name);
}

/**
 * Applies a batch of events to a row projection inside the caller's
 * transaction: moves the checkpoint first (compare-and-set, which also locks
 * it against a concurrent runner), then folds and writes the rows.
 */
export async function applyBatch<Row extends ObjectLiteral>(
  manager: EntityManager,
  projection: RowProjection<Row>,
  events: readonly StoredEvent[],
  expectedCheckpoint: string | null,
): Promise<void> {
  if (events.length === 0) return;
  await moveCheckpoint(manager, projection.name, events, expectedCheckpoint);

  const relevant: { event: StoredEvent; key: string }[] = [];
  const keys = new Set<string>();
  for (const event of events) {
    const key = projection.keyOf(event);
    if (key === null) continue;
    relevant.push({ event, key });
    keys.add(key);
  }
  if (relevant.length === 0) return;

  const existing = await loadRows(manager, projection.entity, projection.keyProperty, [...keys]);
  const rows = new Map<string, Row | null>();
  for (const row of existing) rows.set(String(row[projection.keyProperty]), row);
  for (const { event, key } of relevant) rows.set(key, projection.evolve(rows.get(key) ?? null, event));

  const upserts: Row[] = [];
  const deletions: string[] = [];
  for (const [key, row] of rows) {
    if (row === null) deletions.push(key);
    else upserts.push(row);
  }
  await upsertRows(manager, projection.entity, projection.keyProperty, upserts);
  const byKeys = (values: string[]) => ({ [projection.keyProperty]: In(values) }) as FindOptionsWhere<Row>;
  if (deletions.length > 0) await manager.delete(projection.entity, byKeys(deletions));
}

/**
 * Keeps one row projection up to date: catches up from its stored checkpoint,
 * then follows the live log. Each batch's rows and checkpoint commit in one
 * PostgreSQL transaction, so a crash never applies an event twice or skips
 * one. A runner that finds the checkpoint moved (a second instance) restarts
 * from the stored checkpoint.
 */
export class ProjectionRunner<Row extends ObjectLiteral> {
  private stopped = false;
  private subscription: Subscription | undefined;
  private running: Promise<void> | undefined;
  private wakeRestart: (() => void) | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly dataSource: DataSource,
    readonly projection: RowProjection<Row>,
    private readonly options: ProjectionRunnerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeRestart?.();
    await this.subscription?.close();
    await this.running;
  }

  private async run(): Promise<void> {
    const { logger } = this.options;
    let failures = 0;
    while (!this.stopped) {
      try {
        await ensureCheckpointRow(this.dataSource.manager, this.projection.name);
        let checkpoint = (await readCheckpoint(this.dataSource.manager, this.projection.name))?.checkpoint ?? null;
        const subscription = this.store.subscribeToAll({
          fromCheckpoint: checkpoint ?? undefined,
          filter: { streamPrefixes: this.projection.streamPrefixes },
        });
        this.subscription = subscription;
        if (this.stopped) await subscription.close();
        const reader = new BatchReader(subscription);
        for (;;) {
          const batch = await reader.next(this.options.batchSize);
          if (batch.length === 0) break;
          const expected = checkpoint;
          await this.dataSource.transaction((manager) => applyBatch(manager, this.projection, batch, expected));
          checkpoint = batch[batch.length - 1]!.checkpoint;
          failures = 0;
        }
      } catch (error) {
        if (this.stopped) break;
        failures++;
        const delay = Math.min(100 * 2 ** Math.min(failures, 6), 5_000);
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof CheckpointMovedError) logger.warn(`${message}; restarting from the stored checkpoint`);
        else logger.error(`projection ${this.projection.name} failed: ${message}; retrying in ${delay} ms`);
        await this.subscription?.close();
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          this.wakeRestart = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    }
  }
}
