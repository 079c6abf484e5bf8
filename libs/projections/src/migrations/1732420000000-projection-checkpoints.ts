import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ProjectionCheckpoints1732420000000 implements MigrationInterface {
  name = 'ProjectionCheckpoints1732420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projection_checkpoints (
        name                    text PRIMARY KEY,
        checkpoint              text,
        events_applied          bigint NOT NULL DEFAULT 0,
        last_event_recorded_at  timestamptz,
        updated_at              timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE projection_checkpoints');
  }
}
