import { randomUUID } from 'node:crypto';
import { IdempotencyMismatchError, InvalidAppendError, StreamConflictError, StreamNotFoundError } from '../errors';
import type {
  AppendResult,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  JsonValue,
  ReadStreamOptions,
  StoredEvent,
  Subscription,
} from '../event-store.port';

/**
 * The contract every event-store adapter passes. Each adapter's spec calls
 * `describeEventStoreContract` with a factory for a ready store.
 */
export interface ContractFixture {
  readonly store: EventStore;
  /**
   * Where the adapter has transactions a test can hold open: inserts the
   * events in a transaction and returns before committing it. `commit()`
   * commits. Adapters without such transactions omit it.
   */
  readonly beginHeldAppend?: (
    stream: string,
    events: readonly EventToAppend[],
    expectedRevision: ExpectedRevision,
  ) => Promise<{ commit(): Promise<AppendResult> }>;
  /** Whether transactions of different connections run concurrently (false for PGlite, which runs one at a time). */
  readonly concurrentTransactions: boolean;
  /** How long an idle subscription may take to notice new events, for the adapter's worst case. */
  readonly subscriptionLatencyMs: number;
  dispose(): Promise<void>;
}

export function makeEvent(type = 'TestEventHappened', data: Record<string, string | number> = {}): EventToAppend {
  return { id: randomUUID(), type, data: { ...data }, metadata: { commandId: randomUUID(), schemaVersion: 1 } };
}

function uniquePrefix(label: string): string {
  return `contract-${label}-${randomUUID().slice(0, 8)}-`;
}

/** Collects events of a subscription until `count` have arrived. */
function collect(
  subscription: Subscription,
  count: number,
  timeoutMs: number,
): {
  events: StoredEvent[];
  done: Promise<StoredEvent[]>;
} {
  const events: StoredEvent[] = [];
  const done = (async () => {
    const timer = setTimeout(() => {
      void subscription.close();
    }, timeoutMs);
    try {
      for await (const event of subscription) {
        events.push(event);
        if (events.length >= count) break;
      }
    } finally {
      clearTimeout(timer);
    }
    if (events.length < count) {
      throw new Error(`subscription delivered ${events.length} of ${count} events within ${timeoutMs} ms`);
    }
    return events;
  })();
  return { events, done };
}

/**
 * Waits until readers of the global log can see up to `checkpoint`. A
 * store may hold back recent events while older transactions are still open
 * (the PostgreSQL horizon), anywhere on the server: latency, never loss.
 */
