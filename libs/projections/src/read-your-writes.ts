import type { EventStore } from '@crm/event-store';
import type { DataSource } from 'typeorm';
import type { RowProjection } from './projection';
import { readCheckpoint } from './projection-runner';

export type ProjectionWait =
  | { readonly reached: true }
  | {
      readonly reached: false;
      /** Events in the store after the projection's checkpoint (counted up to 10,000). */
      readonly lagEvents: number;
      /** How long the oldest event the projection has not applied has waited, in seconds. */
      readonly lagSeconds: number;
    };

export interface ProjectionWaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

const LAG_COUNT_LIMIT = 10_000;

/** Whether `checkpoint` is a checkpoint of this store (its comparison refuses anything else). */
export function isCheckpointOf(store: EventStore, checkpoint: string): boolean {
  try {
    store.compareCheckpoints(checkpoint, checkpoint);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether the projection has applied everything it reads up to `minCheckpoint`:
 * its checkpoint is at or past it, or (its checkpoint only moves on the
 * streams it reads) the store's readers see `minCheckpoint` and no event of
 * those streams waits between the two.
 */
async function hasPassed(
  store: EventStore,
  dataSource: DataSource,
  projection: Pick<RowProjection<never>, 'name' | 'streamPrefixes'>,
  minCheckpoint: string,
): Promise<{ passed: boolean; checkpoint: string | null }> {
  const checkpoint = (await readCheckpoint(dataSource.manager, projection.name))?.checkpoint ?? null;
  if (checkpoint !== null && store.compareCheckpoints(checkpoint, minCheckpoint) >= 0)
    return { passed: true, checkpoint };
  const head = await store.headCheckpoint();
  if (head === null || store.compareCheckpoints(head, minCheckpoint) < 0) return { passed: false, checkpoint };
  const [next] = await store.readAll({
    fromCheckpoint: checkpoint ?? undefined,
    maxCount: 1,
    filter: { streamPrefixes: projection.streamPrefixes },
  });
  return { passed: !next || store.compareCheckpoints(next.checkpoint, minCheckpoint) > 0, checkpoint };
}

/**
 * Read your writes: polls the projection's checkpoint row until the projector
 * has passed `minCheckpoint` (a checkpoint from a command's answer), for at
 * most `timeoutMs`; then answers how far behind it still is.
 */
export async function waitForProjection(
  store: EventStore,
  dataSource: DataSource,
  projection: Pick<RowProjection<never>, 'name' | 'streamPrefixes'>,
  minCheckpoint: string,
  { timeoutMs, intervalMs }: ProjectionWaitOptions,
): Promise<ProjectionWait> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { passed, checkpoint } = await hasPassed(store, dataSource, projection, minCheckpoint);
    if (passed) return { reached: true };
    if (Date.now() >= deadline) {
      const lagEvents = await store.countAfter(checkpoint ?? undefined, LAG_COUNT_LIMIT);
      const [oldest] = await store.readAll({
        fromCheckpoint: checkpoint ?? undefined,
        maxCount: 1,
        filter: { streamPrefixes: projection.streamPrefixes },
      });
      const lagSeconds = oldest ? Math.max(0, (Date.now() - oldest.recordedAt.getTime()) / 1000) : 0;
      return { reached: false, lagEvents, lagSeconds: Math.round(lagSeconds * 1000) / 1000 };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
