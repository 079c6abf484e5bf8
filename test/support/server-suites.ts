import { EmbeddedPostgres } from '@crm/event-store';
import type { PoolConfig } from 'pg';
import { createScratchDatabase, postgresServerUnavailable } from './databases';

/**
 * Declares a suite that a missing server makes impossible to run here: it
 * shows in the results as one skipped test whose name gives the reason (the
 * global setup prints the same reason). Under CI=true the global setup fails
 * instead, so these suites never go missing silently there.
 */
export function describeSkipped(title: string, reason: string): void {
  describe(title, () => {
    it.skip(`skipped: ${reason}`, () => undefined);
  });
}

/** A suite that needs the PostgreSQL server of the tests. */
export function describeOnPostgresServer(title: string, body: () => void): void {
  const unavailable = postgresServerUnavailable();
  if (unavailable) describeSkipped(title, unavailable);
  else describe(title, body);
}

/** A database a suite opened for itself. */
export interface TestDatabase {
  readonly kind: 'pglite' | 'postgres';
  readonly connection: PoolConfig;
  /** Stops the embedded database, or drops the scratch database. */
  close(): Promise<void>;
}

/**
 * Declares a suite once on embedded PGlite and once on the PostgreSQL server
 * (skipped with the reason where the server is missing). `body` declares the
 * tests; each call of its `open` gives a new empty database: an embedded one,
 * or a scratch database named after `label` on the server.
 */
export function describeOnEveryDatabase(
  title: string,
  label: string,
  body: (open: () => Promise<TestDatabase>) => void,
): void {
  describe(`${title} on embedded PGlite`, () =>
    body(async () => {
      const embedded = await EmbeddedPostgres.start();
      return { kind: 'pglite', connection: embedded.connectionConfig(), close: () => embedded.stop() };
    }));
  describeOnPostgresServer(`${title} on the PostgreSQL server`, () =>
    body(async () => {
      const database = await createScratchDatabase(label);
      return { kind: 'postgres', connection: { connectionString: database.url }, close: () => database.drop() };
    }),
  );
}
