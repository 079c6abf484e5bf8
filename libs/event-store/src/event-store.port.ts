/**
 * The event-store port: the one interface the write side, the projector and
 * the audit tools use. Adapters: PostgreSQL (server or embedded PGlite) and
 * EventStoreDB. Every adapter passes the contract suite in ./testing.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** An event as a writer hands it to the store. `id` must be a UUID, chosen by the caller. */
export interface EventToAppend {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
}

/** An event as the store returns it. */
export interface StoredEvent {
  readonly id: string;
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  readonly stream: string;
  /** 0-based position of the event inside its stream. */
  readonly revision: number;
  /** Opaque, adapter-specific global position, serialised as a string. Compare with `compareCheckpoints`. */
  readonly checkpoint: string;
  /** When the store recorded the event (not the business time, which lives in the metadata). */
  readonly recordedAt: Date;
}

/**
 * What the writer expects the stream to look like before its append:
 * - `'no-stream'`: the stream must not exist yet;
 * - a number: the revision of the stream's last event;
 * - `'any'`: no check at all; only for callers that explicitly ask for it.
 */
export type ExpectedRevision = 'no-stream' | 'any' | number;

export interface AppendOptions {
  readonly expectedRevision: ExpectedRevision;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append: the next expected revision. */
  readonly nextExpectedRevision: number;
  /** Checkpoint of the last appended event. */
  readonly checkpoint: string;
  readonly eventIds: readonly string[];
  /**
   * True when these event ids were already stored by an earlier append of
   * the same events and nothing was appended now (an idempotent retry, or a
   * concurrent writer of the same ids that committed first).
   */
  readonly alreadyStored: boolean;
}

export type ReadDirection = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: ReadDirection;
  /** First revision to return (inclusive). Defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
  /** Only events at or before this global checkpoint. */
  readonly toCheckpoint?: string;
  /** Only events the store had recorded at or before this instant. */
  readonly recordedUpTo?: Date;
  /**
   * Leaves out the events whose business time (see `businessTimeOf`) is after
   * this instant. Events without a business time are kept: the caller judges
   * them. Unlike the bounds above, this filter never makes a stream "not found".
   */
  readonly occurredUpTo?: Date;
}

/** The bounds `countStream` applies, as `readStream` does. */
export type CountStreamOptions = Pick<
  ReadStreamOptions,
  'fromRevision' | 'toCheckpoint' | 'recordedUpTo' | 'occurredUpTo'
>;

export interface EventFilter {
  /** Keep events whose stream name starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
  /** Keep events of one of these types. */
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this checkpoint. Omit to start at the beginning. */
  readonly fromCheckpoint?: string;
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive: delivery starts strictly after this checkpoint. Omit to start at the beginning. */
  readonly fromCheckpoint?: string;
  readonly filter?: EventFilter;
}

/**
 * A catch-up-then-live subscription to the global log. Iterate it with
 * `for await`; events arrive exactly once, in global order. `close()` ends the
 * iteration.
 */
export interface Subscription extends AsyncIterable<StoredEvent> {
  close(): Promise<void>;
}

export interface EventStore {
  /** Adapter name, for logs and health: "postgres", "pglite", "eventstoredb". */
  readonly kind: string;

  /**
   * Appends events atomically. Throws `StreamConflictError` when the stream is
   * not at the expected revision. Appending events whose ids are already
   * stored in this stream, in the same order, appends nothing and returns the
   * first append's result (idempotent retry).
   */
  append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult>;

  /** Reads one stream. Throws `StreamNotFoundError` when the stream has no events. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /**
   * Counts one stream's events from `fromRevision` on (forwards) within the
   * same bounds as `readStream`; 0 for a stream without events.
   */
  countStream(stream: string, options?: CountStreamOptions): Promise<number>;

  /** The event at a global checkpoint, or null when the store has none there. */
  readEventAt(checkpoint: string): Promise<StoredEvent | null>;

  /** Reads the global log in order, strictly after `fromCheckpoint`. Never skips an event a concurrent writer may still commit. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;

  /** Catch-up subscription: everything after the checkpoint, then live events. */
  subscribeToAll(options?: SubscribeOptions): Subscription;

  /** The checkpoint of the newest event readers may see, or null for an empty store. */
  headCheckpoint(): Promise<string | null>;

  /**
   * Counts the events readers may see after a checkpoint (all of them when
   * omitted), only those passing `filter` when given, stopping at `limit`.
   */
  countAfter(fromCheckpoint: string | undefined, limit: number, filter?: EventFilter): Promise<number>;

  /** Orders two checkpoints of this store: negative, zero or positive. */
  compareCheckpoints(a: string, b: string): number;

  /** Checks the store answers; throws otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
