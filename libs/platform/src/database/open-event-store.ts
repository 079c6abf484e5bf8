import { EventStoreDbEventStore, PostgresEventStore, type EventStore } from '@crm/event-store';
import { Pool } from 'pg';
import type { CrmConfig } from '../config/crm-config';
import type { Database } from './database';

/** The event store the configuration asks for: EventStoreDB when EVENTSTORE_URL is set, else PostgreSQL. */
export async function openEventStore(config: CrmConfig, database: Database): Promise<EventStore> {
  if (config.eventStoreUrl) return EventStoreDbEventStore.fromConnectionString(config.eventStoreUrl);
  const connection = database.poolConfig();
  const pool = new Pool({ ...connection, max: 10 });
  return PostgresEventStore.create({
    pool,
    ownsPool: true,
    kind: database.kind,
    // Notifications cross processes on a server; the embedded database wakes subscribers in-process.
    listenConnection: database.kind === 'postgres' ? connection : undefined,
    pollIntervalMs: config.pollIntervalMs,
  });
}
