import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In customer_summary (docs/read-models.md): each order's day and each
 * refund with its order's day (a refund belongs to its order's period in
 * value windows), the whole profile as recorded and the channels opted out
 * of. Rows folded before these columns lack them: when the table holds any
 * row, it and its checkpoint are emptied and the projector folds it again
 * from position 0 (state snapshots of the older fold are no longer used
 * either: their fold version changed).
 */
export class CustomerSummaryRefundOrdersAndProfile1732420001500 implements MigrationInterface {
  name = 'CustomerSummaryRefundOrdersAndProfile1732420001500';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_summary
        ADD COLUMN order_ids text[] NOT NULL DEFAULT '{}',
        ADD COLUMN order_days integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN refund_days integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN refund_order_days integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN refund_amounts_minor bigint[] NOT NULL DEFAULT '{}',
        ADD COLUMN profile jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN opted_out_channels text[] NOT NULL DEFAULT '{}'`);
    const [rows]: Array<{ any: boolean }> = await queryRunner.query(
      'SELECT EXISTS (SELECT 1 FROM customer_summary) AS any',
    );
    if (rows?.any) {
      await queryRunner.query('TRUNCATE customer_summary');
      await queryRunner.query(`DELETE FROM projection_checkpoints WHERE name = 'customer_summary'`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_summary
        DROP COLUMN order_ids, DROP COLUMN order_days, DROP COLUMN refund_days,
        DROP COLUMN refund_order_days, DROP COLUMN refund_amounts_minor, DROP COLUMN profile,
        DROP COLUMN opted_out_channels`);
  }
}
