import type { PoolConfig } from 'pg';
import { DataSource, type MixedList, type EntitySchema } from 'typeorm';
import type { Database } from './database';

export interface ReadModelSchema {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
}

const MIGRATION_LOCK = 'crm-read-model-migrations';

/** The table where TypeORM records the read-model migrations it ran. */
export const READ_MODEL_MIGRATIONS_TABLE = 'read_model_migrations';

/** TypeORM's options for the PostgreSQL database a pg pool configuration names. */
export function typeOrmConnectionOptions(config: PoolConfig) {
  return {
    type: 'postgres',
    url: config.connectionString,
    host: config.host,
    port: config.port,
    username: config.user,
    database: config.database,
  } as const;
}

/**
 * The TypeORM connection to the read models, with their migrations applied.
 * Migrations run under an advisory lock, so an API and a projector starting
 * together never run them twice.
 */
export async function openReadModelDataSource(database: Database, schema: ReadModelSchema): Promise<DataSource> {
  const config = database.poolConfig();
  const dataSource = new DataSource({
    ...typeOrmConnectionOptions(config),
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    logging: false,
    extra: { max: 10 },
  });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
    }
  } catch (error) {
    await runner.release();
    await dataSource.destroy();
    throw error;
  }
  await runner.release();
  return dataSource;
}
