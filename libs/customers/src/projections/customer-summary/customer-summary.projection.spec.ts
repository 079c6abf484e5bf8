import type { StoredEvent } from '@crm/event-store';
import { customerSummaryProjection, evolveCustomerSummary } from './customer-summary.projection';
import { EMPTY_PROFILE } from '../../domain/customer.events';
import type { CustomerSummaryRow } from './customer-summary.entity';

const RECORDED = new Date('2026-03-02T10:00:00.000Z');

function stored(type: string, data: Record<string, unknown>, revision: number, schemaVersion = 1): StoredEvent {
  return {
    id: `00000000-0000-4000-8000-00000000000${revision}`,
    type,
    data: data as StoredEvent['data'],
    metadata: { actor: 'test', occurredAt: '2026-03-01T09:30:00.000Z', schemaVersion },
    stream: 'customer-c-1',
    revision,
    checkpoint: `100:${revision + 1}`,
    recordedAt: RECORDED,
  };
}

const profile = { ...EMPTY_PROFILE, name: 'Acme Ltd', region: 'North', industry: 'steel', size: 'large' };

const registered = stored(
  'CustomerRegistered',
  {
    customerId: 'c-1',
    kind: 'organisation',
    profile,
    acquisitionSource: 'web',
    occurredAt: '2026-03-01T09:30:00.000Z',
  },
  0,
  2,
);

function fold(events: StoredEvent[]): CustomerSummaryRow | null {
  return events.reduce<CustomerSummaryRow | null>((row, event) => evolveCustomerSummary(row, event), null);
}

describe('customer_summary projection', () => {
  it('given no row, when CustomerRegistered arrives, then the row holds the profile and the stream position', () => {
    expect(fold([registered])).toEqual({
      customerId: 'c-1',
      kind: 'organisation',
      name: 'Acme Ltd',
      email: null,
      phone: null,
      region: 'North',
      acquisitionSource: 'web',
      accountManagerId: null,
      status: 'active',
      registeredAt: new Date('2026-03-01T09:30:00.000Z'),
      revision: 0,
      lastCheckpoint: '100:1',
      lastEventRecordedAt: RECORDED,
    });
  });

  it('given a stored v1 registration, when folded, then it is read through the upcaster', () => {
    const v1 = stored(
      'CustomerRegistered',
      {
        customerId: 'c-1',
        kind: 'individual',
        name: 'Ada',
        email: 'ada@example.com',
        phone: null,
        region: 'London',
        acquisitionSource: null,
        registeredAt: '2025-01-01T00:00:00.000Z',
      },
      0,
      1,
    );
    expect(fold([v1])).toMatchObject({
      name: 'Ada',
      email: 'ada@example.com',
      region: 'London',
      registeredAt: new Date('2025-01-01T00:00:00.000Z'),
    });
  });

  it('given a row, when the profile, account manager and status change, then the row follows and keeps the last position', () => {
    const row = fold([
      registered,
      stored(
        'CustomerProfileUpdated',
        {
          changes: [
            { field: 'region', from: 'North', to: 'South' },
            { field: 'industry', from: 'steel', to: 'glass' },
          ],
          occurredAt: '2026-04-01T00:00:00.000Z',
        },
        1,
      ),
      stored(
        'AccountManagerAssigned',
        { accountManagerId: 'am-7', previousAccountManagerId: null, occurredAt: '2026-04-02T00:00:00.000Z' },
        2,
      ),
      stored('RelationshipTerminated', { reason: 'moved', occurredAt: '2026-05-01T00:00:00.000Z' }, 3),
    ]);
    expect(row).toMatchObject({
      region: 'South',
      accountManagerId: 'am-7',
      status: 'terminated',
      revision: 3,
      lastCheckpoint: '100:4',
    });
    const reactivated = evolveCustomerSummary(
      row,
      stored(
        'CustomerReactivated',
        { trigger: 'explicit', reason: 'win-back', orderId: null, occurredAt: '2026-06-01T00:00:00.000Z' },
        4,
      ),
    );
    expect(reactivated).toMatchObject({ status: 'active', revision: 4 });
  });

  it('keys rows by the customer id in the stream name and ignores other streams', () => {
    expect(customerSummaryProjection.keyOf(registered)).toBe('c-1');
    expect(customerSummaryProjection.keyOf({ ...registered, stream: 'account-9' })).toBeNull();
  });

  it('given an unknown event type, when folded, then it fails loudly instead of dropping history', () => {
    expect(() => evolveCustomerSummary(fold([registered]), stored('SomethingUnheardOf', {}, 1))).toThrow(
      /cannot read customer event SomethingUnheardOf/,
    );
  });

  it('given no registration, when another event arrives, then it fails loudly', () => {
    expect(() =>
      evolveCustomerSummary(
        null,
        stored(
          'AccountManagerAssigned',
          { accountManagerId: 'x', previousAccountManagerId: null, occurredAt: '2026-01-01T00:00:00.000Z' },
          0,
        ),
      ),
    ).toThrow(/before CustomerRegistered/);
  });
});
