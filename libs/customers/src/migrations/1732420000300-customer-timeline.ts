import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CustomerTimeline1732420000300 implements MigrationInterface {
  name = 'CustomerTimeline1732420000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_timeline (
        event_id           uuid PRIMARY KEY,
        customer_id        text NOT NULL,
        stream_revision    integer NOT NULL,
        global_checkpoint  text NOT NULL,
        event_type         text NOT NULL,
        schema_version     integer NOT NULL,
        occurred_at        timestamptz NOT NULL,
        recorded_at        timestamptz NOT NULL,
        actor              text,
        command_id         text,
        correlation_id     text,
        summary            text NOT NULL,
        data               jsonb NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX customer_timeline_by_business_time ON customer_timeline (customer_id, occurred_at, stream_revision)',
    );
    await queryRunner.query(
      'CREATE INDEX customer_timeline_by_revision ON customer_timeline (customer_id, stream_revision)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE customer_timeline');
  }
}
