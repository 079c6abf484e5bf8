import type { EventStore } from '@crm/event-store';
import type { DataSource } from 'typeorm';
import { projectionLag, type ProjectionLag, type ProjectionSource } from './projection-lag';
import { readCheckpoint } from './projection-runner';

/** A projection that had not passed the checkpoint in time, and how far behind it was. */
export interface LaggingProjection extends ProjectionLag {
  readonly name: string;
}

export type ProjectionWait =
  | { readonly reached: true }
  | {
      readonly reached: false;
      /** The projections still behind, in the order asked for. */
      readonly lagging: readonly LaggingProjection[];
    };

export interface ProjectionWaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

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
  projection: ProjectionSource,
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
 * Read your writes: polls the projections' checkpoint rows until the
 * projector has passed `minCheckpoint` (a checkpoint from a command's answer)
 * in every one of them, for at most `timeoutMs` in all; then answers which
 * are still behind, and by how much. A projection that has passed stays
 * passed (checkpoints only move forward), so it is not asked again.
 */
export async function waitForProjections(
  store: EventStore,
  dataSource: DataSource,
  projections: readonly ProjectionSource[],
  minCheckpoint: string,
  { timeoutMs, intervalMs }: ProjectionWaitOptions,
): Promise<ProjectionWait> {
  const deadline = Date.now() + timeoutMs;
  let pending = [...new Map(projections.map((projection) => [projection.name, projection])).values()];
  for (;;) {
    const checks = await Promise.all(
      pending.map(async (projection) => ({
        projection,
        ...(await hasPassed(store, dataSource, projection, minCheckpoint)),
      })),
    );
    const behind = checks.filter((check) => !check.passed);
    if (behind.length === 0) return { reached: true };
    pending = behind.map((check) => check.projection);
    if (Date.now() >= deadline) {
      const lagging = await Promise.all(
        behind.map(async ({ projection, checkpoint }) => ({
          name: projection.name,
          ...(await projectionLag(store, projection, checkpoint)),
        })),
      );
      return { reached: false, lagging };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
