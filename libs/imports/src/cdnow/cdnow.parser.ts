import { MAX_QUANTITY, calendarDate, isTooFarAhead } from '../rows/field-rules';
import { decimalToMinorUnits } from '../rows/amount';
import { refusal, type RowRefusal } from '../rows/row-refusal';

/**
 * The CDNOW master format: a header line, then one purchase per line as
 * whitespace-separated `customerId yyyymmdd quantity dollars`, e.g.
 * `00001 19970101 1 11.77`. Lines end with CRLF or LF.
 */

/** CDNOW customer ids: letters and digits (the published file has zero-padded numbers). */
export const CDNOW_CUSTOMER_ID = /^[A-Za-z0-9]{1,40}$/;

export interface CdnowRow {
  readonly line: number;
  readonly customerId: string;
  /** The date as written, yyyymmdd. */
  readonly day: string;
  /** The day at 00:00 UTC: the purchase's business time. */
  readonly occurredAt: Date;
  /** Number of CDs. */
  readonly quantity: number;
  /** The dollar amount in cents. */
  readonly amountMinor: number;
}

export type CdnowLine =
  | { readonly kind: 'row'; readonly row: CdnowRow }
  | {
      readonly kind: 'refusal';
      readonly refusal: RowRefusal;
      /** Set when the row's customer id and date are valid: the row still takes its place in the day's numbering. */
      readonly customerDay?: { readonly customerId: string; readonly day: string };
    }
  | { readonly kind: 'blank' };

/** Parses one data line (1-based line number; `now` bounds dates in the future). Never throws. */
export function parseCdnowLine(text: string, line: number, now: Date): CdnowLine {
  const trimmed = text.trim();
  if (trimmed === '') return { kind: 'blank' };
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 4) {
    return {
      kind: 'refusal',
      refusal: {
        line,
        code: 'WRONG_FIELD_COUNT',
        reason: `expected 4 fields (customer id, yyyymmdd date, quantity, dollar amount), found ${fields.length}`,
      },
    };
  }
  const [customerId, day, quantityText, amountText] = fields as [string, string, string, string];
  const problems: { code: string; message: string }[] = [];

  const customerValid = CDNOW_CUSTOMER_ID.test(customerId);
  if (!customerValid) {
    problems.push({
      code: 'INVALID_CUSTOMER_ID',
      message: `customer id ${JSON.stringify(customerId)} must be 1-40 letters or digits`,
    });
  }

  const dateMatch = /^(\d{4})(\d{2})(\d{2})$/.exec(day);
  const occurredAt = dateMatch ? calendarDate(dateMatch[1]!, dateMatch[2]!, dateMatch[3]!) : undefined;
  if (!occurredAt) {
    problems.push({
      code: 'INVALID_DATE',
      message: `date ${JSON.stringify(day)} is not a real calendar date (yyyymmdd)`,
    });
  } else if (isTooFarAhead(occurredAt, now)) {
    problems.push({ code: 'INVALID_DATE', message: `date ${day} is in the future` });
  }

  const quantity = /^\d+$/.test(quantityText) ? Number(quantityText) : NaN;
  if (!(quantity >= 1 && quantity <= MAX_QUANTITY)) {
    problems.push({
      code: 'INVALID_QUANTITY',
      message: `quantity ${JSON.stringify(quantityText)} must be a whole number from 1 to ${MAX_QUANTITY}`,
    });
  }

  const amountMinor = decimalToMinorUnits(amountText);
  if (amountMinor === undefined) {
    problems.push({
      code: 'INVALID_AMOUNT',
      message: `dollar amount ${JSON.stringify(amountText)} must be a non-negative number with at most 2 decimals (e.g. 11.77)`,
    });
  }

  if (problems.length > 0 || !occurredAt || amountMinor === undefined) {
    const dayValid = occurredAt !== undefined && !isTooFarAhead(occurredAt, now);
    return {
      kind: 'refusal',
      refusal: refusal(line, problems),
      customerDay: customerValid && dayValid ? { customerId, day } : undefined,
    };
  }
  return { kind: 'row', row: { line, customerId, day, occurredAt, quantity, amountMinor } };
}

/**
 * One purchase line for a CDNOW row: sku `cdnow`, category `music`, the CDs
 * as quantity. The file gives only the total, so to keep it exact with an
 * integer unit price: unit = ceil(total / quantity) and a rounding discount
 * of quantity × unit − total (always less than `quantity` cents).
 */
export function cdnowPurchaseLine(row: Pick<CdnowRow, 'quantity' | 'amountMinor'>): {
  sku: string;
  category: string;
  quantity: number;
  unitPriceMinor: number;
  discountMinor: number;
} {
  let unitPriceMinor = Math.trunc(row.amountMinor / row.quantity);
  if (unitPriceMinor * row.quantity < row.amountMinor) unitPriceMinor += 1;
  return {
    sku: 'cdnow',
    category: 'music',
    quantity: row.quantity,
    unitPriceMinor,
    discountMinor: row.quantity * unitPriceMinor - row.amountMinor,
  };
}
