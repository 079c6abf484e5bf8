import type { CustomerEventType } from '../../domain/customer.events';
import type { CustomerTimelineRow } from '../../projections/customer-timeline/customer-timeline.entity';

/** Where a page ends: the last row's business time and stream revision. */
export interface TimelinePosition {
  readonly occurredAt: Date;
  readonly streamRevision: number;
}

export type TimelineOrder = 'asc' | 'desc';

export interface TimelineFilter {
  /** Business time from (inclusive). */
  readonly from: Date | null;
  /** Business time up to (exclusive). */
  readonly to: Date | null;
  /** Only these event types; null for all. */
  readonly types: readonly CustomerEventType[] | null;
  readonly order: TimelineOrder;
  readonly limit: number;
  /** Continue after this position (in the chosen order); null for the first page. */
  readonly after: TimelinePosition | null;
}

export class GetCustomerTimelineQuery {
  constructor(
    readonly customerId: string,
    readonly filter: TimelineFilter,
  ) {}
}

export type TimelineItem = Omit<CustomerTimelineRow, 'customerId'>;

export interface CustomerTimelinePage {
  readonly customerId: string;
  readonly items: readonly TimelineItem[];
  /** Pass as `cursor` for the next page; null when this page is the last. */
  readonly nextCursor: string | null;
}

/** The opaque cursor: base64url of the JSON pair [occurredAt, streamRevision]. */
export function encodeTimelineCursor(position: TimelinePosition): string {
  return Buffer.from(JSON.stringify([position.occurredAt.toISOString(), position.streamRevision]), 'utf8').toString(
    'base64url',
  );
}

/** The position a cursor names, or null when it is not a cursor this API issued. */
export function decodeTimelineCursor(cursor: string): TimelinePosition | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [time, revision] = parsed as unknown[];
  if (typeof time !== 'string' || typeof revision !== 'number') return null;
  if (!Number.isSafeInteger(revision) || revision < 0 || revision > 2_147_483_647) return null;
  const occurredAt = new Date(time);
  if (Number.isNaN(occurredAt.getTime()) || occurredAt.toISOString() !== time) return null;
  return { occurredAt, streamRevision: revision };
}
