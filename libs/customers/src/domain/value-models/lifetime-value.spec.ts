import { type BgNbdParameters, bgNbdConditionalExpectedPurchases } from './bg-nbd';
import { type GammaGammaParameters, gammaGammaExpectedSpend } from './gamma-gamma';
import { customerLifetimeValue, WEEKS_PER_MONTH } from './lifetime-value';

const BG_NBD: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GAMMA_GAMMA: GammaGammaParameters = { p: 6.25, q: 3.74, gamma: 15.44 };
const CUSTOMER = { x: 2, tx: 30.43, T: 38.86, zbar: 22.35 };

describe('customer lifetime value', () => {
  it('when nothing is discounted then it is the expected spend times the purchases expected over the horizon', () => {
    const months = 12;
    const value = customerLifetimeValue(BG_NBD, GAMMA_GAMMA, CUSTOMER, {
      periods: months,
      periodLength: WEEKS_PER_MONTH,
      discountRate: 0,
    });
    const purchases = bgNbdConditionalExpectedPurchases(BG_NBD, CUSTOMER, months * WEEKS_PER_MONTH);
    expect(value).toBeCloseTo(gammaGammaExpectedSpend(GAMMA_GAMMA, CUSTOMER) * purchases, 10);
  });

  it('when each period is discounted then every period’s purchases count (1 + d)^−k', () => {
    const d = 0.01;
    const L = WEEKS_PER_MONTH;
    const spend = gammaGammaExpectedSpend(GAMMA_GAMMA, CUSTOMER);
    const y = (t: number) => bgNbdConditionalExpectedPurchases(BG_NBD, CUSTOMER, t);
    const byHand = spend * ((y(L) - y(0)) / 1.01 + (y(2 * L) - y(L)) / 1.01 ** 2 + (y(3 * L) - y(2 * L)) / 1.01 ** 3);
    expect(
      customerLifetimeValue(BG_NBD, GAMMA_GAMMA, CUSTOMER, { periods: 3, periodLength: L, discountRate: d }),
    ).toBeCloseTo(byHand, 10);
  });

  it('when the discount rate rises then the value falls, and a longer horizon is worth more', () => {
    const value = (periods: number, discountRate: number) =>
      customerLifetimeValue(BG_NBD, GAMMA_GAMMA, CUSTOMER, { periods, periodLength: WEEKS_PER_MONTH, discountRate });
    expect(value(12, 0.02)).toBeLessThan(value(12, 0.01));
    expect(value(24, 0.01)).toBeGreaterThan(value(12, 0.01));
    expect(value(0, 0.01)).toBe(0);
  });

  it('when a customer has no repeat purchase then they are valued at the population’s spend', () => {
    const newcomer = { x: 0, tx: 0, T: 10, zbar: null };
    const options = { periods: 12, periodLength: WEEKS_PER_MONTH, discountRate: 0 };
    const purchases = bgNbdConditionalExpectedPurchases(BG_NBD, newcomer, 12 * WEEKS_PER_MONTH);
    expect(customerLifetimeValue(BG_NBD, GAMMA_GAMMA, newcomer, options)).toBeCloseTo(
      purchases * ((6.25 * 15.44) / 2.74),
      10,
    );
  });

  it('when the options are out of range then it throws RangeError', () => {
    const base = { periods: 12, periodLength: WEEKS_PER_MONTH, discountRate: 0.01 };
    expect(() => customerLifetimeValue(BG_NBD, GAMMA_GAMMA, CUSTOMER, { ...base, periods: 1.5 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(BG_NBD, GAMMA_GAMMA, CUSTOMER, { ...base, periodLength: 0 })).toThrow(
      RangeError,
    );
    expect(() => customerLifetimeValue(BG_NBD, GAMMA_GAMMA, CUSTOMER, { ...base, discountRate: -0.1 })).toThrow(
      RangeError,
    );
  });
});
