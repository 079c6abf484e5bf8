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
  {
    version: 2,
    name: 'es_append: an append in one round trip',
    // The same steps as an append in a client-side transaction (idempotency
    // check, expected-revision check, insert, notify), run by the server in
    // the statement's own transaction. A concurrent writer still loses on the
    // unique constraints (23505), which the adapter answers.
    sql: (s) => `
      CREATE FUNCTION ${s}.es_append(
        p_stream text, p_mode text, p_expected bigint,
        p_ids uuid[], p_types text[], p_data jsonb[], p_metadata jsonb[], p_notify boolean)
      RETURNS TABLE (o_outcome text, o_event_id uuid, o_stream text, o_revision bigint, o_tx text, o_position bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_current bigint;
      BEGIN
        IF EXISTS (SELECT 1 FROM ${s}.es_events e WHERE e.event_id = ANY (p_ids)) THEN
          RETURN QUERY
            SELECT 'existing'::text, e.event_id, e.stream_id, e.revision, e.tx_id::text, e.position
            FROM ${s}.es_events e WHERE e.event_id = ANY (p_ids) ORDER BY e.revision;
          RETURN;
        END IF;
        SELECT e.revision INTO v_current FROM ${s}.es_events e
          WHERE e.stream_id = p_stream ORDER BY e.revision DESC LIMIT 1;
        IF (p_mode = 'no-stream' AND v_current IS NOT NULL)
           OR (p_mode = 'exact' AND v_current IS DISTINCT FROM p_expected) THEN
          RETURN QUERY SELECT 'conflict'::text, NULL::uuid, p_stream, v_current, NULL::text, NULL::bigint;
          RETURN;
        END IF;
        RETURN QUERY
          INSERT INTO ${s}.es_events AS e (event_id, stream_id, revision, type, data, metadata)
          SELECT x.id, p_stream, coalesce(v_current, -1) + x.ord, x.type, x.data, x.metadata
          FROM unnest(p_ids, p_types, p_data, p_metadata) WITH ORDINALITY AS x(id, type, data, metadata, ord)
          RETURNING 'appended'::text, e.event_id, e.stream_id, e.revision, e.tx_id::text, e.position;
        IF p_notify THEN
          PERFORM pg_notify('crm_event_store', p_stream);
        END IF;
      END
      $fn$;
    `,
  },
  {
    version: 3,
    name: 'es_append plans each call for its own arguments',
    // PL/pgSQL caches a generic plan per connection. One made while the table
    // was small scans it sequentially for the rest of the connection's life,
    // so appends grew slower with every event stored. Planning each call for
    // its arguments keeps the idempotency check and the revision lookup on
    // their indexes.
    sql: (s) => `
      ALTER FUNCTION ${s}.es_append(text, text, bigint, uuid[], text[], jsonb[], jsonb[], boolean)
        SET plan_cache_mode = force_custom_plan;
    `,
  },
  {
    version: 4,
    name: 'occurred_at: each event business time, read by readStream occurredUpTo',
    // The business time of businessTimeOf() (business-time.ts): metadata's
    // occurredAt when it is exactly toISOString's text of an instant, else
    // NULL. The function is immutable for such text (an explicit Z, ISO
    // order: neither TimeZone nor DateStyle changes the result), so it can
    // fill a stored generated column: every insert, import and edit of
    // metadata keeps the column true. Adding it rewrites the table once.
    sql: (s) => `
      CREATE FUNCTION ${s}.es_business_time(p_metadata jsonb) RETURNS timestamptz
      LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
      DECLARE
        v_text text;
        v_time timestamptz;
      BEGIN
        IF jsonb_typeof(p_metadata -> 'occurredAt') IS DISTINCT FROM 'string' THEN
          RETURN NULL;
        END IF;
        v_text := p_metadata ->> 'occurredAt';
        IF v_text !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$' OR left(v_text, 4) = '0000' THEN
          RETURN NULL;
        END IF;
        v_time := v_text::timestamptz;
        -- Out-of-range fields PostgreSQL would carry over (24:00, 60 seconds) do not read back as the same text.
        IF to_char(v_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') <> v_text THEN
          RETURN NULL;
        END IF;
        RETURN v_time;
      EXCEPTION WHEN others THEN
        -- An impossible date (February 30th): no business time.
        RETURN NULL;
      END
      $fn$;
      ALTER TABLE ${s}.es_events
        ADD COLUMN occurred_at timestamptz GENERATED ALWAYS AS (${s}.es_business_time(metadata)) STORED;
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
