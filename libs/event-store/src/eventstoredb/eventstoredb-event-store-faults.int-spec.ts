import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { expectEventually } from '../../../../test/support/eventually';
import { EventStoreProtocolDouble } from '../../../../test/support/eventstore-protocol-double/protocol-double';
import { StoreUnavailableError, StreamDeletedError, StreamNotFoundError } from '../errors';
import type { EventToAppend, StoredEvent, Subscription } from '../event-store.port';
import { EventStoreDbEventStore, formatEventStoreDbPosition } from './eventstoredb-event-store';

/**
 * What the adapter does when the server misbehaves, fails or is in an
 * unusual state: checked against the EventStoreDB protocol test double
 * (always, even when EVENTSTORE_URL names a real server, which cannot be
 * made to fail on demand).
 */

const makeEvent = (type = 'Happened', data: Record<string, string | number> = {}): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: { commandId: randomUUID() },
});

/** The next `count` events of a subscription (leaving it open: `for await` would close it on `break`). */
async function take(subscription: Subscription, count: number): Promise<StoredEvent[]> {
  const iterator = subscription[Symbol.asyncIterator]();
  const events: StoredEvent[] = [];
  while (events.length < count) {
    const next = await iterator.next();
    if (next.done) throw new Error(`the subscription ended after ${events.length} of ${count} events`);
    events.push(next.value);
  }
  return events;
}

