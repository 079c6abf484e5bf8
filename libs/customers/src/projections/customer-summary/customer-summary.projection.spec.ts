import type { StoredEvent } from '@crm/event-store';
import { customerSummaryProjection, emptyCustomerFacts, evolveCustomerSummary } from './customer-summary.projection';
import { EMPTY_PROFILE } from '../../domain/customer.events';
import type { CustomerSummaryWithFacts } from './customer-summary.entity';

const RECORDED = new Date('2026-03-02T10:00:00.000Z');
const NOW_ISO = '2026-04-01T00:00:00.000Z';

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

function fold(events: StoredEvent[]): CustomerSummaryWithFacts | null {
  return events.reduce<CustomerSummaryWithFacts | null>((row, event) => evolveCustomerSummary(row, event), null);
}

describe('customer_summary projection', () => {
  it('given no row, when CustomerRegistered arrives, then the row holds the profile, the stream position and empty facts', () => {
    expect(fold([registered])).toEqual({
      customerId: 'c-1',
      kind: 'organisation',
      name: 'Acme Ltd',
      email: null,
      phone: null,
      region: 'North',
      acquisitionSource: 'web',
      accountManagerId: null,
      profile,
      optedOutChannels: [],
      status: 'active',
      registeredAt: new Date('2026-03-01T09:30:00.000Z'),
      revision: 0,
      lastCheckpoint: '100:1',
      lastEventRecordedAt: RECORDED,
      firstPurchaseAt: null,
      lastPurchaseAt: null,
      purchaseCount: 0,
      distinctPurchaseDays: 0,
      currency: null,
      otherCurrencyPurchases: 0,
      grossSpendMinor: 0,
      refundsMinor: 0,
      netSpendMinor: 0,
      averageOrderValueMinor: null,
      meanPurchaseGapDays: null,
      purchaseDays: [],
      purchaseDayCounts: [],
      spendDays: [],
      spendDayNetMinor: [],
      orderIds: [],
      orderDays: [],
      refundDays: [],
      refundOrderDays: [],
      refundAmountsMinor: [],
      csatCount: 0,
      csatSum: 0,
      csatAverage: null,
      csatScoreCounts: [0, 0, 0, 0, 0],
      lastNps: null,
      lastNpsAt: null,
      complaintsTotal: 0,
      complaintsOpen: 0,
      openComplaintIds: [],
      resolutionSatisfactionCount: 0,
      resolutionSatisfactionSum: 0,
      resolutionSatisfactionAverage: null,
      terminatedAt: null,
      reactivatedAt: null,
    });
    expect(emptyCustomerFacts()).toEqual(
      expect.objectContaining({ purchaseCount: 0, csatScoreCounts: [0, 0, 0, 0, 0] }),
    );
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
      // The whole profile reads back as recorded, every field the update did not name kept.
      profile: { ...profile, region: 'South', industry: 'glass' },
      accountManagerId: 'am-7',
      status: 'terminated',
      terminatedAt: new Date('2026-05-01T00:00:00.000Z'),
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
    expect(reactivated).toMatchObject({
      status: 'active',
      terminatedAt: new Date('2026-05-01T00:00:00.000Z'),
      reactivatedAt: new Date('2026-06-01T00:00:00.000Z'),
      revision: 4,
    });
  });

  it('given a row, when contact preferences are set twice, then the row lists the channels opted out of now', () => {
    const row = fold([
      registered,
      stored('ContactPreferencesSet', { optedOut: ['sms', 'phone'], optedIn: [], occurredAt: NOW_ISO }, 1),
      stored('ContactPreferencesSet', { optedOut: ['email'], optedIn: ['sms'], occurredAt: NOW_ISO }, 2),
    ]);
    expect(row!.optedOutChannels).toEqual(['phone', 'email']);
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
