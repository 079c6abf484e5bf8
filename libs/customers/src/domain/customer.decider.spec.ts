import { deciderSpecification } from '@crm/platform/testing/decider-specification';
import { customerDecider } from './customer.decider';
import {
  INDIVIDUAL_ONLY_FIELDS,
  ORGANISATION_ONLY_FIELDS,
  type CustomerProfile,
  type KeyPerson,
  type ProfileField,
} from './customer.events';
import {
  accountManagerAssigned,
  assignAccountManager,
  at,
  contactPreferencesSet,
  CUSTOMER_ID,
  EMPTY_PROFILE,
  INDIVIDUAL_EMAIL,
  INDIVIDUAL_NAME,
  individualProfile,
  NOW,
  ORGANISATION_ID,
  organisationProfile,
  organisationRegistered,
  profileUpdated,
  reactivate,
  reactivated,
  REGISTERED_AT,
  registered,
  registerIndividual,
  registerOrganisation,
  setContactPreferences,
  terminate,
  terminated,
  updateProfile,
} from './testing/customer-fixtures';

const spec = deciderSpecification(customerDecider);

const ADDRESS = {
  line1: '12 St James Square',
  line2: null,
  city: 'London',
  postalCode: 'SW1Y 4JH',
  country: 'GB',
} as const;

const KEY_PEOPLE: readonly KeyPerson[] = [
  { name: 'Grace Hopper', role: 'CTO', email: 'grace@acme.example', phone: null, decisionMaker: true },
  { name: 'Alan Turing', role: 'procurement', email: null, phone: '+44 20 7946 0000', decisionMaker: false },
];

/** A sample value for each field that applies to one kind only. */
const KIND_ONLY_SAMPLES: readonly (readonly [ProfileField, Partial<CustomerProfile>])[] = [
  ['gender', { gender: 'female' }],
  ['birthDate', { birthDate: '1815-12-10' }],
  ['industry', { industry: 'manufacturing' }],
  ['size', { size: 'medium' }],
  ['businessSituation', { businessSituation: 'expanding into Asia' }],
  ['creditLimit', { creditLimit: { amountMinor: 5_000_000, currency: 'GBP' } }],
  ['paymentTermsDays', { paymentTermsDays: 30 }],
  ['keyPeople', { keyPeople: KEY_PEOPLE }],
];
const samplesOf = (fields: readonly ProfileField[]) => KIND_ONLY_SAMPLES.filter(([field]) => fields.includes(field));