describe('EventStoreDB adapter when the server fails or drops', () => {
  let double: EventStoreProtocolDouble;
  let store: EventStoreDbEventStore;

  beforeEach(async () => {
    double = await EventStoreProtocolDouble.start();
    store = EventStoreDbEventStore.fromConnectionString(double.url, {
      resubscribeInitialDelayMs: 20,
      resubscribeMaxDelayMs: 400,
    });
  });

  afterEach(async () => {
    await store.close();
    await double.stop();
  });

  describe('subscriptions', () => {
    it('resubscribes after the server drops a subscription mid-stream and delivers every event exactly once, in order', async () => {
      const appended: string[] = [];
      for (let i = 0; i < 12; i++) {
        const events = [makeEvent('Counted', { i }), makeEvent('Counted', { i }), makeEvent('Counted', { i })];
        appended.push(...events.map((event) => event.id));
        await store.append(`drop-${i % 3}`, events, {
          expectedRevision: i < 3 ? 'no-stream' : 3 * Math.floor(i / 3) - 1,
        });
        // Events of other streams in between, filtered out by the server.
        await store.append(`elsewhere-${i}`, [makeEvent('Other'), makeEvent('Other')], {
          expectedRevision: 'no-stream',
        });
      }
      // The first three connections are dropped after 7 events each, while catching up.
      for (let i = 0; i < 3; i++) double.faults.dropNextSubscription(7);

      const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['drop-'] } });
      const caughtUp = await take(subscription, 36);
      // Live: the server drops the subscription again, then more events come.
      expect(double.dropSubscriptions()).toBe(1);
      const live: string[] = [];
      for (let i = 0; i < 3; i++) {
        const event = makeEvent('Live', { i });
        live.push(event.id);
        await store.append(`drop-${i}`, [event], { expectedRevision: 11 });
      }
      const afterDrop = await take(subscription, 3);
      await subscription.close();

      const delivered = [...caughtUp, ...afterDrop];
      expect(delivered.map((event) => event.id)).toEqual([...appended, ...live]);
      // Initial subscription, three drops while catching up, one live: each resubscription
      // starts after a record the first ones had reached (an event or a checkpoint), later each time.
      const requests = double.subscriptionRequests;
      expect(requests).toHaveLength(5);
      expect(requests[0]!.from).toBe('start');
      const resumedFrom = requests.slice(1).map((request) => request.from as bigint);
      for (const from of resumedFrom) expect(double.log.findRecord(from)).not.toBeNull();
      for (let i = 1; i < resumedFrom.length; i++) expect(resumedFrom[i]! > resumedFrom[i - 1]!).toBe(true);
    }, 30_000);

    it("resumes from the server's last checkpoint, not from the last event it delivered", async () => {
      await store.append('rare-1', [makeEvent('Rare')], { expectedRevision: 'no-stream' });
      for (let i = 0; i < 100; i++) {
        await store.append(`common-${i}`, [makeEvent('Common')], { expectedRevision: 'no-stream' });
      }
      const subscription = store.subscribeToAll({ filter: { eventTypes: ['Rare'] } });
      const [rare] = await take(subscription, 1);
      // The server checkpoints every 32 events considered and on going live: at the last Common event.
      const lastCommon = double.log.all[double.log.all.length - 1]!;
      // Dropped before the going-live checkpoint arrived, it resumes after the Rare event; once the
      // checkpoint has arrived, after the last Common one, never scanning those again.
      await expectEventually(
        () => {
          if (double.openSubscriptions === 1) double.dropSubscriptions();
          expect(double.subscriptionRequests[double.subscriptionRequests.length - 1]!.from).toBe(lastCommon.position);
        },
        { intervalMs: 50 },
      );
      expect(rare!.checkpoint).not.toBe(`${lastCommon.position}:${lastCommon.position}`);
      await store.append('rare-2', [makeEvent('Rare')], { expectedRevision: 'no-stream' });
      const [next] = await take(subscription, 1);
      await subscription.close();
      expect(next!.stream).toBe('rare-2');
    }, 30_000);

    it('backs off with doubling delays while the server keeps refusing, then delivers', async () => {
      await store.append('backoff-1', [makeEvent()], { expectedRevision: 'no-stream' });
      double.faults.failNext('subscribe', 'unavailable', 4);
      const subscription = store.subscribeToAll({ filter: { streamPrefixes: ['backoff-'] } });
      const [event] = await take(subscription, 1);
      await subscription.close();
      expect(event!.stream).toBe('backoff-1');
      const times = double.subscriptionRequests.map((request) => request.at);
      expect(times).toHaveLength(5);
      const gaps = times.slice(1).map((at, i) => at - times[i]!);
      // 20, 40, 80, 160 ms at least (timers never fire early; a busy machine only adds).
      gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2));
    }, 30_000);

    it('ends the iteration with the error when the server refuses the position it resumes from', async () => {
      const appended = await store.append('refused-1', [makeEvent()], { expectedRevision: 'no-stream' });
      const [commit] = appended.checkpoint.split(':');
      // A position inside the record: the server cannot read from there, and retrying cannot help.
      const inside = `${BigInt(commit!) + 3n}:${BigInt(commit!) + 3n}`;
      const subscription = store.subscribeToAll({ fromCheckpoint: inside });
      await expect(take(subscription, 1)).rejects.toThrow(/invalid position/i);
      expect(double.subscriptionRequests).toHaveLength(1);
    });
  });

  describe('positions that hold no event', () => {
    it('answers null for the event at a position inside a record, where the server refuses to read', async () => {
      const appended = await store.append('inside-1', [makeEvent()], { expectedRevision: 'no-stream' });
      const commit = BigInt(appended.checkpoint.split(':')[0]!);
      expect(await store.readEventAt(`${commit + 5n}:${commit + 5n}`)).toBeNull();
      expect(await store.readEventAt(`${commit + 10n ** 9n}:${commit + 10n ** 9n}`)).toBeNull();
      expect(await store.readEventAt(appended.checkpoint)).toMatchObject({ stream: 'inside-1', revision: 0 });
    });
  });

  describe('an unavailable server', () => {
    it('surfaces not-leader on an append as a retryable StoreUnavailableError, and the next append reaches the leader', async () => {
      await store.append('leader-1', [makeEvent()], { expectedRevision: 'no-stream' });
      double.faults.failNext('append', 'not-leader');
      const error = await store.append('leader-1', [makeEvent()], { expectedRevision: 0 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', retryable: true, reason: 'not-leader' });
      expect((await store.append('leader-1', [makeEvent()], { expectedRevision: 0 })).nextExpectedRevision).toBe(1);
      expect(await store.countStream('leader-1')).toBe(2);
    });

    it('surfaces an unavailable or timing-out server on reads and appends as StoreUnavailableError', async () => {
      await store.append('down-1', [makeEvent()], { expectedRevision: 'no-stream' });
      double.faults.failNext('read-stream', 'unavailable');
      await expect(store.readStream('down-1')).rejects.toBeInstanceOf(StoreUnavailableError);
      double.faults.failNext('read-all', 'unavailable');
      await expect(store.readAll()).rejects.toBeInstanceOf(StoreUnavailableError);
      double.faults.failNext('append', 'timeout');
      await expect(store.append('down-1', [makeEvent()], { expectedRevision: 0 })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      expect(await store.countStream('down-1')).toBe(1);
    });

    it('answers with the stored events when an append was written but its answer was lost', async () => {
      double.faults.failNext('append', 'lost-answer');
      const events = [makeEvent(), makeEvent()];
      const result = await store.append('lost-1', events, { expectedRevision: 'no-stream' });
      expect(result).toMatchObject({ nextExpectedRevision: 1, eventIds: events.map((e) => e.id) });
      expect((await store.readStream('lost-1')).map((e) => e.id)).toEqual(events.map((e) => e.id));
    });

    it('fails with StoreUnavailableError while the server is down and works again once it is back', async () => {
      await store.append('restart-1', [makeEvent()], { expectedRevision: 'no-stream' });
      await double.stop();
      await expect(store.append('restart-1', [makeEvent()], { expectedRevision: 0 })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
      await expect(store.headCheckpoint()).rejects.toBeInstanceOf(StoreUnavailableError);
      await double.restart();
      await expectEventually(async () =>
        expect((await store.append('restart-1', [makeEvent()], { expectedRevision: 0 })).nextExpectedRevision).toBe(1),
      );
    });
  });

  describe('deleted streams', () => {
    let client: EventStoreDBClient;

    beforeEach(() => {
      client = EventStoreDBClient.connectionString(double.url);
    });

    afterEach(async () => {
      await client.dispose();
    });

    it('reads a soft-deleted stream as not found, and a tombstoned one too, and refuses appends to the tombstoned one', async () => {
      await store.append('soft-1', [makeEvent(), makeEvent()], { expectedRevision: 'no-stream' });
      await client.deleteStream('soft-1');
      await expect(store.readStream('soft-1')).rejects.toBeInstanceOf(StreamNotFoundError);
      expect(await store.countStream('soft-1')).toBe(0);

      await store.append('gone-1', [makeEvent()], { expectedRevision: 'no-stream' });
      await client.tombstoneStream('gone-1');
      await expect(store.readStream('gone-1')).rejects.toBeInstanceOf(StreamNotFoundError);
      const refused = await store.append('gone-1', [makeEvent()], { expectedRevision: 'no-stream' }).catch((e) => e);
      expect(refused).toBeInstanceOf(StreamDeletedError);
      expect(refused).toMatchObject({ code: 'STREAM_DELETED', stream: 'gone-1' });

      // The deletions' own records in $all are the server's, not events of the store.
      const all = await store.readAll();
      expect(all.map((e) => e.stream).sort()).toEqual(['gone-1', 'soft-1', 'soft-1']);
    });

    it('continues a soft-deleted stream after its old revisions when it is appended to again', async () => {
      await store.append('again-1', [makeEvent(), makeEvent()], { expectedRevision: 'no-stream' });
      await client.deleteStream('again-1');
      const back = await store.append('again-1', [makeEvent('Back')], { expectedRevision: 'no-stream' });
      expect(back.nextExpectedRevision).toBe(2);
      expect((await store.readStream('again-1')).map((e) => [e.type, e.revision])).toEqual([['Back', 2]]);
    });
  });
});

describe('EventStoreDB adapter with log positions beyond 2^53', () => {
  let double: EventStoreProtocolDouble;
  let store: EventStoreDbEventStore;
  const near = 2n ** 63n - 2n ** 20n;

  beforeAll(async () => {
    double = await EventStoreProtocolDouble.start({ firstPosition: near });
    store = EventStoreDbEventStore.fromConnectionString(double.url);
  });

  afterAll(async () => {
    await store.close();
    await double.stop();
  });

  it('keeps every digit of the positions through checkpoints, reads from them and subscriptions after them', async () => {
    const events = Array.from({ length: 4 }, (_, i) => makeEvent('Big', { i }));
    const appended = await store.append('big-1', events, { expectedRevision: 'no-stream' });
    const read = await store.readStream('big-1');
    const positions = double.log.all.filter((record) => record.stream === 'big-1').map((record) => record.position);
    expect(read.map((e) => e.checkpoint)).toEqual(
      positions.map((position) => formatEventStoreDbPosition({ commit: position, prepare: position })),
    );
    expect(appended.checkpoint).toBe(read[3]!.checkpoint);
    // Neighbouring positions differ in digits a double-precision number would lose.
    expect(Number(positions[1]!) - Number(positions[0]!)).not.toBe(Number(positions[1]! - positions[0]!));
    for (let i = 1; i < read.length; i++) {
      expect(store.compareCheckpoints(read[i - 1]!.checkpoint, read[i]!.checkpoint)).toBeLessThan(0);
    }
    expect(await store.readEventAt(read[2]!.checkpoint)).toEqual(read[2]);
    expect((await store.readAll({ fromCheckpoint: read[1]!.checkpoint })).map((e) => e.revision)).toEqual([2, 3]);
    expect(await store.headCheckpoint()).toBe(read[3]!.checkpoint);
    const subscription = store.subscribeToAll({
      fromCheckpoint: read[0]!.checkpoint,
      filter: { streamPrefixes: ['big-'] },
    });
    expect((await take(subscription, 3)).map((e) => e.checkpoint)).toEqual(read.slice(1).map((e) => e.checkpoint));
    await subscription.close();
  });
});

describe('EventStoreDB adapter on a server without BatchAppend', () => {
  let double: EventStoreProtocolDouble;
  let store: EventStoreDbEventStore;

  beforeAll(async () => {
    // Servers before 21.10 offer only the unary Append, which the client then uses.
    double = await EventStoreProtocolDouble.start({ batchAppend: false });
    store = EventStoreDbEventStore.fromConnectionString(double.url);
  });

  afterAll(async () => {
    await store.close();
    await double.stop();
  });

  it('appends, refuses a stale revision with the current one and answers a retry as already stored', async () => {
    const events = [makeEvent(), makeEvent()];
    const first = await store.append('unary-1', events, { expectedRevision: 'no-stream' });
    expect(first).toMatchObject({ nextExpectedRevision: 1, alreadyStored: false });
    await expect(store.append('unary-1', [makeEvent()], { expectedRevision: 0 })).rejects.toMatchObject({
      code: 'STREAM_CONFLICT',
      actualRevision: 1,
    });
    expect(await store.append('unary-1', events, { expectedRevision: 'no-stream' })).toEqual({
      ...first,
      alreadyStored: true,
    });
    expect(await store.countStream('unary-1')).toBe(2);
    expect(double.calls.append).toBe(2);
    expect(double.calls.batchAppend).toBeUndefined();
  });
});
