import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The segmentation runs (docs/read-models.md, "Segmentation runs"): one row
 * per run with the rules version and instants it used, and the scores and
 * classes of every customer who bought, per run.
 */
export class Segmentation1732420000700 implements MigrationInterface {
  name = 'Segmentation1732420000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE segmentation_runs (
        id             text PRIMARY KEY,
        run_at         timestamptz NOT NULL,
        as_of          timestamptz NOT NULL,
        rules_version  text NOT NULL,
        customers      integer NOT NULL,
        buyers         integer NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX segmentation_runs_latest ON segmentation_runs (run_at DESC, id DESC)');
    await queryRunner.query(`
      CREATE TABLE customer_segments (
        run_id          text NOT NULL,
        customer_id     text NOT NULL,
        recency_days    integer NOT NULL,
        frequency       integer NOT NULL,
        monetary_minor  bigint NOT NULL,
        r_score         smallint NOT NULL,
        f_score         smallint NOT NULL,
        m_score         smallint NOT NULL,
        rfm_segment     text NOT NULL,
        abc_class       text NOT NULL,
        pyramid_tier    text NOT NULL,
        PRIMARY KEY (run_id, customer_id)
      )`);
    // The latest run's segment of one customer (GET /customers/:id).
    await queryRunner.query('CREATE INDEX customer_segments_by_customer ON customer_segments (customer_id, run_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE customer_segments');
    await queryRunner.query('DROP TABLE segmentation_runs');
  }
}
