import type { ClvRules } from '../domain/rules/crm-rules';
import {
  type BgNbdParameters,
  bgNbdConditionalExpectedPurchases,
  bgNbdProbabilityAlive,
  customerLifetimeValue,
  type GammaGammaParameters,
  gammaGammaExpectedSpend,
  type PurchaseSummary,
  WEEKS_PER_MONTH,
} from '../domain/value-models';
import { MINOR_PER_MAJOR } from './customer-value-summary';

/**
 * The horizon of `expectedPurchases12Months`: 12 months of 365.25 / 12 days,
 * the months of the predicted value's horizon (`clv.horizonMonths`), so a
 * year is 365.25 / 7 ≈ 52.18 weeks in both.
 */
export const TWELVE_MONTHS_IN_WEEKS = 12 * WEEKS_PER_MONTH;

/** The parameters a score needs: BG/NBD always, Gamma-Gamma when it could be fitted. */
export interface ClvModels {
  readonly bgNbd: BgNbdParameters;
  readonly gammaGamma: GammaGammaParameters | null;
}

/** A customer's value predicted from a fit, as of a day. */
export interface CustomerValueScore {
  /** P(alive | x, t_x, T): 1 for a customer without repeat purchase (the model's convention). */
  readonly probabilityAlive: number;
  /** E[purchases in the next 12 months (365.25 days) | x, t_x, T] (purchase days, as the model counts them). */
  readonly expectedPurchases12Months: number;
  /**
   * Gamma-Gamma expected spend per future purchase day, in minor units
   * (rounded); null when the fit has no Gamma-Gamma parameters or q ≤ 1
   * (the expected spend is then infinite).
   */
  readonly expectedSpendMinor: number | null;
  /**
   * Expected discounted spend of the next `horizonMonths` months, in minor
   * units (rounded); null whenever `expectedSpendMinor` is.
   */
  readonly predictedValueMinor: number | null;
}

/**
 * Scores one customer's summary (x, t_x, T in weeks, z̄ in major units) with
 * fitted parameters. A negative z̄ (refunds above the purchases of the repeat
 * days) counts as 0.
 */
export function scoreCustomerValue(models: ClvModels, summary: PurchaseSummary, rules: ClvRules): CustomerValueScore {
  const probabilityAlive = bgNbdProbabilityAlive(models.bgNbd, summary);
  const expectedPurchases12Months = bgNbdConditionalExpectedPurchases(models.bgNbd, summary, TWELVE_MONTHS_IN_WEEKS);
  const gg = models.gammaGamma;
  if (gg === null || gg.q <= 1) {
    return { probabilityAlive, expectedPurchases12Months, expectedSpendMinor: null, predictedValueMinor: null };
  }
  const customer = { ...summary, zbar: summary.zbar === null ? null : Math.max(0, summary.zbar) };
  const spend = gammaGammaExpectedSpend(gg, customer);
  const value = customerLifetimeValue(models.bgNbd, gg, customer, {
    periods: rules.horizonMonths,
    periodLength: WEEKS_PER_MONTH,
    discountRate: rules.monthlyDiscountRate,
  });
  return {
    probabilityAlive,
    expectedPurchases12Months,
    expectedSpendMinor: Math.round(spend * MINOR_PER_MAJOR),
    predictedValueMinor: Math.round(value * MINOR_PER_MAJOR),
  };
}
