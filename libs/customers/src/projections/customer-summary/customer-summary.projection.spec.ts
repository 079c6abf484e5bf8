import type { StoredEvent } from '@crm/event-store';
import { customerSummaryProjection, evolveCustomerSummary } from './customer-summary.projection';

function stored(type: string, data: Record<string, unknown>, revision: number): StoredEvent {
  return {
    id: `00000000-0000-4000-8000-00000000000${revision}`,
    type,
    data: data as StoredEvent['data'],
    metadata: { actor: 'test', occurredAt: '2026-03-01T09:30:00.000Z' },
    stream: 'customer-c-1',
    revision,
    checkpoint: `100:${revision + 1}`,
    recordedAt: new Date('2026-03-02T10:00:00.000Z'),
  };
}

describe('customer_summary projection', () => {
  const registered = stored(
    'CustomerRegistered',
    {
      customerId: 'c-1',
      kind: 'organisation',
      name: 'Acme Ltd',
      email: null,
      phone: null,
      region: 'North',
      acquisitionSource: 'web',
      registeredAt: '2026-03-01T09:30:00.000Z',
    },
    0,
  );

  it('given no row, when CustomerRegistered arrives, then the row holds the profile and the stream position', () => {
    expect(evolveCustomerSummary(null, registered)).toEqual({
      customerId: 'c-1',
      kind: 'organisation',
      name: 'Acme Ltd',
      email: null,
      phone: null,
      region: 'North',
      acquisitionSource: 'web',
      status: 'active',
      registeredAt: new Date('2026-03-01T09:30:00.000Z'),
      revision: 0,
      lastCheckpoint: '100:1',
      lastEventRecordedAt: new Date('2026-03-02T10:00:00.000Z'),
    });
  });

  it('keys rows by the customer id in the stream name and ignores other streams', () => {
    expect(customerSummaryProjection.keyOf(registered)).toBe('c-1');
    expect(customerSummaryProjection.keyOf({ ...registered, stream: 'account-9' })).toBeNull();
  });

  it('given an unknown event type, when folded, then it fails loudly instead of dropping history', () => {
    expect(() => evolveCustomerSummary(null, stored('SomethingUnheardOf', {}, 1))).toThrow(
      /unknown customer event type/,
    );
  });
});
