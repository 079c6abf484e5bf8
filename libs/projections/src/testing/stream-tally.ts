import { PostgresEventStore, type EventStore, type StoredEvent } from '@crm/event-store';
import { typeOrmConnectionOptions } from '@crm/platform/database/read-model-data-source';
import { Pool, type PoolConfig } from 'pg';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { ProjectionCheckpoints1732420000000 } from '../migrations/1732420000000-projection-checkpoints';
import type { RowProjection } from '../projection';
import { ProjectionCheckpointEntity } from '../projection-checkpoint.entity';

/** A row per stream of the projector's tests: how many events it folded, and which. */
@Entity({ name: 'test_stream_tally' })
export class StreamTallyEntity {
  @PrimaryColumn({ type: 'text' })
  stream!: string;

  @Column({ type: 'integer' })
  events!: number;

  /** Every revision folded since the row was (re)created, in order: a repeated or skipped event shows here. */
  @Column({ type: 'text' })
  revisions!: string;
}

export const STREAM_TALLY_TABLE =
  'CREATE TABLE test_stream_tally (stream text PRIMARY KEY, events integer NOT NULL, revisions text NOT NULL)';

/**
 * Folds the `tally-` streams: one row per stream; a `Deleted` event removes
 * it (the stream's next event creates it again); a `Failed` event makes the
 * fold throw.
 */
export const streamTally: RowProjection<StreamTallyEntity> = {
  name: 'test_stream_tally',
  entity: StreamTallyEntity,
  keyProperty: 'stream',
  streamPrefixes: ['tally-'],
  keyOf: (event) => event.stream,
  evolve: (row, event: StoredEvent) => {
    if (event.type === 'Failed') throw new Error(`fold refused ${event.stream}@${event.revision}`);
    if (event.type === 'Deleted') return null;
    return {
      stream: event.stream,
      events: (row?.events ?? 0) + 1,
      revisions: row ? `${row.revisions},${event.revision}` : String(event.revision),
    };
  },
};

export interface ProjectionTestEnvironment {
  readonly store: EventStore;
  readonly dataSource: DataSource;
  dispose(): Promise<void>;
}

export interface ProjectionTestTables {
  /** The test projections' entities, beside the checkpoint table's. */
  readonly entities: ReadonlyArray<new () => object>;
  /** The statements creating their tables. */
  readonly tables: readonly string[];
  /** Connections of the store's pool and of the data source's. */
  readonly connections: number;
  /** Wake subscribers through LISTEN on a server (the embedded database has none): polling every 50 ms otherwise. */
  readonly listen?: boolean;
}

/** An event store and a migrated checkpoint table on an empty database, with the test projections' tables. */
export async function openProjectionTestEnvironment(
  connection: PoolConfig,
  kind: 'pglite' | 'postgres',
  { entities, tables, connections, listen = false }: ProjectionTestTables,
): Promise<ProjectionTestEnvironment> {
  const store = await PostgresEventStore.create({
    pool: new Pool({ ...connection, max: connections }),
    ownsPool: true,
    kind,
    ...(listen ? { pollIntervalMs: 50, listenConnection: kind === 'postgres' ? connection : undefined } : {}),
  });
  const dataSource = new DataSource({
    ...typeOrmConnectionOptions(connection),
    entities: [ProjectionCheckpointEntity, ...entities],
    migrations: [ProjectionCheckpoints1732420000000],
    extra: { max: connections },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  for (const table of tables) await dataSource.query(table);
  return {
    store,
    dataSource,
    async dispose() {
      await store.close();
      await dataSource.destroy();
    },
  };
}
