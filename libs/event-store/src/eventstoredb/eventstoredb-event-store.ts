import {
  ANY,
  AccessDeniedError,
  BACKWARDS,
  CancelledError,
  DeadlineExceededError,
  END,
  EventStoreDBClient,
  FORWARDS,
  InvalidArgumentError,
  NO_STREAM,
  NotLeaderError,
  START,
  StreamDeletedError as EsdbStreamDeletedError,
  StreamNotFoundError as EsdbStreamNotFoundError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  UnsupportedError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type AppendResult as EsdbAppendResult,
  type CurrentRevision,
  type Direction,
  type Filter,
  type Position,
  type ReadPosition,
  type ReadRevision,
} from '@eventstore/db-client';
import { businessTimeOf } from '../business-time';
import { comparePairCheckpoints, formatPairCheckpoint, parsePairCheckpoint } from '../checkpoints';
import {
  IdempotencyMismatchError,
  StoreUnavailableError,
  StreamConflictError,
  StreamDeletedError,
  StreamNotFoundError,
} from '../errors';
import type {
  AppendOptions,
  AppendResult,
  CountStreamOptions,
  EventFilter,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonObject,
  JsonValue,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { assertValidAppend } from '../validation';

/*
 * The event store on EventStoreDB (KurrentDB) through its gRPC client.
 *
 * Checkpoints are the log positions of events in `$all`, serialised as
 * "commit:prepare". Events written by one append are one implicit
 * transaction: each event's position has commit = prepare = the event's own
 * log position, and the append answers with the position of its last event,
 * so an append's checkpoint equals the checkpoint of the last event it wrote.
 *
 * `$all` only ever shows committed events, in log order, and a later commit
 * always lands at a higher position: a reader cannot pass a position that a
 * concurrent writer may still fill, so no horizon logic is needed here.
 *
 * Server version: events read from a stream carry their log position from
 * EventStoreDB 22.6 on. Older servers send no position (the client then
 * reports none, or 2^64-1 for both parts); this adapter needs the position
 * for every StoredEvent and for `toCheckpoint`, so stream reads against such
 * a server fail with an explicit error rather than invent a checkpoint.
 *
 * Reading `$all` needs a user allowed to read it (an admin or ops user) when
 * the server runs with access control.
 */

export interface EventStoreDbEventStoreOptions {
  /** Dispose the client when the store closes (default true). */
  readonly ownsClient?: boolean;
  /** Events per page when scanning `$all` or reading a stream (default 500). */
  readonly readPageSize?: number;
  /** First delay before a dropped subscription resubscribes (ms, default 100); doubles per attempt. */
  readonly resubscribeInitialDelayMs?: number;
  /** Longest delay between resubscription attempts (ms, default 5000). */
  readonly resubscribeMaxDelayMs?: number;
}

/** What the client reports for a missing position (stream reads on servers before 22.6). */
const NO_POSITION = 0xffff_ffff_ffff_ffffn;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const HEAD_PAGE_SIZE = 100;
const PING_TIMEOUT_MS = 5_000;
/** Attempts to see an earlier append after a conflict, while the read index catches up with the writer. */
const CONFLICT_READ_ATTEMPTS = 5;
const CONFLICT_READ_DELAY_MS = 50;

/** The part of a recorded event this adapter reads (stream reads and `$all` reads alike). */
interface RecordedEventLike {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly position?: Position;
}

/** An event of a stream, as the idempotency check needs it. */
export interface StoredEventRef {
  readonly id: string;
  readonly revision: number;
  /** Undefined when the server sent no position for it. */
  readonly position: Position | undefined;
}

// ---------------------------------------------------------------------------
// Pure helpers (exported for the unit tests)
// ---------------------------------------------------------------------------

/**
 * A connection string in the scheme this client reads. KurrentDB names its
 * connection strings `kurrentdb://` and `kurrentdb+discover://` (also
 * `kurrent://`); they mean the same as `esdb://` and `esdb+discover://`,
 * which @eventstore/db-client alone accepts.
 */
export function toEsdbConnectionString(url: string): string {
  return url.replace(/^(kurrentdb|kurrent)(\+discover)?:\/\//i, (_, _scheme: string, discover?: string) =>
    discover ? 'esdb+discover://' : 'esdb://',
  );
}

/** The port's expected revision in the client's terms. */
export function toEventStoreDbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'no-stream') return NO_STREAM;
  if (expected === 'any') return ANY;
  return BigInt(expected);
}

/** A revision from the server as a number; throws beyond Number.MAX_SAFE_INTEGER. */
export function fromEventStoreDbRevision(revision: bigint, what = 'revision'): number {
  if (revision < 0n || revision > MAX_SAFE) throw new RangeError(`${what} out of range: ${revision.toString()}`);
  return Number(revision);
}

