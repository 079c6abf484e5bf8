import type { StoredEvent } from '@crm/event-store';
import { EMPTY_PROFILE } from '../../domain/customer.events';
import type { CustomerSummaryWithFacts } from './customer-summary.entity';
import { evolveCustomerSummary } from './customer-summary.projection';

/** Epoch day of a date (YYYY-MM-DD). */
const day = (date: string): number => Date.parse(`${date}T00:00:00.000Z`) / 86_400_000;

let revision = 0;
function stored(type: string, data: Record<string, unknown>): StoredEvent {
  const r = revision++;
  return {
    id: `00000000-0000-4000-8000-${String(r).padStart(12, '0')}`,
    type,
    data: data as StoredEvent['data'],
    metadata: {
      actor: 'test',
      occurredAt: String(data.occurredAt),
      schemaVersion: type === 'CustomerRegistered' ? 2 : 1,
    },
    stream: 'customer-c-1',
    revision: r,
    checkpoint: `100:${r + 1}`,
    recordedAt: new Date('2026-06-01T00:00:00.000Z'),
  };
}

const registered = () =>
  stored('CustomerRegistered', {
    customerId: 'c-1',
    kind: 'individual',
    profile: { ...EMPTY_PROFILE, name: 'Ada' },
    acquisitionSource: null,
    occurredAt: '2025-01-01T08:00:00.000Z',
  });

const purchase = (orderId: string, occurredAt: string, totalMinor: number, currency = 'EUR') =>
  stored('PurchaseRecorded', {
    orderId,
    currency,
    channel: 'web',
    region: null,
    lines: [{ sku: 'S', category: 'c', quantity: 1, unitPriceMinor: totalMinor, discountMinor: 0, totalMinor }],
    totalMinor,
    occurredAt,
  });

const refund = (orderId: string, occurredAt: string, amountMinor: number, currency = 'EUR') =>
  stored('PurchaseRefunded', { refundId: `r-${orderId}`, orderId, amountMinor, currency, reason: null, occurredAt });

const survey = (occurredAt: string, csat: number | null, nps: number | null) =>
  stored('SurveyRecorded', {
    surveyId: `s-${occurredAt}`,
    method: 'online',
    csat,
    nps,
    ces: null,
    comment: null,
    occurredAt,
  });

const complaint = (type: string, complaintId: string, occurredAt: string, extra: Record<string, unknown> = {}) =>
  stored(type, { complaintId, occurredAt, ...extra });

/** given(events) → when(event) → then(the row). */
function given(...events: StoredEvent[]) {
  revision = 0;
  const history = [registered(), ...events];
  return {
    when(...more: StoredEvent[]) {
      const row = [...history, ...more].reduce<CustomerSummaryWithFacts | null>(
        (r, e) => evolveCustomerSummary(r, e),
        null,
      );
      return { then: (expected: Partial<CustomerSummaryWithFacts>) => expect(row).toMatchObject(expected) };
    },
  };
}

