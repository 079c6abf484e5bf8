import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../projections/analytics-facts/analytics-order.entity';
import { NULLABLE_BIGINT_AS_NUMBER } from '../projections/customer-summary/customer-summary.entity';

/**
 * A row of customer_segments (docs/read-models.md, "Segmentation runs"): a
 * buyer's scores in one run. Migrations `1732420000700-segmentation.ts`,
 * `…800` (value scores and quadrant) and `…1100` (expected purchases and spend).
 */
@Entity({ name: 'customer_segments' })
@Index('customer_segments_by_customer', ['customerId', 'runId'])
export class CustomerSegmentEntity {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  /** The currency the buyer was ranked in (null in runs made before currencies were kept apart). */
  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  @Column({ name: 'recency_days', type: 'integer' })
  recencyDays!: number;

  @Column({ type: 'integer' })
  frequency!: number;

  @Column({ name: 'monetary_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  monetaryMinor!: number;

  @Column({ name: 'r_score', type: 'smallint' })
  rScore!: number;

  @Column({ name: 'f_score', type: 'smallint' })
  fScore!: number;

  @Column({ name: 'm_score', type: 'smallint' })
  mScore!: number;

  @Column({ name: 'rfm_segment', type: 'text' })
  rfmSegment!: string;

  @Column({ name: 'abc_class', type: 'text' })
  abcClass!: string;

  @Column({ name: 'pyramid_tier', type: 'text' })
  pyramidTier!: string;

  @Column({ name: 'current_value_minor', type: 'bigint', nullable: true, transformer: NULLABLE_BIGINT_AS_NUMBER })
  currentValueMinor!: number | null;

  @Column({ name: 'predicted_value_minor', type: 'bigint', nullable: true, transformer: NULLABLE_BIGINT_AS_NUMBER })
  predictedValueMinor!: number | null;

  @Column({ name: 'probability_alive', type: 'double precision', nullable: true })
  probabilityAlive!: number | null;

  @Column({ name: 'value_quadrant', type: 'text', nullable: true })
  valueQuadrant!: string | null;

  @Column({ name: 'expected_purchases_12m', type: 'double precision', nullable: true })
  expectedPurchases12m!: number | null;

  @Column({ name: 'expected_spend_minor', type: 'bigint', nullable: true, transformer: NULLABLE_BIGINT_AS_NUMBER })
  expectedSpendMinor!: number | null;
}
