import {
  CUSTOMER_KINDS,
  PURCHASE_CHANNELS,
  type CustomerKind,
  type PurchaseChannel,
} from '@crm/customers/domain/customer.events';
import { isCurrencyCode, MAX_AMOUNT_MINOR } from '@crm/customers/domain/money';
import { unstorableText } from '@crm/event-store';
import { ID_PATTERN, ID_RULE, MAX_QUANTITY, isTooFarAhead, parseInstant } from '../rows/field-rules';
import { refusal, type RowRefusal } from '../rows/row-refusal';

/** One line of a purchase, as a row of a generic purchase file (NDJSON or CSV). */
export interface PurchaseRow {
  readonly line: number;
  readonly customerId: string;
  readonly orderId: string;
  readonly occurredAt: Date;
  readonly currency: string;
  readonly channel: PurchaseChannel;
  readonly region?: string;
  readonly sku: string;
  readonly category: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly discountMinor?: number;
  /** Used only when the import registers the customer. */
  readonly customerName?: string;
  readonly customerKind?: CustomerKind;
}

export const REQUIRED_COLUMNS = [
  'customerId',
  'orderId',
  'occurredAt',
  'currency',
  'channel',
  'sku',
  'category',
  'quantity',
  'unitPriceMinor',
] as const;
export const OPTIONAL_COLUMNS = ['region', 'discountMinor', 'customerName', 'customerKind'] as const;
export const PURCHASE_COLUMNS: readonly string[] = [...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS];

export type RowValidation =
  | { readonly ok: true; readonly row: PurchaseRow }
  | {
      readonly ok: false;
      readonly refusal: RowRefusal;
      /** The row's customer and order, when both are valid: a bad line refuses its whole purchase. */
      readonly order?: { readonly customerId: string; readonly orderId: string };
    };

interface Problem {
  code: string;
  message: string;
}

/**
 * Validates one row with the HTTP API's rules: ids, an ISO 8601 business time
 * at most 5 minutes ahead, an ISO 4217 currency, the domain's channels and
 * customer kinds, text lengths, whole numbers in range; unknown fields are
 * refused. NDJSON values keep their JSON types (numbers must be JSON
 * numbers); CSV values are text, and an empty CSV cell is an absent field.
 */
