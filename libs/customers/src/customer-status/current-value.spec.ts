import type { StoredEvent } from '@crm/event-store';
import { EMPTY_PROFILE } from '../domain/customer.events';
import { epochDay } from '../domain/lifecycle';
import type { CustomerSummaryWithFacts } from '../projections/customer-summary/customer-summary.entity';
import { evolveCustomerSummary } from '../projections/customer-summary/customer-summary.projection';
import { cashNetSpendMinor, currentValueMinor } from './customer-status';

let revision = 0;
function stored(type: string, data: Record<string, unknown>): StoredEvent {
  const at = String(data.occurredAt);
  revision += 1;
  return {
    id: `00000000-0000-4000-8000-${String(revision).padStart(12, '0')}`,
    type,
    data: data as StoredEvent['data'],
    metadata: { actor: 'test', occurredAt: at, schemaVersion: type === 'CustomerRegistered' ? 2 : 1 },
    stream: 'customer-v-1',
    revision,
    checkpoint: `100:${revision}`,
    recordedAt: new Date(at),
  };
}

const registered = stored('CustomerRegistered', {
  customerId: 'v-1',
  kind: 'individual',
  profile: { ...EMPTY_PROFILE, name: 'Val' },
  acquisitionSource: null,
  occurredAt: '2024-01-01T00:00:00.000Z',
});
const purchase = (orderId: string, totalMinor: number, occurredAt: string) =>
  stored('PurchaseRecorded', {
    orderId,
    currency: 'USD',
    channel: 'web',
    region: null,
    lines: [{ sku: 'x', category: 'x', quantity: 1, unitPriceMinor: totalMinor, discountMinor: 0, totalMinor }],
    totalMinor,
    occurredAt,
  });
const refund = (refundId: string, orderId: string, amountMinor: number, occurredAt: string) =>
  stored('PurchaseRefunded', { refundId, orderId, amountMinor, currency: 'USD', reason: null, occurredAt });

function fold(events: StoredEvent[]): CustomerSummaryWithFacts {
  return events.reduce<CustomerSummaryWithFacts | null>((row, event) => evolveCustomerSummary(row, event), null)!;
}
const day = (iso: string): number => epochDay(Date.parse(iso));
const YEAR = 365;

describe('current value (accrual basis: a refund belongs to its order’s period)', () => {
  const history = [
    registered,
    purchase('o-old', 122_300, '2025-01-10T10:00:00.000Z'),
    purchase('o-new', 2_000, '2026-06-01T10:00:00.000Z'),
    refund('r-old', 'o-old', 122_300, '2026-11-30T10:00:00.000Z'),
  ];

  it('given an old order refunded in full today, when the value of the last 12 months is asked, then it is the recent order only, never negative', () => {
    const row = fold(history);
    expect(currentValueMinor(row, day('2026-12-05'), YEAR)).toBe(2_000);
    // The cash-basis view of the same window, named as such, still shows the refund on its own day.
    expect(cashNetSpendMinor(row, day('2026-12-05'), YEAR)).toBe(2_000 - 122_300);
  });

  it('given the same history, when the value is asked as of a day before the refund, then the order counts whole', () => {
    const row = fold(history);
    expect(currentValueMinor(row, day('2025-06-01'), YEAR)).toBe(122_300);
  });

  it('given the same history, when the value is asked as of a day after the refund whose window holds the old order, then its refund is taken off', () => {
    const row = fold(history);
    expect(currentValueMinor(row, day('2026-01-09'), YEAR)).toBe(122_300);
    expect(currentValueMinor(row, day('2026-12-01'), 700)).toBe(2_000);
  });

  it('given an order refunded in part within the window, when the value is asked, then the refund is taken off its order', () => {
    const row = fold([
      registered,
      purchase('o-1', 5_000, '2026-10-01T10:00:00.000Z'),
      refund('r-1', 'o-1', 2_000, '2026-10-05T10:00:00.000Z'),
    ]);
    expect(currentValueMinor(row, day('2026-12-05'), YEAR)).toBe(3_000);
    expect(currentValueMinor(row, day('2026-10-03'), YEAR)).toBe(5_000);
  });
});
