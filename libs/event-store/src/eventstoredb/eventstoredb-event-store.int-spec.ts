import { randomUUID } from 'node:crypto';
import { describeEventStoreContract, makeEvent } from '../testing/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { testEventStoreServer } from '../../../../test/support/eventstore-server';

/**
 * The contract suite through the adapter and the real @eventstore/db-client
 * over gRPC, against the server at EVENTSTORE_URL when set, otherwise
 * against the EventStoreDB protocol test double (whose log starts just
 * below 2^53, so checkpoints cross the range of exact JavaScript numbers).
 */
describeEventStoreContract(
  'EventStoreDB',
  async () => {
    const store = EventStoreDbEventStore.fromConnectionString(testEventStoreServer().url);
    await store.ping();
    return {
      store,
      // EventStoreDB has no transaction a test could hold open.
      concurrentTransactions: true,
      subscriptionLatencyMs: 200,
      async dispose() {
        await store.close();
      },
    };
  },
  // The log starts with the server's epoch record, which is no event.
  { checkpointWithoutEvent: '0:0' },
);

describe("EventStoreDB adapter on the run's server", () => {
  it('closes promptly after reads that stopped at the last event they needed', async () => {
    const store = EventStoreDbEventStore.fromConnectionString(testEventStoreServer().url);
    const stream = `closing-${randomUUID()}`;
    const events = Array.from({ length: 40 }, (_, i) => makeEvent('Counted', { i }));
    const appended = await store.append(stream, events, { expectedRevision: 'no-stream' });
    const later = new Date(Date.now() + 3_600_000);
    for (let i = 0; i < 10; i++) {
      expect(await store.readStream(stream, { fromRevision: 2, maxCount: 3 })).toHaveLength(3);
      expect(await store.readStream(stream, { direction: 'backwards', maxCount: 2 })).toHaveLength(2);
      expect(await store.readStream(stream, { occurredUpTo: later, maxCount: 2 })).toHaveLength(2);
      expect(await store.countStream(stream, { toCheckpoint: appended.checkpoint })).toBe(40);
      expect(await store.readEventAt(appended.checkpoint)).not.toBeNull();
      // Past the end: empty, after a look at the first event to tell an empty answer from a missing stream.
      expect(await store.readStream(stream, { fromRevision: 100 })).toEqual([]);
    }
    // With no call left open, closing returns (else the test times out).
    await store.close();
  }, 15_000);
});
