import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerSummary1732420000100 implements MigrationInterface {
  name = 'CustomerSummary1732420000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_summary (
        customer_id             text PRIMARY KEY,
        kind                    text NOT NULL,
        name                    text NOT NULL,
        email                   text,
        phone                   text,
        region                  text,
        acquisition_source      text,
        status                  text NOT NULL,
        registered_at           timestamptz NOT NULL,
        revision                integer NOT NULL,
        last_checkpoint         text NOT NULL,
        last_event_recorded_at  timestamptz NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX customer_summary_region ON customer_summary (region)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE customer_summary');
  }
}
