import { createHash } from 'node:crypto';
import type { EventToAppend, JsonObject, JsonValue } from '@crm/event-store';
import { canonicalJson } from '../domain/canonical-json';

/**
 * Tamper evidence: every appended event's metadata carries
 * `chain: { hash, previous }`, where `previous` is the hash of the stream's
 * preceding event (GENESIS_HASH for the first) and `hash` is
 *
 *   sha256(canonicalJson({ id, stream, revision, type, data, metadata, previous }))
 *
 * in lower-case hex, `metadata` being the event's metadata without `chain`
 * and `id` the event id in lower case. See docs/event-store.md, "Tamper
 * evidence".
 */

/** The `previous` of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The metadata key holding the chain fields. */
export const CHAIN_KEY = 'chain';

export interface ChainLink {
  readonly hash: string;
  readonly previous: string;
}

/** What the hash covers: an event as stored, or about to be. */
export interface ChainableEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** The metadata without the chain fields: what the hash covers. */
export function metadataWithoutChain(metadata: JsonObject): JsonObject {
  if (!(CHAIN_KEY in metadata)) return metadata;
  const { [CHAIN_KEY]: _chain, ...rest } = metadata;
  return rest;
}

/** The hash of an event at `revision` chained to `previous` (its chain fields, if any, left out). */
export function eventHash(event: Omit<ChainableEvent, 'revision'>, revision: number, previous: string): string {
  const sealed = {
    id: event.id.toLowerCase(),
    stream: event.stream,
    revision,
    type: event.type,
    data: event.data,
    metadata: metadataWithoutChain(event.metadata),
    previous,
  };
  return createHash('sha256').update(canonicalJson(sealed), 'utf8').digest('hex');
}

/** The chain fields stored in an event's metadata, or null when it carries none (or malformed ones). */
export function chainLinkOf(metadata: JsonObject): ChainLink | null {
  const chain: JsonValue | undefined = metadata[CHAIN_KEY];
  if (chain === null || typeof chain !== 'object' || Array.isArray(chain)) return null;
  const { hash, previous } = chain;
  if (typeof hash !== 'string' || typeof previous !== 'string') return null;
  if (!HEX_HASH.test(hash) || !HEX_HASH.test(previous)) return null;
  return { hash, previous };
}

/**
 * The hash the next event of a stream chains to, given the stream's events
 * in revision order: the stored hash of a chained event; for an event
 * appended before the chain existed (no chain fields), its hash recomputed
 * as if it had been chained to its predecessor.
 */
export function chainHead(events: readonly ChainableEvent[]): string {
  let head = GENESIS_HASH;
  for (const event of events) {
    head = chainLinkOf(event.metadata)?.hash ?? eventHash(event, event.revision, head);
  }
  return head;
}

function asStoredJson(value: JsonObject): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/**
 * Stamps the chain fields into events about to be appended to `stream` at
 * `firstRevision`, `firstRevision + 1`, …, the first chained to `previous`.
 */
export function sealEvents(
  stream: string,
  firstRevision: number,
  previous: string,
  events: readonly EventToAppend[],
): EventToAppend[] {
  let head = previous;
  return events.map((event, index) => {
    // Hashed as the store will give them back: JSON (dates as ISO text, undefined left out).
    const data = asStoredJson(event.data);
    const metadata = metadataWithoutChain(asStoredJson(event.metadata));
    const hash = eventHash({ id: event.id, stream, type: event.type, data, metadata }, firstRevision + index, head);
    const sealed: EventToAppend = {
      id: event.id,
      type: event.type,
      data,
      metadata: { ...metadata, [CHAIN_KEY]: { hash, previous: head } },
    };
    head = hash;
    return sealed;
  });
}
