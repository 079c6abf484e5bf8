import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A row of clv_fits (docs/read-models.md, "Customer lifetime value"): one
 * fit of the BG/NBD and Gamma-Gamma models. Migration `1732420000900-clv-fits.ts`.
 */
@Entity({ name: 'clv_fits' })
// (fitted_at DESC, id DESC) in the migration: TypeORM's indexes carry no key direction.
@Index('clv_fits_latest', ['fittedAt', 'id'])
@Index('clv_fits_by_currency', ['currency', 'fittedAt', 'id'])
export class ClvFitEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'fitted_at', type: 'timestamptz' })
  fittedAt!: Date;

  /** Last UTC day of the purchases fitted (inclusive), YYYY-MM-DD. */
  /** The currency the fit was made in: its customers' main currency. Null for fits that added currencies together. */
  @Column({ type: 'text', nullable: true })
  currency!: string | null;

  @Column({ name: 'calibration_end', type: 'date' })
  calibrationEnd!: string;

  @Column({ name: 'store_checkpoint', type: 'text', nullable: true })
  storeCheckpoint!: string | null;

  @Column({ name: 'orders_checkpoint', type: 'text', nullable: true })
  ordersCheckpoint!: string | null;

  @Column({ name: 'rules_version', type: 'text' })
  rulesVersion!: string;

  @Column({ type: 'integer' })
  customers!: number;

  @Column({ name: 'repeat_customers', type: 'integer' })
  repeatCustomers!: number;

  @Column({ type: 'double precision' })
  r!: number;

  @Column({ type: 'double precision' })
  alpha!: number;

  @Column({ type: 'double precision' })
  a!: number;

  @Column({ type: 'double precision' })
  b!: number;

  @Column({ name: 'bgnbd_log_likelihood', type: 'double precision' })
  bgnbdLogLikelihood!: number;

  @Column({ name: 'bgnbd_converged', type: 'boolean' })
  bgnbdConverged!: boolean;

  @Column({ name: 'gg_customers', type: 'integer' })
  ggCustomers!: number;

  @Column({ type: 'double precision', nullable: true })
  p!: number | null;

  @Column({ type: 'double precision', nullable: true })
  q!: number | null;

  @Column({ type: 'double precision', nullable: true })
  gamma!: number | null;

  @Column({ name: 'gg_log_likelihood', type: 'double precision', nullable: true })
  ggLogLikelihood!: number | null;

  @Column({ name: 'gg_converged', type: 'boolean', nullable: true })
  ggConverged!: boolean | null;

  @Column({ name: 'excluded_no_repeat_spend', type: 'integer' })
  excludedNoRepeatSpend!: number;

  @Column({ name: 'excluded_first_after_end', type: 'integer' })
  excludedFirstAfterEnd!: number;

  @Column({ name: 'excluded_other_currency', type: 'integer' })
  excludedOtherCurrency!: number;

  @Column({ name: 'load_ms', type: 'integer' })
  loadMs!: number;

  @Column({ name: 'bgnbd_fit_ms', type: 'integer' })
  bgnbdFitMs!: number;

  @Column({ name: 'gg_fit_ms', type: 'integer' })
  ggFitMs!: number;
}
