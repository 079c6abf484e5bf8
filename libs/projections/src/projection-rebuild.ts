import type { EventStore } from '@crm/event-store';
import type { DataSource, ObjectLiteral } from 'typeorm';
import type { RowProjection } from './projection';
import { applyBatch, ensureCheckpointRow } from './projection-runner';

export interface RebuildResult {
  readonly name: string;
  readonly eventsApplied: number;
  /** The projection's checkpoint after the rebuild (null when no event concerned it). */
  readonly checkpoint: string | null;
  /** The store's head when the rebuild started: the rebuild folded up to it. */
  readonly head: string | null;
  readonly seconds: number;
}

/** The table a row projection writes. */
export function projectionTable(dataSource: DataSource, projection: RowProjection<ObjectLiteral>): string {
  return dataSource.getMetadata(projection.entity).tableName;
}

/**
 * Rebuilds a row projection from scratch: one transaction empties its table
 * (TRUNCATE) and removes its checkpoint row, then the events from position 0
 * up to the store's head at the start are folded with the runner's own
 * `applyBatch`, each batch committing its rows and checkpoint together.
 * A projector still running on the same database finds its checkpoint moved
 * and restarts from the stored one.
 */
export async function rebuildProjection(
  store: EventStore,
  dataSource: DataSource,
  projection: RowProjection<ObjectLiteral>,
  options: { readonly batchSize: number },
): Promise<RebuildResult> {
  const started = Date.now();
  const head = await store.headCheckpoint();
  const table = projectionTable(dataSource, projection);
  await dataSource.transaction(async (manager) => {
    await manager.query(`TRUNCATE TABLE "${table.replace(/"/g, '""')}"`);
    await manager.query('DELETE FROM projection_checkpoints WHERE name = $1', [projection.name]);
    await ensureCheckpointRow(manager, projection.name);
  });
  let checkpoint: string | null = null;
  let eventsApplied = 0;
  const filter = { streamPrefixes: projection.streamPrefixes };
  while (head !== null) {
    const read = await store.readAll({ fromCheckpoint: checkpoint ?? undefined, maxCount: options.batchSize, filter });
    const batch = read.filter((event) => store.compareCheckpoints(event.checkpoint, head) <= 0);
    if (batch.length === 0) break;
    const expected = checkpoint;
    await dataSource.transaction((manager) => applyBatch(manager, projection, batch, expected));
    eventsApplied += batch.length;
    checkpoint = batch[batch.length - 1]!.checkpoint;
    if (batch.length < read.length || store.compareCheckpoints(checkpoint, head) >= 0) break;
  }
  return {
    name: projection.name,
    eventsApplied,
    checkpoint,
    head,
    seconds: (Date.now() - started) / 1000,
  };
}
