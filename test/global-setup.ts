import { Client } from 'pg';
import { startEventStoreForRun } from './support/eventstore-server';
import { testDatabaseUrl } from './support/databases';

/**
 * Runs once before all suites: finds out which real servers this run has.
 * - PostgreSQL server: required under CI=true; elsewhere its suites are
 *   skipped with a printed reason when it is unreachable.
 * - EventStoreDB: the EventStoreDB suites run against the server at
 *   EVENTSTORE_URL when it is set, otherwise against the test double of the
 *   EventStoreDB gRPC protocol, started here; never skipped.
 */
export default async function globalSetup(): Promise<void> {
  const url = testDatabaseUrl();
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    const reason = `PostgreSQL server at ${redact(url)} unreachable: ${(error as Error).message}`;
    if (process.env.CI === 'true') throw new Error(`${reason} (CI=true requires it)`, { cause: error });
    process.env.CRM_TEST_POSTGRES_UNAVAILABLE = reason;
    process.stdout.write(`\nskipped: PostgreSQL server suites (${reason})\n`);
  } finally {
    await client.end().catch(() => undefined);
  }

  process.stdout.write(`\nEventStoreDB suites run against ${await startEventStoreForRun()}\n`);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
