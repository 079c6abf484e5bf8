import { Client } from 'pg';
import { detectEventStoreDb } from './support/eventstoredb';
import { testDatabaseUrl } from './support/databases';

/**
 * Runs once before all suites: finds out which real servers this run has.
 * - PostgreSQL server: required under CI=true; elsewhere its suites are
 *   skipped with a printed reason when it is unreachable.
 * - EventStoreDB: EVENTSTORE_URL, or a container when a runtime exists;
 *   otherwise its suite is skipped with one printed line.
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

  const esdb = await detectEventStoreDb();
  if (esdb.url) {
    process.env.CRM_TEST_EVENTSTORE_URL = esdb.url;
    process.stdout.write(`\nEventStoreDB contract suite runs against ${esdb.source}\n`);
  } else {
    process.stdout.write(`\nskipped: EventStoreDB contract suite (${esdb.reason})\n`);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