/**
 * A stream's current revision as the port reports it in a conflict: null
 * when the stream does not exist, undefined when the server did not say (or
 * said something out of range).
 */
export function fromEventStoreDbCurrentRevision(current: CurrentRevision | undefined): number | null | undefined {
  if (current === undefined) return undefined;
  if (current === NO_STREAM || current === -1n) return null;
  if (current < 0n || current > MAX_SAFE) return undefined;
  return Number(current);
}

/** Maps the client's WrongExpectedVersionError to the port's StreamConflictError. */
export function toStreamConflictError(
  stream: string,
  expected: ExpectedRevision,
  error: WrongExpectedVersionError,
): StreamConflictError {
  return new StreamConflictError(stream, expected, fromEventStoreDbCurrentRevision(error.actualVersion));
}

export function formatEventStoreDbPosition(position: Position): string {
  return formatPairCheckpoint(position.commit, position.prepare);
}

/** Parses a checkpoint of this store; throws TypeError for anything but "commit:prepare". */
export function parseEventStoreDbCheckpoint(checkpoint: string): Position {
  const { major, minor } = parsePairCheckpoint(checkpoint);
  return { commit: major, prepare: minor };
}

export function compareEventStoreDbPositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** The event's log position, or undefined when the server sent none. */
export function eventStoreDbPositionOf(event: { readonly position?: Position }): Position | undefined {
  const position = event.position;
  if (!position) return undefined;
  const { commit, prepare } = position;
  if (commit < 0n || prepare < 0n || commit >= NO_POSITION || prepare >= NO_POSITION) return undefined;
  // No event lives at the very start of the log (an epoch record does).
  if (commit === 0n && prepare === 0n) return undefined;
  return position;
}

/** System events: `$`-prefixed event types (metadata, links, stats) or streams. */
export function isEventStoreDbSystemEvent(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$');
}

/** Whether an event passes the port's filter (empty lists do not filter). */
export function matchesEventFilter(filter: EventFilter | undefined, stream: string, type: string): boolean {
  const prefixes = filter?.streamPrefixes;
  if (prefixes && prefixes.length > 0 && !prefixes.some((prefix) => stream.startsWith(prefix))) return false;
  const types = filter?.eventTypes;
  if (types && types.length > 0 && !types.includes(type)) return false;
  return true;
}

