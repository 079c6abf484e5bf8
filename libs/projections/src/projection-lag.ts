import type { EventStore } from '@crm/event-store';
import type { RowProjection } from './projection';

/** The most events a lag count reads: beyond it the lag is reported as this number. */
export const LAG_COUNT_LIMIT = 10_000;

/** What a lag needs to know of a projection: its name and the streams it reads. */
export type ProjectionSource = Pick<RowProjection<never>, 'name' | 'streamPrefixes'>;

export interface ProjectionLag {
  /** Events of the streams the projection reads after its checkpoint (counted up to 10,000). */
  readonly lagEvents: number;
  /** How long the oldest of them has waited, in seconds (0 when there is none). */
  readonly lagSeconds: number;
}

/**
 * How far a projection at `checkpoint` (null: before its first event) is
 * behind the store. Only events of the streams it reads count: its checkpoint
 * never moves past the events of other streams, so counting those would
 * report a lag that applying cannot remove.
 */
export async function projectionLag(
  store: EventStore,
  projection: ProjectionSource,
  checkpoint: string | null,
): Promise<ProjectionLag> {
  const filter = { streamPrefixes: projection.streamPrefixes };
  const from = checkpoint ?? undefined;
  const lagEvents = await store.countAfter(from, LAG_COUNT_LIMIT, filter);
  if (lagEvents === 0) return { lagEvents: 0, lagSeconds: 0 };
  const [oldest] = await store.readAll({ fromCheckpoint: from, maxCount: 1, filter });
  const seconds = oldest ? Math.max(0, (Date.now() - oldest.recordedAt.getTime()) / 1000) : 0;
  return { lagEvents, lagSeconds: Math.round(seconds * 1000) / 1000 };
}
