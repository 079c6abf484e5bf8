import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AcquisitionSource, CustomerKind } from '../../domain/customer.events';

/** The 360° view of one customer (docs/read-models.md). */
export interface CustomerSummaryRow {
  customerId: string;
  kind: CustomerKind;
  name: string;
  email: string | null;
  phone: string | null;
  region: string | null;
  acquisitionSource: AcquisitionSource | null;
  accountManagerId: string | null;
  /** active, or terminated (the relationship was ended explicitly). */
  status: 'active' | 'terminated';
  registeredAt: Date;
  /** Revision of the customer's stream the row reflects. */
  revision: number;
  /** Global checkpoint of the last event folded into the row. */
  lastCheckpoint: string;
  /** Recorded time of the last event folded into the row. */
  lastEventRecordedAt: Date;
}

@Entity({ name: 'customer_summary' })
export class CustomerSummaryEntity implements CustomerSummaryRow {
  @PrimaryColumn({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ type: 'text' })
  kind!: CustomerKind;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  email!: string | null;

  @Column({ type: 'text', nullable: true })
  phone!: string | null;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ name: 'acquisition_source', type: 'text', nullable: true })
  acquisitionSource!: AcquisitionSource | null;

  @Column({ name: 'account_manager_id', type: 'text', nullable: true })
  accountManagerId!: string | null;

  @Column({ type: 'text' })
  status!: 'active' | 'terminated';

  @Column({ name: 'registered_at', type: 'timestamptz' })
  registeredAt!: Date;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ name: 'last_checkpoint', type: 'text' })
  lastCheckpoint!: string;

  @Column({ name: 'last_event_recorded_at', type: 'timestamptz' })
  lastEventRecordedAt!: Date;
}
