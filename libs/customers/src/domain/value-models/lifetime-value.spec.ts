import { type BgNbdParameters, bgNbdConditionalExpectedPurchases, fitBgNbd } from './bg-nbd';
import { fitGammaGamma, type GammaGammaParameters, gammaGammaExpectedSpend } from './gamma-gamma';
import { customerLifetimeValue, WEEKS_PER_MONTH } from './lifetime-value';
import { cdnowWithSpend } from './testing/cdnow';
import { simulateFuture } from './testing/simulate';

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

  describe('against independent values', () => {
    it('given CDNOW customers (x, z̄) when the expected spend is asked then it is the published closed form worked by hand', () => {
      // E[Z | x, z̄] = p(γ + x z̄) / (px + q − 1) with the published p = 6.25, q = 3.74, γ = 15.44 (Fader & Hardie 2013),
      // for customers 1 (x = 2, z̄ = 22.35), 2 (x = 1, z̄ = 11.77) and 6 (x = 7, z̄ = 73.74) of the CDNOW sample:
      //   customer 1: 6.25 × (15.44 + 44.70) / (12.50 + 2.74) = 375.875 / 15.24 = 24.66371…
      //   customer 2: 6.25 × (15.44 + 11.77) / (6.25 + 2.74) = 170.0625 / 8.99 = 18.91685…
      //   customer 6: 6.25 × (15.44 + 516.18) / (43.75 + 2.74) = 3322.625 / 46.49 = 71.46967…
      //   no repeat purchase: 6.25 × 15.44 / 2.74 = 96.5 / 2.74 = 35.21898…
      expect(gammaGammaExpectedSpend(GAMMA_GAMMA, { x: 2, zbar: 22.35 })).toBeCloseTo(24.66371, 5);
      expect(gammaGammaExpectedSpend(GAMMA_GAMMA, { x: 1, zbar: 11.77 })).toBeCloseTo(18.91685, 5);
      expect(gammaGammaExpectedSpend(GAMMA_GAMMA, { x: 7, zbar: 73.74 })).toBeCloseTo(71.46967, 5);
      expect(gammaGammaExpectedSpend(GAMMA_GAMMA, { x: 0, zbar: null })).toBeCloseTo(35.21898, 5);
    });

    it('given the models fitted on the CDNOW summary with spend when valued then spend and lifetime value are the published lifetimes figures', () => {
      // The lifetimes library's Quickstart (https://lifetimes.readthedocs.io/en/latest/Quickstart.html, "Estimating
      // customer lifetime value using the Gamma-Gamma model of monetary value") fits BG/NBD on every customer and
      // Gamma-Gamma on the 946 repeat buyers of this very file (its cdnow_customers_summary_with_transactions.csv,
      // time in weeks), then prints conditional_expected_average_profit and customer_lifetime_value(time=12,
      // discount_rate=0.01) for the first customers. Its _customer_lifetime_value (lifetimes/utils.py) steps
      // i = 30, 60, …, 360 time units, adds predict(i) − predict(i − 30) valued at the expected spend and divided by
      // (1 + 0.01)^(i / 30): with weekly data its "months" are 30 weeks long, discounted 1 % each.
      const customers = cdnowWithSpend();
      const bgNbd = fitBgNbd(customers).parameters;
      const gammaGamma = fitGammaGamma(customers.filter((c) => c.x > 0)).parameters;
      const published: ReadonlyArray<{ id: number; spend: number; clv?: number }> = [
        { id: 1, spend: 24.658619, clv: 140.096218 },
        { id: 2, spend: 18.911489, clv: 18.943466 },
        { id: 3, spend: 35.170981, clv: 38.180575 },
        { id: 6, spend: 71.462843 },
        { id: 9, spend: 27.282408 },
      ];
      for (const { id, spend, clv } of published) {
        const customer = customers.find((c) => c.id === id)!;
        // Both fits stop at a tolerance of their own: agreement to about 1e-5 relative is what the printout allows.
        expect(Math.abs(gammaGammaExpectedSpend(gammaGamma, customer) / spend - 1)).toBeLessThan(1e-5);
        if (clv === undefined) continue;
        const value = customerLifetimeValue(bgNbd, gammaGamma, customer, {
          periods: 12,
          periodLength: 30,
          discountRate: 0.01,
        });
        expect(Math.abs(value / clv - 1)).toBeLessThan(1e-5);
      }
    });

    it('given a customer when valued then the value agrees with a Monte-Carlo simulation of the models’ story', () => {
      const options = { periods: 12, periodLength: WEEKS_PER_MONTH, discountRate: 0.01, draws: 30_000 };
      const customers: ReadonlyArray<[{ x: number; tx: number; T: number; zbar: number | null }, number]> = [
        [CUSTOMER, 11],
        [{ x: 7, tx: 29.43, T: 38.86, zbar: 73.74 }, 12],
        [{ x: 0, tx: 0, T: 38.86, zbar: null }, 13],
      ];
      for (const [customer, seed] of customers) {
        const simulated = simulateFuture(BG_NBD, GAMMA_GAMMA, customer, { ...options, seed });
        const value = customerLifetimeValue(BG_NBD, GAMMA_GAMMA, customer, options);
        const purchases = bgNbdConditionalExpectedPurchases(BG_NBD, customer, 12 * WEEKS_PER_MONTH);
        // The simulation is precise enough to tell (its standard error is under 2.5 % of the value), and the model
        // within 4 standard errors of it (a chance of 1 in 16,000 for a correct model with another seed).
        expect(simulated.discountedSpend.standardError).toBeLessThan(0.025 * value);
        expect(Math.abs(simulated.discountedSpend.mean - value)).toBeLessThan(
          4 * simulated.discountedSpend.standardError,
        );
        expect(Math.abs(simulated.purchases.mean - purchases)).toBeLessThan(4 * simulated.purchases.standardError);
      }
    });
  });
});
