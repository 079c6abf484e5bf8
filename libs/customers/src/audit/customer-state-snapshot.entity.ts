import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A row of customer_state_snapshots (docs/read-models.md, "State as of an
 * instant"): the customer_summary fold of a stream's events 0…revision.
 * Written and read through SQL that computes and checks `digest`
 * (`customer_state_snapshot_digest`). Migrations `1732420001000` and
 * `…1340` (digest).
 */
@Entity({ name: 'customer_state_snapshots' })
export class CustomerStateSnapshotEntity {
  // The primary key is (customer_id, fold_version, revision), in that order.
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @PrimaryColumn({ name: 'fold_version', type: 'text' })
  foldVersion!: string;

  @PrimaryColumn({ type: 'integer' })
  revision!: number;

  @Column({ name: 'max_checkpoint', type: 'text' })
  maxCheckpoint!: string;

  @Column({ name: 'max_recorded_at', type: 'timestamptz' })
  maxRecordedAt!: Date;

  @Column({ name: 'max_business_time', type: 'timestamptz' })
  maxBusinessTime!: Date;

  /** The folded customer_summary row, as JSON. */
  @Column({ type: 'jsonb' })
  row!: Record<string, unknown>;

  /** SHA-256 (hex) of the columns above, as customer_state_snapshot_digest computes it. */
  @Column({ type: 'text' })
  digest!: string;
}
