import { DEFAULT_CRM_RULES } from '../domain/rules/crm-rules';
import {
  bgNbdConditionalExpectedPurchases,
  bgNbdProbabilityAlive,
  customerLifetimeValue,
  gammaGammaExpectedSpend,
  WEEKS_PER_MONTH,
} from '../domain/value-models';
import { type ClvModels, scoreCustomerValue } from './customer-value-score';

/** The published CDNOW estimates (Fader, Hardie & Lee 2005; Fader & Hardie 2013). */
const CDNOW: ClvModels = {
  bgNbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammaGamma: { p: 6.25, q: 3.74, gamma: 15.44 },
};
const RULES = DEFAULT_CRM_RULES.clv;

describe('scoreCustomerValue', () => {
  const repeat = { x: 2, tx: 30.43, T: 38.86, zbar: 46.5 };

  it('given a repeat buyer when scored then the figures are the models’ own, in minor units', () => {
    const score = scoreCustomerValue(CDNOW, repeat, RULES);
    expect(score.probabilityAlive).toBeCloseTo(bgNbdProbabilityAlive(CDNOW.bgNbd, repeat), 12);
    expect(score.expectedPurchases12Months).toBeCloseTo(bgNbdConditionalExpectedPurchases(CDNOW.bgNbd, repeat, 52), 12);
    expect(score.expectedSpendMinor).toBe(Math.round(gammaGammaExpectedSpend(CDNOW.gammaGamma!, repeat) * 100));
    const value = customerLifetimeValue(CDNOW.bgNbd, CDNOW.gammaGamma!, repeat, {
      periods: 12,
      periodLength: WEEKS_PER_MONTH,
      discountRate: 0.01,
    });
    expect(score.predictedValueMinor).toBe(Math.round(value * 100));
    expect(score.predictedValueMinor).toBeGreaterThan(0);
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
