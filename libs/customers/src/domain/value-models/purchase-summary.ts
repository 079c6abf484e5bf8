/**
 * From a customer's purchase days to the frequency / recency / monetary
 * summary the value models take (x, t_x, T, z̄).
 *
 * Conventions, those of the published CDNOW analyses:
 * - Days are UTC calendar days counted from 1970-01-01; all purchases on one
 *   day make one purchase (their spends add up).
 * - Only days up to the calibration end, inclusive, count.
 * - x: repeat purchase days, i.e. distinct purchase days − 1.
 * - t_x: weeks from the first to the last purchase day; 0 when x = 0.
 * - T: weeks from the first purchase day to the calibration end.
 * - Weeks are days / 7, unrounded.
 * - z̄: mean spend of the repeat purchase days (the first day left out,
 *   as the Gamma-Gamma model describes repeat spend); null when x = 0.
 * A customer whose first purchase falls after the calibration end has no
 * summary (null).
 */
export interface PurchaseDay {
  /** UTC day number since 1970-01-01, a whole number. */
  readonly day: number;
  /** Net spend of the purchase (or of the day). */
  readonly spend: number;
}

export interface PurchaseSummary {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
  readonly zbar: number | null;
}

const DAYS_PER_WEEK = 7;

/**
 * Purchases must be in ascending day order; several purchases on one day
 * are merged. Throws RangeError for non-whole or descending days and
 * non-finite spends.
 */
export function summarisePurchases(
  purchases: readonly PurchaseDay[],
  calibrationEndDay: number,
): PurchaseSummary | null {
  if (!Number.isInteger(calibrationEndDay)) {
    throw new RangeError(`calibrationEndDay must be a whole day number, got ${calibrationEndDay}`);
  }
  const days: number[] = [];
  const spends: number[] = [];
  let previous = -Infinity;
  for (const { day, spend } of purchases) {
    if (!Number.isInteger(day)) throw new RangeError(`purchase day must be a whole day number, got ${day}`);
    if (!Number.isFinite(spend)) throw new RangeError(`purchase spend must be finite, got ${spend}`);
    if (day < previous) throw new RangeError(`purchase days must be ascending: ${day} after ${previous}`);
    previous = day;
    if (day > calibrationEndDay) continue;
    const last = days.length - 1;
    if (last >= 0 && day === days[last]) spends[last] += spend;
    else {
      days.push(day);
      spends.push(spend);
    }
  }
  if (days.length === 0) return null;
  const first = days[0];
  const x = days.length - 1;
  const repeatSpend = spends.slice(1).reduce((sum, s) => sum + s, 0);
  return {
    x,
    tx: (days[x] - first) / DAYS_PER_WEEK,
    T: (calibrationEndDay - first) / DAYS_PER_WEEK,
    zbar: x === 0 ? null : repeatSpend / x,
  };
}
