import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { AcquisitionSource, ContactChannel, CustomerKind, CustomerProfile } from '../../domain/customer.events';

/** The 360° view of one customer (docs/read-models.md). */
export interface CustomerSummaryRow {
  customerId: string;
  kind: CustomerKind;
  name: string;
  email: string | null;
  phone: string | null;
  region: string | null;
  acquisitionSource: AcquisitionSource | null;
  accountManagerId: string | null;
  /** The whole profile exactly as recorded: address, personal or organisation fields, key people, terms. */
  profile: CustomerProfile;
  /** Channels the customer opted out of (outbound contact on them is refused), in the product's channel order. */
  optedOutChannels: ContactChannel[];
  /** active, or terminated (the relationship was ended explicitly). */
  status: 'active' | 'terminated';
  registeredAt: Date;
  /** Revision of the customer's stream the row reflects. */
  revision: number;
  /** Global checkpoint of the last event folded into the row. */
  lastCheckpoint: string;
  /** Recorded time of the last event folded into the row. */
  lastEventRecordedAt: Date;
}

/**
 * Purchase and satisfaction facts (docs/read-models.md). Times are business
 * times. Amounts are minor units of `currency`, the currency of the first
 * purchase recorded; purchases in other currencies count as purchases but
 * stay out of every amount. The day arrays are the fold's state: they let a
 * late (backdated) purchase update first, last and gaps, and let the
 * lifecycle be evaluated as of any instant.
 */
export interface CustomerFactsRow {
  firstPurchaseAt: Date | null;
  lastPurchaseAt: Date | null;
  /** Every purchase, whatever its currency. */
  purchaseCount: number;
  distinctPurchaseDays: number;
  /** ISO 4217 code of the amounts; null before the first purchase. */
  currency: string | null;
  /** Purchases in another currency than `currency` (kept out of the amounts). */
  otherCurrencyPurchases: number;
  grossSpendMinor: number;
  refundsMinor: number;
  /** Gross spend minus refunds. */
  netSpendMinor: number;
  /** Net spend / purchases in `currency`, rounded to a minor unit; null without such purchases. */
  averageOrderValueMinor: number | null;
  /** Mean days between consecutive distinct purchase days; null with fewer than two. */
  meanPurchaseGapDays: number | null;
  /** Distinct UTC purchase days as days since 1970-01-01, ascending. */
  purchaseDays: number[];
  /** Purchases on each of `purchaseDays` (same order). */
  purchaseDayCounts: number[];
  /** UTC days with net spend in `currency` (purchases on their day, refunds on theirs), ascending. */
  spendDays: number[];
  /** Net spend of each of `spendDays` (same order). */
  spendDayNetMinor: number[];
  /** Orders in `currency`, in the order they were folded, and the UTC day of each (same order): where a refund belongs. */
  orderIds: string[];
  orderDays: number[];
  /** Each refund in `currency`: its own UTC day, its order's UTC day, its amount (same order). */
  refundDays: number[];
  refundOrderDays: number[];
  refundAmountsMinor: number[];
  csatCount: number;
  csatSum: number;
  /** Mean CSAT (1–5), two decimals; null without answers. */
  csatAverage: number | null;
  /** CSAT answers per score: index 0 holds the count of 1s, index 4 the count of 5s. */
  csatScoreCounts: number[];
  /** The NPS answer (0–10) with the latest business time. */
  lastNps: number | null;
  lastNpsAt: Date | null;
  complaintsTotal: number;
  /** Complaints filed or reopened and not closed since. */
  complaintsOpen: number;
  openComplaintIds: string[];
  resolutionSatisfactionCount: number;
  resolutionSatisfactionSum: number;
  /** Mean satisfaction (1–5) reported at complaint follow-ups, two decimals; null without follow-ups. */
  resolutionSatisfactionAverage: number | null;
  /** The latest termination (kept after a reactivation; `status` says whether it still holds). */
  terminatedAt: Date | null;
  /** The latest reactivation. */
  reactivatedAt: Date | null;
}

export type CustomerSummaryWithFacts = CustomerSummaryRow & CustomerFactsRow;

/** bigint columns come back from the driver as text; amounts stay below 2^53. */
export const NULLABLE_BIGINT_AS_NUMBER: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
const BIGINT_ARRAY: ValueTransformer = {
  to: (value: number[]) => value,
  from: (value: Array<string | number> | null) => (value ?? []).map(Number),
};

/**
 * Migrations `1732420000100`, `…200` and `…600`. The facts columns have
 * defaults (zeros, empty arrays) for the rows that existed before them; the
 * projection always writes every column.
 */
