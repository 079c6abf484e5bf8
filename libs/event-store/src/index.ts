export * from './event-store.port';
export * from './errors';
export * from './event-ids';
export * from './checkpoints';
export * from './polling-subscription';
export * from './postgres/postgres-event-store';
export * from './postgres/embedded-postgres';
export * from './eventstoredb/eventstoredb-event-store';
export { migrateEventStoreSchema, quoteIdent } from './postgres/schema';
