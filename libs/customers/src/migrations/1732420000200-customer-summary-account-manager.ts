import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerSummaryAccountManager1732420000200 implements MigrationInterface {
  name = 'CustomerSummaryAccountManager1732420000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE customer_summary ADD COLUMN account_manager_id text');
    await queryRunner.query('CREATE INDEX customer_summary_account_manager ON customer_summary (account_manager_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE customer_summary DROP COLUMN account_manager_id');
  }
}
