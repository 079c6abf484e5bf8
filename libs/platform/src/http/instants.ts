import { registerDecorator, type ValidationOptions } from 'class-validator';

/** The first instant the API accepts or answers about: 1900-01-01T00:00:00Z. */
export const EARLIEST_SUPPORTED_TIME = Date.UTC(1900, 0, 1);
/** The first instant past the supported range: 2200-01-01T00:00:00Z (every accepted instant is before it). */
export const END_OF_SUPPORTED_TIME = Date.UTC(2200, 0, 1);
export const SUPPORTED_RANGE_TEXT = 'from 1900-01-01 to 2199-12-31';

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function realDay(year: string, month: string, day: string): boolean {
  const time = Date.UTC(Number(year), Number(month) - 1, Number(day));
  const date = new Date(time);
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

function inRange(time: number): boolean {
  return time >= EARLIEST_SUPPORTED_TIME && time < END_OF_SUPPORTED_TIME;
}

/** A calendar day `YYYY-MM-DD` in the supported range, as its midnight UTC; null otherwise. */
export function parseSupportedDay(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = DAY.exec(value);
  if (!match || !realDay(match[1]!, match[2]!, match[3]!)) return null;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return inRange(time) ? time : null;
}

/**
 * An instant as the API accepts it: an ISO 8601 date-time with seconds
 * optional and `Z` or an offset (`2024-03-01T10:15:00+01:00`), or a day
 * (`2024-03-01`, midnight UTC); a time without an offset is refused, as is
 * anything outside the supported range. Milliseconds since the epoch, or null.
 */
export function parseSupportedInstant(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  if (DAY.test(value)) return parseSupportedDay(value);
  const match = DATE_TIME.exec(value);
  if (!match || !realDay(match[1]!, match[2]!, match[3]!)) return null;
  const [hours, minutes, seconds] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  const offset = match[7]!;
  if (hours > 23 || minutes > 59 || seconds > 59) return null;
  if (offset !== 'Z' && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4, 6)) > 59)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) || !inRange(time) ? null : time;
}

/** The message of a refused instant. */
export const INSTANT_RULE = `must be an ISO 8601 date-time with Z or an offset (e.g. 2024-03-01T10:15:00Z) or a date YYYY-MM-DD, ${SUPPORTED_RANGE_TEXT}`;

/** An instant, as `parseSupportedInstant` accepts it. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property ${INSTANT_RULE}`, ...options },
      validator: { validate: (value: unknown) => parseSupportedInstant(value) !== null },
    });
  };
}

/** A calendar day YYYY-MM-DD in the supported range. */
export function IsSupportedDay(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'isDay',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `$property must be a calendar date YYYY-MM-DD, ${SUPPORTED_RANGE_TEXT}`, ...options },
      validator: { validate: (value: unknown) => parseSupportedDay(value) !== null },
    });
  };
}
