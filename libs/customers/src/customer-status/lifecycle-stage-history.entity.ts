import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A row of lifecycle_stage_history (docs/read-models.md, "Lifecycle
 * history"): one stage of a customer as evaluated for a UTC day, rewritten
 * with the customer's status. Migration `1732420001200-lifecycle-stage-history.ts`.
 */
@Entity({ name: 'lifecycle_stage_history' })
@Index('lifecycle_stage_history_stage', ['stage', 'enteredAt'])
export class LifecycleStageHistoryEntity {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @PrimaryColumn({ name: 'entered_at', type: 'timestamptz' })
  enteredAt!: Date;

  @Column({ type: 'text' })
  stage!: string;

  /** When the next stage began; null for the stage the customer is in. */
  @Column({ name: 'left_at', type: 'timestamptz', nullable: true })
  leftAt!: Date | null;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'evaluated_day', type: 'integer' })
  evaluatedDay!: number;

  @Column({ name: 'rules_version', type: 'text' })
  rulesVersion!: string;
}
