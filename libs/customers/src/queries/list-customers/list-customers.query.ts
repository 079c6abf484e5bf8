import type { LifecycleStage } from '../../domain/lifecycle';
import type { LoyaltyTier } from '../../domain/loyalty';
import type { ValueQuadrant } from '../../customer-status/customer-status';
import type { AbcClass, PyramidTier } from '../../segmentation/segmentation.service';

/** Sort keys of GET /customers; a leading `-` sorts descending. Ties are broken by customer id, ascending. */
export const CUSTOMER_SORT_KEYS = [
  'customerId',
  'name',
  'registeredAt',
  'lastPurchaseAt',
  'netSpend',
  'currentValue',
  'predictedValue',
  'probabilityAlive',
  'loyaltyScore',
] as const;
export type CustomerSortKey = (typeof CUSTOMER_SORT_KEYS)[number];

export interface CustomerSort {
  readonly key: CustomerSortKey;
  readonly descending: boolean;
}

/** Where the previous page ended: the sort value of its last item (as text) and its customer id. */
export interface CustomersCursor {
  readonly sort: string;
  readonly value: string;
  readonly customerId: string;
}

export interface CustomersFilter {
  readonly stage: LifecycleStage | null;
  readonly segment: string | null;
  readonly rfmSegment: string | null;
  readonly abcClass: AbcClass | null;
  readonly pyramidTier: PyramidTier | null;
  readonly quadrant: ValueQuadrant | null;
  readonly loyaltyTier: LoyaltyTier | null;
  readonly churnRisk: boolean | null;
  /** Only customers whose probability of being alive (latest lifetime-value scores) is below this. */
  readonly probabilityAliveBelow: number | null;
  readonly accountManagerId: string | null;
  readonly region: string | null;
  readonly sort: CustomerSort;
  readonly limit: number;
  readonly after: CustomersCursor | null;
}

/** One customer in a list: the summary's main facts and the status evaluated for today. */
export interface CustomerListItem {
  readonly customerId: string;
  readonly name: string;
  readonly kind: string;
  readonly region: string | null;
  readonly accountManagerId: string | null;
  readonly status: string;
  readonly registeredAt: Date;
  readonly firstPurchaseAt: Date | null;
  readonly lastPurchaseAt: Date | null;
  readonly purchaseCount: number;
  readonly currency: string | null;
  readonly netSpendMinor: number;
  readonly currentValueMinor: number;
  readonly predictedValueMinor: number | null;
  readonly probabilityAlive: number | null;
  readonly stage: LifecycleStage;
  readonly stageSince: Date;
  readonly segment: string;
  readonly rfmSegment: string | null;
  readonly abcClass: AbcClass | null;
  readonly pyramidTier: PyramidTier | null;
  readonly valueQuadrant: ValueQuadrant | null;
  readonly loyaltyScore: number;
  readonly loyaltyTier: LoyaltyTier;
  readonly churnRisk: boolean;
  readonly churnReasons: readonly string[];
}

export interface CustomersPage {
  /** The instant the statuses were evaluated for (their UTC day is what the rules read). */
  readonly evaluatedAt: Date;
  readonly rulesVersion: string;
  /** The segmentation run the segments, classes and tiers come from; null before the first run. */
  readonly segmentationRunId: string | null;
  readonly items: CustomerListItem[];
  readonly nextCursor: string | null;
}

export class ListCustomersQuery {
  constructor(
    readonly filter: CustomersFilter,
    readonly now: Date,
  ) {}
}

export function parseCustomerSort(text: string): CustomerSort | null {
  const descending = text.startsWith('-');
  const key = descending ? text.slice(1) : text;
  return (CUSTOMER_SORT_KEYS as readonly string[]).includes(key) ? { key: key as CustomerSortKey, descending } : null;
}

export function encodeCustomersCursor(cursor: CustomersCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.customerId]), 'utf8').toString('base64url');
}

/** The cursor, or null when the text is not one this list made. */
export function decodeCustomersCursor(text: string): CustomersCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3 || !parsed.every((part) => typeof part === 'string')) return null;
    const [sort, value, customerId] = parsed as [string, string, string];
    if (!parseCustomerSort(sort) || customerId.length === 0) return null;
    return { sort, value, customerId };
  } catch {
    return null;
  }
}
