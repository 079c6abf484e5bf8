import type { StoredEvent } from '@crm/event-store';
import { CUSTOMER_EVENT_SCHEMA_VERSIONS, EMPTY_PROFILE, type CustomerEventType } from '../../domain/customer.events';
import type { AnalyticsOrderCategory, AnalyticsOrderRow } from './analytics-order.entity';
import {
  analyticsCustomerAttributesProjection,
  evolveAnalyticsCustomerAttribute,
} from './analytics-customer-attributes.projection';
import { allocateRefunds, analyticsOrdersProjection, evolveAnalyticsOrder } from './analytics-orders.projection';
import { analyticsSurveysProjection, evolveAnalyticsSurvey } from './analytics-surveys.projection';

/** When the store learned of the events: long after their business times (imports, corrections). */
const RECORDED = new Date('2026-06-15T12:00:00.000Z');

let revision = 0;

function stored(type: string, data: Record<string, unknown>, stream = 'customer-c-1'): StoredEvent {
  const r = revision++;
  return {
    id: `00000000-0000-4000-8000-${String(r).padStart(12, '0')}`,
    type,
    data: data as StoredEvent['data'],
    metadata: {
      actor: 'test',
      occurredAt: String(data.occurredAt),
      schemaVersion: CUSTOMER_EVENT_SCHEMA_VERSIONS[type as CustomerEventType],
    },
    stream,
    revision: r,
    checkpoint: `300:${r + 1}`,
    recordedAt: RECORDED,
  };
}

function line(category: string, quantity: number, unitPriceMinor: number, discountMinor = 0) {
  return {
    sku: `sku-${category}`,
    category,
    quantity,
    unitPriceMinor,
    discountMinor,
    totalMinor: quantity * unitPriceMinor - discountMinor,
  };
}

function purchase(orderId: string, occurredAt: string, lines: ReturnType<typeof line>[], region: string | null = null) {
  return stored('PurchaseRecorded', {
    orderId,
    currency: 'EUR',
    channel: 'web',
    region,
    lines,
    totalMinor: lines.reduce((sum, l) => sum + l.totalMinor, 0),
    occurredAt,
  });
}

const refund = (orderId: string, amountMinor: number, occurredAt: string, refundId = `r-${revision}`) =>
  stored('PurchaseRefunded', { refundId, orderId, amountMinor, currency: 'EUR', reason: null, occurredAt });

function fold(events: StoredEvent[]): AnalyticsOrderRow | null {
  return events.reduce<AnalyticsOrderRow | null>((row, event) => evolveAnalyticsOrder(row, event), null);
}

