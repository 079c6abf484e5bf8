import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Complaints1732420000400 implements MigrationInterface {
  name = 'Complaints1732420000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE complaints (
        key                     text PRIMARY KEY,
        customer_id             text NOT NULL,
        complaint_id            text NOT NULL,
        state                   text NOT NULL,
        category                text NOT NULL,
        severity                text NOT NULL,
        channel                 text NOT NULL,
        filed_at                timestamptz NOT NULL,
        assessed_at             timestamptz,
        verdict                 text,
        resolved_at             timestamptz,
        followed_up_at          timestamptz,
        closed_at               timestamptz,
        reopened_count          integer NOT NULL,
        last_reopened_at        timestamptz,
        satisfaction            smallint,
        minutes_to_assess       integer,
        minutes_to_resolve      integer,
        assess_target_minutes   integer NOT NULL,
        resolve_target_minutes  integer NOT NULL,
        sla_rules_version       text NOT NULL,
        assess_breached         boolean NOT NULL,
        resolve_breached        boolean NOT NULL,
        revision                integer NOT NULL,
        last_checkpoint         text NOT NULL
      )`);
    // GET /complaints lists newest filing first (then by key), optionally filtered.
    await queryRunner.query('CREATE INDEX complaints_by_filing ON complaints (filed_at DESC, key)');
    await queryRunner.query('CREATE INDEX complaints_by_state ON complaints (state, filed_at DESC, key)');
    await queryRunner.query('CREATE INDEX complaints_by_category ON complaints (category, filed_at DESC, key)');
    await queryRunner.query('CREATE INDEX complaints_by_severity ON complaints (severity, filed_at DESC, key)');
    await queryRunner.query('CREATE INDEX complaints_by_customer ON complaints (customer_id, filed_at DESC, key)');
    // slaBreached=true: a missed target, or an open step (which may be past its target as of the request).
    await queryRunner.query(
      'CREATE INDEX complaints_breached ON complaints (filed_at DESC, key) WHERE assess_breached OR resolve_breached',
    );
    await queryRunner.query(
      `CREATE INDEX complaints_open_steps ON complaints (filed_at DESC, key)
        WHERE assessed_at IS NULL OR (resolved_at IS NULL AND verdict IS DISTINCT FROM 'rejected')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE complaints');
  }
}
