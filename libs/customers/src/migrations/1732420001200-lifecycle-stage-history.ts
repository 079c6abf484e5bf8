import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * lifecycle_stage_history (docs/read-models.md, "Lifecycle history"): each
 * customer's stages with when they were entered and left, as evaluated for
 * the current UTC day, rewritten with the customer's status.
 */
export class LifecycleStageHistory1732420001200 implements MigrationInterface {
  name = 'LifecycleStageHistory1732420001200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE lifecycle_stage_history (
        customer_id    text NOT NULL,
        entered_at     timestamptz NOT NULL,
        stage          text NOT NULL,
        left_at        timestamptz,
        reason         text NOT NULL,
        evaluated_day  integer NOT NULL,
        rules_version  text NOT NULL,
        PRIMARY KEY (customer_id, entered_at)
      )`);
    await queryRunner.query('CREATE INDEX lifecycle_stage_history_stage ON lifecycle_stage_history (stage, entered_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE lifecycle_stage_history');
  }
}
