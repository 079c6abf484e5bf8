import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A running projector process and the last time it showed it was alive. */
@Entity({ name: 'projector_heartbeats' })
export class ProjectorHeartbeatEntity {
  /** `<host>:<pid>:<start time>`: one row per process start. */
  @PrimaryColumn({ type: 'text' })
  instance!: string;

  @Column({ type: 'text' })
  host!: string;

  @Column({ type: 'integer' })
  pid!: number;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'beat_at', type: 'timestamptz' })
  beatAt!: Date;
}
