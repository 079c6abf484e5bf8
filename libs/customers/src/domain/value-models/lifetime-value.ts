import { type BgNbdParameters, bgNbdConditionalExpectedPurchases, type FrequencyRecency } from './bg-nbd';
import { type GammaGammaParameters, gammaGammaExpectedSpend } from './gamma-gamma';

/** A month in weeks (365.25 / 12 / 7), the usual period for lifetime value when time is in weeks. */
export const WEEKS_PER_MONTH = 365.25 / 12 / 7;

export interface LifetimeValueOptions {
  /** Number of periods in the horizon, a whole number ≥ 0 (12 for a year of months). */
  readonly periods: number;
  /** Length of one period in the BG/NBD time unit (WEEKS_PER_MONTH for months when time is in weeks). */
  readonly periodLength: number;
  /** Discount rate per period (0.01 = 1 % a period), ≥ 0. */
  readonly discountRate: number;
}

/**
 * Expected discounted value of a customer's future purchases over a horizon
 * of `periods` periods after the end of their observation (T):
 *
 *   CLV = E[Z | x, z̄] · Σₖ₌₁..ₙ (E[Y(k·L) | x, t_x, T] − E[Y((k−1)·L) | x, t_x, T]) / (1 + d)^k
 *
 * with L the period length and d the discount rate per period. The
 * purchases expected in period k are the difference of the BG/NBD
 * conditional expectations at its two ends; they are valued at the
 * Gamma-Gamma expected spend per purchase and discounted as if all fell at
 * the end of the period. Spend per purchase is taken as independent of
 * the number of purchases, as both models assume.
 */
export function customerLifetimeValue(
  bgNbd: BgNbdParameters,
  gammaGamma: GammaGammaParameters,
  customer: FrequencyRecency & { readonly zbar: number | null },
  options: LifetimeValueOptions,
): number {
  const { periods, periodLength, discountRate } = options;
  if (!(Number.isInteger(periods) && periods >= 0))
    throw new RangeError(`periods must be a whole number ≥ 0, got ${periods}`);
  if (!(Number.isFinite(periodLength) && periodLength > 0)) {
    throw new RangeError(`periodLength must be finite and > 0, got ${periodLength}`);
  }
  if (!(Number.isFinite(discountRate) && discountRate >= 0)) {
    throw new RangeError(`discountRate must be finite and ≥ 0, got ${discountRate}`);
  }
  const spend = gammaGammaExpectedSpend(gammaGamma, customer);
  let value = 0;
  let before = 0;
  for (let k = 1; k <= periods; k++) {
    const upTo = bgNbdConditionalExpectedPurchases(bgNbd, customer, k * periodLength);
    value += (upTo - before) / Math.pow(1 + discountRate, k);
    before = upTo;
  }
  return spend * value;
}
