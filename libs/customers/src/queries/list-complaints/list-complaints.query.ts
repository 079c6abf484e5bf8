import type { ComplaintStatus } from '../../domain/complaint-lifecycle';
import type { ComplaintSeverity } from '../../domain/customer.events';
import type { ComplaintRow } from '../../projections/complaints/complaint.entity';

/** Where a page ends: the last item's filing time and key. */
export interface ComplaintsPosition {
  readonly filedAt: Date;
  readonly key: string;
}

export interface ComplaintsFilter {
  readonly state: ComplaintStatus | null;
  readonly category: string | null;
  readonly severity: ComplaintSeverity | null;
  readonly customerId: string | null;
  /** true: only breached complaints (as of the request); false: only the others; null: all. */
  readonly slaBreached: boolean | null;
  readonly limit: number;
  /** Continue after this position; null for the first page. */
  readonly after: ComplaintsPosition | null;
}

/** Lists complaints by filing time, newest first; SLA breaches are judged as of `asOf` (the request time). */
export class ListComplaintsQuery {
  constructor(
    readonly filter: ComplaintsFilter,
    readonly asOf: Date,
  ) {}
}

export interface ComplaintItem extends ComplaintRow {
  /** When the current cycle's assessment is (or was) due: the cycle's start plus the assessment target. */
  readonly assessDueAt: Date;
  /** When the current cycle's resolution is (or was) due; null when the complaint was judged not valid. */
  readonly resolveDueAt: Date | null;
  /** A target was missed, or an open step is past its due time as of the request. */
  readonly breached: boolean;
}

export interface ComplaintsPage {
  /** The time the breaches were judged at. */
  readonly asOf: Date;
  readonly items: readonly ComplaintItem[];
  /** Pass as `cursor` for the next page; null when this page is the last. */
  readonly nextCursor: string | null;
}

/** The opaque cursor: base64url of the JSON pair [filedAt, key]. */
export function encodeComplaintsCursor(position: ComplaintsPosition): string {
  return Buffer.from(JSON.stringify([position.filedAt.toISOString(), position.key]), 'utf8').toString('base64url');
}

/** The position a cursor names, or null when it is not a cursor this API issued. */
export function decodeComplaintsCursor(cursor: string): ComplaintsPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) return null;
  const [time, key] = parsed as unknown[];
  if (typeof time !== 'string' || typeof key !== 'string' || key.length === 0 || key.length > 200) return null;
  const filedAt = new Date(time);
  if (Number.isNaN(filedAt.getTime()) || filedAt.toISOString() !== time) return null;
  return { filedAt, key };
}
