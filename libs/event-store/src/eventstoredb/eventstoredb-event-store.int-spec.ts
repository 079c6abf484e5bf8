import { describeEventStoreContract } from '../testing/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { startTestEventStoreServer } from '../../../../test/support/eventstore-server';

/**
 * The contract suite through the adapter and the real @eventstore/db-client
 * over gRPC: against the server at EVENTSTORE_URL when set, otherwise
 * against the in-process EventStoreDB protocol test double, whose log then
 * starts just below 2^53 so that checkpoints cross the range of exact
 * JavaScript numbers during the suite.
 */
describeEventStoreContract(
  'EventStoreDB',
  async () => {
    const server = await startTestEventStoreServer({ firstPosition: 2n ** 53n - 4096n });
    const store = EventStoreDbEventStore.fromConnectionString(server.url);
    await store.ping();
    return {
      store,
      // EventStoreDB has no transaction a test could hold open.
      concurrentTransactions: true,
      subscriptionLatencyMs: 200,
      async dispose() {
        await store.close();
        await server.close();
      },
    };
  },
  // The log starts with the server's epoch record, which is no event.
  { checkpointWithoutEvent: '0:0' },
);
