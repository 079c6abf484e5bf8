import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * customer_state_snapshots (docs/read-models.md, "State as of an instant"):
 * the customer_summary fold of a stream's first events, every 500 revisions,
 * so that a state as of an instant folds only the events after the latest
 * snapshot it may use. A cache: derived from immutable events, written by the
 * state queries themselves, checked against full folds by the tests.
 */
export class CustomerStateSnapshots1732420001000 implements MigrationInterface {
  name = 'CustomerStateSnapshots1732420001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_state_snapshots (
        customer_id        text NOT NULL,
        revision           integer NOT NULL,
        fold_version       text NOT NULL,
        max_checkpoint     text NOT NULL,
        max_recorded_at    timestamptz NOT NULL,
        max_business_time  timestamptz NOT NULL,
        row                jsonb NOT NULL,
        PRIMARY KEY (customer_id, fold_version, revision)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE customer_state_snapshots');
  }
}
