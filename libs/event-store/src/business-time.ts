import type { JsonObject } from './event-store.port';

/** The text `Date.prototype.toISOString` gives for years 0001–9999, the form the write side stamps. */
const ISO_UTC_MILLISECONDS = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An event's business time as the store reads it: `metadata.occurredAt`,
 * when it is an instant written exactly as `toISOString` writes it (UTC,
 * milliseconds, years 0001–9999). Anything else — missing, another type,
 * another form such as `2025-01-01T10:00:00Z`, an impossible date — gives
 * null: the event has no business time the store can filter on.
 *
 * The PostgreSQL adapter applies the same rule in SQL (`es_business_time`,
 * migration 4); the contract suite holds both to it.
 */
export function businessTimeOf(metadata: JsonObject): Date | null {
  const text = metadata.occurredAt;
  if (typeof text !== 'string' || !ISO_UTC_MILLISECONDS.test(text)) return null;
  const time = new Date(text);
  return Number.isNaN(time.getTime()) || time.toISOString() !== text ? null : time;
}
