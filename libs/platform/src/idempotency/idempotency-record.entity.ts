import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The first successful answer to each idempotency key, replayed to retries. */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyRecordEntity {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** SHA-256 of the request (method, route, body): a retry must send the same request. */
  @Column({ name: 'request_hash', type: 'text' })
  requestHash!: string;

  @Column({ type: 'integer' })
  status!: number;

  @Column({ type: 'jsonb' })
  response!: Record<string, unknown>;

  @Column({ type: 'text', nullable: true })
  etag!: string | null;

  @Index('idempotency_keys_created_at')
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
