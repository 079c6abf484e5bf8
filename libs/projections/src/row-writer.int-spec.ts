import { typeOrmConnectionOptions } from '@crm/platform/database/read-model-data-source';
import type { PoolConfig } from 'pg';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { describeOnEveryDatabase } from '../../../test/support/server-suites';
import { takesCopyFromStdin } from './rebuild-writer';
import { insertRows, upsertRows } from './row-writer';

const BIGINT = { to: (value: number) => value, from: (value: string) => Number(value) };

/** Every column type the fast writers handle, written by each path into a table of its own. */
function entityFor(table: string) {
  @Entity({ name: table })
  class Mixed {
    @PrimaryColumn({ type: 'text' })
    key!: string;

    @Column({ type: 'uuid', nullable: true })
    id!: string | null;

    @Column({ type: 'text', nullable: true })
    label!: string | null;

    @Column({ type: 'integer' })
    count!: number;

    @Column({ type: 'smallint', nullable: true })
    small!: number | null;

    @Column({ type: 'bigint', transformer: BIGINT })
    amount!: number;

    @Column({ type: 'double precision', nullable: true })
    ratio!: number | null;

    @Column({ type: 'boolean' })
    flag!: boolean;

    @Column({ type: 'timestamptz' })
    at!: Date;

    @Column({ type: 'date', nullable: true })
    day!: string | null;

    @Column({ type: 'jsonb' })
    data!: unknown;

    @Column({ type: 'integer', array: true })
    days!: number[];

    @Column({ type: 'bigint', array: true })
    amounts!: Array<number | string>;

    @Column({ type: 'text', array: true })
    tags!: Array<string | null>;
  }
  return Mixed;
}

const viaCopy = entityFor('test_rows_copy');
const viaJson = entityFor('test_rows_json');
type MixedRow = InstanceType<typeof viaCopy>;

const awkward = 'tab\there, newline\nthere, cr\r, backslash \\ and \\N, quote " and \' , comma, {brace}, é 日本 🙂';

function rows(): MixedRow[] {
  return Array.from({ length: 1_200 }, (_, i) => ({
    key: i % 3 === 0 ? `k${i}|${awkward}` : `k${i}`,
    id: i % 2 === 0 ? '0b4e7c8e-6f5d-4c1a-9a55-2f9b0e6d1c3a'.replace(/.{3}$/, String(100 + (i % 900))) : null,
    label: i % 4 === 0 ? null : i % 4 === 1 ? awkward : i % 4 === 2 ? '' : '\\.',
    count: i - 600,
    small: i % 5 === 0 ? null : -(i % 300),
    amount: 2 ** 52 + i,
    ratio: i % 6 === 0 ? null : i % 6 === 1 ? 0.1 + 0.2 : i % 6 === 2 ? -1e-300 : i % 6 === 3 ? 1e21 : i / 7,
    flag: i % 2 === 1,
    at: new Date(Date.UTC(1997, 0, 1) + i * 86_399_999),
    day: i % 7 === 0 ? null : `2024-0${1 + (i % 9)}-1${i % 10}`,
    data:
      i % 3 === 0
        ? { text: awkward, nested: [{ n: 1.5, big: 2 ** 60, none: null }, [true, false]], empty: {} }
        : i % 3 === 1
          ? awkward
          : [i, 'x', null],
    days: i % 8 === 0 ? [] : [i, i + 1, -i],
    amounts: [2 ** 53 - 1, '-9007199254740993'],
    tags: i % 5 === 0 ? [] : ['a,b', '{c}', awkward, '', 'NULL', null],
  }));
}

async function openDataSource(connection: PoolConfig): Promise<DataSource> {
  const dataSource = new DataSource({
    ...typeOrmConnectionOptions(connection),
    entities: [viaCopy, viaJson],
    synchronize: true,
    extra: { max: 2 },
  });
  return dataSource.initialize();
}

describeOnEveryDatabase('row writers', 'rowwriter', (open) => {
  let dataSource: DataSource;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await open();
    cleanup = opened.close;
    dataSource = await openDataSource(opened.connection);
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await cleanup?.();
  });

  it('stores the same rows through COPY (where the server takes it) as through the JSON statement', async () => {
    const copy = await takesCopyFromStdin(dataSource);
    await dataSource.transaction((manager) => insertRows(manager, viaCopy, 'key', rows(), { copy }));
    await dataSource.transaction((manager) => insertRows(manager, viaJson, 'key', rows(), { copy: false }));
    const [{ n }] = await dataSource.query('SELECT count(*)::int AS n FROM test_rows_copy');
    expect(n).toBe(1_200);
    const differences = await dataSource.query(
      `SELECT count(*)::int AS n FROM (
           (SELECT * FROM test_rows_copy EXCEPT ALL SELECT * FROM test_rows_json)
           UNION ALL
           (SELECT * FROM test_rows_json EXCEPT ALL SELECT * FROM test_rows_copy)) d`,
    );
    expect(differences).toEqual([{ n: 0 }]);
    // Read back as the live projector reads rows: the same values as written.
    const back = new Map((await dataSource.manager.find(viaCopy)).map((row) => [row.key, row]));
    const seen = (r: MixedRow) => [r.key, r.label, r.data, r.tags, r.days, r.at.toISOString(), r.ratio, r.amount];
    expect(rows().map((r) => (back.has(r.key) ? seen(back.get(r.key)!) : null))).toEqual(rows().map(seen));
  });

  it('fails an insert whose key is taken, and replaces it through the upsert', async () => {
    const [first] = rows();
    const copy = await takesCopyFromStdin(dataSource);
    await expect(
      dataSource.transaction((manager) => insertRows(manager, viaCopy, 'key', [first!], { copy })),
    ).rejects.toThrow(/duplicate key/);
    await dataSource.transaction((manager) => upsertRows(manager, viaCopy, 'key', [{ ...first!, count: 99 }]));
    const [{ count }] = await dataSource.query('SELECT count FROM test_rows_copy WHERE key = $1', [first!.key]);
    expect(count).toBe(99);
  });
});
