import { deciderSpecification } from '@crm/platform/testing/decider-specification';
import type { RegisterCustomer } from './customer.commands';
import { customerDecider } from './customer.decider';
import type { CustomerRegistered } from './customer.events';

const spec = deciderSpecification(customerDecider);

const register: RegisterCustomer = {
  type: 'RegisterCustomer',
  data: {
    customerId: 'c-1001',
    kind: 'individual',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    region: 'London',
    registeredAt: new Date('2026-03-01T09:30:00.000Z'),
  },
};

const registered: CustomerRegistered = {
  type: 'CustomerRegistered',
  data: {
    customerId: 'c-1001',
    kind: 'individual',
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: null,
    region: 'London',
    acquisitionSource: null,
    registeredAt: '2026-03-01T09:30:00.000Z',
  },
};

describe('RegisterCustomer', () => {
  it('given no history, when registering, then the customer is registered with the business time of the command', () => {
    spec.given([]).when(register).then([registered]);
  });

  it('given an organisation with an acquisition source, when registering, then both are recorded', () => {
    spec
      .given([])
      .when({
        type: 'RegisterCustomer',
        data: { ...register.data, kind: 'organisation', name: 'Acme Ltd', acquisitionSource: 'web' },
      })
      .then([
        {
          type: 'CustomerRegistered',
          data: { ...registered.data, kind: 'organisation', name: 'Acme Ltd', acquisitionSource: 'web' },
        },
      ]);
  });

  it('given a registered customer, when registering again, then it is refused as a conflict', () => {
    spec.given([registered]).when(register).thenThrows('CUSTOMER_ALREADY_REGISTERED');
  });
});
