import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Where each projection has got to in the global log; written in the same transaction as its rows. */
@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  /** Checkpoint of the last event applied, null before the first. */
  @Column({ type: 'text', nullable: true })
  checkpoint!: string | null;

  @Column({ name: 'events_applied', type: 'bigint', default: 0 })
  eventsApplied!: string;

  /** Recorded time of the last event applied (the store's clock, for lag in seconds). */
  @Column({ name: 'last_event_recorded_at', type: 'timestamptz', nullable: true })
  lastEventRecordedAt!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