export function validatePurchaseRow(
  values: Readonly<Record<string, unknown>>,
  line: number,
  source: 'ndjson' | 'csv',
  now: Date,
): RowValidation {
  const problems: Problem[] = [];
  const present = (name: string): unknown => {
    const value = values[name];
    return source === 'csv' && value === '' ? undefined : value;
  };
  const missing = (name: string): undefined => {
    problems.push({ code: 'MISSING_FIELD', message: `${name} is required` });
    return undefined;
  };

  const text = (name: string, min: number, max: number, required: boolean): string | undefined => {
    const value = present(name);
    if (value === undefined || value === null) return required ? missing(name) : undefined;
    if (typeof value !== 'string') {
      problems.push({ code: 'INVALID_FIELD', message: `${name} must be a string` });
      return undefined;
    }
    if (value.length < min || value.length > max) {
      problems.push({ code: 'INVALID_FIELD', message: `${name} must be ${min}-${max} characters` });
      return undefined;
    }
    const unstorable = unstorableText(value, name);
    if (unstorable) {
      // The store keeps no NUL character and no unpaired surrogate: the row is refused, the import goes on.
      problems.push({ code: 'INVALID_TEXT', message: unstorable });
      return undefined;
    }
    return value;
  };

  const id = (name: string): string | undefined => {
    const value = text(name, 1, 64, true);
    if (value === undefined) return undefined;
    if (!ID_PATTERN.test(value)) {
      problems.push({ code: 'INVALID_ID', message: `${name} ${ID_RULE}` });
      return undefined;
    }
    return value;
  };

  const integer = (name: string, min: number, max: number, required: boolean): number | undefined => {
    const value = present(name);
    if (value === undefined || value === null) return required ? missing(name) : undefined;
    let number: number;
    if (source === 'csv') {
      number = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
    } else {
      number = typeof value === 'number' && Number.isSafeInteger(value) ? value : NaN;
    }
    if (!(number >= min && number <= max)) {
      problems.push({
        code: name === 'quantity' ? 'INVALID_QUANTITY' : 'INVALID_AMOUNT',
        message: `${name} must be a whole number from ${min} to ${max}`,
      });
      return undefined;
    }
    return number;
  };

  const oneOf = <T extends string>(name: string, allowed: readonly T[], required: boolean): T | undefined => {
    const value = text(name, 1, 100, required);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      problems.push({ code: 'INVALID_FIELD', message: `${name} must be one of ${allowed.join(', ')}` });
      return undefined;
    }
    return value as T;
  };

  const unknown = Object.keys(values).filter((key) => !PURCHASE_COLUMNS.includes(key));
  if (unknown.length > 0) {
    problems.push({
      code: 'UNKNOWN_FIELD',
      message: `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`,
    });
  }

  const customerId = id('customerId');
  const orderId = id('orderId');

  let occurredAt: Date | undefined;
  const occurredAtText = text('occurredAt', 1, 40, true);
  if (occurredAtText !== undefined) {
    occurredAt = parseInstant(occurredAtText);
    if (!occurredAt) {
      problems.push({
        code: 'INVALID_TIME',
        message: 'occurredAt must be an ISO 8601 date or date-time with an offset (2024-03-01, 2024-03-01T10:15:00Z)',
      });
    } else if (isTooFarAhead(occurredAt, now)) {
      problems.push({ code: 'INVALID_TIME', message: 'occurredAt must not be more than 5 minutes in the future' });
      occurredAt = undefined;
    }
  }

  const currency = text('currency', 1, 3, true);
  if (currency !== undefined && !(/^[A-Z]{3}$/.test(currency) && isCurrencyCode(currency))) {
    problems.push({ code: 'INVALID_CURRENCY', message: 'currency must be an ISO 4217 code in capitals, e.g. EUR' });
  }
  const channel = oneOf('channel', PURCHASE_CHANNELS, true);
  const region = text('region', 1, 100, false);
  const sku = text('sku', 1, 100, true);
  const category = text('category', 1, 100, true);
  const quantity = integer('quantity', 1, MAX_QUANTITY, true);
  const unitPriceMinor = integer('unitPriceMinor', 0, MAX_AMOUNT_MINOR, true);
  const discountMinor = integer('discountMinor', 0, MAX_AMOUNT_MINOR, false);
  if (quantity !== undefined && unitPriceMinor !== undefined && (discountMinor ?? 0) > quantity * unitPriceMinor) {
    problems.push({ code: 'DISCOUNT_EXCEEDS_PRICE', message: 'discountMinor exceeds quantity × unitPriceMinor' });
  }
  const customerName = text('customerName', 1, 200, false);
  const customerKind = oneOf('customerKind', CUSTOMER_KINDS, false);

  if (problems.length > 0) {
    return {
      ok: false,
      refusal: refusal(line, problems),
      order: customerId !== undefined && orderId !== undefined ? { customerId, orderId } : undefined,
    };
  }
  return {
    ok: true,
    row: {
      line,
      customerId: customerId!,
      orderId: orderId!,
      occurredAt: occurredAt!,
      currency: currency!,
      channel: channel!,
      ...(region !== undefined ? { region } : {}),
      sku: sku!,
      category: category!,
      quantity: quantity!,
      unitPriceMinor: unitPriceMinor!,
      ...(discountMinor !== undefined ? { discountMinor } : {}),
      ...(customerName !== undefined ? { customerName } : {}),
      ...(customerKind !== undefined ? { customerKind } : {}),
    },
  };
}
