import { deciderSpecification } from '@crm/platform/testing/decider-specification';
import { customerDecider } from './customer.decider';
import { CUSTOMER_EVENT_SCHEMA_VERSIONS } from './customer.events';
import { UnknownEventError, upcastCustomerEvent } from './customer.upcasters';
import {
  CUSTOMER_ID,
  EMPTY_PROFILE,
  profileUpdated,
  purchaseRecorded,
  registered,
  registerIndividual,
  updateProfile,
} from './testing/customer-fixtures';

const spec = deciderSpecification(customerDecider);

/** CustomerRegistered as schema version 1 stored it: the profile flat, the business time as registeredAt. */
const V1_REGISTERED = {
  customerId: CUSTOMER_ID,
  kind: 'individual',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  phone: '+44 20 7946 0958',
  region: 'London',
  acquisitionSource: 'web',
  registeredAt: '2019-05-04T12:00:00.000Z',
};

describe('upcastCustomerEvent', () => {
  it('given the schema versions, when CustomerRegistered is looked up, then its current version is 2, the shape read below', () => {
    expect(CUSTOMER_EVENT_SCHEMA_VERSIONS.CustomerRegistered).toBe(2);
  });

  it('given a v1 CustomerRegistered, when it is read, then it has the v2 shape with the flat fields moved into a complete profile', () => {
    expect(upcastCustomerEvent('CustomerRegistered', 1, V1_REGISTERED)).toEqual({
      type: 'CustomerRegistered',
      data: {
        customerId: CUSTOMER_ID,
        kind: 'individual',
        profile: {
          ...EMPTY_PROFILE,
          name: 'Ada Lovelace',
          email: 'ada@example.com',
          phone: '+44 20 7946 0958',
          region: 'London',
        },
        acquisitionSource: 'web',
        occurredAt: '2019-05-04T12:00:00.000Z',
      },
    });
  });

  it('given a v1 CustomerRegistered without optional fields, when it is read, then the missing fields are null', () => {
    const { customerId, kind, name, registeredAt } = V1_REGISTERED;
    expect(upcastCustomerEvent('CustomerRegistered', 1, { customerId, kind, name, registeredAt })).toEqual(
      registered({
        profile: { name, email: null, phone: null, region: null },
        acquisitionSource: null,
        occurredAt: registeredAt,
      }),
    );
  });

  it('given a v1 CustomerRegistered, when it is read, then the stored data is not modified', () => {
    const stored = { ...V1_REGISTERED };
    upcastCustomerEvent('CustomerRegistered', 1, stored);
    expect(stored).toEqual(V1_REGISTERED);
  });

  it('given a CustomerRegistered at the current version, when it is read, then it passes through unchanged', () => {
    const current = registered({ profile: { region: 'Paris' }, acquisitionSource: 'referral' });
    expect(upcastCustomerEvent('CustomerRegistered', 2, { ...current.data })).toEqual(current);
  });

  it('given an event type that was never upcast, when its current version is read, then it passes through unchanged', () => {
    const current = purchaseRecorded({ orderId: 'o-5' });
    expect(upcastCustomerEvent('PurchaseRecorded', 1, { ...current.data })).toEqual(current);
  });

  it.each(['CustomerDeleted', 'customerRegistered', 'toString', '__proto__', ''])(
    'given an unknown event type %p, when it is read, then it throws',
    (type) => {
      expect(() => upcastCustomerEvent(type, 1, {})).toThrow(UnknownEventError);
    },
  );

  it.each([3, 99, 0, -1, 1.5, Number.NaN])(
    'given CustomerRegistered at schema version %p, when it is read, then it throws',
    (version) => {
      expect(() => upcastCustomerEvent('CustomerRegistered', version, V1_REGISTERED)).toThrow(UnknownEventError);
    },
  );

  it('given PurchaseRecorded at a version above its current one, when it is read, then it throws naming type and version', () => {
    expect(() => upcastCustomerEvent('PurchaseRecorded', 2, {})).toThrow(
      'cannot read customer event PurchaseRecorded v2',
    );
  });
});

describe('a decider fed upcast events', () => {
  const upcastV1 = upcastCustomerEvent('CustomerRegistered', 1, V1_REGISTERED);

  it('given a customer registered under schema v1, when it registers again, then it is refused as already registered', () => {
    spec.given([upcastV1]).when(registerIndividual()).thenThrows('CUSTOMER_ALREADY_REGISTERED');
  });

  it('given a customer registered under schema v1, when its email changes, then the old value is the one from the v1 event', () => {
    spec
      .given([upcastV1])
      .when(updateProfile({ email: 'ada@lovelace.example', region: 'London' }))
      .then([profileUpdated([{ field: 'email', from: 'ada@example.com', to: 'ada@lovelace.example' }])]);
  });
});