async function untilReadable(store: EventStore, checkpoint: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headCheckpoint();
    if (head !== null && store.compareCheckpoints(head, checkpoint) >= 0) return;
    if (Date.now() > deadline)
      throw new Error(`the log did not become readable up to ${checkpoint} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function expectConflict(promise: Promise<unknown>): Promise<StreamConflictError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(StreamConflictError);
    return error as StreamConflictError;
  }
  throw new Error('expected a StreamConflictError, the append succeeded');
}

function expectStrictlyIncreasing(store: EventStore, events: readonly StoredEvent[]): void {
  for (let i = 1; i < events.length; i++) {
    const order = store.compareCheckpoints(events[i - 1]!.checkpoint, events[i]!.checkpoint);
    if (order >= 0) {
      throw new Error(
        `checkpoints out of order at index ${i}: ${events[i - 1]!.checkpoint} then ${events[i]!.checkpoint}`,
      );
    }
  }
}

export interface ContractOptions {
  /** A well-formed checkpoint of the adapter at which no event can be, where the adapter has one. */
  readonly checkpointWithoutEvent?: string;
}

export function describeEventStoreContract(
  adapter: string,
  createFixture: () => Promise<ContractFixture>,
  options: ContractOptions = {},
): void {
  describe(`event-store contract: ${adapter}`, () => {
    let fixture: ContractFixture;
    let store: EventStore;

    beforeAll(async () => {
      fixture = await createFixture();
      store = fixture.store;
    }, 60_000);

    afterAll(async () => {
      await fixture?.dispose();
    }, 60_000);

    describe('append and read one stream', () => {
      it('appends to a new stream and reads the events back with their stream, revision, checkpoint and recorded time', async () => {
        const stream = `${uniquePrefix('basic')}1`;
        const before = Date.now();
        const events = [
          makeEvent('CustomerRegistered', { name: 'Ada' }),
          makeEvent('PurchaseRecorded', { amount: 1250 }),
        ];
        const result = await store.append(stream, events, { expectedRevision: 'no-stream' });

        expect(result.nextExpectedRevision).toBe(1);
        expect(result.eventIds).toEqual(events.map((e) => e.id));
        const read = await store.readStream(stream);
        expect(read.map((e) => [e.id, e.type, e.stream, e.revision])).toEqual([
          [events[0]!.id, 'CustomerRegistered', stream, 0],
          [events[1]!.id, 'PurchaseRecorded', stream, 1],
        ]);
        expect(read[0]!.data).toEqual({ name: 'Ada' });
        expect(read[1]!.metadata).toEqual(events[1]!.metadata);
        expect(read[1]!.checkpoint).toBe(result.checkpoint);
        expect(store.compareCheckpoints(read[0]!.checkpoint, read[1]!.checkpoint)).toBeLessThan(0);
        expect(read[0]!.recordedAt.getTime()).toBeGreaterThanOrEqual(before - 5_000);
        expect(read[0]!.recordedAt.getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
      });

      it('appends at the exact expected revision and refuses a stale one, naming expected and actual revisions', async () => {
        const stream = `${uniquePrefix('exact')}1`;
        await store.append(stream, [makeEvent(), makeEvent()], { expectedRevision: 'no-stream' });
        const next = await store.append(stream, [makeEvent()], { expectedRevision: 1 });
        expect(next.nextExpectedRevision).toBe(2);

        const conflict = await expectConflict(store.append(stream, [makeEvent()], { expectedRevision: 1 }));
        expect(conflict.code).toBe('STREAM_CONFLICT');
        expect(conflict.stream).toBe(stream);
        expect(conflict.expectedRevision).toBe(1);
        if (conflict.actualRevision !== undefined) expect(conflict.actualRevision).toBe(2);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('refuses no-stream on an existing stream and an exact revision on a missing one', async () => {
        const stream = `${uniquePrefix('nostream')}1`;
        await store.append(stream, [makeEvent()], { expectedRevision: 'no-stream' });
        const existing = await expectConflict(store.append(stream, [makeEvent()], { expectedRevision: 'no-stream' }));
        if (existing.actualRevision !== undefined) expect(existing.actualRevision).toBe(0);

        const missing = `${uniquePrefix('missing')}1`;
        const absent = await expectConflict(store.append(missing, [makeEvent()], { expectedRevision: 0 }));
        if (absent.actualRevision !== undefined) expect(absent.actualRevision).toBeNull();
        await expect(store.readStream(missing)).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('appends with "any" only when asked, whatever the revision', async () => {
        const stream = `${uniquePrefix('any')}1`;
        await store.append(stream, [makeEvent()], { expectedRevision: 'any' });
        const result = await store.append(stream, [makeEvent()], { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('throws StreamNotFoundError for a stream without events', async () => {
        await expect(store.readStream(`${uniquePrefix('none')}x`)).rejects.toMatchObject({ code: 'STREAM_NOT_FOUND' });
      });

      it('reads forwards from a revision, backwards, and with a maximum count', async () => {
        const stream = `${uniquePrefix('dir')}1`;
        const events = Array.from({ length: 6 }, (_, i) => makeEvent('Counted', { i }));
        await store.append(stream, events, { expectedRevision: 'no-stream' });

        const fromTwo = await store.readStream(stream, { fromRevision: 2, maxCount: 3 });
        expect(fromTwo.map((e) => e.revision)).toEqual([2, 3, 4]);
        const backwards = await store.readStream(stream, { direction: 'backwards', maxCount: 2 });
        expect(backwards.map((e) => e.revision)).toEqual([5, 4]);
        const backFromThree = await store.readStream(stream, { direction: 'backwards', fromRevision: 3 });
        expect(backFromThree.map((e) => e.revision)).toEqual([3, 2, 1, 0]);
        expect(await store.readStream(stream, { fromRevision: 10 })).toEqual([]);
      });

      it('reads a stream only up to a global checkpoint or a recorded time', async () => {
        const stream = `${uniquePrefix('bounded')}1`;
        const first = await store.append(stream, [makeEvent(), makeEvent()], { expectedRevision: 'no-stream' });
        const [, second] = await store.readStream(stream);
        const later = await store.append(stream, [makeEvent(), makeEvent()], { expectedRevision: 1 });

        const upToFirst = await store.readStream(stream, { toCheckpoint: first.checkpoint });
        expect(upToFirst.map((e) => e.revision)).toEqual([0, 1]);
        const upToLater = await store.readStream(stream, { toCheckpoint: later.checkpoint });
        expect(upToLater.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
        const byTime = await store.readStream(stream, { recordedUpTo: second!.recordedAt });
        expect(byTime.map((e) => e.revision)).toEqual(expect.arrayContaining([0, 1]));
        const beforeAnything = new Date(second!.recordedAt.getTime() - 3_600_000);
        await expect(store.readStream(stream, { recordedUpTo: beforeAnything })).rejects.toBeInstanceOf(
          StreamNotFoundError,
        );
      });
    });

    describe('business time', () => {
      const FEB_1 = new Date('2025-02-01T00:00:00.000Z');
      /** Revision → metadata.occurredAt; the events with a business time after FEB_1 are revisions 1 and 7. */
      const OCCURRED_AT: ReadonlyArray<JsonValue | undefined> = [
        '2025-01-01T00:00:00.000Z',
        '2025-03-01T00:00:00.000Z',
        undefined, // none
        '2025-02-01T00:00:00.000Z', // exactly the instant: kept
        '2025-02-02T00:00:00Z', // not toISOString's form: no business time
        '2025-02-30T00:00:00.000Z', // no such day: no business time
        20250202, // not text: no business time
        '2025-02-01T00:00:00.001Z',
        '2025-01-31T24:00:00.000Z', // not as toISOString writes that instant: no business time
      ];
      const timed = (occurredAt: JsonValue | undefined): EventToAppend => {
        const event = makeEvent('Timed');
        return occurredAt === undefined ? event : { ...event, metadata: { ...event.metadata, occurredAt } };
      };

      it('reads a stream without the events whose business time is after an instant, keeping those without one', async () => {
        const stream = `${uniquePrefix('occurred')}1`;
        await store.append(stream, OCCURRED_AT.map(timed), { expectedRevision: 'no-stream' });
        const revisions = async (options: ReadStreamOptions) =>
          (await store.readStream(stream, { occurredUpTo: FEB_1, ...options })).map((e) => e.revision);

        expect(await revisions({})).toEqual([0, 2, 3, 4, 5, 6, 8]);
        expect(await revisions({ fromRevision: 3 })).toEqual([3, 4, 5, 6, 8]);
        expect(await revisions({ maxCount: 2 })).toEqual([0, 2]);
        expect(await revisions({ direction: 'backwards', maxCount: 3 })).toEqual([8, 6, 5]);
        expect(await revisions({ occurredUpTo: new Date('2025-03-01T00:00:00.000Z') })).toEqual([
          0, 1, 2, 3, 4, 5, 6, 7, 8,
        ]);
        // Nothing happened by then but the events without a business time; the stream still exists.
        expect(await revisions({ occurredUpTo: new Date('2000-01-01T00:00:00.000Z') })).toEqual([2, 4, 5, 6, 8]);
        const allTimed = `${uniquePrefix('occurred')}2`;
        await store.append(allTimed, [timed('2025-06-01T00:00:00.000Z')], { expectedRevision: 'no-stream' });
        expect(await store.readStream(allTimed, { occurredUpTo: FEB_1 })).toEqual([]);
      });

      it('combines the business-time filter with the checkpoint and recorded-time bounds', async () => {
        const stream = `${uniquePrefix('occurred-bounds')}1`;
        const first = await store.append(stream, OCCURRED_AT.slice(0, 4).map(timed), { expectedRevision: 'no-stream' });
        await store.append(stream, OCCURRED_AT.slice(4).map(timed), { expectedRevision: 3 });
        const upToFirst = await store.readStream(stream, { occurredUpTo: FEB_1, toCheckpoint: first.checkpoint });
        expect(upToFirst.map((e) => e.revision)).toEqual([0, 2, 3]);
        const [firstEvent] = await store.readStream(stream, { maxCount: 1 });
        const beforeAnything = new Date(firstEvent!.recordedAt.getTime() - 3_600_000);
        await expect(
          store.readStream(stream, { occurredUpTo: FEB_1, recordedUpTo: beforeAnything }),
        ).rejects.toBeInstanceOf(StreamNotFoundError);
      });

      it('counts a stream within the same bounds as a read, and a missing stream as empty', async () => {
        const stream = `${uniquePrefix('count')}1`;
        const first = await store.append(stream, OCCURRED_AT.slice(0, 4).map(timed), { expectedRevision: 'no-stream' });
        await store.append(stream, OCCURRED_AT.slice(4).map(timed), { expectedRevision: 3 });
        expect(await store.countStream(stream)).toBe(9);
        expect(await store.countStream(stream, { fromRevision: 5 })).toBe(4);
        expect(await store.countStream(stream, { occurredUpTo: FEB_1 })).toBe(7);
        expect(await store.countStream(stream, { occurredUpTo: FEB_1, fromRevision: 4 })).toBe(4);
        expect(await store.countStream(stream, { toCheckpoint: first.checkpoint })).toBe(4);
        expect(await store.countStream(stream, { toCheckpoint: first.checkpoint, fromRevision: 1 })).toBe(3);
        const [firstEvent] = await store.readStream(stream, { maxCount: 1 });
        expect(await store.countStream(stream, { recordedUpTo: new Date(Date.now() + 60_000) })).toBe(9);
        expect(
          await store.countStream(stream, { recordedUpTo: new Date(firstEvent!.recordedAt.getTime() - 3_600_000) }),
        ).toBe(0);
        expect(await store.countStream(`${uniquePrefix('count-none')}x`)).toBe(0);
      });
    });

    describe('the event at a checkpoint', () => {
      it('reads the event at a checkpoint as readStream gives it, with its recorded time', async () => {
        const stream = `${uniquePrefix('at')}1`;
        await store.append(stream, [makeEvent('First'), makeEvent('Second')], { expectedRevision: 'no-stream' });
        const events = await store.readStream(stream);
        for (const event of events) expect(await store.readEventAt(event.checkpoint)).toEqual(event);
      });

      const nowhere = options.checkpointWithoutEvent;
      if (nowhere !== undefined) {
        it('answers null at a checkpoint where no event can be', async () => {
          expect(await store.readEventAt(nowhere)).toBeNull();
        });
      }
    });

    describe('optimistic concurrency', () => {
      it('lets exactly one of two concurrent appends at the same expected revision win', async () => {
        const stream = `${uniquePrefix('race')}1`;
        await store.append(stream, [makeEvent()], { expectedRevision: 'no-stream' });
        const a = makeEvent('FromA');
        const b = makeEvent('FromB');
        const outcomes = await Promise.allSettled([
          store.append(stream, [a], { expectedRevision: 0 }),
          store.append(stream, [b], { expectedRevision: 0 }),
        ]);
        const winners = outcomes.filter((o) => o.status === 'fulfilled');
        const losers = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers).toHaveLength(1);
        expect(losers[0]!.reason).toBeInstanceOf(StreamConflictError);
        const read = await store.readStream(stream);
        expect(read).toHaveLength(2);
        expect(['FromA', 'FromB']).toContain(read[1]!.type);
      });

      it('lets exactly one of many concurrent no-stream appends create the stream', async () => {
        const stream = `${uniquePrefix('create-race')}1`;
        const outcomes = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.append(stream, [makeEvent()], { expectedRevision: 'no-stream' })),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('idempotency', () => {
      it('answers a retried append with the same event ids with the first result and appends nothing', async () => {
        const stream = `${uniquePrefix('retry')}1`;
        const events = [makeEvent(), makeEvent()];
        const first = await store.append(stream, events, { expectedRevision: 'no-stream' });
        const retry = await store.append(stream, events, { expectedRevision: 'no-stream' });
        expect(first.alreadyStored).toBe(false);
        expect(retry).toEqual({ ...first, alreadyStored: true });
        expect(await store.readStream(stream)).toHaveLength(2);

        await store.append(stream, [makeEvent()], { expectedRevision: 1 });
        const lateRetry = await store.append(stream, events, { expectedRevision: 'no-stream' });
        expect(lateRetry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('deduplicates concurrent retries of one append', async () => {
        const stream = `${uniquePrefix('retry-race')}1`;
        const events = [makeEvent()];
        const results = await Promise.all(
          Array.from({ length: 4 }, () => store.append(stream, events, { expectedRevision: 'no-stream' })),
        );
        for (const r of results) expect(r.nextExpectedRevision).toBe(0);
        // Exactly one of them wrote the event; the others were told it was already stored.
        expect(results.filter((r) => !r.alreadyStored)).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('refuses an append that reuses only some stored event ids', async () => {
        const stream = `${uniquePrefix('partial')}1`;
        const stored = makeEvent();
        await store.append(stream, [stored], { expectedRevision: 'no-stream' });
        await expect(store.append(stream, [stored, makeEvent()], { expectedRevision: 0 })).rejects.toBeInstanceOf(
          IdempotencyMismatchError,
        );
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('text no store keeps', () => {
      it.each([
        ['a NUL character in data', { ...makeEvent(), data: { name: 'a\u0000b' } }],
        ['an unpaired surrogate in data', { ...makeEvent(), data: { lines: [{ sku: 'x\ud800' }] } }],
        ['a NUL character in a metadata key', { ...makeEvent(), metadata: { 'k\u0000': 1 } }],
      ])('refuses %s with InvalidAppendError and stores nothing', async (_name, event) => {
        const stream = `${uniquePrefix('unstorable')}1`;
        await expect(store.append(stream, [event], { expectedRevision: 'no-stream' })).rejects.toBeInstanceOf(
          InvalidAppendError,
        );
        expect(await store.countStream(stream)).toBe(0);
      });
    });

    describe('the global log', () => {
      it('reads all events in global order strictly after a checkpoint, filtered by stream prefix and type', async () => {
        const prefix = uniquePrefix('all');
        const start = await store.headCheckpoint();
        await store.append(`${prefix}a`, [makeEvent('A1'), makeEvent('A2')], { expectedRevision: 'no-stream' });
        await store.append(`${prefix}b`, [makeEvent('B1')], { expectedRevision: 'no-stream' });
        const last = await store.append(`${prefix}a`, [makeEvent('A3')], { expectedRevision: 1 });
        await untilReadable(store, last.checkpoint);

        const all = await store.readAll({ fromCheckpoint: start ?? undefined, filter: { streamPrefixes: [prefix] } });
        expect(all.map((e) => e.type)).toEqual(['A1', 'A2', 'B1', 'A3']);
        expectStrictlyIncreasing(store, all);

        const afterSecond = await store.readAll({
          fromCheckpoint: all[1]!.checkpoint,
          filter: { streamPrefixes: [prefix] },
        });
        expect(afterSecond.map((e) => e.type)).toEqual(['B1', 'A3']);
        const paged = await store.readAll({
          fromCheckpoint: all[0]!.checkpoint,
          maxCount: 2,
          filter: { streamPrefixes: [prefix] },
        });
        expect(paged.map((e) => e.type)).toEqual(['A2', 'B1']);
        const onlyTypes = await store.readAll({
          fromCheckpoint: start ?? undefined,
          filter: { streamPrefixes: [prefix], eventTypes: ['A2', 'A3'] },
        });
        expect(onlyTypes.map((e) => e.type)).toEqual(['A2', 'A3']);

        const head = await store.headCheckpoint();
        expect(head).not.toBeNull();
        expect(store.compareCheckpoints(head!, all[3]!.checkpoint)).toBeGreaterThanOrEqual(0);
        expect(await store.countAfter(all[1]!.checkpoint, 1000)).toBeGreaterThanOrEqual(2);
        expect(await store.countAfter(all[1]!.checkpoint, 1)).toBe(1);
        // Counted like readAll filters: only the streams (and types) asked for.
        await store.append(`other-${prefix}c`, [makeEvent('C1')], { expectedRevision: 'no-stream' });
        const other = await store.append(`other-${prefix}c`, [makeEvent('C2')], { expectedRevision: 0 });
        await untilReadable(store, other.checkpoint);
        expect(await store.countAfter(start ?? undefined, 1000, { streamPrefixes: [prefix] })).toBe(4);
        expect(await store.countAfter(all[1]!.checkpoint, 1000, { streamPrefixes: [prefix] })).toBe(2);
        expect(await store.countAfter(all[3]!.checkpoint, 1000, { streamPrefixes: [prefix] })).toBe(0);
        expect(await store.countAfter(all[3]!.checkpoint, 1000, { streamPrefixes: [`other-${prefix}`] })).toBe(2);
        expect(await store.countAfter(start ?? undefined, 3, { streamPrefixes: [prefix] })).toBe(3);
        expect(
          await store.countAfter(start ?? undefined, 1000, { streamPrefixes: [prefix], eventTypes: ['A2', 'A3'] }),
        ).toBe(2);
      });

      it('reads the whole log in order across hundreds of transactions and in large pages', async () => {
        // Hundreds of transactions cross a digit boundary of the transaction
        // ids on a fresh database (999 → 1000), which a text sort would misorder;
        // ~1 kB per event makes one page far larger than a socket buffer.
        const prefix = uniquePrefix('long');
        const start = await store.headCheckpoint();
        const padding = 'x'.repeat(1000);
        const appended: string[] = [];
        let lastCheckpoint = '';
        for (let i = 0; i < 320; i++) {
          const event = makeEvent('Long', { i, padding });
          appended.push(event.id);
          const result = await store.append(`${prefix}${i % 4}`, [event], {
            expectedRevision: i < 4 ? 'no-stream' : Math.floor(i / 4) - 1,
          });
          lastCheckpoint = result.checkpoint;
        }
        await untilReadable(store, lastCheckpoint);
        const filter = { streamPrefixes: [prefix] };
        const onePage = await store.readAll({ fromCheckpoint: start ?? undefined, maxCount: 1000, filter });
        expect(onePage.map((e) => e.id)).toEqual(appended);
        expect(onePage[319]!.data).toEqual({ i: 319, padding });
        expectStrictlyIncreasing(store, onePage);

        const paged: StoredEvent[] = [];
        let after = start ?? undefined;
        for (;;) {
          const page = await store.readAll({ fromCheckpoint: after, maxCount: 7, filter });
          if (page.length === 0) break;
          paged.push(...page);
          after = page[page.length - 1]!.checkpoint;
        }
        expect(paged.map((e) => e.id)).toEqual(appended);
        const head = await store.headCheckpoint();
        expect(store.compareCheckpoints(head!, onePage[319]!.checkpoint)).toBeGreaterThanOrEqual(0);
      }, 120_000);

      it('delivers every event exactly once and in global order to a subscriber while 8 writers append concurrently and one transaction stays open', async () => {
        const prefix = uniquePrefix('order');
        const writers = 8;
        const appendsPerWriter = 8;
        const start = await store.headCheckpoint();
        const expected = new Set<string>();
        const total = writers * appendsPerWriter + (fixture.beginHeldAppend ? 1 : 0);
        const subscription = store.subscribeToAll({
          fromCheckpoint: start ?? undefined,
          filter: { streamPrefixes: [prefix] },
        });
        const received = collect(subscription, total, 60_000);

        // The held transaction takes its position first, then stays open while later writers commit.
        let held: { commit(): Promise<AppendResult> } | undefined;
        let committed = false;
        try {
          if (fixture.beginHeldAppend) {
            const event = makeEvent('HeldOpen');
            expected.add(event.id);
            held = await fixture.beginHeldAppend(`${prefix}held`, [event], 'no-stream');
          }

          const writing = Promise.all(
            Array.from({ length: writers }, async (_, w) => {
              for (let i = 0; i < appendsPerWriter; i++) {
                const event = makeEvent('Written', { w, i });
                expected.add(event.id);
                await store.append(`${prefix}w${w}`, [event], { expectedRevision: i === 0 ? 'no-stream' : i - 1 });
              }
            }),
          );

          if (held) {
            if (fixture.concurrentTransactions) {
              // Every later writer commits while the held transaction is still open;
              // then the subscriber gets time to (wrongly) pass the held position.
              await writing;
              await new Promise((resolve) => setTimeout(resolve, 4 * fixture.subscriptionLatencyMs));
              expect(received.events.map((e) => e.type)).not.toContain('Written');
            } else {
              // One transaction at a time (PGlite): the writers queue behind the held one.
              await Promise.race([writing, new Promise((resolve) => setTimeout(resolve, 500))]);
            }
            await held.commit();
            committed = true;
          }
          await writing;
          const delivered = await received.done;
          await subscription.close();

          const ids = delivered.map((e) => e.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(new Set(ids)).toEqual(expected);
          expectStrictlyIncreasing(store, delivered);
          if (held) expect(delivered[0]!.type).toBe('HeldOpen');
          const log = await store.readAll({
            fromCheckpoint: start ?? undefined,
            maxCount: 10_000,
            filter: { streamPrefixes: [prefix] },
          });
          expect(log.map((e) => e.id)).toEqual(ids);
          for (let w = 0; w < writers; w++) {
            const perStream = delivered.filter((e) => e.stream === `${prefix}w${w}`).map((e) => e.revision);
            expect(perStream).toEqual(Array.from({ length: appendsPerWriter }, (_, i) => i));
          }
        } finally {
          await subscription.close();
          if (held && !committed) await held.commit().catch(() => undefined);
          await received.done.catch(() => undefined);
        }
      }, 90_000);

      it('catches up, goes live, and resumes exactly after a saved checkpoint', async () => {
        const prefix = uniquePrefix('resume');
        const start = await store.headCheckpoint();
        await store.append(
          `${prefix}s`,
          Array.from({ length: 5 }, (_, i) => makeEvent('Early', { i })),
          {
            expectedRevision: 'no-stream',
          },
        );

        const first = store.subscribeToAll({
          fromCheckpoint: start ?? undefined,
          filter: { streamPrefixes: [prefix] },
        });
        const firstThree = await collect(first, 3, 30_000).done;
        await first.close();
        const saved = firstThree[2]!.checkpoint;

        const second = store.subscribeToAll({ fromCheckpoint: saved, filter: { streamPrefixes: [prefix] } });
        const rest = collect(second, 4, 30_000);
        await store.append(`${prefix}s`, [makeEvent('Live', { i: 5 }), makeEvent('Live', { i: 6 })], {
          expectedRevision: 4,
        });
        const delivered = await rest.done;
        await second.close();

        expect(delivered.map((e) => e.revision)).toEqual([3, 4, 5, 6]);
        expect(delivered.map((e) => e.type)).toEqual(['Early', 'Early', 'Live', 'Live']);
        expectStrictlyIncreasing(store, [...firstThree, ...delivered]);
      }, 60_000);

      it('filters a subscription by event type', async () => {
        const prefix = uniquePrefix('types');
        const start = await store.headCheckpoint();
        const subscription = store.subscribeToAll({
          fromCheckpoint: start ?? undefined,
          filter: { streamPrefixes: [prefix], eventTypes: ['Wanted'] },
        });
        const received = collect(subscription, 2, 30_000);
        await store.append(
          `${prefix}x`,
          [makeEvent('Unwanted'), makeEvent('Wanted'), makeEvent('Unwanted'), makeEvent('Wanted')],
          {
            expectedRevision: 'no-stream',
          },
        );
        const delivered = await received.done;
        await subscription.close();
        expect(delivered.map((e) => [e.type, e.revision])).toEqual([
          ['Wanted', 1],
          ['Wanted', 3],
        ]);
      }, 60_000);

      it('ends the iteration when a subscription is closed', async () => {
        const subscription = store.subscribeToAll({ fromCheckpoint: (await store.headCheckpoint()) ?? undefined });
        const iteration = (async () => {
          let n = 0;
          for await (const _ of subscription) n++;
          return n;
        })();
        await subscription.close();
        await expect(iteration).resolves.toBeGreaterThanOrEqual(0);
      });
    });
  });
}
