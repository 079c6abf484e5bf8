import { InvalidAppendError } from './errors';
import { isUuid } from './event-ids';
import type { EventToAppend, ExpectedRevision } from './event-store.port';

export function assertValidAppend(stream: string, events: readonly EventToAppend[], expected: ExpectedRevision): void {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > 200) {
    throw new InvalidAppendError('stream name must be 1 to 200 characters');
  }
  if (stream.startsWith('$')) throw new InvalidAppendError('stream names starting with $ are reserved');
  if (events.length === 0) throw new InvalidAppendError('an append needs at least one event');
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new InvalidAppendError(`expected revision must be a non-negative integer, got ${expected}`);
  }
  const seen = new Set<string>();
  for (const event of events) {
    if (!isUuid(event.id)) throw new InvalidAppendError(`event id must be a UUID: ${JSON.stringify(event.id)}`);
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new InvalidAppendError(`event id appears twice in one append: ${id}`);
    seen.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.length > 200) {
      throw new InvalidAppendError('event type must be 1 to 200 characters');
    }
    const unstorable = unstorableText(event.data, 'data') ?? unstorableText(event.metadata, 'metadata');
    if (unstorable) throw new InvalidAppendError(`event ${id}: ${unstorable}`);
  }
  const unstorable = unstorableText(stream, 'stream name');
  if (unstorable) throw new InvalidAppendError(unstorable);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Where a JSON value holds text no store keeps faithfully (PostgreSQL's
 * jsonb refuses the NUL character; an unpaired surrogate has no UTF-8 form),
 * or null. Walks without recursion.
 */
export function unstorableText(value: unknown, path: string): string | null {
  const pending: Array<[unknown, string]> = [[value, path]];
  while (pending.length > 0) {
    const [item, at] = pending.pop()!;
    if (typeof item === 'string') {
      if (item.includes('\u0000')) return `${at} holds a NUL character`;
      if (LONE_SURROGATE.test(item)) return `${at} holds an unpaired surrogate`;
    } else if (Array.isArray(item)) {
      item.forEach((element, index) => pending.push([element, `${at}.${index}`]));
    } else if (item !== null && typeof item === 'object') {
      for (const [key, element] of Object.entries(item)) {
        if (key.includes('\u0000') || LONE_SURROGATE.test(key)) return `a key in ${at} holds unstorable text`;
        pending.push([element, `${at}.${key}`]);
      }
    }
  }
  return null;
}
