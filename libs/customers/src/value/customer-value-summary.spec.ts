import { customerValueSummary, type OrderOfDay } from './customer-value-summary';

/** 1997-01-01 as a UTC day number. */
const JAN_1_1997 = 9862;

/** An order; a refund given as an amount alone is made on the order's own day. */
const order = (day: number, grossMinor: number, refundsMinor = 0, refundDay = day): OrderOfDay => ({
  day,
  grossMinor,
  refunds: refundsMinor === 0 ? [] : [{ day: refundDay, amountMinor: refundsMinor }],
});

describe('customerValueSummary', () => {
  it('given orders on three days when summarised then x, t_x, T count weeks and z̄ is the mean repeat spend in major units', () => {
    const summary = customerValueSummary(
      {
        customerId: 'c-1',
        orders: [order(JAN_1_1997, 1_999), order(JAN_1_1997 + 14, 3_000), order(JAN_1_1997 + 28, 5_050)],
      },
      JAN_1_1997 + 35,
    );
    expect(summary).toEqual({ customerId: 'c-1', x: 2, tx: 4, T: 5, zbar: 40.25 });
  });

  it('given several orders on one day with refunds when summarised then the day counts once with its net spend', () => {
    const summary = customerValueSummary(
      {
        customerId: 'c-2',
        orders: [order(100, 1_000), order(100, 500, 200), order(107, 2_000, 500), order(107, 1_201)],
      },
      114,
    );
    expect(summary).toEqual({ customerId: 'c-2', x: 1, tx: 1, T: 2, zbar: 27.01 });
  });

  it('given orders after the end day when summarised then they are left out and the end day itself counts', () => {
    const summary = customerValueSummary(
      { customerId: 'c-3', orders: [order(100, 1_000), order(121, 2_000), order(122, 9_999)] },
      121,
    );
    expect(summary).toEqual({ customerId: 'c-3', x: 1, tx: 3, T: 3, zbar: 20 });
  });

  it('given a first order after the end day when summarised then the customer has no summary', () => {
    expect(customerValueSummary({ customerId: 'c-4', orders: [order(200, 1_000)] }, 199)).toBeNull();
  });

  it('given one purchase day when summarised then there is no repeat spend', () => {
    expect(customerValueSummary({ customerId: 'c-5', orders: [order(100, 1_000), order(100, 50)] }, 107)).toEqual({
      customerId: 'c-5',
      x: 0,
      tx: 0,
      T: 1,
      zbar: null,
    });
  });

  it('given repeat orders of no value when summarised then z̄ is 0', () => {
    expect(customerValueSummary({ customerId: 'c-6', orders: [order(100, 1_000), order(107, 300, 300)] }, 107)).toEqual(
      { customerId: 'c-6', x: 1, tx: 1, T: 1, zbar: 0 },
    );
  });

  it('given a repeat order refunded after the end day when summarised then its full spend counts; from the refund’s day on, the reduced spend', () => {
    // 100: 10.00; 107: 30.00, of which 12.00 refunded on day 130 and 3.00 on day 140.
    const customer = {
      customerId: 'c-8',
      orders: [
        order(100, 1_000),
        {
          day: 107,
          grossMinor: 3_000,
          refunds: [
            { day: 130, amountMinor: 1_200 },
            { day: 140, amountMinor: 300 },
          ],
        },
      ],
    };
    expect(customerValueSummary(customer, 129)).toEqual({ customerId: 'c-8', x: 1, tx: 1, T: 29 / 7, zbar: 30 });
    expect(customerValueSummary(customer, 130)).toEqual({ customerId: 'c-8', x: 1, tx: 1, T: 30 / 7, zbar: 18 });
    expect(customerValueSummary(customer, 140)).toEqual({ customerId: 'c-8', x: 1, tx: 1, T: 40 / 7, zbar: 15 });
  });

  it('given a repeat order refunded in full by the end day when summarised then its day stays a purchase day of spend 0', () => {
    // Days 100, 107 and 114; the order of day 107 (20.00) is returned on day 110.
    const summary = customerValueSummary(
      { customerId: 'c-9', orders: [order(100, 1_000), order(107, 2_000, 2_000, 110), order(114, 5_000)] },
      121,
    );
    // x = 2 repeat days, z̄ = (0 + 50.00) / 2.
    expect(summary).toEqual({ customerId: 'c-9', x: 2, tx: 2, T: 3, zbar: 25 });
  });

  it('given orders out of day order when summarised then it refuses them', () => {
    expect(() => customerValueSummary({ customerId: 'c-7', orders: [order(107, 1), order(100, 1)] }, 200)).toThrow(
      RangeError,
    );
  });
});
