import type { DomainEvent } from '@crm/platform/domain';

export type CustomerKind = 'individual' | 'organisation';
export const CUSTOMER_KINDS: readonly CustomerKind[] = ['individual', 'organisation'];

/** Where a customer came from (domain.md: customer information sources). */
export type AcquisitionSource =
  'direct' | 'survey' | 'marketing' | 'after-sales' | 'web' | 'referral' | 'import' | 'other';
export const ACQUISITION_SOURCES: readonly AcquisitionSource[] = [
  'direct',
  'survey',
  'marketing',
  'after-sales',
  'web',
  'referral',
  'import',
  'other',
];

export interface CustomerRegisteredData {
  readonly customerId: string;
  readonly kind: CustomerKind;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly region: string | null;
  readonly acquisitionSource: AcquisitionSource | null;
  /** Business time of the registration, ISO 8601. */
  readonly registeredAt: string;
}

export type CustomerRegistered = DomainEvent<'CustomerRegistered', CustomerRegisteredData>;

export type CustomerEvent = CustomerRegistered;
export type CustomerEventType = CustomerEvent['type'];

/** Current schema version of each customer event type (stamped into metadata, used to upcast older ones). */
export const CUSTOMER_EVENT_SCHEMA_VERSIONS: Readonly<Record<CustomerEventType, number>> = {
  CustomerRegistered: 1,
};

export const CUSTOMER_STREAM_PREFIX = 'customer-';

export function customerStream(customerId: string): string {
  return `${CUSTOMER_STREAM_PREFIX}${customerId}`;
}