/** A server-side regular expression matching exactly these event types. */
export function eventTypesRegex(types: readonly string[]): string {
  const escaped = types.map((type) => type.replace(/[\\^$.|?*+()[\]{}#]/g, (c) => `\\${c}`));
  return `^(?:${escaped.join('|')})$`;
}

/**
 * The server-side filter of a subscription: stream prefixes when given (event
 * types are then checked client side), otherwise the exact event types,
 * otherwise everything but system events. Every event is checked against the
 * full filter client side as well.
 */
export function eventStoreDbSubscriptionFilter(filter: EventFilter | undefined): Filter {
  const prefixes = filter?.streamPrefixes;
  if (prefixes && prefixes.length > 0) return streamNameFilter({ prefixes: [...prefixes] });
  const types = filter?.eventTypes;
  if (types && types.length > 0) return eventTypeFilter({ regex: eventTypesRegex(types) });
  return excludeSystemEvents();
}

/**
 * Looks for an earlier append of these event ids among a stream's events
 * (in revision order). Returns the last event of that append when all the
 * ids are stored, in this order, at consecutive revisions; null when none
 * is stored; throws IdempotencyMismatchError otherwise.
 */
export function matchPreviousAppend(
  stream: string,
  eventIds: readonly string[],
  storedEvents: readonly StoredEventRef[],
): StoredEventRef | null {
  const ids = eventIds.map((id) => id.toLowerCase());
  const wanted = new Set(ids);
  const found = storedEvents.filter((event) => wanted.has(event.id.toLowerCase()));
  if (found.length === 0) return null;
  const sameAppend =
    found.length === ids.length &&
    found.every(
      (event, i) => event.id.toLowerCase() === ids[i] && (i === 0 || event.revision === found[i - 1]!.revision + 1),
    );
  if (!sameAppend) {
    throw new IdempotencyMismatchError(
      stream,
      `${found.length} of ${ids.length} event ids are already stored, not as this append`,
    );
  }
  return found[found.length - 1]!;
}

/**
 * A payload as a JSON object. Events this store writes are JSON objects;
 * anything else (binary, or JSON that is not an object) is wrapped as
 * `{ value }`, binary that is not JSON as a base64 string.
 */
export function toJsonObject(payload: unknown): JsonObject {
  if (payload === undefined || payload === null) return {};
  let value: unknown = payload;
  if (payload instanceof Uint8Array) {
    const text = Buffer.from(payload).toString('utf8');
    try {
      value = JSON.parse(text);
    } catch {
      return { value: Buffer.from(payload).toString('base64') };
    }
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
  return { value: value as JsonValue };
}

/** Whether an event happened by an instant (ms), as `readStream`'s `occurredUpTo` reads it: events without a business time are kept. */
export function occurredBy(event: Pick<StoredEvent, 'metadata'>, upToMs: number): boolean {
  const time = businessTimeOf(event.metadata);
  return time === null || time.getTime() <= upToMs;
}

function toStoredEvent(event: RecordedEventLike, position = eventStoreDbPositionOf(event)): StoredEvent {
  if (!position) {
    throw new Error(
      `EventStoreDB sent no log position for event ${event.id} of stream ${event.streamId}; ` +
        'stream reads carry positions from server version 22.6 on',
    );
  }
  return {
    id: event.id.toLowerCase(),
    type: event.type,
    data: toJsonObject(event.data),
    metadata: toJsonObject(event.metadata),
    stream: event.streamId,
    revision: fromEventStoreDbRevision(event.revision),
    checkpoint: formatEventStoreDbPosition(position),
    recordedAt: event.created,
  };
}

/** Errors after which an append may or may not have been written. */
function isIndeterminateAppendError(error: unknown): boolean {
  return (
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof UnavailableError ||
    error instanceof UnknownError
  );
}

/** What the server answers, as the client reports it (UnknownError), while it cannot serve: starting, busy, electing a leader. */
const SERVER_NOT_READY = /Server Is Not Ready|Server Is (Too )?Busy|No leader info available/;

/**
 * The port's StoreUnavailableError for a client error that means the server
 * cannot serve now (unreachable, restarting, not the leader, timed out);
 * any other error as it is.
 */
export function toStoreError(error: unknown): unknown {
  if (
    error instanceof UnavailableError ||
    error instanceof NotLeaderError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof CancelledError
  ) {
    return new StoreUnavailableError('eventstoredb', error.type, { cause: error });
  }
  if (error instanceof UnknownError && SERVER_NOT_READY.test(error.message)) {
    return new StoreUnavailableError('eventstoredb', 'not ready', { cause: error });
  }
  return error;
}

/**
 * gRPC statuses a resubscription cannot cure: INVALID_ARGUMENT (a position
 * inside a record, e.g. a checkpoint of another store), PERMISSION_DENIED,
 * UNIMPLEMENTED.
 */
const GRPC_INVALID_ARGUMENT = 3;
const TERMINAL_GRPC_STATUSES = new Set([GRPC_INVALID_ARGUMENT, 7, 12]);

/** The server's refusal to read `$all` from a position where no record starts. */
export function isInvalidPositionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return code === GRPC_INVALID_ARGUMENT || /InvalidPosition|invalid position/.test(error.message);
}

/** Subscription errors that a resubscription cannot cure. */
export function isTerminalSubscriptionError(error: unknown): boolean {
  if (
    error instanceof AccessDeniedError ||
    error instanceof InvalidArgumentError ||
    error instanceof UnsupportedError
  ) {
    return true;
  }
  // The client reports these gRPC statuses as an UnknownError that keeps the status code.
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' && TERMINAL_GRPC_STATUSES.has(code);
}

/** Runs the tasks of one key one after the other (tasks of different keys run side by side). */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const result = before.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------
// The store
// ---------------------------------------------------------------------------

export class EventStoreDbEventStore implements EventStore {
  readonly kind = 'eventstoredb';
  private readonly ownsClient: boolean;
  private readonly pageSize: number;
  private readonly resubscribeInitialDelayMs: number;
  private readonly resubscribeMaxDelayMs: number;
  private readonly subscriptions = new Set<EventStoreDbSubscription>();
  private readonly appendsOfSameIds = new KeyedQueue();
  private closed = false;

  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.ownsClient = options.ownsClient ?? true;
    this.pageSize = Math.max(2, options.readPageSize ?? 500);
    this.resubscribeInitialDelayMs = Math.max(1, options.resubscribeInitialDelayMs ?? 100);
    this.resubscribeMaxDelayMs = Math.max(this.resubscribeInitialDelayMs, options.resubscribeMaxDelayMs ?? 5_000);
  }

  /**
   * A store on a new client for `esdb://…` / `esdb+discover://…` connection
   * strings, or KurrentDB's `kurrentdb://…` / `kurrentdb+discover://…`.
   */
  static fromConnectionString(url: string, options: EventStoreDbEventStoreOptions = {}): EventStoreDbEventStore {
    return new EventStoreDbEventStore(EventStoreDBClient.connectionString(toEsdbConnectionString(url)), options);
  }

  async append(stream: string, events: readonly EventToAppend[], options: AppendOptions): Promise<AppendResult> {
    const expected = options.expectedRevision;
    assertValidAppend(stream, events, expected);
    const ids = events.map((event) => event.id.toLowerCase());
    // Appends of the same ids to one stream from this process run one after
    // the other, so a later one finds the earlier one's events (see below).
    return this.appendsOfSameIds.run(`${ids[0]!}:${stream}`, () => this.appendOnce(stream, events, ids, expected));
  }

  private async appendOnce(
    stream: string,
    events: readonly EventToAppend[],
    ids: readonly string[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    // The server answers a retry of events already stored right after the
    // expected revision exactly as it answered the first append: nothing
    // tells the two apart. At the stream's current revision (or with "any",
    // once the server's cache of recent ids has moved on) it would even
    // store the ids a second time. So the adapter looks for the ids first,
    // among the events up to the expected revision and the append's length
    // after it (all of them for "any"), and answers an earlier append of
    // them as already stored. Left to the server: a concurrent append of the
    // same ids from another process, which both writers then see as their own.
    const searched = expected === 'any' ? undefined : (expected === 'no-stream' ? 0 : expected + 1) + ids.length;
    const previous = await this.findPreviousAppend(stream, ids, searched);
    if (previous) return previous;

    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(
        stream,
        events.map((event, i) =>
          jsonEvent({ id: ids[i]!, type: event.type, data: event.data, metadata: event.metadata }),
        ),
        { expectedRevision: toEventStoreDbExpectedRevision(expected) },
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError) {
        const conflict = toStreamConflictError(stream, expected, error);
        const previous = await this.findPreviousAppendAfterConflict(stream, ids, conflict.actualRevision);
        if (previous) return previous;
        throw conflict;
      }
      // Tombstoned: no expected revision can ever be met again.
      if (error instanceof EsdbStreamDeletedError) throw new StreamDeletedError(stream);
      if (isIndeterminateAppendError(error)) {
        // The server may have stored the events (or dropped this request as a
        // duplicate of one it has not finished): answer with them if so.
        const previous = await this.findPreviousAppend(stream, ids).catch(() => null);
        if (previous) return previous;
      }
      throw toStoreError(error);
    }

    if (!result.success) {
      // A client created with throwOnAppendFailure=false answers a conflict
      // this way, without a reliable current revision.
      const previous = await this.findPreviousAppendAfterConflict(stream, ids, undefined);
      if (previous) return previous;
      throw new StreamConflictError(stream, expected, undefined);
    }

    const position = result.position ? eventStoreDbPositionOf({ position: result.position }) : undefined;
    return {
      nextExpectedRevision: fromEventStoreDbRevision(result.nextExpectedRevision),
      checkpoint: position
        ? formatEventStoreDbPosition(position)
        : await this.checkpointAtRevision(stream, result.nextExpectedRevision),
      eventIds: ids,
      // None of the ids was stored before: this append wrote them (or, unknowably, a concurrent one elsewhere did).
      alreadyStored: false,
    };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const backwards = options.direction === 'backwards';
    const maxCount = options.maxCount;
    if (maxCount !== undefined && (!Number.isSafeInteger(maxCount) || maxCount < 0)) {
      throw new RangeError(`maxCount must be a non-negative integer, got ${maxCount}`);
    }
    if (
      options.fromRevision !== undefined &&
      (!Number.isSafeInteger(options.fromRevision) || options.fromRevision < 0)
    ) {
      throw new RangeError(`fromRevision must be a non-negative integer, got ${options.fromRevision}`);
    }
    const toPosition =
      options.toCheckpoint !== undefined ? parseEventStoreDbCheckpoint(options.toCheckpoint) : undefined;
    const upTo = options.recordedUpTo?.getTime();
    const bounded = toPosition !== undefined || upTo !== undefined;
    const withinBounds = (event: StoredEvent): boolean =>
      (toPosition === undefined ||
        compareEventStoreDbPositions(parseEventStoreDbCheckpoint(event.checkpoint), toPosition) <= 0) &&
      (upTo === undefined || event.recordedAt.getTime() <= upTo);
    const occurredUpTo = options.occurredUpTo?.getTime();
    const filtered = bounded || occurredUpTo !== undefined;

    const events: StoredEvent[] = [];
    if (maxCount !== 0) {
      const fromRevision: ReadRevision =
        options.fromRevision !== undefined ? BigInt(options.fromRevision) : backwards ? END : START;
      // The bounds and the business-time filter are applied here, so then the
      // server cannot stop at maxCount: the events it would stop at may all
      // be left out.
      await this.readStreamEvents(
        stream,
        { direction: backwards ? BACKWARDS : FORWARDS, fromRevision, maxCount: filtered ? undefined : maxCount },
        (recorded) => {
          const event = toStoredEvent(recorded);
          if (withinBounds(event)) {
            if (occurredUpTo !== undefined && !occurredBy(event, occurredUpTo)) return true;
            events.push(event);
            return maxCount === undefined || events.length < maxCount;
          }
          // Forwards, positions only grow with the revision: past the
          // checkpoint, nothing later is in bounds.
          const pastCheckpoint =
            toPosition !== undefined &&
            compareEventStoreDbPositions(parseEventStoreDbCheckpoint(event.checkpoint), toPosition) > 0;
          return backwards || !pastCheckpoint;
        },
      );
    }

    if (events.length === 0) {
      // An empty answer from an existing stream is an empty list; a stream
      // with no event within the bounds does not exist at that point.
      let first: StoredEvent | undefined;
      await this.readStreamEvents(stream, { direction: FORWARDS, fromRevision: START, maxCount: 1 }, (recorded) => {
        first = toStoredEvent(recorded);
        return false;
      });
      if (!first || (bounded && !withinBounds(first))) throw new StreamNotFoundError(stream);
    }
    return events;
  }

  async countStream(stream: string, options: CountStreamOptions = {}): Promise<number> {
    try {
      // Counted client-side: EventStoreDB has no count of a stream's events within bounds.
      return (await this.readStream(stream, options)).length;
    } catch (error) {
      if (error instanceof StreamNotFoundError) return 0;
      throw error;
    }
  }

  async readEventAt(checkpoint: string): Promise<StoredEvent | null> {
    const position = parseEventStoreDbCheckpoint(checkpoint);
    // A read of $all from a position starts with the event at that position, if there is one.
    let page: { events: RecordedEventLike[] };
    try {
      page = await this.readAllPage(position, FORWARDS, 1);
    } catch (error) {
      // Inside a record, where no event starts, the server refuses to read.
      if (isInvalidPositionError(error)) return null;
      throw error;
    }
    const recorded = page.events[0];
    if (!recorded || isEventStoreDbSystemEvent(recorded.streamId, recorded.type)) return null;
    const at = this.allPosition(recorded);
    return compareEventStoreDbPositions(at, position) === 0 ? toStoredEvent(recorded, at) : null;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const maxCount = options.maxCount ?? 1000;
    const from = options.fromCheckpoint !== undefined ? parseEventStoreDbCheckpoint(options.fromCheckpoint) : undefined;
    const filter = options.filter;
    const events: StoredEvent[] = [];
    if (maxCount <= 0) return events;
    const filtered = (filter?.streamPrefixes?.length ?? 0) > 0 || (filter?.eventTypes?.length ?? 0) > 0;
    // Unfiltered, a page slightly larger than what is asked for is enough
    // (one extra for the event at `from`, which a read returns again).
    const pageSize = filtered ? this.pageSize : Math.min(this.pageSize, Math.max(2, maxCount + 1));
    await this.scanAll(from, pageSize, (recorded, position) => {
      if (isEventStoreDbSystemEvent(recorded.streamId, recorded.type)) return true;
      if (!matchesEventFilter(filter, recorded.streamId, recorded.type)) return true;
      events.push(toStoredEvent(recorded, position));
      return events.length < maxCount;
    });
    return events;
  }

  subscribeToAll(options: SubscribeOptions = {}): Subscription {
    const from = options.fromCheckpoint !== undefined ? parseEventStoreDbCheckpoint(options.fromCheckpoint) : undefined;
    if (this.closed) throw new Error('the event store is closed');
    const subscription = new EventStoreDbSubscription(
      {
        client: this.client,
        filter: options.filter,
        serverFilter: eventStoreDbSubscriptionFilter(options.filter),
        initialDelayMs: this.resubscribeInitialDelayMs,
        maxDelayMs: this.resubscribeMaxDelayMs,
        onClosed: (closed) => this.subscriptions.delete(closed),
      },
      from,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headCheckpoint(): Promise<string | null> {
    let before: Position | undefined;
    for (;;) {
      const page = await this.readAllPage(before ?? END, BACKWARDS, HEAD_PAGE_SIZE);
      let moved = false;
      for (const recorded of page.events) {
        const position = this.allPosition(recorded);
        // A backwards read may return the event at its start position again.
        if (before !== undefined && compareEventStoreDbPositions(position, before) >= 0) continue;
        before = position;
        moved = true;
        if (!isEventStoreDbSystemEvent(recorded.streamId, recorded.type)) return formatEventStoreDbPosition(position);
      }
      if (page.received < HEAD_PAGE_SIZE || !moved) return null;
    }
  }

  async countAfter(fromCheckpoint: string | undefined, limit: number, filter?: EventFilter): Promise<number> {
    const from = fromCheckpoint !== undefined ? parseEventStoreDbCheckpoint(fromCheckpoint) : undefined;
    let count = 0;
    if (limit <= 0) return count;
    await this.scanAll(from, this.pageSize, (recorded) => {
      if (isEventStoreDbSystemEvent(recorded.streamId, recorded.type)) return true;
      if (matchesEventFilter(filter, recorded.streamId, recorded.type)) count++;
      return count < limit;
    });
    return count;
  }

  compareCheckpoints(a: string, b: string): number {
    return comparePairCheckpoints(a, b);
  }

  async ping(): Promise<void> {
    // The client gives reads no deadline, so the wait is bounded here.
    const read = this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 });
    const drained = (async () => {
      for await (const _ of read) {
        // Reading the newest record is the check.
      }
    })();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError('eventstoredb', `no answer within ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([drained, timedOut]);
    } catch (error) {
      drained.catch(() => undefined);
      await read.cancel().catch(() => undefined);
      throw toStoreError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    if (this.ownsClient) await this.client.dispose();
  }

  /**
   * The earlier append of these ids in this stream, or null when none of
   * them is stored. With `readCount`, only the stream's first `readCount`
   * events are searched.
   */
  private async findPreviousAppend(
    stream: string,
    ids: readonly string[],
    readCount?: number,
  ): Promise<AppendResult | null> {
    const refs = await this.streamEventRefs(stream, readCount);
    const last = matchPreviousAppend(stream, ids, refs);
    return last ? this.previousAppendResult(stream, ids, last) : null;
  }

  private async previousAppendResult(
    stream: string,
    ids: readonly string[],
    last: StoredEventRef,
  ): Promise<AppendResult> {
    return {
      nextExpectedRevision: last.revision,
      checkpoint: last.position
        ? formatEventStoreDbPosition(last.position)
        : await this.checkpointAtRevision(stream, BigInt(last.revision)),
      eventIds: [...ids],
      alreadyStored: true,
    };
  }

  /**
   * After a conflict: the earlier append of these ids, if any. The server
   * decides conflicts on what it has written, which a read may see a moment
   * later, so the read is repeated briefly while it is behind the revision
   * the conflict reported.
   */
  private async findPreviousAppendAfterConflict(
    stream: string,
    ids: readonly string[],
    actualRevision: number | null | undefined,
  ): Promise<AppendResult | null> {
    for (let attempt = 1; ; attempt++) {
      const refs = await this.streamEventRefs(stream);
      const last = matchPreviousAppend(stream, ids, refs);
      if (last) return this.previousAppendResult(stream, ids, last);
      const readRevision = refs.length > 0 ? refs[refs.length - 1]!.revision : -1;
      const behind = typeof actualRevision === 'number' && readRevision < actualRevision;
      if (!behind || attempt >= CONFLICT_READ_ATTEMPTS) return null;
      await sleep(CONFLICT_READ_DELAY_MS * attempt);
    }
  }

  /** The stream's events as id, revision and position; empty when the stream does not exist. */
  private async streamEventRefs(stream: string, maxCount?: number): Promise<StoredEventRef[]> {
    const refs: StoredEventRef[] = [];
    try {
      await this.readStreamEvents(stream, { direction: FORWARDS, fromRevision: START, maxCount }, (recorded) => {
        refs.push({
          id: recorded.id.toLowerCase(),
          revision: fromEventStoreDbRevision(recorded.revision),
          position: eventStoreDbPositionOf(recorded),
        });
        return true;
      });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    return refs;
  }

  /** The checkpoint of the event at `revision`, for answers that came without a position. */
  private async checkpointAtRevision(stream: string, revision: bigint): Promise<string> {
    let checkpoint: string | undefined;
    await this.readStreamEvents(stream, { direction: FORWARDS, fromRevision: revision, maxCount: 1 }, (recorded) => {
      checkpoint = toStoredEvent(recorded).checkpoint;
      return false;
    });
    if (checkpoint === undefined) {
      throw new Error(`stream ${stream} has no event at revision ${revision.toString()} to take a checkpoint from`);
    }
    return checkpoint;
  }

  /**
   * Reads a stream, calling `visit` per event until it returns false. Maps
   * "not found" and "deleted" to StreamNotFoundError.
   *
   * The stream is read in pages, each asked for exactly the events it may
   * use, and every page is read to its end: a read left before its end
   * keeps its call in the client for good when the server has already sent
   * everything (a cancel then changes nothing), which holds memory and
   * stops `close()` from returning.
   */
  private async readStreamEvents(
    stream: string,
    options: { direction: Direction; fromRevision: ReadRevision; maxCount: number | undefined },
    visit: (event: RecordedEventLike) => boolean,
  ): Promise<void> {
    const forwards = options.direction === FORWARDS;
    let from = options.fromRevision;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const pageSize = Math.min(this.pageSize, remaining);
      let received = 0;
      let last: bigint | undefined;
      let stopped = false;
      let failure: { error: unknown } | undefined;
      try {
        for await (const resolved of this.client.readStream(stream, {
          direction: options.direction,
          fromRevision: from,
          maxCount: pageSize,
        })) {
          received++;
          const event = resolved.event;
          if (!event || stopped) continue;
          last = event.revision;
          try {
            stopped = !visit(event);
          } catch (error) {
            failure = { error };
            stopped = true;
          }
        }
      } catch (error) {
        if (error instanceof EsdbStreamNotFoundError || error instanceof EsdbStreamDeletedError) {
          throw new StreamNotFoundError(stream);
        }
        throw toStoreError(error);
      }
      if (failure) throw failure.error;
      if (stopped || received < pageSize || last === undefined) return;
      remaining -= received;
      if (!forwards && last === 0n) return;
      from = forwards ? last + 1n : last - 1n;
    }
  }

  /**
   * Walks `$all` forwards strictly after `from`, page by page, calling
   * `visit` per event (system events included) until it returns false or the
   * log ends. A read from a position includes the event at that position;
   * it is skipped here.
   */
  private async scanAll(
    from: Position | undefined,
    pageSize: number,
    visit: (event: RecordedEventLike, position: Position) => boolean,
  ): Promise<void> {
    let after = from;
    for (;;) {
      const page = await this.readAllPage(after ?? START, FORWARDS, pageSize);
      let moved = false;
      for (const recorded of page.events) {
        const position = this.allPosition(recorded);
        if (after !== undefined && compareEventStoreDbPositions(position, after) <= 0) continue;
        after = position;
        moved = true;
        if (!visit(recorded, position)) return;
      }
      if (page.received < pageSize || !moved) return;
    }
  }

  private async readAllPage(
    fromPosition: ReadPosition,
    direction: Direction,
    maxCount: number,
  ): Promise<{ events: RecordedEventLike[]; received: number }> {
    const events: RecordedEventLike[] = [];
    let received = 0;
    const read = this.client.readAll({ fromPosition, direction, maxCount, resolveLinkTos: false });
    try {
      for await (const resolved of read) {
        received++;
        if (resolved.event) events.push(resolved.event);
      }
    } catch (error) {
      throw toStoreError(error);
    }
    return { events, received };
  }

  private allPosition(event: RecordedEventLike): Position {
    const position = eventStoreDbPositionOf(event);
    if (!position) throw new Error(`EventStoreDB sent no log position for event ${event.id} read from $all`);
    return position;
  }
}

// ---------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------

interface SubscriptionSettings {
  readonly client: EventStoreDBClient;
  readonly filter: EventFilter | undefined;
  readonly serverFilter: Filter;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly onClosed: (subscription: EventStoreDbSubscription) => void;
}

/** Buffered events at which the server subscription is paused, and at which it resumes. */
const BUFFER_HIGH_WATER = 1000;
const BUFFER_LOW_WATER = 250;

/**
 * A catch-up-then-live subscription to `$all`. It connects on the first
 * `next()`. When the server subscription drops, it resubscribes after the
 * last event it received (delivered or filtered out) or the last checkpoint
 * the server sent, whichever is later, with a delay doubling from the
 * initial to the maximum delay; events at or before that position are
 * skipped, so nothing is delivered twice or skipped. The server's
 * checkpoints (a filtered subscription sends one every 32 events it
 * considers, and when it goes live) spare a resubscription from reading
 * again the events its filter left out. Errors a resubscription cannot cure
 * (access denied, invalid argument, unsupported) end the iteration with
 * that error.
 */
class EventStoreDbSubscription implements Subscription {
  private buffer: StoredEvent[] = [];
  private waiters: Array<() => void> = [];
  private current: AllStreamSubscription | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private delayMs: number;
  private paused = false;
  private started = false;
  private closed = false;
  private failure: { readonly error: unknown } | undefined;

  constructor(
    private readonly settings: SubscriptionSettings,
    /** Position of the last event received or checkpoint adopted; the next event must come strictly after it. */
    private resumeAfter: Position | undefined,
  ) {
    this.delayMs = settings.initialDelayMs;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.buffer = [];
    const current = this.current;
    this.current = undefined;
    this.wakeUp();
    this.settings.onClosed(this);
    if (current) await release(current);
  }

  [Symbol.asyncIterator](): AsyncIterator<StoredEvent> {
    return {
      next: () => this.next(),
      return: async (): Promise<IteratorResult<StoredEvent>> => {
        await this.close();
        return { value: undefined, done: true };
      },
    };
  }

  private async next(): Promise<IteratorResult<StoredEvent>> {
    if (!this.started && !this.closed) {
      this.started = true;
      this.connect();
    }
    for (;;) {
      if (this.closed) return { value: undefined, done: true };
      const event = this.buffer.shift();
      if (event) {
        if (this.paused && this.buffer.length <= BUFFER_LOW_WATER) {
          this.paused = false;
          this.current?.resume();
        }
        return { value: event, done: false };
      }
      if (this.failure) {
        const { error } = this.failure;
        this.failure = undefined;
        await this.close();
        throw error;
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private connect(): void {
    this.retryTimer = undefined;
    if (this.closed) return;
    let subscription: AllStreamSubscription;
    try {
      subscription = this.settings.client.subscribeToAll({
        fromPosition: this.resumeAfter ?? START,
        filter: {
          ...this.settings.serverFilter,
          checkpointReached: (_, position) => this.checkpointReached(subscription, position),
        },
        resolveLinkTos: false,
      });
    } catch (error) {
      // Refused before any call (a malformed filter): retrying cannot help.
      this.failure = { error };
      this.wakeUp();
      return;
    }
    this.current = subscription;
    this.paused = false;
    subscription.on('confirmation', () => {
      if (subscription === this.current) this.delayMs = this.settings.initialDelayMs;
    });
    subscription.on('data', (resolved: AllStreamResolvedEvent) => this.receive(subscription, resolved));
    subscription.on('error', (error: Error) => this.dropped(subscription, error));
    subscription.on('end', () => this.dropped(subscription, undefined));
  }

  private receive(subscription: AllStreamSubscription, resolved: AllStreamResolvedEvent): void {
    if (this.closed || subscription !== this.current) return;
    const recorded = resolved.event;
    if (!recorded) return;
    const position = eventStoreDbPositionOf(recorded);
    if (!position) {
      this.fail(subscription, new Error(`EventStoreDB sent no log position for event ${recorded.id} on $all`));
      return;
    }
    // A subscription from a position may start with the event at that position.
    if (this.resumeAfter && compareEventStoreDbPositions(position, this.resumeAfter) <= 0) return;
    this.resumeAfter = position;
    this.delayMs = this.settings.initialDelayMs;
    if (isEventStoreDbSystemEvent(recorded.streamId, recorded.type)) return;
    if (!matchesEventFilter(this.settings.filter, recorded.streamId, recorded.type)) return;
    let event: StoredEvent;
    try {
      event = toStoredEvent(recorded, position);
    } catch (error) {
      this.fail(subscription, error);
      return;
    }
    this.buffer.push(event);
    if (!this.paused && this.buffer.length >= BUFFER_HIGH_WATER) {
      this.paused = true;
      subscription.pause();
    }
    this.wakeUp();
  }

  /**
   * The server has considered every event up to `position`. Events the
   * client has decoded but not yet handed over come before it: while there
   * are any, the checkpoint is passed over (a later one follows), as
   * resuming after it would lose them if the connection dropped first.
   */
  private checkpointReached(subscription: AllStreamSubscription, position: Position): void {
    if (this.closed || subscription !== this.current || subscription.readableLength > 0) return;
    if (this.resumeAfter && compareEventStoreDbPositions(position, this.resumeAfter) <= 0) return;
    this.resumeAfter = position;
    this.delayMs = this.settings.initialDelayMs;
  }

  private dropped(subscription: AllStreamSubscription | undefined, error: unknown): void {
    if (this.closed || subscription !== this.current) return;
    this.current = undefined;
    if (subscription) void release(subscription);
    if (error !== undefined && isTerminalSubscriptionError(error)) {
      this.failure = { error };
      this.wakeUp();
      return;
    }
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.settings.maxDelayMs);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  private fail(subscription: AllStreamSubscription, error: unknown): void {
    if (subscription === this.current) this.current = undefined;
    void release(subscription);
    this.failure = { error };
    this.wakeUp();
  }

  private wakeUp(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Stops a server subscription and detaches it, keeping a listener so late errors are not unhandled. */
async function release(subscription: AllStreamSubscription): Promise<void> {
  subscription.removeAllListeners('data');
  subscription.removeAllListeners('end');
  subscription.removeAllListeners('confirmation');
  subscription.removeAllListeners('error');
  subscription.on('error', () => undefined);
  try {
    await subscription.unsubscribe();
  } catch {
    // The call may never have been established.
  }
  subscription.destroy();
}
