import { describeEventStoreContract } from '../testing/event-store.contract';
import { EventStoreDbEventStore } from './eventstoredb-event-store';
import { describeSkipped } from '../../../../test/support/server-suites';

/** Set by the global setup from EVENTSTORE_URL or a container it started. */
const url = process.env.CRM_TEST_EVENTSTORE_URL;

if (!url) {
  describeSkipped(
    'event-store contract: EventStoreDB',
    'EventStoreDB contract suite (no EVENTSTORE_URL, no container runtime)',
  );
} else {
  describeEventStoreContract('EventStoreDB', async () => {
    const store = EventStoreDbEventStore.fromConnectionString(url);
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
  });
}