describe('analytics_orders projection', () => {
  beforeEach(() => {
    revision = 0;
  });

  it('given a purchase with lines in two categories, then one row holds the order and its parts by category', () => {
    const row = fold([
      purchase(
        'o-1',
        '2026-03-02T10:00:00.000Z',
        [line('music', 2, 1500), line('books', 1, 2000, 500), line('music', 1, 999)],
        'North',
      ),
    ]);
    expect(row).toEqual({
      key: 'c-1|o-1',
      customerId: 'c-1',
      orderId: 'o-1',
      occurredAt: new Date('2026-03-02T10:00:00.000Z'),
      day: '2026-03-02',
      region: 'North',
      channel: 'web',
      currency: 'EUR',
      grossMinor: 3000 + 1500 + 999,
      refundsMinor: 0,
      units: 4,
      categories: [
        { category: 'books', grossMinor: 1500, refundsMinor: 0, units: 1 },
        { category: 'music', grossMinor: 3999, refundsMinor: 0, units: 3 },
      ],
      refunds: [],
      revision: 0,
      lastCheckpoint: '300:1',
    });
  });

  it('given a backdated purchase, then its day is the UTC date of its business time, not of its recording', () => {
    const row = fold([purchase('o-old', '2024-12-31T23:30:00.000-02:00', [line('music', 1, 100)])]);
    expect(row).toMatchObject({ day: '2025-01-01', occurredAt: new Date('2025-01-01T01:30:00.000Z') });
    expect(row?.region).toBeNull();
  });

  it("given refunds, then they count on the order's row and day, shared among its categories by gross", () => {
    const bought = purchase('o-1', '2026-01-10T09:00:00.000Z', [line('books', 1, 3000), line('music', 1, 1000)]);
    const first = fold([bought, refund('o-1', 1000, '2026-02-20T09:00:00.000Z', 'r-a')]);
    expect(first).toMatchObject({
      day: '2026-01-10',
      grossMinor: 4000,
      refundsMinor: 1000,
      categories: [
        { category: 'books', grossMinor: 3000, refundsMinor: 750, units: 1 },
        { category: 'music', grossMinor: 1000, refundsMinor: 250, units: 1 },
      ],
      revision: 1,
      lastCheckpoint: '300:2',
    });
    const second = evolveAnalyticsOrder(first, refund('o-1', 3000, '2026-03-01T09:00:00.000Z'));
    expect(second).toMatchObject({
      day: '2026-01-10',
      refundsMinor: 4000,
      categories: [
        { category: 'books', refundsMinor: 3000 },
        { category: 'music', refundsMinor: 1000 },
      ],
    });
  });

  it('given refunds on later days, then each is listed with its own business time and UTC day', () => {
    const bought = purchase('o-1', '2026-01-10T09:00:00.000Z', [line('books', 1, 3000)]);
    const row = fold([
      bought,
      refund('o-1', 500, '2026-02-20T23:30:00.000-02:00', 'r-late-evening'),
      refund('o-1', 700, '2026-03-01T09:00:00.000Z', 'r-march'),
    ]);
    expect(row).toMatchObject({
      day: '2026-01-10',
      refundsMinor: 1200,
      refunds: [
        { refundId: 'r-late-evening', occurredAt: '2026-02-21T01:30:00.000Z', day: '2026-02-21', amountMinor: 500 },
        { refundId: 'r-march', occurredAt: '2026-03-01T09:00:00.000Z', day: '2026-03-01', amountMinor: 700 },
      ],
    });
  });

  it('shares refunds in whole minor units that add up to the refund and never exceed a category', () => {
    const parts = (grosses: number[]): AnalyticsOrderCategory[] =>
      grosses.map((grossMinor, i) => ({ category: `c${i}`, grossMinor, refundsMinor: 0, units: 1 }));
    expect(allocateRefunds(parts([1, 1]), 1).map((c) => c.refundsMinor)).toEqual([1, 0]);
    expect(allocateRefunds(parts([1, 1]), 2).map((c) => c.refundsMinor)).toEqual([1, 1]);
    expect(allocateRefunds(parts([1, 1, 1]), 2).map((c) => c.refundsMinor)).toEqual([1, 1, 0]);
    expect(allocateRefunds(parts([0, 5]), 3).map((c) => c.refundsMinor)).toEqual([0, 3]);
    expect(allocateRefunds(parts([0, 0]), 0).map((c) => c.refundsMinor)).toEqual([0, 0]);
    for (const grosses of [
      [333, 333, 334],
      [1, 2, 3, 4, 5],
      [99_999_999_999_999, 1, 7],
    ]) {
      const total = grosses.reduce((a, b) => a + b, 0);
      for (const refunded of [1, 2, 7, Math.floor(total / 3), total - 1, total]) {
        const shared = allocateRefunds(parts(grosses), refunded);
        expect(shared.reduce((sum, c) => sum + c.refundsMinor, 0)).toBe(refunded);
        for (const c of shared) expect(c.refundsMinor).toBeLessThanOrEqual(c.grossMinor);
      }
    }
  });

  it('keys purchases and their refunds by customer and order, and ignores every other event', () => {
    const bought = purchase('o-1', '2026-01-10T09:00:00.000Z', [line('books', 1, 3000)]);
    expect(analyticsOrdersProjection.keyOf(bought)).toBe('c-1|o-1');
    expect(analyticsOrdersProjection.keyOf(refund('o-1', 10, '2026-01-11T00:00:00.000Z'))).toBe('c-1|o-1');
    expect(analyticsOrdersProjection.keyOf({ ...bought, stream: 'customer-c-9' })).toBe('c-9|o-1');
    expect(analyticsOrdersProjection.keyOf({ ...bought, stream: 'account-9' })).toBeNull();
    const survey = stored('SurveyRecorded', {
      surveyId: 's-1',
      method: 'online',
      csat: 4,
      nps: null,
      ces: null,
      comment: null,
      occurredAt: '2026-01-10T09:00:00.000Z',
    });
    expect(analyticsOrdersProjection.keyOf(survey)).toBeNull();
    expect(evolveAnalyticsOrder(null, survey)).toBeNull();
  });

  it('given a refund before its purchase or a purchase recorded twice, then it fails loudly', () => {
    expect(() => fold([refund('o-1', 10, '2026-01-11T00:00:00.000Z')])).toThrow(/before the purchase of o-1/);
    const bought = purchase('o-1', '2026-01-10T09:00:00.000Z', [line('books', 1, 3000)]);
    expect(() => fold([bought, bought])).toThrow(/already recorded/);
  });
});

