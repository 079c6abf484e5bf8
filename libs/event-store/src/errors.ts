import type { ExpectedRevision } from './event-store.port';

export type EventStoreErrorCode = 'STREAM_CONFLICT' | 'STREAM_NOT_FOUND' | 'IDEMPOTENCY_MISMATCH' | 'INVALID_APPEND';

export abstract class EventStoreError extends Error {
  abstract readonly code: EventStoreErrorCode;
}

/** The stream was not at the revision the writer expected. */
export class StreamConflictError extends EventStoreError {
  readonly code = 'STREAM_CONFLICT' as const;
  constructor(
    readonly stream: string,
    readonly expectedRevision: ExpectedRevision,
    /** The stream's actual last revision; null when the stream does not exist; undefined when the store did not say. */
    readonly actualRevision: number | null | undefined,
  ) {
    super(
      `stream ${stream}: expected revision ${String(expectedRevision)}, actual ${
        actualRevision === undefined ? 'unknown' : actualRevision === null ? 'no-stream' : String(actualRevision)
      }`,
    );
    this.name = 'StreamConflictError';
  }
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = 'STREAM_NOT_FOUND' as const;
  constructor(readonly stream: string) {
    super(`stream ${stream} not found`);
    this.name = 'StreamNotFoundError';
  }
}

/** Some, but not all, of the event ids of an append are already stored, or stored elsewhere. */
export class IdempotencyMismatchError extends EventStoreError {
  readonly code = 'IDEMPOTENCY_MISMATCH' as const;
  constructor(
    readonly stream: string,
    detail: string,
  ) {
    super(`stream ${stream}: ${detail}`);
    this.name = 'IdempotencyMismatchError';
  }
}

/** The append itself is malformed (no events, bad event id, bad stream name). */
export class InvalidAppendError extends EventStoreError {
  readonly code = 'INVALID_APPEND' as const;
  constructor(detail: string) {
    super(detail);
    this.name = 'InvalidAppendError';
  }
}
