import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdempotencyKeys1732420000050 implements MigrationInterface {
  name = 'IdempotencyKeys1732420000050';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        key           text PRIMARY KEY,
        request_hash  text NOT NULL,
        status        integer NOT NULL,
        response      jsonb NOT NULL,
        etag          text,
        created_at    timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE idempotency_keys');
  }
}
