import { assertNever, DomainError, type Decider } from '@crm/platform/domain';
import type { CustomerCommand } from './customer.commands';
import type { CustomerEvent, CustomerKind } from './customer.events';

export type CustomerState =
  | { readonly status: 'unregistered' }
  | { readonly status: 'active'; readonly customerId: string; readonly kind: CustomerKind; readonly name: string };

export function initialState(): CustomerState {
  return { status: 'unregistered' };
}

export function evolve(state: CustomerState, event: CustomerEvent): CustomerState {
  switch (event.type) {
    case 'CustomerRegistered':
      return { status: 'active', customerId: event.data.customerId, kind: event.data.kind, name: event.data.name };
    default:
      return assertNever(event.type, 'customer event');
  }
}

export function decide(command: CustomerCommand, state: CustomerState): CustomerEvent[] {
  switch (command.type) {
    case 'RegisterCustomer': {
      if (state.status !== 'unregistered') {
        throw new DomainError(
          'CUSTOMER_ALREADY_REGISTERED',
          'conflict',
          `customer ${command.data.customerId} is already registered`,
          {
            customerId: command.data.customerId,
          },
        );
      }
      const { data } = command;
      return [
        {
          type: 'CustomerRegistered',
          data: {
            customerId: data.customerId,
            kind: data.kind,
            name: data.name,
            email: data.email ?? null,
            phone: data.phone ?? null,
            region: data.region ?? null,
            acquisitionSource: data.acquisitionSource ?? null,
            registeredAt: data.registeredAt.toISOString(),
          },
        },
      ];
    }
    default:
      return assertNever(command.type, 'customer command');
  }
}

export const customerDecider: Decider<CustomerCommand, CustomerEvent, CustomerState> = { initialState, evolve, decide };
