import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The rest of a buyer's lifetime-value score in a segmentation run: purchases expected in 12 months, spend per purchase. */
export class SegmentValueScores1732420001100 implements MigrationInterface {
  name = 'SegmentValueScores1732420001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_segments
        ADD COLUMN expected_purchases_12m  double precision,
        ADD COLUMN expected_spend_minor    bigint`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE customer_segments DROP COLUMN expected_purchases_12m, DROP COLUMN expected_spend_minor',
    );
  }
}
