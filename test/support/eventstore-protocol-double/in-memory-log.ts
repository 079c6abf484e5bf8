import { randomUUID } from 'node:crypto';

/**
 * The storage side of the EventStoreDB protocol test double: an in-memory
 * transaction log with the write and read rules the EventStoreDB server
 * documents for its gRPC API (v1 protocol). It is a test double for the
 * adapter's tests, not EventStoreDB: no persistence, no cluster, no access
 * control, no scavenging, no projections.
 *
 * Rules kept (EventStoreDB docs "Appending events", "Reading events",
 * "Deleting streams", "Catch-up subscriptions"):
 * - one append is one implicit transaction; each event's log position is
 *   commit = prepare = the byte offset of its record, and the answer names
 *   the position of the append's last event;
 * - expected revision: `any`, `no_stream`, `stream_exists` or an exact
 *   revision; a mismatch answers "wrong expected version" with the stream's
 *   current revision (or "no stream");
 * - idempotency by event id: an append whose events are already stored
 *   right after the expected revision is answered as the first one was and
 *   stores nothing ("strong" check, exact revision and `no_stream`); with
 *   `any` / `stream_exists` the ids are looked up among recently written
 *   events of the stream ("weak" check); only some of the ids already
 *   stored is a wrong expected version;
 * - soft delete: the stream reads as not found and keeps its revisions; an
 *   append with `any`, `no_stream` or the last revision brings it back,
 *   starting after the old last revision; `stream_exists` is refused as
 *   deleted; tombstone (hard delete): reads and appends are refused as
 *   deleted, for good;
 * - `$all` holds every record in log order, system records included;
 *   reading forwards from a position includes the record there, reading
 *   backwards from a position returns the records that end at or before it.
 */

/** EventStoreDB's "no position / deleted stream" event number (long.MaxValue). */
export const DELETED_STREAM_REVISION = 0x7fff_ffff_ffff_ffffn;

