import { READ_MODEL_MIGRATIONS_TABLE, typeOrmConnectionOptions } from '@crm/platform/database/read-model-data-source';
import { readModels } from '@crm/catalog';
import type { PoolConfig } from 'pg';
import { DataSource } from 'typeorm';
import { describeOnEveryDatabase, type TestDatabase } from '../../../../test/support/server-suites';
import { AnalyticsOrderRefunds1732420001300 } from './1732420001300-analytics-order-refunds';

const before = readModels.migrations.filter((migration) => migration !== AnalyticsOrderRefunds1732420001300);

function dataSourceOf(connection: PoolConfig, migrations: typeof readModels.migrations): DataSource {
  return new DataSource({
    ...typeOrmConnectionOptions(connection),
    migrations: [...migrations],
    migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
    extra: { max: 2 },
  });
}

/** An analytics_orders row as folded before the refunds column existed. */
async function insertOrder(dataSource: DataSource, orderId: string, refundsMinor: number): Promise<void> {
  await dataSource.query(
    `INSERT INTO analytics_orders (key, customer_id, order_id, occurred_at, day, region, channel, currency,
                                   gross_minor, refunds_minor, units, categories, revision, last_checkpoint)
     VALUES ($1, 'c-1', $2, '2026-01-10T09:00:00Z', '2026-01-10', NULL, 'web', 'EUR', 3000, $3, 1,
             $4::jsonb, 0, '0:1')`,
    [
      `c-1|${orderId}`,
      orderId,
      refundsMinor,
      JSON.stringify([{ category: 'books', grossMinor: 3000, refundsMinor, units: 1 }]),
    ],
  );
}

/**
 * Migrates a new database up to the migration before this one, lets `seed`
 * write rows as the older code did, then runs this migration (and only it)
 * and lets `check` read the result.
 */
async function migrateAfter(
  open: () => Promise<TestDatabase>,
  seed: (old: DataSource) => Promise<void>,
  check: (current: DataSource) => Promise<void>,
): Promise<void> {
  const { connection, close } = await open();
  const old = dataSourceOf(connection, before);
  const current = dataSourceOf(connection, readModels.migrations);
  try {
    await old.initialize();
    await old.runMigrations();
    await seed(old);
    await old.destroy();
    await current.initialize();
    expect(await current.runMigrations()).toHaveLength(1);
    await check(current);
  } finally {
    if (old.isInitialized) await old.destroy();
    if (current.isInitialized) await current.destroy();
    await close();
  }
}

describeOnEveryDatabase('analytics_orders refunds migration', 'orderrefunds', (open) => {
  it('given orders without refunds, then they are kept with an empty list of refunds', async () => {
    await migrateAfter(
      open,
      async (old) => {
        await insertOrder(old, 'o-1', 0);
        await old.query(
          `INSERT INTO projection_checkpoints (name, checkpoint, events_applied, updated_at)
             VALUES ('analytics_orders', '0:1', 1, now())`,
        );
      },
      async (current) => {
        expect(await current.query('SELECT key, refunds FROM analytics_orders')).toEqual([
          { key: 'c-1|o-1', refunds: [] },
        ]);
        expect(
          await current.query(`SELECT checkpoint FROM projection_checkpoints WHERE name = 'analytics_orders'`),
        ).toEqual([{ checkpoint: '0:1' }]);
      },
    );
  }, 60_000);

  it('given a refunded order folded without its refunds’ dates, then the table and its checkpoint are emptied for a refold', async () => {
    await migrateAfter(
      open,
      async (old) => {
        await insertOrder(old, 'o-1', 0);
        await insertOrder(old, 'o-2', 500);
        await old.query(
          `INSERT INTO projection_checkpoints (name, checkpoint, events_applied, updated_at)
             VALUES ('analytics_orders', '0:2', 2, now()), ('customer_summary', '0:2', 2, now())`,
        );
      },
      async (current) => {
        expect(await current.query('SELECT key FROM analytics_orders')).toEqual([]);
        expect(await current.query('SELECT name FROM projection_checkpoints ORDER BY name')).toEqual([
          { name: 'customer_summary' },
        ]);
      },
    );
  }, 60_000);
});
