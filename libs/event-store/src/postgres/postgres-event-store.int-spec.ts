import { Pool } from 'pg';
import {
  dropSchema,
  postgresServerUnavailable,
  testDatabaseUrl,
  uniqueSchemaName,
} from '../../../../test/support/databases';
import { describeEventStoreContract, type ContractFixture } from '../testing/event-store.contract';
import { EmbeddedPostgres } from './embedded-postgres';
import { PostgresEventStore } from './postgres-event-store';
import { describeSkipped } from '../../../../test/support/server-suites';

function heldAppend(store: PostgresEventStore, pool: Pool): NonNullable<ContractFixture['beginHeldAppend']> {
  return async (stream, events, expectedRevision) => {
    const client = await pool.connect();
    await client.query('BEGIN');
    let result;
    try {
      result = await store.appendUsingClient(client, stream, events, { expectedRevision });
    } catch (error) {
      await client.query('ROLLBACK');
      client.release();
      throw error;
    }
    const appended = result;
    return {
      async commit() {
        try {
          await client.query('COMMIT');
        } finally {
          client.release();
        }
        return appended;
      },
    };
  };
}

/** Positions start at 1: no event is ever at "0:0". */
const POSTGRES_CONTRACT_OPTIONS = { checkpointWithoutEvent: '0:0' };

describeEventStoreContract(
  'PostgreSQL on embedded PGlite',
  async () => {
    const embedded = await EmbeddedPostgres.start();
    const pool = new Pool({ ...embedded.connectionConfig(), max: 10 });
    const store = await PostgresEventStore.create({ pool, kind: 'pglite', pollIntervalMs: 100 });
    return {
      store,
      beginHeldAppend: heldAppend(store, pool),
      concurrentTransactions: false,
      subscriptionLatencyMs: 100,
      async dispose() {
        await store.close();
        await pool.end();
        await embedded.stop();
      },
    };
  },
  POSTGRES_CONTRACT_OPTIONS,
);

const serverUnavailable = postgresServerUnavailable();
if (serverUnavailable) {
  describeSkipped('event-store contract: PostgreSQL server', serverUnavailable);
} else {
  describeEventStoreContract(
    'PostgreSQL server',
    async () => {
      const connectionString = testDatabaseUrl();
      const schema = uniqueSchemaName('es');
      const pool = new Pool({ connectionString, max: 20 });
      const store = await PostgresEventStore.create({
        pool,
        schema,
        listenConnection: { connectionString },
        pollIntervalMs: 100,
      });
      return {
        store,
        beginHeldAppend: heldAppend(store, pool),
        concurrentTransactions: true,
        subscriptionLatencyMs: 100,
        async dispose() {
          await store.close();
          await pool.end();
          await dropSchema({ connectionString }, schema);
        },
      };
    },
    POSTGRES_CONTRACT_OPTIONS,
  );
}
