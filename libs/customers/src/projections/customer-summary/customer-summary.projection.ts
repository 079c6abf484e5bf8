import type { StoredEvent } from '@crm/event-store';
import type { RowProjection } from '@crm/projections';
import { toCustomerEvent } from '../../customer.aggregate';
import { assertNever } from '@crm/platform/domain';
import { CUSTOMER_STREAM_PREFIX } from '../../domain/customer.events';
import { CustomerSummaryEntity, type CustomerSummaryRow } from './customer-summary.entity';

/** Pure fold of one customer's events into its summary row. */
export function evolveCustomerSummary(row: CustomerSummaryRow | null, stored: StoredEvent): CustomerSummaryRow | null {
  const event = toCustomerEvent(stored);
  const position = {
    revision: stored.revision,
    lastCheckpoint: stored.checkpoint,
    lastEventRecordedAt: stored.recordedAt,
  };
  switch (event.type) {
    case 'CustomerRegistered':
      return {
        ...(row ?? {}),
        customerId: event.data.customerId,
        kind: event.data.kind,
        name: event.data.name,
        email: event.data.email,
        phone: event.data.phone,
        region: event.data.region,
        acquisitionSource: event.data.acquisitionSource,
        status: 'active',
        registeredAt: new Date(event.data.registeredAt),
        ...position,
      };
    default:
      return assertNever(event.type, 'customer event');
  }
}

export const customerSummaryProjection: RowProjection<CustomerSummaryRow> = {
  name: 'customer_summary',
  entity: CustomerSummaryEntity,
  keyProperty: 'customerId',
  streamPrefixes: [CUSTOMER_STREAM_PREFIX],
  keyOf: (event) =>
    event.stream.startsWith(CUSTOMER_STREAM_PREFIX) ? event.stream.slice(CUSTOMER_STREAM_PREFIX.length) : null,
  evolve: evolveCustomerSummary,
};
