import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per running projector process, its heartbeat moved every few seconds: GET /health tells a dead projector from a slow one. */
export class ProjectorHeartbeats1732420001410 implements MigrationInterface {
  name = 'ProjectorHeartbeats1732420001410';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE projector_heartbeats (
        instance    text PRIMARY KEY,
        host        text NOT NULL,
        pid         integer NOT NULL,
        started_at  timestamptz NOT NULL,
        beat_at     timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE projector_heartbeats');
  }
}