export type ExpectedRevision =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export interface ProposedEvent {
  /** Lower-case UUID text. */
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface LogRecord {
  readonly position: bigint;
  /** Position of the next record: a backwards read from here includes this record. */
  readonly postPosition: bigint;
  readonly stream: string;
  readonly revision: bigint;
  readonly id: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
  /** .NET ticks (100 ns) since the Unix epoch, as the server sends them. */
  readonly created: bigint;
}

export type WriteOutcome =
  | { readonly kind: 'success'; readonly currentRevision: bigint | null; readonly position: bigint | null }
  | { readonly kind: 'wrong_expected_version'; readonly currentRevision: bigint | null }
  | { readonly kind: 'stream_deleted' };

export type StreamReadOutcome =
  | { readonly kind: 'events'; readonly events: readonly LogRecord[] }
  | { readonly kind: 'not_found' }
  | { readonly kind: 'deleted' };

interface StreamState {
  /** Records by revision (index = revision); kept after a soft delete. */
  readonly records: LogRecord[];
  tombstoned: boolean;
  /** Soft delete: null when never deleted, SOFT_DELETED while deleted, else the first revision readers see. */
  truncateBefore: bigint | null;
}

const SOFT_DELETED = DELETED_STREAM_REVISION;
/** Bytes of a record besides its payload, so positions grow like byte offsets. */
const RECORD_OVERHEAD = 96n;
/** How many recent event ids the weak idempotency check remembers (the server keeps a bounded cache too). */
const DEFAULT_RECENT_IDS = 100_000;
/** Bytes the epoch record takes at the start of a server's log. */
const EPOCH_RECORD_SIZE = 128n;

export interface InMemoryLogOptions {
  /**
   * Log position of the first record. By default the log starts, as a
   * server's does, with an epoch record at position 0 that is no event, so
   * the first event lies after it. Beyond 2^53 it checks that positions
   * survive as text.
   */
  readonly firstPosition?: bigint;
  /** Recent event ids the weak idempotency check remembers. */
  readonly recentIds?: number;
}

export class InMemoryLog {
  private readonly records: LogRecord[] = [];
  private readonly streams = new Map<string, StreamState>();
  private readonly recent = new Map<string, { stream: string; revision: bigint }>();
  private readonly recentLimit: number;
  private readonly listeners = new Set<() => void>();
  private nextPosition: bigint;
  private lastCreated = 0n;

  constructor(options: InMemoryLogOptions = {}) {
    this.nextPosition = options.firstPosition ?? EPOCH_RECORD_SIZE;
    this.recentLimit = options.recentIds ?? DEFAULT_RECENT_IDS;
  }

  /** Every record, in log order (never changes but by growing). */
  get all(): readonly LogRecord[] {
    return this.records;
  }

  /** The position a record written now would get: the end of the log. */
  get endPosition(): bigint {
    return this.nextPosition;
  }

  /** Called after every write, for live subscriptions. Returns the unsubscribe function. */
  onWrite(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(stream: string, expected: ExpectedRevision, events: readonly ProposedEvent[]): WriteOutcome {
    const state = this.streams.get(stream);
    const check = this.checkCommit(
      stream,
      state,
      expected,
      events.map((event) => event.id),
    );
    if (check.kind !== 'ok') return check;
    if (events.length === 0) {
      return { kind: 'success', currentRevision: check.currentRevision, position: null };
    }
    const target = state ?? this.createStream(stream);
    const undelete = target.truncateBefore === SOFT_DELETED;
    const first = BigInt(target.records.length);
    let last: LogRecord | undefined;
    for (const event of events) {
      last = this.write(stream, BigInt(target.records.length), event);
      target.records.push(last);
      this.remember(event.id, stream, last.revision);
    }
    if (undelete) {
      // The server brings a soft-deleted stream back by moving its truncate-before to the first new revision.
      target.truncateBefore = first;
      this.writeMetadata(stream, { $tb: Number(first) });
    }
    this.notify();
    return { kind: 'success', currentRevision: last!.revision, position: last!.position };
  }

  /** Soft delete (`hard` false) or tombstone (`hard` true); answers the position of the record written. */
  delete(stream: string, expected: ExpectedRevision, hard: boolean): WriteOutcome {
    const state = this.streams.get(stream);
    // The server checks a delete like an append of one new event.
    const check = this.checkCommit(stream, state, expected, ['00000000-0000-0000-0000-000000000000']);
    if (check.kind !== 'ok') return check;
    const target = state ?? this.createStream(stream);
    let record: LogRecord;
    if (hard) {
      target.tombstoned = true;
      record = this.write(stream, DELETED_STREAM_REVISION, {
        id: randomId(),
        type: '$streamDeleted',
        isJson: false,
        data: new Uint8Array(),
        metadata: new Uint8Array(),
      });
    } else {
      target.truncateBefore = SOFT_DELETED;
      record = this.writeMetadata(stream, { $tb: '9223372036854775807' });
    }
    this.notify();
    return { kind: 'success', currentRevision: null, position: record.position };
  }

  readStream(
    stream: string,
    from: bigint | 'start' | 'end',
    direction: 'forwards' | 'backwards',
    maxCount: bigint,
  ): StreamReadOutcome {
    const state = this.streams.get(stream);
    if (state?.tombstoned) return { kind: 'deleted' };
    if (!state || state.records.length === 0 || state.truncateBefore === SOFT_DELETED) return { kind: 'not_found' };
    const lowest = state.truncateBefore ?? 0n;
    const lastRevision = BigInt(state.records.length - 1);
    const events: LogRecord[] = [];
    if (direction === 'forwards') {
      let revision = from === 'start' ? lowest : from === 'end' ? lastRevision + 1n : from;
      if (revision < lowest) revision = lowest;
      for (; revision <= lastRevision && BigInt(events.length) < maxCount; revision++) {
        events.push(state.records[Number(revision)]!);
      }
    } else {
      let revision = from === 'start' ? lowest : from === 'end' ? lastRevision : from;
      if (revision > lastRevision) revision = lastRevision;
      for (; revision >= lowest && BigInt(events.length) < maxCount; revision--) {
        events.push(state.records[Number(revision)]!);
      }
    }
    return { kind: 'events', events };
  }

  /**
   * Where a `$all` read from `position` starts, as an index into `all`: the
   * first record at or after it (forwards), or the last record ending at or
   * before it (backwards). Null when the position is inside a record (not
   * where one starts, not 0, not at or beyond the end): the server cannot
   * read from there.
   */
  indexAt(position: bigint, direction: 'forwards' | 'backwards'): number | null {
    let index: number;
    // Beyond the end: nothing forwards, everything backwards.
    if (position >= this.nextPosition) index = this.records.length;
    else if (position === 0n) index = 0;
    else {
      const found = this.findRecord(position);
      if (found === null) return null;
      index = found;
    }
    return direction === 'forwards' ? index : index - 1;
  }

  /** Index of the record starting exactly at `position`, or null. */
  findRecord(position: bigint): number | null {
    let low = 0;
    let high = this.records.length - 1;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const at = this.records[middle]!.position;
      if (at === position) return middle;
      if (at < position) low = middle + 1;
      else high = middle - 1;
    }
    return null;
  }

  /** Index of the first record strictly after `position` (for subscriptions from a position). */
  indexAfter(position: bigint): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.records[middle]!.position <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Writes a system event, as the server does for its own streams (users, settings). */
  writeSystemEvent(stream: string, type: string, data: object): LogRecord {
    const state = this.streams.get(stream) ?? this.createStream(stream);
    const record = this.write(stream, BigInt(state.records.length), {
      id: randomId(),
      type,
      isJson: true,
      data: Buffer.from(JSON.stringify(data)),
      metadata: new Uint8Array(),
    });
    state.records.push(record);
    this.notify();
    return record;
  }

  /**
   * EventStoreDB's commit check (IndexWriter.CheckCommit): whether events
   * with these ids may be written at this expected revision, are already
   * written (idempotent: answered with their revision and position), or
   * conflict.
   */
  private checkCommit(
    stream: string,
    state: StreamState | undefined,
    expected: ExpectedRevision,
    ids: readonly string[],
  ): WriteOutcome | { readonly kind: 'ok'; readonly currentRevision: bigint | null } {
    if (state?.tombstoned) return { kind: 'stream_deleted' };
    const softDeleted = state?.truncateBefore === SOFT_DELETED;
    const current = state && state.records.length > 0 ? BigInt(state.records.length - 1) : null;
    if (current === null) {
      if (expected.kind === 'any' || expected.kind === 'no_stream') return { kind: 'ok', currentRevision: null };
      if (expected.kind === 'stream_exists' && softDeleted) return { kind: 'stream_deleted' };
      return { kind: 'wrong_expected_version', currentRevision: null };
    }
    if (expected.kind === 'stream_exists' && softDeleted) return { kind: 'stream_deleted' };

    if (expected.kind === 'any' || expected.kind === 'stream_exists') {
      // Weak check: only the recently written ids of this stream are known.
      let firstFound: { revision: bigint } | undefined;
      let lastFound: { revision: bigint } | undefined;
      for (const id of ids) {
        const known = this.recent.get(id);
        if (known && known.stream === stream) {
          firstFound ??= known;
          lastFound = known;
          continue;
        }
        if (firstFound) return { kind: 'wrong_expected_version', currentRevision: current };
        return { kind: 'ok', currentRevision: current };
      }
      if (!lastFound) return { kind: 'ok', currentRevision: current };
      return this.idempotent(state!, lastFound.revision);
    }

    const expectedRevision = expected.kind === 'no_stream' ? -1n : expected.revision;
    if (expectedRevision < current) {
      // Strong check: the ids must be the events right after the expected revision.
      let revision = expectedRevision;
      for (let i = 0; i < ids.length; i++) {
        revision++;
        const stored = revision <= current ? state!.records[Number(revision)] : undefined;
        if (stored && stored.id === ids[i]) continue;
        if (i > 0) return { kind: 'wrong_expected_version', currentRevision: current };
        if (expected.kind === 'no_stream' && softDeleted) return { kind: 'ok', currentRevision: current };
        return { kind: 'wrong_expected_version', currentRevision: current };
      }
      if (ids.length === 0) return { kind: 'wrong_expected_version', currentRevision: current };
      return this.idempotent(state!, revision);
    }
    if (expectedRevision > current) return { kind: 'wrong_expected_version', currentRevision: current };
    return { kind: 'ok', currentRevision: current };
  }

  private idempotent(state: StreamState, lastRevision: bigint): WriteOutcome {
    const last = state.records[Number(lastRevision)]!;
    return { kind: 'success', currentRevision: last.revision, position: last.position };
  }

  private createStream(stream: string): StreamState {
    const state: StreamState = { records: [], tombstoned: false, truncateBefore: null };
    this.streams.set(stream, state);
    return state;
  }

  private write(stream: string, revision: bigint, event: ProposedEvent): LogRecord {
    const position = this.nextPosition;
    const size =
      RECORD_OVERHEAD +
      BigInt(Buffer.byteLength(stream) + Buffer.byteLength(event.type) + event.data.length + event.metadata.length);
    this.nextPosition = position + size;
    const record: LogRecord = {
      position,
      postPosition: position + size,
      stream,
      revision,
      id: event.id,
      type: event.type,
      isJson: event.isJson,
      data: event.data,
      metadata: event.metadata,
      created: this.now(),
    };
    this.records.push(record);
    return record;
  }

  /** The stream's metadata record in `$$<stream>` (written on soft delete and when the stream comes back). */
  private writeMetadata(stream: string, metadata: object): LogRecord {
    return this.writeSystemEvent(`$$${stream}`, '$metadata', metadata);
  }

  private remember(id: string, stream: string, revision: bigint): void {
    this.recent.delete(id);
    this.recent.set(id, { stream, revision });
    if (this.recent.size > this.recentLimit) this.recent.delete(this.recent.keys().next().value!);
  }

  /** Ticks since the Unix epoch, strictly increasing. */
  private now(): bigint {
    const ticks = BigInt(Date.now()) * 10_000n;
    this.lastCreated = ticks > this.lastCreated ? ticks : this.lastCreated + 1n;
    return this.lastCreated;
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function randomId(): string {
  return randomUUID();
}
