import { describeEventStoreContract } from '../testing/event-store.contract';
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
