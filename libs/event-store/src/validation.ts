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
  }
}