describe('analytics_customer_attributes projection', () => {
  beforeEach(() => {
    revision = 0;
  });

  const registered = (region: string | null) =>
    stored('CustomerRegistered', {
      customerId: 'c-1',
      kind: 'individual',
      profile: { ...EMPTY_PROFILE, name: 'Ada', region },
      acquisitionSource: null,
      occurredAt: '2025-01-01T00:00:00.000Z',
    });

  it('given a registration, a region change and a manager assignment, then each is one row at its business time', () => {
    const events = [
      registered('North'),
      stored('CustomerProfileUpdated', {
        changes: [
          { field: 'email', from: null, to: 'ada@example.com' },
          { field: 'region', from: 'North', to: 'South' },
        ],
        occurredAt: '2025-06-01T00:00:00.000Z',
      }),
      stored('AccountManagerAssigned', {
        accountManagerId: 'am-7',
        previousAccountManagerId: null,
        occurredAt: '2025-03-01T00:00:00.000Z',
      }),
      stored('CustomerProfileUpdated', {
        changes: [{ field: 'region', from: 'South', to: null }],
        occurredAt: '2025-09-01T00:00:00.000Z',
      }),
    ];
    expect(events.map((e) => analyticsCustomerAttributesProjection.keyOf(e))).toEqual([
      'c-1|0',
      'c-1|1',
      'c-1|2',
      'c-1|3',
    ]);
    expect(events.map((e) => evolveAnalyticsCustomerAttribute(null, e))).toEqual([
      {
        key: 'c-1|0',
        customerId: 'c-1',
        revision: 0,
        attribute: 'region',
        value: 'North',
        occurredAt: new Date('2025-01-01T00:00:00.000Z'),
        lastCheckpoint: '300:1',
      },
      expect.objectContaining({ attribute: 'region', value: 'South', occurredAt: new Date('2025-06-01T00:00:00Z') }),
      expect.objectContaining({ attribute: 'accountManager', value: 'am-7', revision: 2 }),
      expect.objectContaining({ attribute: 'region', value: null, revision: 3 }),
    ]);
  });

  it('ignores profile changes that leave the region alone, and every other event', () => {
    const email = stored('CustomerProfileUpdated', {
      changes: [{ field: 'email', from: null, to: 'ada@example.com' }],
      occurredAt: '2025-06-01T00:00:00.000Z',
    });
    expect(analyticsCustomerAttributesProjection.keyOf(email)).toBeNull();
    expect(evolveAnalyticsCustomerAttribute(null, email)).toBeNull();
    const bought = purchase('o-1', '2026-01-10T09:00:00.000Z', [line('books', 1, 3000)]);
    expect(analyticsCustomerAttributesProjection.keyOf(bought)).toBeNull();
    expect(analyticsCustomerAttributesProjection.keyOf({ ...registered('North'), stream: 'account-1' })).toBeNull();
  });
});

describe('analytics_surveys projection', () => {
  beforeEach(() => {
    revision = 0;
  });

  it('given a survey answer, then one row holds its scores at its UTC business day', () => {
    const survey = stored('SurveyRecorded', {
      surveyId: 's-1',
      method: 'phone',
      csat: 5,
      nps: 9,
      ces: null,
      comment: 'great',
      occurredAt: '2026-02-28T23:59:59.000-01:00',
    });
    expect(analyticsSurveysProjection.keyOf(survey)).toBe('c-1|s-1');
    expect(evolveAnalyticsSurvey(null, survey)).toEqual({
      key: 'c-1|s-1',
      customerId: 'c-1',
      surveyId: 's-1',
      occurredAt: new Date('2026-03-01T00:59:59.000Z'),
      day: '2026-03-01',
      csat: 5,
      nps: 9,
      ces: null,
      revision: 0,
      lastCheckpoint: '300:1',
    });
    const bought = purchase('o-1', '2026-01-10T09:00:00.000Z', [line('books', 1, 3000)]);
    expect(analyticsSurveysProjection.keyOf(bought)).toBeNull();
    expect(evolveAnalyticsSurvey(null, bought)).toBeNull();
  });
});
