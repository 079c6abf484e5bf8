import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ComplaintStatus } from '../../domain/complaint-lifecycle';
import type { ComplaintSeverity, ContactChannel } from '../../domain/customer.events';

/**
 * One complaint and where it stands against its service-level targets
 * (domain/complaint-sla.ts). All times are business times (the events'
 * `occurredAt`).
 *
 * Handling cycles: a complaint's first cycle starts at its filing; a
 * reopening starts a new cycle, and the clocks for the new assessment and
 * resolution start at the reopening. The step columns (assessed at, verdict,
 * resolved at, followed up at, closed at, minutes to assess and to resolve)
 * describe the current cycle and are cleared by a reopening; the earlier
 * cycles stay in the customer's timeline. `satisfaction` is the latest the
 * customer reported and survives a reopening.
 *
 * The breach flags record targets missed by completed steps, in any cycle:
 * a reopening never erases a miss. Whether an open step is past its target
 * depends on the time of asking, so it is not stored; GET /complaints
 * computes it as of the request.
 */
export interface ComplaintRow {
  /** `<customerId>/<complaintId>`. */
  key: string;
  customerId: string;
  complaintId: string;
  state: ComplaintStatus;
  category: string;
  severity: ComplaintSeverity;
  channel: ContactChannel;
  filedAt: Date;
  assessedAt: Date | null;
  verdict: 'valid' | 'rejected' | null;
  resolvedAt: Date | null;
  followedUpAt: Date | null;
  closedAt: Date | null;
  reopenedCount: number;
  lastReopenedAt: Date | null;
  /** 1–5, from the latest follow-up. */
  satisfaction: number | null;
  /** Whole minutes (rounded up) from the start of the current cycle to its assessment. */
  minutesToAssess: number | null;
  /** Whole minutes (rounded up) from the start of the current cycle to its resolution. */
  minutesToResolve: number | null;
  assessTargetMinutes: number;
  resolveTargetMinutes: number;
  /** Version of the SLA rules the targets come from. */
  slaRulesVersion: string;
  /** An assessment took longer than its target (in any cycle). */
  assessBreached: boolean;
  /** A resolution took longer than its target (in any cycle). */
  resolveBreached: boolean;
  /** Revision of the customer's stream at the last event folded into the row. */
  revision: number;
  /** Global checkpoint of the last event folded into the row. */
  lastCheckpoint: string;
}

@Entity({ name: 'complaints' })
// filed_at is DESC in each of these indexes in the migration: TypeORM's indexes carry no key direction.
@Index('complaints_by_filing', ['filedAt', 'key'])
@Index('complaints_by_state', ['state', 'filedAt', 'key'])
@Index('complaints_by_category', ['category', 'filedAt', 'key'])
@Index('complaints_by_severity', ['severity', 'filedAt', 'key'])
@Index('complaints_by_customer', ['customerId', 'filedAt', 'key'])
@Index('complaints_breached', ['filedAt', 'key'], { where: 'assess_breached OR resolve_breached' })
@Index('complaints_open_steps', ['filedAt', 'key'], {
  where: "assessed_at IS NULL OR (resolved_at IS NULL AND verdict IS DISTINCT FROM 'rejected')",
})
export class ComplaintEntity implements ComplaintRow {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'complaint_id', type: 'text' })
  complaintId!: string;

  @Column({ type: 'text' })
  state!: ComplaintStatus;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text' })
  severity!: ComplaintSeverity;

  @Column({ type: 'text' })
  channel!: ContactChannel;

  @Column({ name: 'filed_at', type: 'timestamptz' })
  filedAt!: Date;

  @Column({ name: 'assessed_at', type: 'timestamptz', nullable: true })
  assessedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  verdict!: 'valid' | 'rejected' | null;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ name: 'followed_up_at', type: 'timestamptz', nullable: true })
  followedUpAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ name: 'reopened_count', type: 'integer' })
  reopenedCount!: number;

  @Column({ name: 'last_reopened_at', type: 'timestamptz', nullable: true })
  lastReopenedAt!: Date | null;

  @Column({ type: 'smallint', nullable: true })
  satisfaction!: number | null;

  @Column({ name: 'minutes_to_assess', type: 'integer', nullable: true })
  minutesToAssess!: number | null;

  @Column({ name: 'minutes_to_resolve', type: 'integer', nullable: true })
  minutesToResolve!: number | null;

  @Column({ name: 'assess_target_minutes', type: 'integer' })
  assessTargetMinutes!: number;

  @Column({ name: 'resolve_target_minutes', type: 'integer' })
  resolveTargetMinutes!: number;

  @Column({ name: 'sla_rules_version', type: 'text' })
  slaRulesVersion!: string;

  @Column({ name: 'assess_breached', type: 'boolean' })
  assessBreached!: boolean;

  @Column({ name: 'resolve_breached', type: 'boolean' })
  resolveBreached!: boolean;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'last_checkpoint', type: 'text' })
  lastCheckpoint!: string;
}
