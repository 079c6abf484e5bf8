import { randomUUID } from 'node:crypto';
import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { expectEventually } from '../../../../test/support/eventually';
import { testEventStoreServer } from '../../../../test/support/eventstore-server';

/**
 * The EventStoreDB semantics the adapter relies on, checked through the
 * client alone: against the server at EVENTSTORE_URL when set (where they
 * are the server's own), otherwise against the protocol test double (where
 * they check that the double keeps them). Every test writes to streams of
 * its own.
 */

const event = (type = 'Happened', data: Record<string, unknown> = {}) =>
  jsonEvent({ id: randomUUID(), type, data, metadata: { by: 'semantics-spec' } });

const uniqueStream = (label: string) => `semantics-${label}-${randomUUID().slice(0, 8)}`;

async function readStream(
  client: EventStoreDBClient,
  stream: string,
  options: Parameters<EventStoreDBClient['readStream']>[1] = {},
): Promise<ResolvedEvent[]> {
  const events: ResolvedEvent[] = [];
  for await (const resolved of client.readStream(stream, options)) events.push(resolved);
  return events;
}

async function readAll(
  client: EventStoreDBClient,
  options: Parameters<EventStoreDBClient['readAll']>[0],
): Promise<AllStreamResolvedEvent[]> {
  const events: AllStreamResolvedEvent[] = [];
  for await (const resolved of client.readAll(options)) events.push(resolved);
  return events;
}

async function wrongExpectedVersion(promise: Promise<unknown>): Promise<WrongExpectedVersionError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a wrong expected version, the call succeeded');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  return error as WrongExpectedVersionError;
}

const positionOf = (resolved: { event?: { position?: Position } }): Position => resolved.event!.position!;

