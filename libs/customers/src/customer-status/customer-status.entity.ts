import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { BIGINT_AS_NUMBER } from '../projections/analytics-facts/analytics-order.entity';
import { NULLABLE_BIGINT_AS_NUMBER } from '../projections/customer-summary/customer-summary.entity';

/**
 * A row of customer_status (docs/read-models.md, "customer_status"): what
 * depends on the clock and the rules, evaluated for one UTC day. Written by
 * the status refresher, never by the projector. Migration
 * `1732420000800-customer-status.ts`.
 */
@Entity({ name: 'customer_status' })
@Index('customer_status_stage', ['stage'])
@Index('customer_status_segment', ['segment'])
@Index('customer_status_loyalty_tier', ['loyaltyTier'])
@Index('customer_status_rfm_segment', ['rfmSegment'])
@Index('customer_status_abc_class', ['abcClass'])
@Index('customer_status_pyramid_tier', ['pyramidTier'])
@Index('customer_status_value_quadrant', ['valueQuadrant'])
// (current_value_minor DESC, customer_id) in the migration: TypeORM's indexes carry no key direction.
@Index('customer_status_churn', ['currentValueMinor', 'customerId'], { where: 'churn_risk' })
export class CustomerStatusEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'summary_revision', type: 'integer' })
  summaryRevision!: number;

  /** UTC day evaluated for, as days since 1970-01-01. */
  @Column({ name: 'evaluated_day', type: 'integer' })
  evaluatedDay!: number;

  @Column({ name: 'evaluated_at', type: 'timestamptz' })
  evaluatedAt!: Date;

  @Column({ name: 'rules_version', type: 'text' })
  rulesVersion!: string;

  @Column({ name: 'segmentation_run_id', type: 'text', nullable: true })
  segmentationRunId!: string | null;

  @Column({ type: 'text' })
  stage!: string;

  @Column({ name: 'stage_since', type: 'timestamptz' })
  stageSince!: Date;

  @Column({ name: 'stage_reason', type: 'text' })
  stageReason!: string;

  @Column({ name: 'loyalty_score', type: 'smallint' })
  loyaltyScore!: number;

  @Column({ name: 'loyalty_tier', type: 'text' })
  loyaltyTier!: string;

  @Column({ name: 'churn_risk', type: 'boolean' })
  churnRisk!: boolean;

  @Column({ name: 'churn_signals', type: 'text', array: true })
  churnSignals!: string[];

  @Column({ name: 'churn_reasons', type: 'text', array: true })
  churnReasons!: string[];

  @Column({ name: 'current_value_minor', type: 'bigint', transformer: BIGINT_AS_NUMBER })
  currentValueMinor!: number;

  @Column({ name: 'rfm_segment', type: 'text', nullable: true })
  rfmSegment!: string | null;

  @Column({ name: 'abc_class', type: 'text', nullable: true })
  abcClass!: string | null;

  @Column({ name: 'pyramid_tier', type: 'text', nullable: true })
  pyramidTier!: string | null;

  @Column({ name: 'value_quadrant', type: 'text', nullable: true })
  valueQuadrant!: string | null;

  @Column({ name: 'probability_alive', type: 'double precision', nullable: true })
  probabilityAlive!: number | null;

  @Column({ name: 'predicted_value_minor', type: 'bigint', nullable: true, transformer: NULLABLE_BIGINT_AS_NUMBER })
  predictedValueMinor!: number | null;

  @Column({ type: 'text' })
  segment!: string;
}
