import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each order's day and each refund with its order's day in customer_summary
 * (docs/read-models.md, "Current value"): a refund belongs to its order's
 * period in value windows. Rows folded before these columns cannot say
 * which order a refund was of: when any customer has bought, the table and
 * its checkpoint are emptied and the projector folds it again from position
 * 0 (state snapshots of the older fold are no longer used either: their fold
 * version changed).
 */
export class CustomerSummaryRefundOrders1732420001500 implements MigrationInterface {
  name = 'CustomerSummaryRefundOrders1732420001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_summary
        ADD COLUMN order_ids text[] NOT NULL DEFAULT '{}',
        ADD COLUMN order_days integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN refund_days integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN refund_order_days integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN refund_amounts_minor bigint[] NOT NULL DEFAULT '{}'`);
    const [bought]: Array<{ any: boolean }> = await queryRunner.query(
      'SELECT EXISTS (SELECT 1 FROM customer_summary WHERE purchase_count > 0) AS any',
    );
    if (bought?.any) {
      await queryRunner.query('TRUNCATE customer_summary');
      await queryRunner.query(`DELETE FROM projection_checkpoints WHERE name = 'customer_summary'`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_summary
        DROP COLUMN order_ids, DROP COLUMN order_days, DROP COLUMN refund_days,
        DROP COLUMN refund_order_days, DROP COLUMN refund_amounts_minor`);
  }
}
