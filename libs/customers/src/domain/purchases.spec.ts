import { deciderSpecification } from '@crm/platform/testing/decider-specification';
import { customerDecider } from './customer.decider';
import {
  at,
  NOW,
  ORDER_ID,
  purchaseLine,
  purchaseOf,
  purchaseRecorded,
  purchaseRefunded,
  reactivate,
  reactivated,
  recordPurchase,
  refundPurchase,
  registered,
  terminated,
} from './testing/customer-fixtures';

const spec = deciderSpecification(customerDecider);

describe('RecordPurchase', () => {
  it('given a registered customer, when a purchase with discounted lines is recorded, then each line total is quantity × unit price − discount and the purchase total is their sum', () => {
    spec
      .given([registered()])
      .when(
        recordPurchase({
          orderId: 'o-77',
          currency: 'GBP',
          channel: 'store',
          region: 'London',
          lines: [
            { sku: 'TEA-1', category: 'tea', quantity: 3, unitPriceMinor: 1299, discountMinor: 300 },
            { sku: 'CUP-2', category: 'tableware', quantity: 2, unitPriceMinor: 850 },
          ],
        }),
      )
      .then([
        {
          type: 'PurchaseRecorded',
          data: {
            orderId: 'o-77',
            currency: 'GBP',
            channel: 'store',
            region: 'London',
            lines: [
              {
                sku: 'TEA-1',
                category: 'tea',
                quantity: 3,
                unitPriceMinor: 1299,
                discountMinor: 300,
                totalMinor: 3597,
              },
              {
                sku: 'CUP-2',
                category: 'tableware',
                quantity: 2,
                unitPriceMinor: 850,
                discountMinor: 0,
                totalMinor: 1700,
              },
            ],
            totalMinor: 5297,
            occurredAt: NOW,
          },
        },
      ]);
  });

  it('given a registered customer, when a purchase names no region, then the region is recorded as null', () => {
    spec
      .given([registered()])
      .when(recordPurchase())
      .then([purchaseRecorded({ region: null })]);
  });

  it('given a registered customer, when a purchase of free items is recorded, then a zero-value purchase is valid', () => {
    spec
      .given([registered()])
      .when(recordPurchase({ lines: [{ sku: 'SAMPLE', category: 'samples', quantity: 2, unitPriceMinor: 0 }] }))
      .then([
        purchaseRecorded({
          lines: [purchaseLine({ sku: 'SAMPLE', category: 'samples', quantity: 2, unitPriceMinor: 0, totalMinor: 0 })],
          totalMinor: 0,
        }),
      ]);
  });

  it('given a registered customer, when a line is discounted by exactly its gross price, then the line total is zero', () => {
    spec
      .given([registered()])
      .when(
        recordPurchase({
          lines: [{ sku: 'SKU-1', category: 'books', quantity: 2, unitPriceMinor: 500, discountMinor: 1000 }],
        }),
      )
      .then([
        purchaseRecorded({
          lines: [purchaseLine({ quantity: 2, unitPriceMinor: 500, discountMinor: 1000, totalMinor: 0 })],
          totalMinor: 0,
        }),
      ]);
  });

  it('given a recorded order, when a purchase with the same order id is recorded, then it is refused as already recorded', () => {
    spec
      .given([registered(), purchaseRecorded()])
      .when(recordPurchase({ lines: [{ sku: 'OTHER', category: 'books', quantity: 1, unitPriceMinor: 1 }] }))
      .thenThrows('ORDER_ALREADY_RECORDED');
  });

  it('given a recorded order, when a purchase with another order id is recorded, then it is accepted', () => {
    spec
      .given([registered(), purchaseRecorded()])
      .when(recordPurchase({ orderId: 'o-2' }))
      .then([purchaseRecorded({ orderId: 'o-2' })]);
  });

  it.each(['ZZZ', 'eur', 'EURO', ''])(
    'given a registered customer, when a purchase is in currency %p, then it is refused as an invalid currency',
    (currency) => {
      spec.given([registered()]).when(recordPurchase({ currency })).thenThrows('INVALID_CURRENCY');
    },
  );

  it('given a registered customer, when a line is discounted by more than its gross price, then it is refused', () => {
    spec
      .given([registered()])
      .when(
        recordPurchase({
          lines: [
            { sku: 'A', category: 'books', quantity: 1, unitPriceMinor: 1000 },
            { sku: 'B', category: 'books', quantity: 2, unitPriceMinor: 500, discountMinor: 1001 },
          ],
        }),
      )
      .thenThrows('DISCOUNT_EXCEEDS_PRICE');
  });

  it.each([0, -1, 1.5])(
    'given a registered customer, when a line has quantity %p, then it is refused as an invalid quantity',
    (quantity) => {
      spec
        .given([registered()])
        .when(recordPurchase({ lines: [{ sku: 'A', category: 'books', quantity, unitPriceMinor: 1000 }] }))
        .thenThrows('INVALID_QUANTITY');
    },
  );

  it.each([
    ['a negative unit price', { unitPriceMinor: -1 }],
    ['a fractional unit price', { unitPriceMinor: 10.5 }],
    ['a negative discount', { unitPriceMinor: 1000, discountMinor: -1 }],
  ])('given a registered customer, when a line has %s, then it is refused as an invalid amount', (_what, amounts) => {
    spec
      .given([registered()])
      .when(recordPurchase({ lines: [{ sku: 'A', category: 'books', quantity: 1, ...amounts }] }))
      .thenThrows('INVALID_AMOUNT');
  });

  it('given a registered customer, when a purchase has no lines, then it is refused as empty', () => {
    spec
      .given([registered()])
      .when(recordPurchase({ lines: [] }))
      .thenThrows('EMPTY_PURCHASE');
  });

  it('given a terminated customer, when a purchase is recorded, then it is reactivated first', () => {
    spec
      .given([registered(), terminated({ occurredAt: '2026-03-15T00:00:00.000Z' })])
      .when(recordPurchase())
      .then([
        {
          type: 'CustomerReactivated',
          data: { trigger: 'purchase', reason: null, orderId: ORDER_ID, occurredAt: NOW },
        },
        purchaseRecorded(),
      ]);
  });

  it('given a terminated customer, when a purchase dated before the termination is recorded, then it is history, not a win-back', () => {
    spec
      .given([registered(), terminated({ occurredAt: '2026-05-01T00:00:00.000Z' })])
      .when(recordPurchase({ occurredAt: at('2026-04-01T10:00:00.000Z') }))
      .then([purchaseRecorded({ occurredAt: '2026-04-01T10:00:00.000Z' })]);
  });

  it('given a backdated purchase by a terminated customer, when a current purchase follows, then that one reactivates', () => {
    spec
      .given([
        registered(),
        terminated({ occurredAt: '2026-03-15T00:00:00.000Z' }),
        purchaseRecorded({ orderId: 'o-old', occurredAt: '2026-03-10T00:00:00.000Z' }),
      ])
      .when(recordPurchase())
      .then([
        {
          type: 'CustomerReactivated',
          data: { trigger: 'purchase', reason: null, orderId: ORDER_ID, occurredAt: NOW },
        },
        purchaseRecorded(),
      ]);
  });

  it('given a customer reactivated by a purchase, when it is reactivated explicitly, then it is refused as not terminated', () => {
    spec
      .given([
        registered(),
        terminated(),
        reactivated({ trigger: 'purchase', reason: null, orderId: ORDER_ID }),
        purchaseRecorded(),
      ])
      .when(reactivate())
      .thenThrows('CUSTOMER_NOT_TERMINATED');
  });

  it('given an active customer, when another purchase is recorded, then no reactivation is recorded', () => {
    spec
      .given([registered(), terminated(), reactivated(), purchaseRecorded()])
      .when(recordPurchase({ orderId: 'o-2' }))
      .then([purchaseRecorded({ orderId: 'o-2' })]);
  });

  it('given later history, when a backdated purchase is recorded, then it keeps its own business time', () => {
    spec
      .given([
        registered({ occurredAt: '2024-01-10T00:00:00.000Z' }),
        purchaseRecorded({ occurredAt: '2026-03-20T00:00:00.000Z' }),
      ])
      .when(recordPurchase({ orderId: 'o-old', occurredAt: at('2025-06-30T23:59:59.000Z') }))
      .then([purchaseRecorded({ orderId: 'o-old', occurredAt: '2025-06-30T23:59:59.000Z' })]);
  });

  it('given no customer, when a purchase is recorded, then it is refused as not found', () => {
    spec.given([]).when(recordPurchase()).thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('RefundPurchase', () => {
  it('given a purchase in GBP, when part of it is refunded, then the refund is recorded in the currency of the order', () => {
    spec
      .given([registered(), purchaseOf(10_000, { currency: 'GBP' })])
      .when(refundPurchase({ refundId: 'r-9', amountMinor: 2_500, reason: 'one item broken' }))
      .then([
        {
          type: 'PurchaseRefunded',
          data: {
            refundId: 'r-9',
            orderId: ORDER_ID,
            amountMinor: 2_500,
            currency: 'GBP',
            reason: 'one item broken',
            occurredAt: NOW,
          },
        },
      ]);
  });

  it('given a purchase, when a refund gives no reason, then the reason is recorded as null', () => {
    spec
      .given([registered(), purchaseOf(10_000)])
      .when(refundPurchase({ amountMinor: 100 }))
      .then([purchaseRefunded({ amountMinor: 100, reason: null })]);
  });

  it('given a purchase, when the whole paid total is refunded, then it is accepted', () => {
    spec
      .given([registered(), purchaseOf(10_000)])
      .when(refundPurchase({ amountMinor: 10_000 }))
      .then([purchaseRefunded({ amountMinor: 10_000 })]);
  });

  it('given a purchase, when one minor unit more than the paid total is refunded, then it is refused', () => {
    spec
      .given([registered(), purchaseOf(10_000)])
      .when(refundPurchase({ amountMinor: 10_001 }))
      .thenThrows('REFUND_EXCEEDS_PAID');
  });

  it('given a purchase partly refunded, when the rest is refunded, then it is accepted', () => {
    spec
      .given([registered(), purchaseOf(10_000), purchaseRefunded({ refundId: 'r-1', amountMinor: 6_000 })])
      .when(refundPurchase({ refundId: 'r-2', amountMinor: 4_000 }))
      .then([purchaseRefunded({ refundId: 'r-2', amountMinor: 4_000 })]);
  });

  it('given a purchase partly refunded twice, when more than what is left is refunded, then it is refused', () => {
    spec
      .given([
        registered(),
        purchaseOf(10_000),
        purchaseRefunded({ refundId: 'r-1', amountMinor: 6_000 }),
        purchaseRefunded({ refundId: 'r-2', amountMinor: 3_000 }),
      ])
      .when(refundPurchase({ refundId: 'r-3', amountMinor: 1_001 }))
      .thenThrows('REFUND_EXCEEDS_PAID');
  });

  it('given two orders and one fully refunded, when the other is refunded, then its own paid total is the limit', () => {
    spec
      .given([
        registered(),
        purchaseOf(10_000),
        purchaseOf(3_000, { orderId: 'o-2' }),
        purchaseRefunded({ refundId: 'r-1', amountMinor: 10_000 }),
      ])
      .when(refundPurchase({ refundId: 'r-2', orderId: 'o-2', amountMinor: 3_000 }))
      .then([purchaseRefunded({ refundId: 'r-2', orderId: 'o-2', amountMinor: 3_000 })]);
  });

  it('given a zero-value purchase, when any amount is refunded, then it is refused as exceeding what was paid', () => {
    spec
      .given([registered(), purchaseOf(0)])
      .when(refundPurchase({ amountMinor: 1 }))
      .thenThrows('REFUND_EXCEEDS_PAID');
  });

  it('given a purchase, when a refund names an order that was never recorded, then it is refused as not found', () => {
    spec
      .given([registered(), purchaseOf(10_000)])
      .when(refundPurchase({ orderId: 'o-unknown' }))
      .thenThrows('ORDER_NOT_FOUND');
  });

  it('given a recorded refund, when a refund with the same id is recorded, then it is refused as already recorded', () => {
    spec
      .given([registered(), purchaseOf(10_000), purchaseRefunded({ refundId: 'r-1', amountMinor: 100 })])
      .when(refundPurchase({ refundId: 'r-1', amountMinor: 100 }))
      .thenThrows('REFUND_ALREADY_RECORDED');
  });

  it.each([0, -500, 12.5])(
    'given a purchase, when a refund of %p is requested, then it is refused as an invalid amount',
    (amountMinor) => {
      spec
        .given([registered(), purchaseOf(10_000)])
        .when(refundPurchase({ amountMinor }))
        .thenThrows('INVALID_AMOUNT');
    },
  );

  it('given no customer, when a refund is recorded, then it is refused as not found', () => {
    spec.given([]).when(refundPurchase()).thenThrows('CUSTOMER_NOT_FOUND');
  });
});

describe('a customer total stays an exact whole number', () => {
  const big = (orderId: string, currency = 'EUR') =>
    purchaseRecorded({
      orderId,
      currency,
      lines: [purchaseLine({ quantity: 1, unitPriceMinor: 100_000_000_000_000, totalMinor: 100_000_000_000_000 })],
      totalMinor: 100_000_000_000_000,
    });
  // 90 purchases of 10^14 minor units: 9.0 × 10^15, just under 2^53 − 1 (9,007,199,254,740,991).
  const ninety = Array.from({ length: 90 }, (_, i) => big(`o-${i}`));

  it('given purchases totalling 9.0 × 10^15 in EUR, when one more would pass 2^53 − 1, then it is refused with CUSTOMER_TOTAL_TOO_LARGE', () => {
    spec
      .given([registered(), ...ninety])
      .when(
        recordPurchase({
          orderId: 'o-over',
          lines: [{ sku: 'X', category: 'x', quantity: 1, unitPriceMinor: 7_199_254_740_992 }],
        }),
      )
      .thenThrows('CUSTOMER_TOTAL_TOO_LARGE');
  });

  it('given the same history, when the purchase reaches exactly 2^53 − 1, then it is recorded', () => {
    spec
      .given([registered(), ...ninety])
      .when(
        recordPurchase({
          orderId: 'o-edge',
          lines: [{ sku: 'X', category: 'x', quantity: 1, unitPriceMinor: 7_199_254_740_991 }],
        }),
      )
      .then([
        purchaseRecorded({
          orderId: 'o-edge',
          lines: [
            purchaseLine({
              sku: 'X',
              category: 'x',
              quantity: 1,
              unitPriceMinor: 7_199_254_740_991,
              totalMinor: 7_199_254_740_991,
            }),
          ],
          totalMinor: 7_199_254_740_991,
        }),
      ]);
  });

  it('given the same history in EUR, when a purchase in GBP is recorded, then it counts towards its own currency only', () => {
    spec
      .given([registered(), ...ninety])
      .when(
        recordPurchase({
          orderId: 'o-gbp',
          currency: 'GBP',
          lines: [{ sku: 'X', category: 'x', quantity: 1, unitPriceMinor: 100_000_000_000_000 }],
        }),
      )
      .then([
        purchaseRecorded({
          orderId: 'o-gbp',
          currency: 'GBP',
          lines: [
            purchaseLine({
              sku: 'X',
              category: 'x',
              quantity: 1,
              unitPriceMinor: 100_000_000_000_000,
              totalMinor: 100_000_000_000_000,
            }),
          ],
          totalMinor: 100_000_000_000_000,
        }),
      ]);
  });
});
