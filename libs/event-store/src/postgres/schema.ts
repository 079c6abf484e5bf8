import type { Pool } from 'pg';

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new TypeError(`invalid SQL identifier: ${name}`);
  return `"${name}"`;
}

/**
 * Ordered migrations of the event store's schema. Each runs once, in its own
 * transaction, recorded in es_schema_migrations. Never edit a migration that
 * has shipped: add the next one.
 */
const MIGRATIONS: ReadonlyArray<{ version: number; name: string; sql: (schema: string) => string }> = [
  {
    version: 1,
    name: 'events table with transaction-id horizon',
    sql: (s) => `
      CREATE TABLE ${s}.es_events (
        position     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tx_id        xid8        NOT NULL DEFAULT pg_current_xact_id(),
        event_id     uuid        NOT NULL,
        stream_id    text        NOT NULL,
        revision     bigint      NOT NULL CHECK (revision >= 0),
        type         text        NOT NULL,
        data         jsonb       NOT NULL,
        metadata     jsonb       NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', statement_timestamp()),
        CONSTRAINT es_events_event_id_key UNIQUE (event_id),
        CONSTRAINT es_events_stream_revision_key UNIQUE (stream_id, revision)
      );
      CREATE INDEX es_events_global_order ON ${s}.es_events (tx_id, position);
    `,
  },
];

/** Brings the schema up to date. Safe to call from several processes at once. */
export async function migrateEventStoreSchema(pool: Pool, schema: string): Promise<void> {
  const s = quoteIdent(schema);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('crm-event-store-migrations:' || $1))`, [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${s}.es_schema_migrations (
         version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${s}.es_schema_migrations`);
    const applied = new Set(rows.map((r) => r.version));
    for (const migration of MIGRATIONS) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql(s));
      await client.query(`INSERT INTO ${s}.es_schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
