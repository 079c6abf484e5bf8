import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { CustomerEventType } from '../../domain/customer.events';

/**
 * One customer event as the timeline shows it: one row per event, never
 * merged with its neighbours and never re-timed. `occurredAt` is the business
 * time the event carries; `recordedAt` is when the store learned of it.
 */
export interface CustomerTimelineRow {
  /** The event's id in the store (a UUID). */
  eventId: string;
  customerId: string;
  /** Position of the event in the customer's stream (0-based). */
  streamRevision: number;
  /** The event's global position in the store (opaque). */
  globalCheckpoint: string;
  eventType: CustomerEventType;
  /** Schema version the event was stored with (its data here is upcast to the current version). */
  schemaVersion: number;
  /** Business time: when it happened in the world. */
  occurredAt: Date;
  /** When the store recorded the event. */
  recordedAt: Date;
  actor: string | null;
  commandId: string | null;
  correlationId: string | null;
  /** A short human-readable line, e.g. "Purchase o-17: 3 lines, EUR 45.00". */
  summary: string;
  /** The event's data, upcast to the current schema version. */
  data: Record<string, unknown>;
}

@Entity({ name: 'customer_timeline' })
@Index('customer_timeline_by_business_time', ['customerId', 'occurredAt', 'streamRevision'])
@Index('customer_timeline_by_revision', ['customerId', 'streamRevision'])
export class CustomerTimelineEntity implements CustomerTimelineRow {
  @PrimaryColumn({ name: 'event_id', type: 'uuid' })
  eventId!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ name: 'stream_revision', type: 'integer' })
  streamRevision!: number;

  @Column({ name: 'global_checkpoint', type: 'text' })
  globalCheckpoint!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: CustomerEventType;

  @Column({ name: 'schema_version', type: 'integer' })
  schemaVersion!: number;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'text', nullable: true })
  actor!: string | null;

  @Column({ name: 'command_id', type: 'text', nullable: true })
  commandId!: string | null;

  @Column({ name: 'correlation_id', type: 'text', nullable: true })
  correlationId!: string | null;

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'jsonb' })
  data!: Record<string, unknown>;
}
