import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { PurchaseChannel } from '../../domain/customer.events';

/** bigint columns hold minor units up to MAX_AMOUNT_MINOR: read them back as numbers. */
export const BIGINT_AS_NUMBER: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number) => Number(value),
};

/** One category's part of an order: its lines' totals and its share of the order's refunds. */
export interface AnalyticsOrderCategory {
  readonly category: string;
  /** Sum of the category's line totals (quantity × unit price − discount), minor units. */
  readonly grossMinor: number;
  /** The category's share of the order's refunds (see allocateRefunds), minor units. */
  readonly refundsMinor: number;
  /** Sum of the category's line quantities. */
  readonly units: number;
}

/** One refund of an order, with its own business time. */
export interface AnalyticsOrderRefund {
  readonly refundId: string;
  /** Business time of the refund (ISO 8601, UTC). */
  readonly occurredAt: string;
  /** UTC date of the refund's business time, YYYY-MM-DD. */
  readonly day: string;
  readonly amountMinor: number;
}

/**
 * One purchase as the analytics facts see it: its business day, the
 * dimensions the purchase event carries, its money and units by product
 * category, and the refunds of the order. Refunds are folded into their
 * order's row, so the revenue facts count them on the order's day and in the
 * order's cell; each refund also keeps its own business time (`refunds`), so
 * that a summary as of a day can leave out the refunds made after it.
 * The customer's region and account manager are not stored here: they are
 * attributed as of the purchase's business time by the
 * `analytics_revenue_facts` view (docs/read-models.md).
 */
export interface AnalyticsOrderRow {
  /** `<customerId>|<orderId>`. */
  key: string;
  customerId: string;
  orderId: string;
  /** Business time of the purchase. */
  occurredAt: Date;
  /** UTC date of the business time, YYYY-MM-DD. */
  day: string;
  /** The region the purchase names, or null (then the customer's region applies). */
  region: string | null;
  channel: PurchaseChannel;
  currency: string;
  grossMinor: number;
  refundsMinor: number;
  units: number;
  /** By category, sorted by category; the parts add up to the order's gross, refunds and units. */
  categories: AnalyticsOrderCategory[];
  /** Every refund of the order in the order they were applied; their amounts add up to `refundsMinor`. */
  refunds: AnalyticsOrderRefund[];
  revision: number;
  lastCheckpoint: string;
}

@Entity({ name: 'analytics_orders' })
@Index('analytics_orders_by_day', ['day', 'currency'])
@Index('analytics_orders_by_customer', ['customerId', 'day'])
export class AnalyticsOrderEntity implements AnalyticsOrderRow {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'order_id', type: 'text' })
  orderId!: string;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'date' })
  day!: string;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ type: 'text' })
  channel!: PurchaseChannel;

  @Column({ type: 'text' })
  currency!: string;

  @Column({ name: 'gross_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  grossMinor!: number;

  @Column({ name: 'refunds_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  refundsMinor!: number;

  @Column({ type: 'bigint', transformer: BIGINT_AS_NUMBER })
  units!: number;

  @Column({ type: 'jsonb' })
  categories!: AnalyticsOrderCategory[];

  /** Defaults to an empty list for the rows folded before the column existed (migration `1732420001300`). */
  @Column({ type: 'jsonb', default: [] })
  refunds!: AnalyticsOrderRefund[];

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'last_checkpoint', type: 'text' })
  lastCheckpoint!: string;
}
