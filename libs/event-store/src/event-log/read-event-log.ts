import type { EventFilter, EventStore, StoredEvent } from '../event-store.port';

/** Where an export starts or ends: a checkpoint of the store, or an instant compared with the recorded time. */
export type EventLogBound = { readonly checkpoint: string } | { readonly recordedAt: Date };

export interface ReadEventLogOptions {
  /** A checkpoint: strictly after it. An instant: events recorded at or after it. */
  readonly from?: EventLogBound;
  /** A checkpoint: up to it, inclusive. An instant: events recorded before it. */
  readonly to?: EventLogBound;
  readonly filter?: EventFilter;
  /** Events read per `readAll` call. */
  readonly pageSize?: number;
}

export const EVENT_LOG_PAGE_SIZE = 1000;

/**
 * The global log in order, page by page, through the port's `readAll` (so
 * it never passes an event a still-open transaction may commit at an
 * earlier position). It ends at the store's head as of the first call, or
 * at `to` when that is earlier, so it terminates while writers go on.
 * Instants filter by recorded time, which is not monotonic in global
 * order: every event up to the end is looked at.
 */
export async function* readEventLog(
  store: EventStore,
  options: ReadEventLogOptions = {},
): AsyncGenerator<StoredEvent[]> {
  const head = await store.headCheckpoint();
  if (head === null) return;
  let end = head;
  if (options.to && 'checkpoint' in options.to && store.compareCheckpoints(options.to.checkpoint, head) < 0) {
    end = options.to.checkpoint;
  }
  const from = options.from && 'recordedAt' in options.from ? options.from.recordedAt.getTime() : undefined;
  const to = options.to && 'recordedAt' in options.to ? options.to.recordedAt.getTime() : undefined;
  const pageSize = options.pageSize ?? EVENT_LOG_PAGE_SIZE;
  let after = options.from && 'checkpoint' in options.from ? options.from.checkpoint : undefined;
  if (after !== undefined && store.compareCheckpoints(after, end) >= 0) return;
  for (;;) {
    const page = await store.readAll({ fromCheckpoint: after, maxCount: pageSize, filter: options.filter });
    const kept: StoredEvent[] = [];
    let passedEnd = false;
    for (const event of page) {
      if (store.compareCheckpoints(event.checkpoint, end) > 0) {
        passedEnd = true;
        break;
      }
      const time = event.recordedAt.getTime();
      if ((from === undefined || time >= from) && (to === undefined || time < to)) kept.push(event);
    }
    if (kept.length > 0) yield kept;
    if (passedEnd || page.length < pageSize) return;
    after = page[page.length - 1]!.checkpoint;
    if (store.compareCheckpoints(after, end) >= 0) return;
  }
}
