/**
 * Field rules the import files share with the HTTP API. Kept free of the
 * HTTP layer's validation framework; a spec checks that the id pattern is
 * the API's.
 */

/** Ids of customers and orders: the API's rule (what may appear in a URL path). */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
export const ID_RULE = 'must be 1-64 letters, digits, "_", ".", ":" or "-", starting with a letter or digit';

/** Business times may run slightly ahead of the clock, never further (as in the API). */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;

/** Largest quantity of one purchase line (as in the API). */
export const MAX_QUANTITY = 1_000_000;

/** Most lines of one purchase (as in the API). */
export const MAX_PURCHASE_LINES = 500;

/** A calendar date given as its parts, or undefined when no such day exists (e.g. 1997-02-30). */
export function calendarDate(year: string, month: string, day: string): Date | undefined {
  const iso = `${year}-${month}-${day}`;
  const date = new Date(`${iso}T00:00:00.000Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) return undefined;
  return date;
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):(\d{2})))?$/;

/**
 * An ISO 8601 instant: a date (`2024-03-01`, midnight UTC) or a date and
 * time with its offset (`2024-03-01T10:15:00Z`, `…+01:00`). A time without
 * an offset is refused: it would depend on the importing machine's zone.
 */
export function parseInstant(text: string): Date | undefined {
  const match = ISO_8601.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, zone, offsetHours, offsetMinutes] = match;
  const date = calendarDate(year!, month!, day!);
  if (!date) return undefined;
  if (hour === undefined) return date;
  if (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? '0') > 59) return undefined;
  if (zone !== 'Z' && (Number(offsetHours) > 14 || Number(offsetMinutes) > 59)) return undefined;
  const millis = fraction ? fraction.slice(1, 4).padEnd(3, '0') : '000';
  const instant = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}.${millis}${zone}`);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

export function isTooFarAhead(instant: Date, now: Date): boolean {
  return instant.getTime() > now.getTime() + FUTURE_TOLERANCE_MS;
}
