import type { StoredEvent } from '@crm/event-store';
import type { AggregateDefinition } from '@crm/platform';
import type { CustomerCommand } from './domain/customer.commands';
import { customerDecider, type CustomerState } from './domain/customer.decider';
import { CUSTOMER_EVENT_SCHEMA_VERSIONS, type CustomerEvent, type CustomerEventType } from './domain/customer.events';

/**
 * Reads a stored customer event as the current domain event. Older schema
 * versions are upcast here, one step per version, so the fold only ever
 * sees the current shape.
 */
export function toCustomerEvent(event: StoredEvent): CustomerEvent {
  const type = event.type as CustomerEventType;
  if (!(type in CUSTOMER_EVENT_SCHEMA_VERSIONS)) throw new Error(`unknown customer event type ${event.type}`);
  return { type, data: event.data } as unknown as CustomerEvent;
}

export const customerAggregate: AggregateDefinition<CustomerCommand, CustomerEvent, CustomerState> = {
  decider: customerDecider,
  toDomainEvent: toCustomerEvent,
  schemaVersionOf: (type) => CUSTOMER_EVENT_SCHEMA_VERSIONS[type],
};
