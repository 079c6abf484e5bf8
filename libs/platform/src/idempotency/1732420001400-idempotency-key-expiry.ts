import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Expired idempotency records are deleted by age: an index on their creation time. */
export class IdempotencyKeyExpiry1732420001400 implements MigrationInterface {
  name = 'IdempotencyKeyExpiry1732420001400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX idempotency_keys_created_at');
  }
}
