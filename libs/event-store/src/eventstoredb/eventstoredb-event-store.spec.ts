import { randomUUID } from 'node:crypto';
import { Metadata } from '@grpc/grpc-js';
import {
  ANY,
  convertToCommandError,
  DeadlineExceededError,
  NO_STREAM,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { IdempotencyMismatchError, InvalidAppendError, StoreUnavailableError, StreamConflictError } from '../errors';
import {
  EventStoreDbEventStore,
  KeyedQueue,
  compareEventStoreDbPositions,
  eventStoreDbPositionOf,
  eventStoreDbSubscriptionFilter,
  eventTypesRegex,
  formatEventStoreDbPosition,
  fromEventStoreDbCurrentRevision,
  fromEventStoreDbRevision,
  isEventStoreDbSystemEvent,
  isTerminalSubscriptionError,
  matchPreviousAppend,
  matchesEventFilter,
  parseEventStoreDbCheckpoint,
  toEsdbConnectionString,
  toEventStoreDbExpectedRevision,
  toJsonObject,
  toStoreError,
  toStreamConflictError,
  type StoredEventRef,
} from './eventstoredb-event-store';

const MAX_UINT64 = 2n ** 64n - 1n;

describe('EventStoreDB adapter, without a server', () => {
  describe('checkpoints', () => {
    it('serialises a log position as "commit:prepare" and parses it back, beyond 2^53', () => {
      const position = { commit: 2n ** 60n + 7n, prepare: 2n ** 60n + 3n };
      const checkpoint = formatEventStoreDbPosition(position);
      expect(checkpoint).toBe(`${(2n ** 60n + 7n).toString()}:${(2n ** 60n + 3n).toString()}`);
      expect(parseEventStoreDbCheckpoint(checkpoint)).toEqual(position);
    });

    it('refuses checkpoints that are not two unsigned integers', () => {
      for (const bad of ['', '12', '12:', ':3', '-1:2', '1:2:3', 'a:b', '1.5:2']) {
        expect(() => parseEventStoreDbCheckpoint(bad)).toThrow(TypeError);
      }
    });

    it('orders checkpoints numerically by commit, then prepare', async () => {
      const store = EventStoreDbEventStore.fromConnectionString('esdb://127.0.0.1:2113?tls=false');
      expect(store.compareCheckpoints('9:9', '10:1')).toBeLessThan(0);
      expect(store.compareCheckpoints('10:2', '10:1')).toBeGreaterThan(0);
      expect(store.compareCheckpoints('10:1', '10:1')).toBe(0);
      await store.close();
      expect(compareEventStoreDbPositions({ commit: 5n, prepare: 9n }, { commit: 6n, prepare: 1n })).toBeLessThan(0);
      expect(compareEventStoreDbPositions({ commit: 6n, prepare: 1n }, { commit: 6n, prepare: 1n })).toBe(0);
    });

    it('treats the client\'s "no position" values as missing', () => {
      expect(eventStoreDbPositionOf({})).toBeUndefined();
      expect(eventStoreDbPositionOf({ position: { commit: MAX_UINT64, prepare: MAX_UINT64 } })).toBeUndefined();
      expect(eventStoreDbPositionOf({ position: { commit: 0n, prepare: 0n } })).toBeUndefined();
      expect(eventStoreDbPositionOf({ position: { commit: 1234n, prepare: 1234n } })).toEqual({
        commit: 1234n,
        prepare: 1234n,
      });
    });
  });

  describe('revisions', () => {
    it("maps the port's expected revision to the client's", () => {
      expect(toEventStoreDbExpectedRevision('no-stream')).toBe(NO_STREAM);
      expect(toEventStoreDbExpectedRevision('any')).toBe(ANY);
      expect(toEventStoreDbExpectedRevision(0)).toBe(0n);
      expect(toEventStoreDbExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(BigInt(Number.MAX_SAFE_INTEGER));
    });

    it('converts revisions to numbers only within the safe integer range', () => {
      expect(fromEventStoreDbRevision(41n)).toBe(41);
      expect(fromEventStoreDbRevision(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
      expect(() => fromEventStoreDbRevision(BigInt(Number.MAX_SAFE_INTEGER) + 1n)).toThrow(RangeError);
      expect(() => fromEventStoreDbRevision(-1n)).toThrow(RangeError);
    });

    it("reads a conflict's current revision as a number, null for no stream, undefined when unknown", () => {
      expect(fromEventStoreDbCurrentRevision(NO_STREAM)).toBeNull();
      expect(fromEventStoreDbCurrentRevision(-1n)).toBeNull();
      expect(fromEventStoreDbCurrentRevision(2n)).toBe(2);
      expect(fromEventStoreDbCurrentRevision(MAX_UINT64)).toBeUndefined();
      expect(fromEventStoreDbCurrentRevision(undefined)).toBeUndefined();
    });
  });

  describe('conflicts', () => {
    it('maps WrongExpectedVersionError on an existing stream to StreamConflictError with both revisions', () => {
      const error = new WrongExpectedVersionError(undefined, { streamName: 'customer-1', expected: 1n, current: 2n });
      const conflict = toStreamConflictError('customer-1', 1, error);
      expect(conflict).toBeInstanceOf(StreamConflictError);
      expect(conflict).toMatchObject({
        code: 'STREAM_CONFLICT',
        stream: 'customer-1',
        expectedRevision: 1,
        actualRevision: 2,
      });
      expect(conflict.message).toBe('stream customer-1: expected revision 1, actual 2');
    });

    it('reports a missing stream as actual revision null', () => {
      const error = new WrongExpectedVersionError(undefined, {
        streamName: 'customer-2',
        expected: 0n,
        current: NO_STREAM,
      });
      expect(toStreamConflictError('customer-2', 0, error).actualRevision).toBeNull();
    });

    it("keeps the port's expected revision, not the client's spelling", () => {
      const error = new WrongExpectedVersionError(undefined, {
        streamName: 'customer-3',
        expected: NO_STREAM,
        current: 0n,
      });
      const conflict = toStreamConflictError('customer-3', 'no-stream', error);
      expect(conflict.expectedRevision).toBe('no-stream');
      expect(conflict.actualRevision).toBe(0);
    });
  });

  describe('idempotent retries', () => {
    const stream = 'customer-retry';
    const ids = [randomUUID(), randomUUID()];
    const ref = (id: string, revision: number): StoredEventRef => ({
      id,
      revision,
      position: { commit: BigInt(1000 + revision), prepare: BigInt(1000 + revision) },
    });

    it('finds nothing when none of the ids is stored', () => {
      expect(matchPreviousAppend(stream, ids, [ref(randomUUID(), 0)])).toBeNull();
      expect(matchPreviousAppend(stream, ids, [])).toBeNull();
    });

    it('answers with the last event of an earlier append of the same ids, in order, wherever it sits', () => {
      const stored = [ref(randomUUID(), 0), ref(ids[0]!, 1), ref(ids[1]!, 2), ref(randomUUID(), 3)];
      expect(matchPreviousAppend(stream, ids, stored)).toBe(stored[2]);
      expect(
        matchPreviousAppend(
          stream,
          ids.map((id) => id.toUpperCase()),
          stored,
        ),
      ).toBe(stored[2]);
    });

    it('refuses an append that reuses only some stored ids, reorders them or spreads them out', () => {
      const partial = [ref(ids[0]!, 0)];
      const reordered = [ref(ids[1]!, 0), ref(ids[0]!, 1)];
      const spread = [ref(ids[0]!, 0), ref(randomUUID(), 1), ref(ids[1]!, 2)];
      for (const stored of [partial, reordered, spread]) {
        expect(() => matchPreviousAppend(stream, ids, stored)).toThrow(IdempotencyMismatchError);
      }
    });
  });

  describe('filters', () => {
    it('recognises system events by their stream or their type', () => {
      expect(isEventStoreDbSystemEvent('$stats-127.0.0.1:2113', 'StatsCollected')).toBe(true);
      expect(isEventStoreDbSystemEvent('customer-1', '$metadata')).toBe(true);
      expect(isEventStoreDbSystemEvent('customer-1', 'PurchaseRecorded')).toBe(false);
    });

    it('matches stream prefixes and exact event types; empty lists do not filter', () => {
      const filter = { streamPrefixes: ['customer-', 'lead-'], eventTypes: ['PurchaseRecorded'] };
      expect(matchesEventFilter(filter, 'customer-1', 'PurchaseRecorded')).toBe(true);
      expect(matchesEventFilter(filter, 'order-1', 'PurchaseRecorded')).toBe(false);
      expect(matchesEventFilter(filter, 'lead-1', 'PurchaseRecordedAgain')).toBe(false);
      expect(matchesEventFilter({ streamPrefixes: [], eventTypes: [] }, 'x', 'y')).toBe(true);
      expect(matchesEventFilter(undefined, 'x', 'y')).toBe(true);
    });

    it('filters a subscription by stream prefix on the server when prefixes are given', () => {
      expect(
        eventStoreDbSubscriptionFilter({ streamPrefixes: ['customer-'], eventTypes: ['PurchaseRecorded'] }),
      ).toMatchObject({ filterOn: 'streamName', prefixes: ['customer-'] });
    });

    it('filters by exact event type on the server when only types are given', () => {
      const filter = eventStoreDbSubscriptionFilter({ eventTypes: ['Customer.Registered', 'Wanted'] });
      expect(filter).toMatchObject({ filterOn: 'eventType' });
      const regex = new RegExp((filter as { regex: string }).regex);
      expect(regex.test('Customer.Registered')).toBe(true);
      expect(regex.test('Wanted')).toBe(true);
      expect(regex.test('CustomerXRegistered')).toBe(false);
      expect(regex.test('WantedMore')).toBe(false);
      expect(eventTypesRegex(['a|b'])).toBe('^(?:a\\|b)$');
    });

    it('excludes system events on the server when there is no filter', () => {
      expect(eventStoreDbSubscriptionFilter(undefined)).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    });
  });

  describe('payloads', () => {
    it('keeps JSON objects and wraps anything else as { value }', () => {
      expect(toJsonObject({ name: 'Ada' })).toEqual({ name: 'Ada' });
      expect(toJsonObject(undefined)).toEqual({});
      expect(toJsonObject([1, 2])).toEqual({ value: [1, 2] });
      expect(toJsonObject(new Uint8Array(Buffer.from('{"a":1}')))).toEqual({ a: 1 });
      expect(toJsonObject(new Uint8Array([0xff, 0x00]))).toEqual({
        value: Buffer.from([0xff, 0x00]).toString('base64'),
      });
    });
  });

  describe('a server that cannot serve now', () => {
    it('turns the client errors of an unreachable, timing-out or not-ready server into a retryable StoreUnavailableError', () => {
      for (const [error, reason] of [
        [new UnavailableError(undefined, 'connection refused'), 'unavailable'],
        [new DeadlineExceededError(undefined, 'deadline'), 'deadline-exceeded'],
        [new TimeoutError(undefined, 'Operation timed out'), 'timeout'],
        [new UnknownError(undefined, 'Could not recognize Server Is Not Ready'), 'not ready'],
        [new UnknownError(undefined, 'No leader info available in response'), 'not ready'],
      ] as const) {
        const mapped = toStoreError(error);
        expect(mapped).toBeInstanceOf(StoreUnavailableError);
        expect(mapped).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, reason, cause: error });
      }
    });

    it('leaves every other error as it is', () => {
      const conflict = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 0n, current: 1n });
      const unknown = new UnknownError(undefined, 'Unexpected ReadAllResult: InvalidPosition');
      const plain = new Error('boom');
      for (const error of [conflict, unknown, plain]) expect(toStoreError(error)).toBe(error);
    });
  });

  describe('connection strings', () => {
    it("reads KurrentDB's schemes as the client's own and leaves the rest alone", () => {
      expect(toEsdbConnectionString('kurrentdb://admin:changeit@db:2113?tls=false')).toBe(
        'esdb://admin:changeit@db:2113?tls=false',
      );
      expect(toEsdbConnectionString('kurrentdb+discover://db1:2113,db2:2113')).toBe(
        'esdb+discover://db1:2113,db2:2113',
      );
      expect(toEsdbConnectionString('kurrent://db:2113')).toBe('esdb://db:2113');
      expect(toEsdbConnectionString('esdb+discover://db:2113')).toBe('esdb+discover://db:2113');
      expect(toEsdbConnectionString('esdb://kurrentdb:2113')).toBe('esdb://kurrentdb:2113');
    });

    it('opens a store for every scheme the configuration accepts', async () => {
      for (const scheme of ['esdb', 'esdb+discover', 'kurrentdb', 'kurrentdb+discover', 'kurrent']) {
        const store = EventStoreDbEventStore.fromConnectionString(`${scheme}://127.0.0.1:2113?tls=false`);
        await store.close();
      }
    });
  });

  describe('subscription errors', () => {
    /** A gRPC status as the client receives it, converted as the client converts it. */
    const fromServer = (code: number, details: string) =>
      convertToCommandError(
        Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() }),
      );

    it('ends a subscription on errors a resubscription cannot cure, and resubscribes on the others', () => {
      expect(isTerminalSubscriptionError(fromServer(3, 'Trying to read from an invalid position.'))).toBe(true);
      expect(isTerminalSubscriptionError(fromServer(7, 'Access Denied'))).toBe(true);
      expect(isTerminalSubscriptionError(fromServer(12, 'not implemented'))).toBe(true);
      expect(isTerminalSubscriptionError(fromServer(14, 'Server Is Not Ready'))).toBe(false);
      expect(isTerminalSubscriptionError(fromServer(2, 'Unexpected error'))).toBe(false);
      expect(isTerminalSubscriptionError(new Error('socket hang up'))).toBe(false);
    });
  });

  describe('appends of the same ids from one process', () => {
    it('runs the tasks of one key one after the other, even after a failure, and other keys side by side', async () => {
      const queue = new KeyedQueue();
      const log: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      const first = queue.run('a', async () => {
        log.push('a1 start');
        await held;
        log.push('a1 end');
        throw new Error('a1 failed');
      });
      const second = queue.run('a', async () => {
        log.push('a2');
        return 2;
      });
      const other = queue.run('b', async () => {
        log.push('b1');
        return 1;
      });
      await expect(other).resolves.toBe(1);
      expect(log).toEqual(['a1 start', 'b1']);
      release();
      await expect(first).rejects.toThrow('a1 failed');
      await expect(second).resolves.toBe(2);
      expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    });
  });

  describe('the store before it talks to a server', () => {
    let store: EventStoreDbEventStore;

    beforeEach(() => {
      // The client connects lazily: nothing below reaches the network.
      store = EventStoreDbEventStore.fromConnectionString('esdb://127.0.0.1:2113?tls=false');
    });

    afterEach(async () => {
      await store.close();
    });

    it('names its kind', () => {
      expect(store.kind).toBe('eventstoredb');
    });

    it('validates an append before sending it', async () => {
      const event = { id: randomUUID(), type: 'CustomerRegistered', data: {}, metadata: {} };
      await expect(store.append('customer-1', [], { expectedRevision: 'no-stream' })).rejects.toBeInstanceOf(
        InvalidAppendError,
      );
      await expect(store.append('$system', [event], { expectedRevision: 'any' })).rejects.toBeInstanceOf(
        InvalidAppendError,
      );
      await expect(
        store.append('customer-1', [{ ...event, id: 'not-a-uuid' }], { expectedRevision: 0 }),
      ).rejects.toBeInstanceOf(InvalidAppendError);
    });

    it('refuses a malformed checkpoint when subscribing', () => {
      expect(() => store.subscribeToAll({ fromCheckpoint: 'yesterday' })).toThrow(TypeError);
    });

    it('ends the iteration of a subscription closed before its first event', async () => {
      const subscription = store.subscribeToAll({ fromCheckpoint: '100:100' });
      await subscription.close();
      await expect(subscription[Symbol.asyncIterator]().next()).resolves.toEqual({ value: undefined, done: true });
    });
  });
});
