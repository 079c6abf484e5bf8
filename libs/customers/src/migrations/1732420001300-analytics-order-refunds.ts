import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each refund of an order with its own business time (analytics_orders.refunds),
 * so that a lifetime-value summary as of a day counts only the refunds made
 * by then (docs/read-models.md, "Customer lifetime value"). Rows folded
 * before this column hold their refunds' sum without the refunds' dates: when
 * any order was refunded, the table and its checkpoint are emptied and the
 * projector folds it again from position 0.
 */
export class AnalyticsOrderRefunds1732420001300 implements MigrationInterface {
  name = 'AnalyticsOrderRefunds1732420001300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE analytics_orders ADD COLUMN refunds jsonb NOT NULL DEFAULT '[]'::jsonb`);
    const [refunded]: Array<{ any: boolean }> = await queryRunner.query(
      'SELECT EXISTS (SELECT 1 FROM analytics_orders WHERE refunds_minor > 0) AS any',
    );
    if (refunded?.any) {
      await queryRunner.query('TRUNCATE analytics_orders');
      await queryRunner.query(`DELETE FROM projection_checkpoints WHERE name = 'analytics_orders'`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE analytics_orders DROP COLUMN refunds');
  }
}
