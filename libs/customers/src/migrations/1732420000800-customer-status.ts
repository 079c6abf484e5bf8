import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * customer_status (docs/read-models.md, "customer_status"): what depends on
 * the clock and the rules — lifecycle stage, loyalty, churn risk, current
 * value, the single `segment` label — evaluated for the current UTC day and
 * kept fresh by the status refresher, so lists can filter and sort on it.
 * The segmentation runs gain the value quadrant and their stage counts.
 */
export class CustomerStatus1732420000800 implements MigrationInterface {
  name = 'CustomerStatus1732420000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE customer_status (
        customer_id            text PRIMARY KEY,
        summary_revision       integer NOT NULL,
        evaluated_day          integer NOT NULL,
        evaluated_at           timestamptz NOT NULL,
        rules_version          text NOT NULL,
        segmentation_run_id    text,
        stage                  text NOT NULL,
        stage_since            timestamptz NOT NULL,
        stage_reason           text NOT NULL,
        loyalty_score          smallint NOT NULL,
        loyalty_tier           text NOT NULL,
        churn_risk             boolean NOT NULL,
        churn_signals          text[] NOT NULL,
        churn_reasons          text[] NOT NULL,
        current_value_minor    bigint NOT NULL,
        rfm_segment            text,
        abc_class              text,
        pyramid_tier           text,
        value_quadrant         text,
        probability_alive      double precision,
        predicted_value_minor  bigint,
        segment                text NOT NULL
      )`);
    for (const column of [
      'stage',
      'segment',
      'loyalty_tier',
      'rfm_segment',
      'abc_class',
      'pyramid_tier',
      'value_quadrant',
    ]) {
      await queryRunner.query(`CREATE INDEX customer_status_${column} ON customer_status (${column})`);
    }
    // GET /alerts/churn: at-risk customers by value.
    await queryRunner.query(
      'CREATE INDEX customer_status_churn ON customer_status (current_value_minor DESC, customer_id) WHERE churn_risk',
    );
    await queryRunner.query(`
      ALTER TABLE customer_segments
        ADD COLUMN current_value_minor    bigint,
        ADD COLUMN predicted_value_minor  bigint,
        ADD COLUMN probability_alive      double precision,
        ADD COLUMN value_quadrant         text`);
    await queryRunner.query(`
      ALTER TABLE segmentation_runs
        ADD COLUMN stage_counts               jsonb,
        ADD COLUMN current_value_threshold    bigint,
        ADD COLUMN potential_value_threshold  bigint,
        ADD COLUMN clv_fit_id                 text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE segmentation_runs
        DROP COLUMN stage_counts, DROP COLUMN current_value_threshold,
        DROP COLUMN potential_value_threshold, DROP COLUMN clv_fit_id`);
    await queryRunner.query(`
      ALTER TABLE customer_segments
        DROP COLUMN current_value_minor, DROP COLUMN predicted_value_minor,
        DROP COLUMN probability_alive, DROP COLUMN value_quadrant`);
    await queryRunner.query('DROP TABLE customer_status');
  }
}
