import type { ExpectedRevision } from './event-store.port';

export type EventStoreErrorCode =
  | 'STREAM_CONFLICT'
  | 'STREAM_NOT_FOUND'
  | 'STREAM_DELETED'
  | 'IDEMPOTENCY_MISMATCH'
  | 'INVALID_APPEND'
  | 'STORE_UNAVAILABLE';

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

/**
 * The store cannot serve the call now: it is down or restarting, the node
 * is not the leader of its cluster, or the call timed out there. The same
 * call may succeed when sent again. An append that fails this way may or
 * may not have been stored: sending it again with the same event ids is
 * safe, as appends are idempotent.
 */
export class StoreUnavailableError extends EventStoreError {
  readonly code = 'STORE_UNAVAILABLE' as const;
  readonly retryable = true as const;
  constructor(
    /** The store's kind, as `EventStore.kind` names it. */
    readonly store: string,
    /** What the store or its client reported, e.g. "unavailable", "not-leader" (never an address or credential). */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`the event store (${store}) is unavailable: ${reason}; retry the call`, options);
    this.name = 'StoreUnavailableError';
  }
}

/** The stream was deleted for good (tombstoned): nothing can be appended to it again. */
export class StreamDeletedError extends EventStoreError {
  readonly code = 'STREAM_DELETED' as const;
  constructor(readonly stream: string) {
    super(`stream ${stream} was deleted for good; nothing can be appended to it`);
    this.name = 'StreamDeletedError';
  }
}
