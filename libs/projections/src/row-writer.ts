import {
  In,
  type EntityManager,
  type EntityMetadata,
  type EntityTarget,
  type FindOptionsWhere,
  type ObjectLiteral,
} from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { copyEncodings, copyFromStdin, copyText, type SubmittingClient } from './copy-rows';

/**
 * Column types written through JSON exactly as the driver would write them:
 * JSON numbers, strings, booleans and arrays read back as the same values,
 * a Date serialises to its instant (ISO 8601, milliseconds, UTC), and a
 * jsonb value stays the same document. `json` (which keeps the text as
 * written) and `timestamp without time zone` (written in local time by the
 * driver) are left to TypeORM.
 */
const JSON_SAFE_TYPES = new Set([
  'text',
  'varchar',
  'character varying',
  'uuid',
  'integer',
  'int',
  'int4',
  'smallint',
  'int2',
  'bigint',
  'int8',
  'double precision',
  'float8',
  'real',
  'float4',
  'boolean',
  'bool',
  'timestamptz',
  'timestamp with time zone',
  'date',
  'jsonb',
]);

interface FastPlan {
  /** Inserts the rows, replacing those whose key is taken. */
  readonly sql: string;
  /** Inserts the rows, none of whose keys may be taken. */
  readonly insertSql: string;
  /** The same through COPY FROM STDIN, when every column type has a COPY text form here. */
  readonly copy: { readonly sql: string; readonly encodings: NonNullable<ReturnType<typeof copyEncodings>> } | null;
  readonly columns: readonly ColumnMetadata[];
  /** Columns whose values must be strings to go through JSON as the driver would write them (`date`). */
  readonly stringOnly: ReadonlySet<ColumnMetadata>;
}

const plans = new WeakMap<EntityMetadata, FastPlan | null>();

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The one-statement upsert of an entity, or null when a column needs TypeORM's own handling. */
function planFor(metadata: EntityMetadata, conflictColumn: ColumnMetadata): FastPlan | null {
  if (plans.has(metadata)) return plans.get(metadata)!;
  const columns = metadata.columns;
  const simple =
    metadata.embeddeds.length === 0 &&
    metadata.relations.length === 0 &&
    metadata.tableType === 'regular' &&
    columns.every(
      (c) =>
        typeof c.type === 'string' &&
        JSON_SAFE_TYPES.has(c.type) &&
        !c.embeddedMetadata &&
        !c.relationMetadata &&
        !c.isGenerated &&
        !c.isVirtual &&
        !c.isVirtualProperty &&
        !c.isDiscriminator &&
        !c.isCreateDate &&
        !c.isUpdateDate &&
        !c.isDeleteDate &&
        !c.isVersion &&
        c.isInsert &&
        c.isUpdate &&
        !(c.isArray && (c.type === 'jsonb' || c.type === 'date')),
    );
  let plan: FastPlan | null = null;
  if (simple) {
    const table = metadata.schema
      ? `${quote(metadata.schema)}.${quote(metadata.tableName)}`
      : quote(metadata.tableName);
    const names = columns.map((c) => quote(c.databaseName));
    const updates = columns
      .filter((c) => c !== conflictColumn)
      .map((c) => `${quote(c.databaseName)} = EXCLUDED.${quote(c.databaseName)}`);
    const encodings = copyEncodings(columns);
    const insert =
      `INSERT INTO ${table} (${names.join(', ')}) ` +
      `SELECT ${names.join(', ')} FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)`;
    plan = {
      sql:
        `${insert} ON CONFLICT (${quote(conflictColumn.databaseName)}) ` +
        (updates.length > 0 ? `DO UPDATE SET ${updates.join(', ')}` : 'DO NOTHING'),
      insertSql: insert,
      copy: encodings ? { sql: `COPY ${table} (${names.join(', ')}) FROM STDIN`, encodings } : null,
      columns,
      stringOnly: new Set(columns.filter((c) => c.type === 'date')),
    };
  }
  plans.set(metadata, plan);
  return plan;
}

/** The rows as one JSON array keyed by column name, or null when a value would not survive the trip. */
function rowsAsJson(plan: FastPlan, rows: readonly ObjectLiteral[]): string | null {
  const records: Record<string, unknown>[] = [];
  for (const row of rows) {
    const record: Record<string, unknown> = {};
    for (const column of plan.columns) {
      const value: unknown = column.getEntityValue(row, true);
      // TypeORM writes DEFAULT for an undefined value; a non-finite number or a
      // Date-typed `date` is formatted by the driver its own way.
      if (value === undefined) return null;
      if (typeof value === 'number' && !Number.isFinite(value)) return null;
      if (value !== null && plan.stringOnly.has(column) && typeof value !== 'string') return null;
      if (value instanceof Date && Number.isNaN(value.getTime())) return null;
      record[column.databaseName] = value;
    }
    records.push(record);
  }
  return JSON.stringify(records);
}