describe('RegisterCustomer', () => {
  it('given no history, when an individual registers with a name only, then the profile is completed with empty fields at the business time of the command', () => {
    spec
      .given([])
      .when(registerIndividual({ profile: { name: INDIVIDUAL_NAME } }))
      .then([
        {
          type: 'CustomerRegistered',
          data: {
            customerId: CUSTOMER_ID,
            kind: 'individual',
            profile: { ...EMPTY_PROFILE, name: INDIVIDUAL_NAME },
            acquisitionSource: null,
            occurredAt: REGISTERED_AT,
          },
        },
      ]);
  });

  it('given no history, when an individual registers with a full profile and an acquisition source, then all of it is recorded', () => {
    const profile = {
      name: INDIVIDUAL_NAME,
      email: INDIVIDUAL_EMAIL,
      phone: '+44 20 7946 0958',
      address: ADDRESS,
      region: 'London',
      gender: 'female',
      birthDate: '1815-12-10',
      preferences: ['paper catalogue', 'no calls before 10'],
      interests: ['mathematics', 'poetry'],
      attitude: 'enthusiastic',
      purchaseHabits: 'buys in bulk before term',
      preferredChannel: 'email',
    } as const;
    spec
      .given([])
      .when(registerIndividual({ profile, acquisitionSource: 'marketing' }))
      .then([registered({ profile, acquisitionSource: 'marketing' })]);
  });

  it('given no history, when an organisation registers with address, preferences, key people with roles and credit terms, then all of it is recorded', () => {
    const profile = {
      name: 'Acme Ltd',
      email: 'buying@acme.example',
      phone: null,
      address: ADDRESS,
      region: 'London',
      preferences: ['invoices by email'],
      preferredChannel: 'visit',
      industry: 'manufacturing',
      size: 'medium',
      businessSituation: 'expanding into Asia',
      creditLimit: { amountMinor: 5_000_000, currency: 'GBP' },
      paymentTermsDays: 30,
      keyPeople: KEY_PEOPLE,
    } as const;
    spec
      .given([])
      .when(
        registerOrganisation({ profile, acquisitionSource: 'referral', occurredAt: at('2025-11-20T08:00:00.000Z') }),
      )
      .then([
        {
          type: 'CustomerRegistered',
          data: {
            customerId: ORGANISATION_ID,
            kind: 'organisation',
            profile: { ...EMPTY_PROFILE, ...profile },
            acquisitionSource: 'referral',
            occurredAt: '2025-11-20T08:00:00.000Z',
          },
        },
      ]);
  });

  it('given the kind-only samples, when compared with the domain field lists, then they cover every kind-only field', () => {
    expect(KIND_ONLY_SAMPLES.map(([field]) => field).sort()).toEqual(
      [...INDIVIDUAL_ONLY_FIELDS, ...ORGANISATION_ONLY_FIELDS].sort(),
    );
  });

  it.each(samplesOf(ORGANISATION_ONLY_FIELDS))(
    'given no history, when an individual registers with the organisation field %s, then it is refused as not applicable',
    (_field, sample) => {
      spec
        .given([])
        .when(registerIndividual({ profile: { name: INDIVIDUAL_NAME, ...sample } }))
        .thenThrows('FIELD_NOT_APPLICABLE');
    },
  );

  it.each(samplesOf(INDIVIDUAL_ONLY_FIELDS))(
    'given no history, when an organisation registers with the individual field %s, then it is refused as not applicable',
    (_field, sample) => {
      spec
        .given([])
        .when(registerOrganisation({ profile: { name: 'Acme Ltd', ...sample } }))
        .thenThrows('FIELD_NOT_APPLICABLE');
    },
  );

  it('given no history, when an organisation registers with a credit limit in an unknown currency, then it is refused', () => {
    spec
      .given([])
      .when(registerOrganisation({ profile: { name: 'Acme Ltd', creditLimit: { amountMinor: 100, currency: 'ZZZ' } } }))
      .thenThrows('INVALID_CURRENCY');
  });

  it('given a registered customer, when it registers again, then it is refused as already registered', () => {
    spec.given([registered()]).when(registerIndividual()).thenThrows('CUSTOMER_ALREADY_REGISTERED');
  });

  it('given a terminated customer, when it registers again, then it is refused as already registered', () => {
    spec.given([registered(), terminated()]).when(registerIndividual()).thenThrows('CUSTOMER_ALREADY_REGISTERED');
  });
});

