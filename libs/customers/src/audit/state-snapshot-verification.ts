import { isDeepStrictEqual } from 'node:util';
import { StreamNotFoundError, type EventStore, type StoredEvent } from '@crm/event-store';
import type { DataSource } from 'typeorm';
import { customerStream } from '../domain/customer.events';
import { FOLD_VERSION, foldCustomerAsOf, type StateSnapshot } from './customer-state';

/** A stored snapshot that is not the fold of the events it covers. */
export interface SnapshotDifference {
  readonly customerId: string;
  readonly revision: number;
  /** What differs: the row's fields, the greatest checkpoint or times, the digest, or missing events. */
  readonly problems: readonly string[];
}

export interface SnapshotVerification {
  /** Snapshots of the current fold version checked, and of how many customers. */
  readonly snapshots: number;
  readonly customers: number;
  /** Snapshots made by an older fold version: never read, so not checked. */
  readonly otherFoldVersions: number;
  /** Snapshots that differ from the fold of their events. */
  readonly differing: number;
  /** The differing snapshots (up to `limit`), unless `onDifference` took them. */
  readonly differences: readonly SnapshotDifference[];
}

export interface SnapshotVerificationOptions {
  /** Differences listed (default: every one); `differing` always counts them all. */
  readonly limit?: number;
  /** Takes each difference as it is found: then `differences` stays empty. */
  readonly onDifference?: (difference: SnapshotDifference) => void;
}

/** An instant after every business time: the fold of every event. */
const END_OF_TIME = new Date(8.64e15);
const PAGE = 10_000;

interface StoredSnapshotRow {
  revision: number;
  max_checkpoint: string;
  max_recorded_at: Date;
  max_business_time: Date;
  row: Record<string, unknown>;
  intact: boolean;
}

/** The events 0…`upTo` of a stream, page by page. */
async function eventsUpTo(store: EventStore, stream: string, upTo: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  try {
    for (;;) {
      const fromRevision = events.length === 0 ? 0 : events[events.length - 1]!.revision + 1;
      const page = await store.readStream(stream, { fromRevision, maxCount: Math.min(PAGE, upTo + 1 - fromRevision) });
      events.push(...page);
      if (page.length === 0 || events[events.length - 1]!.revision >= upTo) return events;
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return events;
    throw error;
  }
}

/** How a stored snapshot differs from the fresh fold of its events (empty when it does not). */
function compare(stored: StoredSnapshotRow, fresh: StateSnapshot | undefined, events: number): string[] {
  const problems: string[] = [];
  if (!stored.intact) problems.push('its content no longer gives its digest');
  if (!fresh) {
    problems.push(`the stream holds no unbroken run of events 0…${stored.revision} (${events} read)`);
    return problems;
  }
  // Both as JSON, as the snapshot stores the fold.
  const row = JSON.parse(JSON.stringify(fresh.row)) as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(row), ...Object.keys(stored.row)])]
    .filter((field) => !isDeepStrictEqual(row[field], stored.row[field]))
    .sort();
  if (fields.length > 0) problems.push(`row fields ${fields.join(', ')}`);
  if (stored.max_checkpoint !== fresh.maxCheckpoint) problems.push('max_checkpoint');
  if (new Date(stored.max_recorded_at).getTime() !== fresh.maxRecordedAt.getTime()) problems.push('max_recorded_at');
  if (new Date(stored.max_business_time).getTime() !== fresh.maxBusinessTime.getTime()) {
    problems.push('max_business_time');
  }
  return problems;
}

/**
 * Checks the snapshot cache of the state queries (customer_state_snapshots):
 * each stored snapshot of the current fold version must equal a fresh fold
 * of the events it covers (the stream's events 0…revision, every one of
 * them), column by column, and still give its digest. Each customer's
 * stream is read once, up to its last snapshot.
 */
export async function verifyStateSnapshots(
  store: EventStore,
  dataSource: DataSource,
  options: SnapshotVerificationOptions = {},
): Promise<SnapshotVerification> {
  const limit = options.limit ?? Infinity;
  const differences: SnapshotDifference[] = [];
  const report = options.onDifference ?? ((difference: SnapshotDifference) => differences.push(difference));
  const customers: Array<{ customer_id: string; revisions: number[] }> = await dataSource.query(
    `SELECT customer_id, array_agg(revision ORDER BY revision) AS revisions
       FROM customer_state_snapshots WHERE fold_version = $1 GROUP BY customer_id ORDER BY customer_id`,
    [FOLD_VERSION],
  );
  const [{ n: otherFoldVersions }]: Array<{ n: number }> = await dataSource.query(
    'SELECT count(*)::int AS n FROM customer_state_snapshots WHERE fold_version <> $1',
    [FOLD_VERSION],
  );
  let snapshots = 0;
  let differing = 0;
  for (const { customer_id: customerId, revisions } of customers) {
    const events = await eventsUpTo(store, customerStream(customerId), Math.max(...revisions));
    const fold = foldCustomerAsOf(events, END_OF_TIME, (a, b) => store.compareCheckpoints(a, b));
    const fresh = new Map(fold.snapshots.map((snapshot) => [snapshot.revision, snapshot]));
    for (const revision of revisions) {
      const [stored]: StoredSnapshotRow[] = await dataSource.query(
        `SELECT revision, max_checkpoint, max_recorded_at, max_business_time, row,
                digest = customer_state_snapshot_digest(customer_id, fold_version, revision, max_checkpoint,
                                                        max_recorded_at, max_business_time, row) AS intact
           FROM customer_state_snapshots WHERE customer_id = $1 AND fold_version = $2 AND revision = $3`,
        [customerId, FOLD_VERSION, revision],
      );
      if (!stored) continue;
      snapshots += 1;
      const problems = compare(stored, fresh.get(revision), events.length);
      if (problems.length === 0) continue;
      differing += 1;
      if (differing <= limit) report({ customerId, revision, problems });
    }
  }
  return { snapshots, customers: customers.length, otherFoldVersions, differing, differences };
}
