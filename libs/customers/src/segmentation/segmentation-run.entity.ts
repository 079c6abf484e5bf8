import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { NULLABLE_BIGINT_AS_NUMBER } from '../projections/customer-summary/customer-summary.entity';

/**
 * A row of segmentation_runs (docs/read-models.md, "Segmentation runs").
 * Migrations `1732420000700-segmentation.ts` and `…800` (stage counts, value
 * quadrant thresholds, lifetime-value fit).
 */
@Entity({ name: 'segmentation_runs' })
// (run_at DESC, id DESC) in the migration: TypeORM's indexes carry no key direction.
@Index('segmentation_runs_latest', ['runAt', 'id'])
@Index('segmentation_runs_as_of', ['asOf', 'runAt', 'id'])
// Partial (WHERE NOT historical) and descending in the migration.
@Index('segmentation_runs_live', ['runAt', 'id'], { where: 'NOT historical' })
export class SegmentationRunEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'run_at', type: 'timestamptz' })
  runAt!: Date;

  @Column({ name: 'as_of', type: 'timestamptz' })
  asOf!: Date;

  @Column({ name: 'rules_version', type: 'text' })
  rulesVersion!: string;

  @Column({ type: 'integer' })
  customers!: number;

  @Column({ type: 'integer' })
  buyers!: number;

  /** Customers in each lifecycle stage as of `asOf`; null for runs made before it was recorded. */
  @Column({ name: 'stage_counts', type: 'jsonb', nullable: true })
  stageCounts!: Record<string, number> | null;

  @Column({
    name: 'current_value_threshold',
    type: 'bigint',
    nullable: true,
    transformer: NULLABLE_BIGINT_AS_NUMBER,
  })
  currentValueThreshold!: number | null;

  @Column({
    name: 'potential_value_threshold',
    type: 'bigint',
    nullable: true,
    transformer: NULLABLE_BIGINT_AS_NUMBER,
  })
  potentialValueThreshold!: number | null;

  /** The newest lifetime-value fit the run used (see `clvFits` for each currency's). */
  @Column({ name: 'clv_fit_id', type: 'text', nullable: true })
  clvFitId!: string | null;

  /** A run as of an earlier UTC day than the one it was made on: live views never read it. */
  @Column({ type: 'boolean', default: false })
  historical!: boolean;

  /** Per currency, the current and potential value above which a buyer counts as high in the value quadrant. */
  @Column({ name: 'value_thresholds', type: 'jsonb', nullable: true })
  valueThresholds!: Record<string, { current: number | null; potential: number | null }> | null;

  /** Per currency, the lifetime-value fit the run scored its buyers with. */
  @Column({ name: 'clv_fits', type: 'jsonb', nullable: true })
  clvFits!: Record<string, string> | null;
}