/** Rows per statement on TypeORM's path, which sends one parameter per value (at most 65,535 per statement). */
const TYPEORM_ROWS_PER_STATEMENT = 1_000;

/**
 * Inserts or replaces rows of a row projection's table, keyed by
 * `keyProperty`: one statement for the whole batch (the rows travel as one
 * JSON parameter), with the same result as TypeORM's `upsert` of the rows,
 * which remains the path for entities with columns this writer does not
 * handle.
 */
export async function upsertRows<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  keyProperty: keyof Row & string,
  rows: readonly Row[],
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = manager.connection.getMetadata(entity);
  const keyColumn = metadata.findColumnWithPropertyName(keyProperty);
  const plan = keyColumn && keyColumn.isPrimary ? planFor(metadata, keyColumn) : null;
  const json = plan ? rowsAsJson(plan, rows) : null;
  if (plan && json !== null) {
    await manager.query(plan.sql, [json]);
    return;
  }
  for (let i = 0; i < rows.length; i += TYPEORM_ROWS_PER_STATEMENT) {
    const slice = rows.slice(i, i + TYPEORM_ROWS_PER_STATEMENT);
    await manager.upsert(entity, slice as unknown as QueryDeepPartialEntity<Row>[], [keyProperty]);
  }
}

/**
 * Inserts rows none of whose keys is in the table yet (a rebuild knows which
 * rows are new), without conflict handling: a key that is taken fails the
 * statement. With `copy` (a server that takes COPY FROM STDIN; the caller's
 * manager must be in a transaction) the rows go as COPY text; otherwise, or
 * when a value has no COPY text form here, as one JSON statement; TypeORM's
 * `insert` remains for entities with columns neither path handles.
 */
export async function insertRows<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  keyProperty: keyof Row & string,
  rows: readonly Row[],
  options: { readonly copy: boolean } = { copy: false },
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = manager.connection.getMetadata(entity);
  const keyColumn = metadata.findColumnWithPropertyName(keyProperty);
  const plan = keyColumn && keyColumn.isPrimary ? planFor(metadata, keyColumn) : null;
  if (plan?.copy && options.copy && manager.queryRunner) {
    const pieces = copyText(plan.copy.encodings, rows);
    if (pieces) {
      const client = (await manager.queryRunner.connect()) as SubmittingClient;
      await copyFromStdin(client, plan.copy.sql, pieces);
      return;
    }
  }
  const json = plan ? rowsAsJson(plan, rows) : null;
  if (plan && json !== null) {
    await manager.query(plan.insertSql, [json]);
    return;
  }
  for (let i = 0; i < rows.length; i += TYPEORM_ROWS_PER_STATEMENT) {
    const slice = rows.slice(i, i + TYPEORM_ROWS_PER_STATEMENT);
    await manager.insert(entity, slice as unknown as QueryDeepPartialEntity<Row>[]);
  }
}

/**
 * The rows of the given keys, loaded by TypeORM (so they read back exactly
 * as an entity find returns them). A first query on the key's index alone
 * finds which keys have a row: during a rebuild most do not yet.
 */
export async function loadRows<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  keyProperty: keyof Row & string,
  keys: readonly string[],
): Promise<Row[]> {
  if (keys.length === 0) return [];
  const metadata = manager.connection.getMetadata(entity);
  const keyColumn = metadata.findColumnWithPropertyName(keyProperty);
  let present: readonly string[] = keys;
  if (keyColumn && typeof keyColumn.type === 'string' && ['text', 'uuid', 'varchar'].includes(keyColumn.type)) {
    const table = metadata.schema
      ? `${quote(metadata.schema)}.${quote(metadata.tableName)}`
      : quote(metadata.tableName);
    const key = quote(keyColumn.databaseName);
    const found = (await manager.query(
      `SELECT ${key}::text AS k FROM ${table} WHERE ${key} = ANY ($1::${keyColumn.type}[])`,
      [keys],
    )) as { k: string }[];
    if (found.length === 0) return [];
    present = found.map((r) => r.k);
  }
  const rows: Row[] = [];
  // Bounded IN lists: TypeORM sends one parameter per key.
  for (let i = 0; i < present.length; i += 1000) {
    const slice = present.slice(i, i + 1000);
    rows.push(...(await manager.findBy(entity, { [keyProperty]: In(slice) } as FindOptionsWhere<Row>)));
  }
  return rows;
}
