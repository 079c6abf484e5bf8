import { postgresServerUnavailable } from './databases';

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