describe('UpdateCustomerProfile', () => {
  it('given a registered customer, when several fields change, then each change is recorded with its old and new value', () => {
    spec
      .given([registered({ profile: { region: 'London' } })])
      .when(updateProfile({ email: 'ada@lovelace.example', region: 'Surrey', interests: ['engines'] }))
      .then([
        profileUpdated([
          { field: 'email', from: INDIVIDUAL_EMAIL, to: 'ada@lovelace.example' },
          { field: 'region', from: 'London', to: 'Surrey' },
          { field: 'interests', from: [], to: ['engines'] },
        ]),
      ]);
  });

  it('given a registered customer, when some given fields equal their current value, then only the changed ones are recorded', () => {
    spec
      .given([registered({ profile: { region: 'London' } })])
      .when(updateProfile({ name: INDIVIDUAL_NAME, email: INDIVIDUAL_EMAIL, region: 'London', phone: '+44 1' }))
      .then([profileUpdated([{ field: 'phone', from: null, to: '+44 1' }])]);
  });

  it('given a registered customer, when every given field equals its current value, then nothing is recorded', () => {
    spec
      .given([registered({ profile: { address: ADDRESS } })])
      .when(updateProfile({ email: INDIVIDUAL_EMAIL, address: { ...ADDRESS } }))
      .then([]);
  });

  it('given a customer with an address, when the same address is given with its keys in another order, then nothing is recorded', () => {
    const { country, postalCode, city, line2, line1 } = ADDRESS;
    spec
      .given([registered({ profile: { address: ADDRESS } })])
      .when(updateProfile({ address: { country, postalCode, city, line2, line1 } }))
      .then([]);
  });

  it('given a customer with an email, when the email is cleared with null, then the change to null is recorded', () => {
    spec
      .given([registered()])
      .when(updateProfile({ email: null }))
      .then([profileUpdated([{ field: 'email', from: INDIVIDUAL_EMAIL, to: null }])]);
  });

  it('given an earlier profile update, when the field changes again, then the old value is the one from the earlier update', () => {
    spec
      .given([registered(), profileUpdated([{ field: 'email', from: INDIVIDUAL_EMAIL, to: 'ada@second.example' }])])
      .when(updateProfile({ email: 'ada@third.example' }))
      .then([profileUpdated([{ field: 'email', from: 'ada@second.example', to: 'ada@third.example' }])]);
  });

  it('given an organisation, when its key people and credit terms change, then the old and new values are recorded', () => {
    const [first, second] = KEY_PEOPLE;
    spec
      .given([organisationRegistered({ profile: { keyPeople: [first], paymentTermsDays: 30 } })])
      .when(updateProfile({ keyPeople: [first, second], paymentTermsDays: 60 }))
      .then([
        profileUpdated([
          { field: 'paymentTermsDays', from: 30, to: 60 },
          { field: 'keyPeople', from: [first], to: [first, second] },
        ]),
      ]);
  });

  it('given a registered customer, when the name is cleared with null, then it is refused because a customer always has a name', () => {
    // The type forbids a null name; the decider still guards input that arrives untyped (JSON).
    const clearName = JSON.parse('{ "name": null }') as Partial<CustomerProfile>;
    spec.given([registered()]).when(updateProfile(clearName)).thenThrows('NAME_REQUIRED');
  });

  it('given a registered customer, when the name is set to blanks, then it is refused: a customer always has a name', () => {
    spec
      .given([registered()])
      .when(updateProfile({ name: '   ' }))
      .thenThrows('NAME_REQUIRED');
  });

  it('given no history, when registering with a blank name, then it is refused', () => {
    spec
      .given([])
      .when(registerIndividual({ profile: { name: ' \t ' } }))
      .thenThrows('NAME_REQUIRED');
  });

  it('given an individual, when an organisation-only field is updated, then it is refused as not applicable', () => {
    spec
      .given([registered()])
      .when(updateProfile({ industry: 'retail' }))
      .thenThrows('FIELD_NOT_APPLICABLE');
  });

  it('given an organisation, when an individual-only field is updated, then it is refused as not applicable', () => {
    spec
      .given([organisationRegistered()])
      .when(updateProfile({ birthDate: '1990-01-01' }))
      .thenThrows('FIELD_NOT_APPLICABLE');
  });

  it('given no customer, when a profile is updated, then it is refused as not found', () => {
    spec
      .given([])
      .when(updateProfile({ email: 'x@example.com' }))
      .thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('AssignAccountManager', () => {
  it('given a customer without an account manager, when one is assigned, then there was no previous manager', () => {
    spec
      .given([registered()])
      .when(assignAccountManager('am-1'))
      .then([
        {
          type: 'AccountManagerAssigned',
          data: { accountManagerId: 'am-1', previousAccountManagerId: null, occurredAt: NOW },
        },
      ]);
  });

  it('given a customer with an account manager, when another is assigned, then the previous manager is recorded', () => {
    spec
      .given([registered(), accountManagerAssigned('am-1')])
      .when(assignAccountManager('am-2'))
      .then([accountManagerAssigned('am-2', 'am-1')]);
  });

  it('given a customer with an account manager, when the same manager is assigned, then nothing is recorded', () => {
    spec
      .given([registered(), accountManagerAssigned('am-1')])
      .when(assignAccountManager('am-1'))
      .then([]);
  });

  it('given no customer, when an account manager is assigned, then it is refused as not found', () => {
    spec.given([]).when(assignAccountManager('am-1')).thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('SetContactPreferences', () => {
  it('given a customer reachable everywhere, when phone and email are refused, then both opt-outs are recorded', () => {
    spec
      .given([registered()])
      .when(setContactPreferences({ email: false, phone: false }))
      .then([contactPreferencesSet({ optedOut: ['phone', 'email'], optedIn: [] })]);
  });

  it('given a customer opted out of phone, when phone is refused again, sms refused and phone/email accepted, then only the changes are recorded', () => {
    spec
      .given([registered(), contactPreferencesSet({ optedOut: ['phone'] })])
      .when(setContactPreferences({ phone: true, email: true, sms: false }))
      .then([contactPreferencesSet({ optedOut: ['sms'], optedIn: ['phone'] })]);
  });

  it('given a customer opted out of phone, when phone is refused again and email accepted, then nothing is recorded', () => {
    spec
      .given([registered(), contactPreferencesSet({ optedOut: ['phone'] })])
      .when(setContactPreferences({ phone: false, email: true }))
      .then([]);
  });

  it('given a customer who opted out of phone and back in, when phone is refused, then the opt-out is recorded again', () => {
    spec
      .given([
        registered(),
        contactPreferencesSet({ optedOut: ['phone'] }),
        contactPreferencesSet({ optedIn: ['phone'] }),
      ])
      .when(setContactPreferences({ phone: false }))
      .then([contactPreferencesSet({ optedOut: ['phone'] })]);
  });

  it('given no customer, when contact preferences are set, then it is refused as not found', () => {
    spec
      .given([])
      .when(setContactPreferences({ phone: false }))
      .thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('TerminateRelationship and ReactivateCustomer', () => {
  it('given an active customer, when the relationship is terminated, then the termination is recorded with its reason', () => {
    spec
      .given([registered()])
      .when(terminate({ reason: 'asked to leave' }))
      .then([{ type: 'RelationshipTerminated', data: { reason: 'asked to leave', occurredAt: NOW } }]);
  });

  it('given a terminated customer, when the relationship is terminated again, then it is refused', () => {
    spec.given([registered(), terminated()]).when(terminate()).thenThrows('CUSTOMER_TERMINATED');
  });

  it('given a terminated customer, when it is reactivated, then an explicit reactivation is recorded with its reason', () => {
    spec
      .given([registered(), terminated()])
      .when(reactivate({ reason: 'won back by phone' }))
      .then([
        {
          type: 'CustomerReactivated',
          data: { trigger: 'explicit', reason: 'won back by phone', orderId: null, occurredAt: NOW },
        },
      ]);
  });

  it('given an active customer, when it is reactivated, then it is refused as not terminated', () => {
    spec.given([registered()]).when(reactivate()).thenThrows('CUSTOMER_NOT_TERMINATED');
  });

  it('given a customer terminated and reactivated, when it is reactivated again, then it is refused as not terminated', () => {
    spec.given([registered(), terminated(), reactivated()]).when(reactivate()).thenThrows('CUSTOMER_NOT_TERMINATED');
  });

  it('given a customer terminated and reactivated, when the relationship is terminated again, then the termination is recorded', () => {
    spec.given([registered(), terminated(), reactivated()]).when(terminate()).then([terminated()]);
  });

  it.each([
    ['terminated', terminate()],
    ['reactivated', reactivate()],
  ])('given no customer, when it is %s, then it is refused as not found', (_what, command) => {
    spec.given([]).when(command).thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('the shared fixtures', () => {
  it('given the default builders, when the default individual registers, then the default registration event is decided', () => {
    spec.given([]).when(registerIndividual()).then([registered()]);
  });

  it('given the default builders, when the default organisation registers, then the default organisation event is decided', () => {
    spec.given([]).when(registerOrganisation()).then([organisationRegistered()]);
  });

  it('given the profile builders, when called, then they start from the empty profile', () => {
    expect(individualProfile()).toEqual({ ...EMPTY_PROFILE, name: INDIVIDUAL_NAME, email: INDIVIDUAL_EMAIL });
    expect(organisationProfile({ size: 'large' })).toEqual({ ...EMPTY_PROFILE, name: 'Acme Ltd', size: 'large' });
  });
});
