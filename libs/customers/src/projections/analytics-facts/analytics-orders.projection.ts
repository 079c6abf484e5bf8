import type { StoredEvent } from '@crm/event-store';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import { CUSTOMER_STREAM_PREFIX, type PurchaseLine } from '../../domain/customer.events';
import { AnalyticsOrderEntity, type AnalyticsOrderCategory, type AnalyticsOrderRow } from './analytics-order.entity';

/** The customer a customer stream belongs to, or null for other streams. */
export function customerIdOfStream(stream: string): string | null {
  return stream.startsWith(CUSTOMER_STREAM_PREFIX) ? stream.slice(CUSTOMER_STREAM_PREFIX.length) : null;
}

/** An event's business time; fails loudly when it carries none. */
export function businessTimeOf(occurredAt: string, stored: StoredEvent): Date {
  const time = new Date(occurredAt);
  if (Number.isNaN(time.getTime())) {
    throw new Error(`${stored.type} at ${stored.stream}@${stored.revision} carries no valid business time`);
  }
  return time;
}

/** The UTC calendar date of a time, YYYY-MM-DD. */
export function utcDay(time: Date): string {
  return time.toISOString().slice(0, 10);
}

export function analyticsOrderKey(customerId: string, orderId: string): string {
  return `${customerId}|${orderId}`;
}

/** The purchase's lines summed by category, sorted by category. */
function byCategory(lines: readonly PurchaseLine[]): AnalyticsOrderCategory[] {
  const parts = new Map<string, { grossMinor: number; units: number }>();
  for (const line of lines) {
    const part = parts.get(line.category) ?? { grossMinor: 0, units: 0 };
    parts.set(line.category, { grossMinor: part.grossMinor + line.totalMinor, units: part.units + line.quantity });
  }
  return [...parts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([category, part]) => ({ category, ...part, refundsMinor: 0 }));
}

/**
 * Shares an order's refunds among its categories in proportion to their
 * gross, in whole minor units (largest remainder; ties go to the first
 * category in order). The cumulative refund is shared each time, so the
 * parts always add up to it and no category is refunded more than its gross.
 * An order with zero gross cannot be refunded, so it keeps zero parts.
 */
export function allocateRefunds(
  categories: readonly AnalyticsOrderCategory[],
  refundsMinor: number,
): AnalyticsOrderCategory[] {
  const gross = categories.reduce((sum, c) => sum + c.grossMinor, 0);
  if (gross === 0) return categories.map((c) => ({ ...c, refundsMinor: 0 }));
  // BigInt keeps refund × gross exact beyond 2^53.
  const shares = categories.map((c, index) => {
    const exact = BigInt(refundsMinor) * BigInt(c.grossMinor);
    return { index, floor: exact / BigInt(gross), remainder: exact % BigInt(gross) };
  });
  let left = BigInt(refundsMinor) - shares.reduce((sum, s) => sum + s.floor, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  const extra = new Set<number>();
  for (const share of byRemainder) {
    if (left <= 0n) break;
    extra.add(share.index);
    left -= 1n;
  }
  return categories.map((c, index) => ({
    ...c,
    refundsMinor: Number(shares[index]!.floor) + (extra.has(index) ? 1 : 0),
  }));
}

/**
 * Pure fold of one order's events: the purchase creates the row, each
 * refund of the order adds to its refunds (on the order's day and cell,
 * whatever the refund's own date) and is listed with its own business time.
 * Other events leave the row as it is.
 */
export function evolveAnalyticsOrder(row: AnalyticsOrderRow | null, stored: StoredEvent): AnalyticsOrderRow | null {
  const event = toCustomerEvent(stored);
  const position = { revision: stored.revision, lastCheckpoint: stored.checkpoint };
  if (event.type === 'PurchaseRecorded') {
    if (row)
      throw new Error(`${stored.type} at ${stored.stream}@${stored.revision}: order ${row.key} already recorded`);
    const customerId = customerIdOfStream(stored.stream) ?? stored.stream;
    const occurredAt = businessTimeOf(event.data.occurredAt, stored);
    const categories = byCategory(event.data.lines);
    return {
      key: analyticsOrderKey(customerId, event.data.orderId),
      customerId,
      orderId: event.data.orderId,
      occurredAt,
      day: utcDay(occurredAt),
      region: event.data.region,
      channel: event.data.channel,
      currency: event.data.currency,
      grossMinor: event.data.totalMinor,
      refundsMinor: 0,
      units: categories.reduce((sum, c) => sum + c.units, 0),
      categories,
      refunds: [],
      ...position,
    };
  }
  if (event.type === 'PurchaseRefunded') {
    if (!row) {
      throw new Error(
        `${stored.type} at ${stored.stream}@${stored.revision} before the purchase of ${event.data.orderId}`,
      );
    }
    const refundsMinor = row.refundsMinor + event.data.amountMinor;
    const refundedAt = businessTimeOf(event.data.occurredAt, stored);
    return {
      ...row,
      // Recomputed from the business time, so the day never depends on how a driver reads a date column back.
      day: utcDay(row.occurredAt),
      refundsMinor,
      categories: allocateRefunds(row.categories, refundsMinor),
      refunds: [
        ...row.refunds,
        {
          refundId: event.data.refundId,
          occurredAt: refundedAt.toISOString(),
          day: utcDay(refundedAt),
          amountMinor: event.data.amountMinor,
        },
      ],
      ...position,
    };
  }
  return row;
}

/** analytics_orders: one row per purchase, keyed `<customerId>|<orderId>`, with its refunds. */
export const analyticsOrdersProjection: RowProjection<AnalyticsOrderRow> = {
  name: 'analytics_orders',
  entity: AnalyticsOrderEntity,
  keyProperty: 'key',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (stored) => {
    const customerId = customerIdOfStream(stored.stream);
    if (customerId === null || (stored.type !== 'PurchaseRecorded' && stored.type !== 'PurchaseRefunded')) return null;
    const event = toCustomerEvent(stored);
    if (event.type !== 'PurchaseRecorded' && event.type !== 'PurchaseRefunded') return null;
    return analyticsOrderKey(customerId, event.data.orderId);
  },
  evolve: evolveAnalyticsOrder,
};
