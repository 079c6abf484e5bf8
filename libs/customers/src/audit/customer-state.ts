import type { StoredEvent } from '@crm/event-store';
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
}

/** RFM raw values as of the instant (the scores need the population: `segmentation`). */
export interface RfmRaw {
  /** Whole UTC days from the last purchase day to the day of `asOf`; null without a purchase. */
  readonly recencyDays: number | null;
  readonly frequency: number;
  readonly monetaryMinor: number;
}

export type CustomerState = CustomerView & { readonly rfm: RfmRaw; readonly basis: StateBasis };

/**
 * The customer_summary row as it was at business time `asOf`, from the events
 * known (already filtered by the caller on the recorded-time axis): the same
 * fold as the projection (`evolveCustomerSummary`), over the registration and
 * every event whose business time is at or before `asOf`, in stream order.
 * Null when the known events do not include the registration.
 */
export function foldCustomerAsOf(
  known: readonly StoredEvent[],
  asOf: Date,
): { row: CustomerSummaryWithFacts | null; folded: number } {
  let row: CustomerSummaryWithFacts | null = null;
  let folded = 0;
  for (const stored of known) {
    const event = toCustomerEvent(stored);
    if (event.type !== 'CustomerRegistered' && new Date(event.data.occurredAt).getTime() > asOf.getTime()) continue;
    row = evolveCustomerSummary(row, stored);
    folded += 1;
  }
  return { row, folded };
}

/** The full state as of `asOf`: the folded row seen through the same view code as GET /customers/:id. */
export function customerStateAsOf(
  known: readonly StoredEvent[],
  asOf: Date,
  rules: CrmRules,
  segmentation: CustomerSegmentation | null,
): CustomerState | null {
  const { row, folded } = foldCustomerAsOf(known, asOf);
  if (!row) return null;
  const last = known[known.length - 1];
  const lastDay = row.purchaseDays[row.purchaseDays.length - 1];
  return {
    ...customerView(row, asOf, rules, segmentation),
    rfm: {
      recencyDays: lastDay === undefined ? null : epochDay(asOf.getTime()) - lastDay,
      frequency: row.purchaseCount,
      monetaryMinor: row.netSpendMinor,
    },
    basis: {
      eventsKnown: known.length,
      eventsFolded: folded,
      eventsAfterAsOf: known.length - folded,
      lastKnownRevision: last?.revision ?? null,
      lastKnownCheckpoint: last?.checkpoint ?? null,
    },
  };
}
