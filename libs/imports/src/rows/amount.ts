import { MAX_AMOUNT_MINOR } from '@crm/customers/domain/money';

const DECIMAL = /^(\d+)(?:\.(\d{1,2}))?$/;

/**
 * A non-negative decimal amount with at most two decimals ("11.77", "0.29",
 * "12") in minor units (1177, 29, 1200), read from its digits: never through
 * a floating-point number, so every cent is exact. Undefined when the text is
 * not such an amount or exceeds the largest amount the product accepts.
 */
export function decimalToMinorUnits(text: string): number | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = match[1]!.replace(/^0+(?=\d)/, '');
  // Beyond 13 whole digits the amount exceeds MAX_AMOUNT_MINOR (10^14 minor units) whatever they are.
  if (whole.length > 13) return undefined;
  const cents = Number(whole) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return cents <= MAX_AMOUNT_MINOR ? cents : undefined;
}