@Entity({ name: 'customer_summary' })
@Index('customer_summary_region', ['region'])
@Index('customer_summary_account_manager', ['accountManagerId'])
@Index('customer_summary_last_purchase', ['lastPurchaseAt'])
export class CustomerSummaryEntity implements CustomerSummaryWithFacts {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ type: 'text' })
  kind!: CustomerKind;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ name: 'acquisition_source', type: 'text', nullable: true })
  acquisitionSource!: AcquisitionSource | null;

  @Column({ name: 'account_manager_id', type: 'text', nullable: true })
  accountManagerId!: string | null;

  @Column({ type: 'jsonb', default: {} })
  profile!: CustomerProfile;

  @Column({ name: 'opted_out_channels', type: 'text', array: true, default: [] })
  optedOutChannels!: ContactChannel[];

  @Column({ type: 'text' })
  status!: 'active' | 'terminated';

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'last_checkpoint', type: 'text' })
  lastCheckpoint!: string;

  @Column({ name: 'last_event_recorded_at', type: 'timestamptz' })
  lastEventRecordedAt!: Date;

  @Column({ name: 'first_purchase_at', type: 'timestamptz', nullable: true })
  firstPurchaseAt!: Date | null;

  @Column({ name: 'last_purchase_at', type: 'timestamptz', nullable: true })
  lastPurchaseAt!: Date | null;

  @Column({ name: 'purchase_count', type: 'integer', default: 0 })
  purchaseCount!: number;

  @Column({ name: 'distinct_purchase_days', type: 'integer', default: 0 })
  distinctPurchaseDays!: number;

  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  @Column({ name: 'other_currency_purchases', type: 'integer', default: 0 })
  otherCurrencyPurchases!: number;

  @Column({ name: 'gross_spend_minor', type: 'bigint', transformer: NULLABLE_BIGINT_AS_NUMBER, default: 0 })
  grossSpendMinor!: number;

  @Column({ name: 'refunds_minor', type: 'bigint', transformer: NULLABLE_BIGINT_AS_NUMBER, default: 0 })
  refundsMinor!: number;

  @Column({ name: 'net_spend_minor', type: 'bigint', transformer: NULLABLE_BIGINT_AS_NUMBER, default: 0 })
  netSpendMinor!: number;

  @Column({ name: 'average_order_value_minor', type: 'bigint', nullable: true, transformer: NULLABLE_BIGINT_AS_NUMBER })
  averageOrderValueMinor!: number | null;

  @Column({ name: 'mean_purchase_gap_days', type: 'double precision', nullable: true })
  meanPurchaseGapDays!: number | null;

  @Column({ name: 'purchase_days', type: 'integer', array: true, default: [] })
  purchaseDays!: number[];

  @Column({ name: 'purchase_day_counts', type: 'integer', array: true, default: [] })
  purchaseDayCounts!: number[];

  @Column({ name: 'spend_days', type: 'integer', array: true, default: [] })
  spendDays!: number[];

  @Column({ name: 'spend_day_net_minor', type: 'bigint', array: true, transformer: BIGINT_ARRAY, default: [] })
  spendDayNetMinor!: number[];

  @Column({ name: 'order_ids', type: 'text', array: true, default: [] })
  orderIds!: string[];

  @Column({ name: 'order_days', type: 'integer', array: true, default: [] })
  orderDays!: number[];

  @Column({ name: 'refund_days', type: 'integer', array: true, default: [] })
  refundDays!: number[];

  @Column({ name: 'refund_order_days', type: 'integer', array: true, default: [] })
  refundOrderDays!: number[];

  @Column({ name: 'refund_amounts_minor', type: 'bigint', array: true, transformer: BIGINT_ARRAY, default: [] })
  refundAmountsMinor!: number[];

  @Column({ name: 'csat_count', type: 'integer', default: 0 })
  csatCount!: number;

  @Column({ name: 'csat_sum', type: 'integer', default: 0 })
  csatSum!: number;

  @Column({ name: 'csat_average', type: 'double precision', nullable: true })
  csatAverage!: number | null;

  @Column({ name: 'csat_score_counts', type: 'integer', array: true, default: [0, 0, 0, 0, 0] })
  csatScoreCounts!: number[];

  @Column({ name: 'last_nps', type: 'smallint', nullable: true })
  lastNps!: number | null;

  @Column({ name: 'last_nps_at', type: 'timestamptz', nullable: true })
  lastNpsAt!: Date | null;

  @Column({ name: 'complaints_total', type: 'integer', default: 0 })
  complaintsTotal!: number;

  @Column({ name: 'complaints_open', type: 'integer', default: 0 })
  complaintsOpen!: number;

  @Column({ name: 'open_complaint_ids', type: 'text', array: true, default: [] })
  openComplaintIds!: string[];

  @Column({ name: 'resolution_satisfaction_count', type: 'integer', default: 0 })
  resolutionSatisfactionCount!: number;

  @Column({ name: 'resolution_satisfaction_sum', type: 'integer', default: 0 })
  resolutionSatisfactionSum!: number;

  @Column({ name: 'resolution_satisfaction_average', type: 'double precision', nullable: true })
  resolutionSatisfactionAverage!: number | null;

  @Column({ name: 'terminated_at', type: 'timestamptz', nullable: true })
  terminatedAt!: Date | null;

  @Column({ name: 'reactivated_at', type: 'timestamptz', nullable: true })
  reactivatedAt!: Date | null;
}
