import { type PurchaseSummary, summarisePurchases } from '../domain/value-models';

/** One refund of an order: the UTC day of its own business time and its amount in minor units. */
export interface RefundOfDay {
  /** UTC day number since 1970-01-01 (the refund's business day). */
  readonly day: number;
  readonly amountMinor: number;
}

/** One order of a customer in their main currency: its UTC day and amounts in minor units. */
export interface OrderOfDay {
  /** UTC day number since 1970-01-01 (the order's business day). */
  readonly day: number;
  readonly grossMinor: number;
  /**
   * Every refund of that order, each with its own day. A summary at an end
   * day counts those made up to it, on the order's day.
   */
  readonly refunds: readonly RefundOfDay[];
}

/** A customer's orders in their main currency, in ascending day order. */
export interface CustomerOrders {
  readonly customerId: string;
  readonly orders: readonly OrderOfDay[];
}

export interface CustomerValueSummary extends PurchaseSummary {
  readonly customerId: string;
}

/** Minor units per major unit: every amount of the value models is in major units (minor ÷ 100). */
export const MINOR_PER_MAJOR = 100;

/** The refunds of an order made up to `endDay` inclusive (by their own business day), in minor units. */
export function refundsUpTo(order: OrderOfDay, endDay: number): number {
  let sum = 0;
  for (const refund of order.refunds) if (refund.day <= endDay) sum += refund.amountMinor;
  return sum;
}

/**
 * The frequency / recency / monetary summary of one customer at `endDay`
 * (inclusive), from what had happened by then: the orders up to `endDay`
 * are merged per UTC day, each day's spend being the gross minus the refunds
 * of that day's orders **made up to `endDay`** (a refund made later is not
 * known at `endDay`), summed in minor units and then turned into major units;
 * then `summarisePurchases` (x, t_x, T in weeks, z̄ the mean spend of the
 * repeat days). A fully refunded order still makes its day a purchase day,
 * of spend 0: the buying happened. Null when the customer's first order
 * falls after `endDay`.
 */
export function customerValueSummary(customer: CustomerOrders, endDay: number): CustomerValueSummary | null {
  const days: { day: number; spend: number }[] = [];
  let previous = -Infinity;
  let dayNetMinor = 0;
  for (const order of customer.orders) {
    if (order.day < previous) {
      throw new RangeError(`orders of ${customer.customerId} must be in day order: ${order.day} after ${previous}`);
    }
    if (order.day > endDay) break;
    if (order.day !== previous && days.length > 0) days[days.length - 1]!.spend = dayNetMinor / MINOR_PER_MAJOR;
    if (order.day !== previous) {
      days.push({ day: order.day, spend: 0 });
      dayNetMinor = 0;
      previous = order.day;
    }
    dayNetMinor += order.grossMinor - refundsUpTo(order, endDay);
  }
  if (days.length === 0) return null;
  days[days.length - 1]!.spend = dayNetMinor / MINOR_PER_MAJOR;
  const summary = summarisePurchases(days, endDay);
  return summary === null ? null : { customerId: customer.customerId, ...summary };
}
