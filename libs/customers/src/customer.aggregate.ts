import type { StoredEvent } from '@crm/event-store';
import type { AggregateDefinition } from '@crm/platform';
import type { CustomerCommand } from './domain/customer.commands';
import { customerDecider, type CustomerState } from './domain/customer.decider';
import { CUSTOMER_EVENT_SCHEMA_VERSIONS, type CustomerEvent } from './domain/customer.events';
import { upcastCustomerEvent } from './domain/customer.upcasters';

/** Reads a stored customer event as the current domain event, upcasting older schema versions. */
export function toCustomerEvent(event: StoredEvent): CustomerEvent {
  const version = typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : 1;
  return upcastCustomerEvent(event.type, version, event.data);
}

export const customerAggregate: AggregateDefinition<CustomerCommand, CustomerEvent, CustomerState> = {
  decider: customerDecider,
  toDomainEvent: toCustomerEvent,
  schemaVersionOf: (type) => CUSTOMER_EVENT_SCHEMA_VERSIONS[type],
};
