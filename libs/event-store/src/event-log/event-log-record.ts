import { isUuid } from '../event-ids';
import type { EventToAppend, JsonObject, StoredEvent } from '../event-store.port';

/**
 * One event of the global log as the export writes it (one JSON object per
 * NDJSON line) and as GET /events answers it: the stored event, unchanged
 * (no upcasting: the metadata keeps the schema version it was written with).
 */
export interface EventLogRecord {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** When the source store recorded the event, ISO 8601. */
  readonly recordedAt: string;
  /** The event's global checkpoint in the source store. */
  readonly checkpoint: string;
}

export function toEventLogRecord(event: StoredEvent): EventLogRecord {
  return {
    id: event.id,
    stream: event.stream,
    revision: event.revision,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
    checkpoint: event.checkpoint,
  };
}

/** A line of an event-log file that cannot be imported; `line` is 1-based. */
export class EventLogLineError extends Error {
  constructor(
    readonly line: number,
    readonly code: 'INVALID_JSON' | 'MISSING_FIELD' | 'INVALID_FIELD' | 'UNKNOWN_FIELD' | 'REVISION_OUT_OF_ORDER',
    readonly reason: string,
  ) {
    super(`line ${line}: ${code}: ${reason}`);
    this.name = 'EventLogLineError';
  }
}

const FIELDS = ['id', 'stream', 'revision', 'type', 'data', 'metadata', 'recordedAt', 'checkpoint'] as const;
/** `recordedAt` and `checkpoint` describe the source store; an import ignores them, so they may be absent. */
const REQUIRED: ReadonlySet<string> = new Set(['id', 'stream', 'revision', 'type', 'data', 'metadata']);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What an import needs from one line: the event to append again, and the stream and revision it had. */
export interface ImportableEvent {
  readonly stream: string;
  readonly revision: number;
  readonly event: EventToAppend;
}

/** Parses and checks one NDJSON line of an event log; throws `EventLogLineError` naming the line. */
export function parseEventLogLine(text: string, line: number): ImportableEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (text.startsWith('> ')) {
      throw new EventLogLineError(
        line,
        'INVALID_JSON',
        "npm's script banner, not an event: export with npm run --silent",
      );
    }
    throw new EventLogLineError(line, 'INVALID_JSON', error instanceof Error ? error.message : 'not JSON');
  }
  if (!isObject(value)) throw new EventLogLineError(line, 'INVALID_JSON', 'the line is not a JSON object');
  const unknown = Object.keys(value).find((key) => !(FIELDS as readonly string[]).includes(key));
  if (unknown !== undefined) throw new EventLogLineError(line, 'UNKNOWN_FIELD', `${unknown} is not a known field`);
  for (const field of FIELDS) {
    if (REQUIRED.has(field) && (value[field] === undefined || value[field] === null)) {
      throw new EventLogLineError(line, 'MISSING_FIELD', `${field} is missing`);
    }
  }
  const invalid = (reason: string): never => {
    throw new EventLogLineError(line, 'INVALID_FIELD', reason);
  };
  const { id, stream, revision, type, data, metadata, recordedAt, checkpoint } = value;
  if (typeof id !== 'string' || !isUuid(id)) invalid('id must be a UUID');
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > 200 || stream.startsWith('$')) {
    invalid('stream must be 1 to 200 characters, not starting with $');
  }
  if (typeof revision !== 'number' || !Number.isSafeInteger(revision) || revision < 0) {
    invalid('revision must be a non-negative integer');
  }
  if (typeof type !== 'string' || type.length === 0 || type.length > 200) invalid('type must be 1 to 200 characters');
  if (!isObject(data)) invalid('data must be a JSON object');
  if (!isObject(metadata)) invalid('metadata must be a JSON object');
  if (
    recordedAt !== undefined &&
    recordedAt !== null &&
    (typeof recordedAt !== 'string' || Number.isNaN(Date.parse(recordedAt)))
  ) {
    invalid('recordedAt must be an ISO 8601 time');
  }
  if (checkpoint !== undefined && checkpoint !== null && typeof checkpoint !== 'string') {
    invalid('checkpoint must be a string');
  }
  return {
    stream: stream as string,
    revision: revision as number,
    event: { id: id as string, type: type as string, data: data as JsonObject, metadata: metadata as JsonObject },
  };
}