describe('customer_summary purchase and satisfaction facts', () => {
  it('given two purchases, when a backdated purchase arrives last, then first, last, days and gaps follow business time', () => {
    given(purchase('o-2', '2025-03-01T10:00:00.000Z', 2000), purchase('o-3', '2025-05-01T10:00:00.000Z', 3000))
      .when(purchase('o-1', '2025-01-01T10:00:00.000Z', 1000))
      .then({
        firstPurchaseAt: new Date('2025-01-01T10:00:00.000Z'),
        lastPurchaseAt: new Date('2025-05-01T10:00:00.000Z'),
        purchaseCount: 3,
        distinctPurchaseDays: 3,
        purchaseDays: [day('2025-01-01'), day('2025-03-01'), day('2025-05-01')],
        purchaseDayCounts: [1, 1, 1],
        // 59 + 61 days between the three days
        meanPurchaseGapDays: 60,
        grossSpendMinor: 6000,
        netSpendMinor: 6000,
        averageOrderValueMinor: 2000,
        spendDays: [day('2025-01-01'), day('2025-03-01'), day('2025-05-01')],
        spendDayNetMinor: [1000, 2000, 3000],
      });
  });

  it('given one purchase, when a second arrives the same day, then it counts as a purchase but not as a new day', () => {
    given(purchase('o-1', '2025-02-01T09:00:00.000Z', 1000))
      .when(purchase('o-2', '2025-02-01T18:00:00.000Z', 500))
      .then({
        purchaseCount: 2,
        distinctPurchaseDays: 1,
        purchaseDays: [day('2025-02-01')],
        purchaseDayCounts: [2],
        meanPurchaseGapDays: null,
        spendDayNetMinor: [1500],
        averageOrderValueMinor: 750,
      });
  });

  it('given purchases, when a refund arrives, then it is deducted from net spend on its own day', () => {
    given(purchase('o-1', '2025-02-01T09:00:00.000Z', 1000), purchase('o-2', '2025-02-10T09:00:00.000Z', 3001))
      .when(refund('o-2', '2025-03-01T09:00:00.000Z', 1000))
      .then({
        grossSpendMinor: 4001,
        refundsMinor: 1000,
        netSpendMinor: 3001,
        averageOrderValueMinor: 1501,
        spendDays: [day('2025-02-01'), day('2025-02-10'), day('2025-03-01')],
        spendDayNetMinor: [1000, 3001, -1000],
      });
  });

  it('given a first purchase in EUR, when a purchase in USD and its refund arrive, then they stay out of the amounts', () => {
    given(purchase('o-1', '2025-02-01T09:00:00.000Z', 1000))
      .when(
        purchase('o-2', '2025-02-05T09:00:00.000Z', 9000, 'USD'),
        refund('o-2', '2025-02-06T09:00:00.000Z', 100, 'USD'),
      )
      .then({
        currency: 'EUR',
        purchaseCount: 2,
        otherCurrencyPurchases: 1,
        distinctPurchaseDays: 2,
        grossSpendMinor: 1000,
        refundsMinor: 0,
        netSpendMinor: 1000,
        averageOrderValueMinor: 1000,
        spendDays: [day('2025-02-01')],
        spendDayNetMinor: [1000],
      });
  });

  it('given surveys, when another arrives backdated, then CSAT counts all and the last NPS is the latest by business time', () => {
    given(survey('2025-03-01T00:00:00.000Z', 5, 9), survey('2025-04-01T00:00:00.000Z', 2, null))
      .when(survey('2025-01-01T00:00:00.000Z', 4, 3))
      .then({
        csatCount: 3,
        csatSum: 11,
        csatAverage: 3.67,
        csatScoreCounts: [0, 1, 0, 1, 1],
        lastNps: 9,
        lastNpsAt: new Date('2025-03-01T00:00:00.000Z'),
      });
  });

  it('given complaints, when one is closed, another reopened and followed up, then open and total counts and resolution satisfaction follow', () => {
    given(
      complaint('ComplaintFiled', 'k-1', '2025-02-01T00:00:00.000Z', {
        category: 'x',
        severity: 'low',
        channel: 'email',
        description: 'd',
      }),
      complaint('ComplaintFiled', 'k-2', '2025-02-02T00:00:00.000Z', {
        category: 'x',
        severity: 'low',
        channel: 'email',
        description: 'd',
      }),
      complaint('ComplaintFollowedUp', 'k-1', '2025-02-05T00:00:00.000Z', { satisfaction: 2, note: null }),
      complaint('ComplaintClosed', 'k-1', '2025-02-06T00:00:00.000Z', { note: null }),
    )
      .when(
        complaint('ComplaintReopened', 'k-1', '2025-02-07T00:00:00.000Z', { reason: 'again' }),
        complaint('ComplaintFollowedUp', 'k-1', '2025-02-09T00:00:00.000Z', { satisfaction: 5, note: null }),
        complaint('ComplaintClosed', 'k-2', '2025-02-10T00:00:00.000Z', { note: null }),
      )
      .then({
        complaintsTotal: 2,
        complaintsOpen: 1,
        openComplaintIds: ['k-1'],
        resolutionSatisfactionCount: 2,
        resolutionSatisfactionAverage: 3.5,
      });
  });

  it('folds without changing the row it was given', () => {
    revision = 0;
    const row = evolveCustomerSummary(
      evolveCustomerSummary(null, registered()),
      purchase('o-1', '2025-02-01T09:00:00.000Z', 1000),
    )!;
    const before = JSON.stringify(row);
    evolveCustomerSummary(row, purchase('o-0', '2025-01-01T09:00:00.000Z', 1000));
    expect(JSON.stringify(row)).toBe(before);
  });
});
