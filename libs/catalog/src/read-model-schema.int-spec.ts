import { READ_MODEL_MIGRATIONS_TABLE, typeOrmConnectionOptions } from '@crm/platform/database/read-model-data-source';
import type { PoolConfig } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { describeOnEveryDatabase } from '../../../test/support/server-suites';
import { readModels } from './read-models';

/** The product's data source, without running anything at start: the tests migrate it. */
function dataSourceOf(connection: PoolConfig): DataSource {
  return new DataSource({
    ...typeOrmConnectionOptions(connection),
    entities: [...readModels.entities],
    migrations: [...readModels.migrations],
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    migrationsRun: false,
    synchronize: false,
    extra: { max: 2 },
  });
}

/** An index as PostgreSQL has it: columns in key order, its predicate as PostgreSQL prints it. */
interface IndexShape {
  readonly table: string;
  readonly name: string;
  readonly unique: boolean;
  readonly columns: readonly string[];
  readonly predicate: string | null;
}

/** The non-primary-key indexes of the current schema, by table then name. */
async function indexesInDatabase(manager: EntityManager, names?: readonly string[]): Promise<IndexShape[]> {
  const rows: Array<{ table: string; name: string; unique: boolean; columns: string[]; predicate: string | null }> =
    await manager.query(
      `SELECT t.relname AS "table", i.relname AS name, x.indisunique AS "unique",
              array(SELECT a.attname FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, n)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns,
              pg_get_expr(x.indpred, x.indrelid) AS predicate
         FROM pg_index x
         JOIN pg_class i ON i.oid = x.indexrelid
         JOIN pg_class t ON t.oid = x.indrelid
        WHERE t.relnamespace = current_schema()::regnamespace AND NOT x.indisprimary
          AND ($1::text[] IS NULL OR i.relname = ANY($1::text[]))
        ORDER BY 1, 2`,
      [names ?? null],
    );
  return rows.map((row) => ({ ...row, columns: [...row.columns] }));
}

/**
 * The entities' indexes in the same shape. Their predicates are created on a
 * probe index (inside a transaction that is rolled back) so that PostgreSQL
 * prints them the way it prints the migrated ones.
 */
async function indexesOfEntities(dataSource: DataSource): Promise<IndexShape[]> {
  const declared = dataSource.entityMetadatas.flatMap((metadata) =>
    metadata.indices.map((index) => ({
      table: metadata.tableName,
      name: index.name,
      unique: index.isUnique,
      columns: index.columns.map((column) => column.databaseName),
      where: index.where ?? null,
    })),
  );
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    const shapes: IndexShape[] = [];
    for (const [n, index] of declared.entries()) {
      const probe = `probe_index_${n}`;
      await runner.query(
        `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX "${probe}" ON "${index.table}" (${index.columns
          .map((column) => `"${column}"`)
          .join(', ')})${index.where ? ` WHERE ${index.where}` : ''}`,
      );
      const [shape] = await indexesInDatabase(runner.manager, [probe]);
      shapes.push({ ...shape!, name: index.name });
    }
    return shapes.sort((a, b) => a.table.localeCompare(b.table) || a.name.localeCompare(b.name));
  } finally {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    await runner.release();
  }
}

describeOnEveryDatabase('read-model entities against the migrated schema', 'entities', (open) => {
  let dataSource: DataSource;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const opened = await open();
    close = opened.close;
    dataSource = dataSourceOf(opened.connection);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
  }, 60_000);

  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await close?.();
  });

  it('has an entity for every table the migrations create', async () => {
    const tables: Array<{ name: string }> = await dataSource.query(
      `SELECT tablename AS name FROM pg_tables
          WHERE schemaname = current_schema() AND tablename <> '${READ_MODEL_MIGRATIONS_TABLE}' ORDER BY 1`,
    );
    const entityTables = dataSource.entityMetadatas.map((metadata) => metadata.tableName).sort();
    expect(entityTables).toEqual(tables.map((table) => table.name));
  });

  it('leaves TypeORM nothing to change: columns, types, nullability, defaults, primary keys, indexes', async () => {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('declares every primary key with the migrations’ columns, in their order', async () => {
    const keys: Array<{ table: string; columns: string[] }> = await dataSource.query(
      `SELECT t.relname AS "table",
                array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, n)
                        JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)::text[] AS columns
           FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
          WHERE c.contype = 'p' AND t.relnamespace = current_schema()::regnamespace AND t.relname <> '${READ_MODEL_MIGRATIONS_TABLE}'
          ORDER BY 1`,
    );
    const declared = dataSource.entityMetadatas
      .map((metadata) => ({
        table: metadata.tableName,
        columns: metadata.primaryColumns.map((column) => column.databaseName),
      }))
      .sort((a, b) => a.table.localeCompare(b.table));
    expect(declared).toEqual(keys.map((key) => ({ ...key, columns: [...key.columns] })));
  });

  it('declares every index with the migrations’ name, columns in order, uniqueness and predicate', async () => {
    const migrated = await indexesInDatabase(dataSource.manager);
    expect(await indexesOfEntities(dataSource)).toEqual(migrated);
  });
});
