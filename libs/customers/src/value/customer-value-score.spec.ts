import { DEFAULT_CRM_RULES } from '../domain/rules/crm-rules';
import { simulateFuture } from '../domain/value-models/testing/simulate';
import { type ClvModels, scoreCustomerValue } from './customer-value-score';

/** The published CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie 2013). */
const CDNOW: ClvModels = {
  bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
};
const RULES = DEFAULT_CRM_RULES.clv;

describe('scoreCustomerValue', () => {
  const repeat = { x: 2, tx: 30.43, T: 38.86, zbar: 46.5 };

  it('given a repeat buyer when scored then P(alive) and the expected spend are the published formulas worked by hand', () => {
    const score = scoreCustomerValue(CDNOW, repeat, RULES);
    // P(alive) = 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) (Fader, Hardie & Lee 2005, equation 11):
    // 1 / (1 + 0.793/3.426 · (43.274/34.844)^2.243).
    const alive = 1 / (1 + (0.793 / (2.426 + 2 - 1)) * ((4.414 + 38.86) / (4.414 + 30.43)) ** (0.243 + 2));
    expect(score.probabilityAlive).toBeCloseTo(alive, 12);
    // E[Z | x, z̄] = p(γ + x z̄) / (px + q − 1) = 6.25 × (15.44 + 93) / (12.5 + 2.74) = 677.75 / 15.24 = 44.4718… dollars.
    expect(score.expectedSpendMinor).toBe(4_447);
  });

  it('given a repeat buyer when scored then the purchases and value of the next 12 months agree with a simulation of the models', () => {
    const score = scoreCustomerValue(CDNOW, repeat, RULES);
    // 12 months of 365.25 / 12 days, each purchase discounted 1 % a month (the default rules).
    const simulated = simulateFuture(CDNOW.bgNbd, CDNOW.gammaGamma!, repeat, {
      periods: 12,
      periodLength: 365.25 / 12 / 7,
      discountRate: 0.01,
      draws: 30_000,
      seed: 21,
    });
    const { purchases, discountedSpend } = simulated;
    expect(Math.abs(score.expectedPurchases12Months - purchases.mean)).toBeLessThan(4 * purchases.standardError);
    expect(Math.abs(score.predictedValueMinor! / 100 - discountedSpend.mean)).toBeLessThan(
      4 * discountedSpend.standardError,
    );
  });

  it('given no discount when scored then the predicted value is the expected spend times the purchases expected in the same 12 months', () => {
    // One definition of 12 months for both figures: 365.25 days. (52 weeks would make the count 0.35 % smaller.)
    const score = scoreCustomerValue(CDNOW, repeat, { ...RULES, monthlyDiscountRate: 0 });
    const spend = (6.25 * (15.44 + 2 * 46.5)) / (6.25 * 2 + 3.74 - 1);
    expect(Math.abs(score.predictedValueMinor! - score.expectedPurchases12Months * spend * 100)).toBeLessThanOrEqual(
      0.5,
    );
  });

  it('given a longer horizon when scored then the predicted value grows', () => {
    const year = scoreCustomerValue(CDNOW, repeat, RULES);
    const twoYears = scoreCustomerValue(CDNOW, repeat, { ...RULES, horizonMonths: 24 });
    expect(twoYears.predictedValueMinor!).toBeGreaterThan(year.predictedValueMinor!);
  });

  it('given a one-time buyer when scored then they are alive and spend the population mean', () => {
    const score = scoreCustomerValue(CDNOW, { x: 0, tx: 0, T: 20, zbar: null }, RULES);
    expect(score.probabilityAlive).toBe(1);
    expect(score.expectedSpendMinor).toBe(Math.round(((6.25 * 15.44) / 2.74) * 100));
  });

  it('given a repeat buyer without repeat spend when scored then z̄ counts as 0, a negative z̄ too', () => {
    const zero = scoreCustomerValue(CDNOW, { ...repeat, zbar: 0 }, RULES);
    expect(zero.expectedSpendMinor).toBe(Math.round(((6.25 * 15.44) / (6.25 * 2 + 2.74)) * 100));
    expect(scoreCustomerValue(CDNOW, { ...repeat, zbar: -3 }, RULES)).toEqual(zero);
  });

  it('given q ≤ 1 or no Gamma-Gamma parameters when scored then spend and value are null, the rest is scored', () => {
    for (const gammaGamma of [{ p: 6, q: 0.9, gamma: 15 }, null]) {
      const score = scoreCustomerValue({ ...CDNOW, gammaGamma }, repeat, RULES);
      expect(score).toMatchObject({ expectedSpendMinor: null, predictedValueMinor: null });
      expect(score.probabilityAlive).toBeGreaterThan(0);
    }
  });
});
