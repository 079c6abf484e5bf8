import { businessTimeOf, type StoredEvent } from '@crm/event-store';
import { toCustomerEvent } from '../customer.aggregate';
import { epochDay } from '../domain/lifecycle';
import type { CrmRules } from '../domain/rules/crm-rules';
import type { CustomerSummaryWithFacts } from '../projections/customer-summary/customer-summary.entity';
import { evolveCustomerSummary } from '../projections/customer-summary/customer-summary.projection';
import { customerView, type CustomerView } from '../queries/get-customer/customer-view';
import type { CustomerSegmentation } from '../segmentation/segmentation.service';

/** What a state was built from. */
export interface StateBasis {
  /** Events of the stream known at `knownAt` (all of them when it is not given). */
  readonly eventsKnown: number;
  /** Of those, the events folded: business time at or before `asOf` (and the registration). */
  readonly eventsFolded: number;
  /** Known events left out because they happened after `asOf` (a purchase dated later, …). */
  readonly eventsAfterAsOf: number;
  /** Revision and checkpoint of the last known event. */
  readonly lastKnownRevision: number | null;
  readonly lastKnownCheckpoint: string | null;
  /** The snapshot the fold started from (its last revision), or null for a fold from the first event. */
  readonly snapshotRevision: number | null;
}

/** RFM raw values as of the instant (the scores need the population: `segmentation`). */
export interface RfmRaw {
  /** Whole UTC days from the last purchase day to the day of `asOf`; null without a purchase. */
  readonly recencyDays: number | null;
  readonly frequency: number;
  readonly monetaryMinor: number;
}

export type CustomerState = CustomerView & { readonly rfm: RfmRaw; readonly basis: StateBasis };

/** Snapshots are taken after every this many events of a stream (revisions 499, 999, …). */
export const SNAPSHOT_EVERY = 500;

/**
 * Names the fold the snapshots were made with: change it whenever
 * evolveCustomerSummary, the upcasters or the row's shape change, and older
 * snapshots are no longer used.
 */
export const FOLD_VERSION = 'customer-summary-fold-2';

/** The fold of a stream's events 0..revision, all of them (a row of customer_state_snapshots). */
export interface StateSnapshot {
  readonly revision: number;
  readonly row: CustomerSummaryWithFacts;
  /** The greatest global checkpoint, recorded time and business time among those events. */
  readonly maxCheckpoint: string;
  readonly maxRecordedAt: Date;
  readonly maxBusinessTime: Date;
}

export interface AsOfFold {
  readonly row: CustomerSummaryWithFacts | null;
  /** Events folded (the snapshot's included). */
  readonly folded: number;
  /** Snapshots of the all-included prefix met while folding, for the cache. */
  readonly snapshots: StateSnapshot[];
  /**
   * False when an event's business time in its metadata (what the store
   * files it under: businessTimeOf) names another instant than its data's
   * `occurredAt`, which the fold reads: then a read filtered by the store on
   * business time cannot be trusted.
   */
  readonly businessTimesAgree: boolean;
}

/**
 * The customer_summary row as it was at business time `asOf`, from the events
 * known (already bounded by the caller on the recorded-time axis): the same
 * fold as the projection (`evolveCustomerSummary`), over the registration and
 * every event whose business time is at or before `asOf`, in stream order.
 * `from` is a snapshot of the events before `known[0]`, usable only if all of
 * them happened by `asOf` (the caller checks). `known` may lack events the
 * store already left out as happening after `asOf`: a gap in the revisions.
 * While no event has been left out (and there is no gap), every
 * SNAPSHOT_EVERY-th event's fold is returned as a new snapshot.
 */
export function foldCustomerAsOf(
  known: readonly StoredEvent[],
  asOf: Date,
  compareCheckpoints: (a: string, b: string) => number,
  from: StateSnapshot | null = null,
): AsOfFold {
  let row: CustomerSummaryWithFacts | null = from?.row ?? null;
  let folded = from ? from.revision + 1 : 0;
  let nextRevision = folded;
  let prefixIntact = true;
  let businessTimesAgree = true;
  let maxCheckpoint = from?.maxCheckpoint ?? null;
  let maxRecordedAt = from?.maxRecordedAt.getTime() ?? -Infinity;
  let maxBusinessTime = from?.maxBusinessTime.getTime() ?? -Infinity;
  const snapshots: StateSnapshot[] = [];
  for (const stored of known) {
    if (stored.revision !== nextRevision) prefixIntact = false;
    nextRevision = stored.revision + 1;
    const event = toCustomerEvent(stored);
    const at = new Date(event.data.occurredAt).getTime();
    const filedAt = businessTimeOf(stored.metadata);
    if (filedAt !== null && filedAt.getTime() !== at) businessTimesAgree = false;
    if (event.type !== 'CustomerRegistered' && at > asOf.getTime()) {
      prefixIntact = false;
      continue;
    }
    row = evolveCustomerSummary(row, stored);
    folded += 1;
    if (!prefixIntact) continue;
    if (maxCheckpoint === null || compareCheckpoints(stored.checkpoint, maxCheckpoint) > 0)
      maxCheckpoint = stored.checkpoint;
    maxRecordedAt = Math.max(maxRecordedAt, stored.recordedAt.getTime());
    maxBusinessTime = Math.max(maxBusinessTime, at);
    if (row && (stored.revision + 1) % SNAPSHOT_EVERY === 0) {
      snapshots.push({
        revision: stored.revision,
        row,
        maxCheckpoint,
        maxRecordedAt: new Date(maxRecordedAt),
        maxBusinessTime: new Date(maxBusinessTime),
      });
    }
  }
  return { row, folded, snapshots, businessTimesAgree };
}

/** What the answer says about the events known, beside the fold. */
export interface KnownEvents {
  /** Events of the stream known at `knownAt` (all of them without it). */
  readonly count: number;
  /** The last of them. */
  readonly last: { readonly revision: number; readonly checkpoint: string } | null;
  /** The snapshot the fold started from. */
  readonly snapshotRevision: number | null;
}

/** The full state as of `asOf`: the folded row seen through the same view code as GET /customers/:id. */
export function customerStateAsOf(
  fold: AsOfFold,
  known: KnownEvents,
  asOf: Date,
  rules: CrmRules,
  segmentation: CustomerSegmentation | null,
): CustomerState | null {
  const { row, folded } = fold;
  if (!row) return null;
  const lastDay = row.purchaseDays[row.purchaseDays.length - 1];
  return {
    ...customerView(row, asOf, rules, segmentation),
    rfm: {
      recencyDays: lastDay === undefined ? null : epochDay(asOf.getTime()) - lastDay,
      frequency: row.purchaseCount,
      monetaryMinor: row.netSpendMinor,
    },
    basis: {
      eventsKnown: known.count,
      eventsFolded: folded,
      eventsAfterAsOf: known.count - folded,
      lastKnownRevision: known.last?.revision ?? null,
      lastKnownCheckpoint: known.last?.checkpoint ?? null,
      snapshotRevision: known.snapshotRevision,
    },
  };
}
