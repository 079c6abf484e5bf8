import type { ExactInteger } from '@crm/platform';
import type { PurchaseChannel } from '../../domain/customer.events';

export const TIME_GRANULARITIES = ['year', 'quarter', 'month', 'week', 'day'] as const;
export type TimeGranularity = (typeof TIME_GRANULARITIES)[number];
/** `segment` is the customer's segment today (customer_status), not at the time of the order. */
export const REVENUE_DIMENSIONS = ['region', 'category', 'channel', 'accountManager', 'segment'] as const;
export type RevenueDimension = (typeof REVENUE_DIMENSIONS)[number];
export const GROUP_BY_NAMES = [...TIME_GRANULARITIES, ...REVENUE_DIMENSIONS] as const;

export interface RevenueAnalyticsSpec {
  /** At most one time granularity; the other grouping dimensions in the order asked for. */
  readonly time: TimeGranularity | null;
  readonly dimensions: readonly RevenueDimension[];
  /** First business day included (UTC), YYYY-MM-DD. */
  readonly from: string;
  /** First business day excluded (UTC), YYYY-MM-DD. */
  readonly to: string;
  readonly currency: string | null;
  readonly region: string | null;
  readonly category: string | null;
  readonly channel: PurchaseChannel | null;
  readonly accountManager: string | null;
  readonly segment: string | null;
}

/** Revenue, orders, units and customers over a day range, grouped by time and dimensions. */
export class RevenueAnalyticsQuery {
  constructor(readonly spec: RevenueAnalyticsSpec) {}
}

/**
 * One group: its dimension values (the time bucket under the granularity's
 * name, e.g. `month: "2026-03"`, with `periodStart`; '' for an unknown
 * region or account manager), its currency and its measures in minor units.
 */
export interface RevenueAnalyticsRow {
  readonly year?: string;
  readonly quarter?: string;
  readonly month?: string;
  readonly week?: string;
  readonly day?: string;
  /** First day of the time bucket, YYYY-MM-DD. */
  readonly periodStart?: string;
  readonly region?: string;
  readonly category?: string;
  readonly channel?: string;
  readonly accountManager?: string;
  readonly currency: string;
  readonly grossRevenueMinor: ExactInteger;
  readonly refundsMinor: ExactInteger;
  readonly netRevenueMinor: ExactInteger;
  /** Purchases with lines in the group (one purchase counts once in each category it has lines in). */
  readonly orders: number;
  readonly units: ExactInteger;
  /** Distinct customers with a purchase in the group. */
  readonly customers: number;
}

export interface RevenueAnalyticsAnswer {
  readonly from: string;
  readonly to: string;
  readonly groupBy: readonly string[];
  readonly rows: readonly RevenueAnalyticsRow[];
}