describe('EventStoreDB semantics the adapter relies on', () => {
  let client: EventStoreDBClient;

  beforeAll(() => {
    client = EventStoreDBClient.connectionString(testEventStoreServer().url);
  });

  afterAll(async () => {
    await client?.dispose();
  });

  describe('expected revision', () => {
    it('appends with no_stream, an exact revision, stream_exists and any, and refuses each mismatch with the current revision', async () => {
      const stream = uniqueStream('expected');
      const created = await client.appendToStream(stream, [event(), event()], { expectedRevision: NO_STREAM });
      expect(created.nextExpectedRevision).toBe(1n);

      const noStream = await wrongExpectedVersion(
        client.appendToStream(stream, event(), { expectedRevision: NO_STREAM }),
      );
      expect(noStream.actualVersion).toBe(1n);
      const stale = await wrongExpectedVersion(client.appendToStream(stream, event(), { expectedRevision: 0n }));
      expect(stale.actualVersion).toBe(1n);
      expect(stale.expectedVersion).toBe(0n);
      const ahead = await wrongExpectedVersion(client.appendToStream(stream, event(), { expectedRevision: 5n }));
      expect(ahead.actualVersion).toBe(1n);

      expect((await client.appendToStream(stream, event(), { expectedRevision: 1n })).nextExpectedRevision).toBe(2n);
      const exists = await client.appendToStream(stream, event(), { expectedRevision: STREAM_EXISTS });
      expect(exists.nextExpectedRevision).toBe(3n);
      expect((await client.appendToStream(stream, event(), { expectedRevision: ANY })).nextExpectedRevision).toBe(4n);

      const missing = uniqueStream('expected-missing');
      const absent = await wrongExpectedVersion(client.appendToStream(missing, event(), { expectedRevision: 0n }));
      expect(absent.actualVersion).toBe(NO_STREAM);
      const notThere = await wrongExpectedVersion(
        client.appendToStream(missing, event(), { expectedRevision: STREAM_EXISTS }),
      );
      expect(notThere.actualVersion).toBe(NO_STREAM);
    });

    it('answers each append with the revision and the log position of its last event', async () => {
      const stream = uniqueStream('answer');
      const result = await client.appendToStream(stream, [event('First'), event('Second')], {
        expectedRevision: NO_STREAM,
      });
      const [first, second] = await readStream(client, stream);
      expect(result.nextExpectedRevision).toBe(1n);
      expect(result.position).toEqual(positionOf(second!));
      // One append is one implicit transaction: each event's commit and prepare positions are its own.
      for (const resolved of [first!, second!]) expect(positionOf(resolved).commit).toBe(positionOf(resolved).prepare);
      expect(positionOf(first!).commit).toBeLessThan(positionOf(second!).commit);
      expect(Math.abs(second!.event!.created.getTime() - Date.now())).toBeLessThan(60_000);
    });
  });

  describe('idempotency by event id', () => {
    it('answers a retry of the same events after the expected revision as the first append and stores nothing', async () => {
      const stream = uniqueStream('retry');
      const events = [event(), event()];
      const first = await client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
      const retry = await client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
      expect(retry).toEqual(first);
      await client.appendToStream(stream, event(), { expectedRevision: 1n });
      // Still the first answer once the stream has moved on.
      expect(await client.appendToStream(stream, events, { expectedRevision: NO_STREAM })).toEqual(first);
      expect(await readStream(client, stream)).toHaveLength(3);
    });

    it('refuses a retry of which only some events are stored as a wrong expected version', async () => {
      const stream = uniqueStream('partial');
      const stored = event();
      await client.appendToStream(stream, stored, { expectedRevision: NO_STREAM });
      await wrongExpectedVersion(client.appendToStream(stream, [stored, event()], { expectedRevision: NO_STREAM }));
      expect(await readStream(client, stream)).toHaveLength(1);
    });

    it('stores the same ids again when they are sent at the current revision', async () => {
      const stream = uniqueStream('again');
      const events = [event()];
      await client.appendToStream(stream, events, { expectedRevision: NO_STREAM });
      await client.appendToStream(stream, events, { expectedRevision: 0n });
      expect((await readStream(client, stream)).map((resolved) => resolved.event!.revision)).toEqual([0n, 1n]);
    });
  });

  describe('reading a stream', () => {
    it('reads forwards and backwards from a revision, and past the end as empty', async () => {
      const stream = uniqueStream('read');
      await client.appendToStream(
        stream,
        Array.from({ length: 5 }, (_, i) => event('Counted', { i })),
        { expectedRevision: NO_STREAM },
      );
      const revisions = async (options: Parameters<EventStoreDBClient['readStream']>[1]) =>
        (await readStream(client, stream, options)).map((resolved) => resolved.event!.revision);
      expect(await revisions({ fromRevision: 2n, maxCount: 2 })).toEqual([2n, 3n]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: END, maxCount: 2 })).toEqual([4n, 3n]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: 1n })).toEqual([1n, 0n]);
      expect(await revisions({ fromRevision: 9n })).toEqual([]);
    });

    it('says a stream without events is not found', async () => {
      await expect(readStream(client, uniqueStream('none'))).rejects.toBeInstanceOf(StreamNotFoundError);
    });
  });

  describe('deleted streams', () => {
    it('reads a soft-deleted stream as not found and brings it back, after its old revisions, on the next append', async () => {
      const stream = uniqueStream('soft');
      await client.appendToStream(stream, [event(), event()], { expectedRevision: NO_STREAM });
      await client.deleteStream(stream, { expectedRevision: 1n });
      await expect(readStream(client, stream)).rejects.toBeInstanceOf(StreamNotFoundError);
      await expect(client.appendToStream(stream, event(), { expectedRevision: STREAM_EXISTS })).rejects.toBeInstanceOf(
        StreamDeletedError,
      );

      const back = await client.appendToStream(stream, event('Back'), { expectedRevision: NO_STREAM });
      expect(back.nextExpectedRevision).toBe(2n);
      const events = await readStream(client, stream);
      expect(events.map((resolved) => [resolved.event!.type, resolved.event!.revision])).toEqual([['Back', 2n]]);
    });

    it('refuses reads and appends of a tombstoned stream as deleted, for good', async () => {
      const stream = uniqueStream('tombstone');
      await client.appendToStream(stream, event(), { expectedRevision: NO_STREAM });
      await client.tombstoneStream(stream, { expectedRevision: ANY });
      await expect(readStream(client, stream)).rejects.toBeInstanceOf(StreamDeletedError);
      for (const expectedRevision of [ANY, NO_STREAM, 0n] as AppendExpectedRevision[]) {
        await expect(client.appendToStream(stream, event(), { expectedRevision })).rejects.toBeInstanceOf(
          StreamDeletedError,
        );
      }
    });

    it('refuses a delete at a wrong expected revision', async () => {
      const stream = uniqueStream('delete-conflict');
      await client.appendToStream(stream, event(), { expectedRevision: NO_STREAM });
      await wrongExpectedVersion(client.deleteStream(stream, { expectedRevision: 3n }));
      expect(await readStream(client, stream)).toHaveLength(1);
    });
  });

  describe('$all', () => {
    it('reads forwards from a position including the event there, backwards from it without', async () => {
      const stream = uniqueStream('all');
      await client.appendToStream(stream, [event('A'), event('B'), event('C')], { expectedRevision: NO_STREAM });
      const [a, b, c] = (await readStream(client, stream)).map(positionOf);

      const forwards = await readAll(client, { fromPosition: b!, direction: FORWARDS, maxCount: 2 });
      expect(forwards.map(positionOf)).toEqual([b, c]);
      const backwards = await readAll(client, { fromPosition: b!, direction: BACKWARDS, maxCount: 1 });
      expect(backwards.map(positionOf)).toEqual([a]);
      const newest = await readAll(client, { fromPosition: END, direction: BACKWARDS, maxCount: 1 });
      expect(positionOf(newest[0]!).commit).toBeGreaterThanOrEqual(c!.commit);
      const fromStart = await readAll(client, { fromPosition: START, direction: FORWARDS, maxCount: 1 });
      expect(positionOf(fromStart[0]!).commit).toBeGreaterThan(0n);
    });
  });

  describe('catch-up subscriptions to $all', () => {
    /** Collects a subscription's events and checkpoints until `done` holds. */
    function follow(subscription: AllStreamSubscription) {
      const events: AllStreamResolvedEvent[] = [];
      subscription.on('data', (resolved: AllStreamResolvedEvent) => events.push(resolved));
      return events;
    }

    it('starts strictly after a position, filters by stream prefix server-side and sends checkpoints', async () => {
      const prefix = `${uniqueStream('subscribe')}-`;
      await client.appendToStream(`${prefix}a`, [event('A1'), event('A2')], { expectedRevision: NO_STREAM });
      await client.appendToStream(`other-${prefix}x`, event('X1'), { expectedRevision: NO_STREAM });
      await client.appendToStream(`${prefix}b`, event('B1'), { expectedRevision: NO_STREAM });
      const [a1] = (await readStream(client, `${prefix}a`)).map(positionOf);

      const checkpoints: Position[] = [];
      const subscription = client.subscribeToAll({
        fromPosition: a1!,
        filter: streamNameFilter({
          prefixes: [prefix],
          checkpointReached: (_, position) => void checkpoints.push(position),
        }),
      });
      try {
        const events = follow(subscription);
        await expectEventually(() => expect(events.map((resolved) => resolved.event!.type)).toEqual(['A2', 'B1']));
        // Going live, a filtered subscription sends a checkpoint at or after what it has sent.
        await expectEventually(() => expect(checkpoints.length).toBeGreaterThan(0));
        const lastEvent = positionOf(events[1]!);
        expect(checkpoints[checkpoints.length - 1]!.commit).toBeGreaterThanOrEqual(lastEvent.commit);

        await client.appendToStream(`${prefix}a`, event('A3'), { expectedRevision: 1n });
        await expectEventually(() =>
          expect(events.map((resolved) => resolved.event!.type)).toEqual(['A2', 'B1', 'A3']),
        );
      } finally {
        await subscription.unsubscribe();
      }
    });

    it('filters by event type with a regular expression and goes live from the end', async () => {
      const stream = uniqueStream('types');
      const wanted = `Wanted${randomUUID().slice(0, 8)}`;
      await client.appendToStream(stream, event(wanted), { expectedRevision: NO_STREAM });
      const subscription = client.subscribeToAll({
        fromPosition: END,
        filter: eventTypeFilter({ regex: `^${wanted}$` }),
      });
      try {
        const events = follow(subscription);
        await new Promise<void>((resolve) => subscription.once('confirmation', resolve));
        await client.appendToStream(stream, [event('Unwanted'), event(wanted)], { expectedRevision: 0n });
        await expectEventually(() => expect(events.map((resolved) => resolved.event!.revision)).toEqual([2n]));
      } finally {
        await subscription.unsubscribe();
      }
    });
  });
});
