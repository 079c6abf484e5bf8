import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The customer attributes the analytics attribute facts to. */
export type AnalyticsAttribute = 'region' | 'accountManager';

/**
 * One change of a customer's region or account manager, at its business
 * time. The facts views take, for each purchase or survey, the latest value
 * set at or before its business time (ties broken by stream revision).
 */
export interface AnalyticsCustomerAttributeRow {
  /** `<customerId>|<stream revision>`. */
  key: string;
  customerId: string;
  revision: number;
  attribute: AnalyticsAttribute;
  /** The new value; null when the region was cleared. */
  value: string | null;
  /** Business time from which the value holds. */
  occurredAt: Date;
  lastCheckpoint: string;
}

@Entity({ name: 'analytics_customer_attributes' })
// (customer_id, attribute, occurred_at DESC, revision DESC) in the migration: TypeORM's indexes carry no key direction.
@Index('analytics_customer_attributes_as_of', ['customerId', 'attribute', 'occurredAt', 'revision'])
export class AnalyticsCustomerAttributeEntity implements AnalyticsCustomerAttributeRow {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId!: string;

  @Column({ type: 'integer' })
  revision!: number;

  @Column({ type: 'text' })
  attribute!: AnalyticsAttribute;

  @Column({ type: 'text', nullable: true })
  value!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'last_checkpoint', type: 'text' })
  lastCheckpoint!: string;
}
