import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Purchase and satisfaction facts on customer_summary (docs/read-models.md).
 * Existing rows get empty facts; rebuild the projection from position 0 to
 * fill them from the history.
 */
export class CustomerSummaryFacts1732420000600 implements MigrationInterface {
  name = 'CustomerSummaryFacts1732420000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE customer_summary
        ADD COLUMN first_purchase_at                timestamptz,
        ADD COLUMN last_purchase_at                 timestamptz,
        ADD COLUMN purchase_count                   integer NOT NULL DEFAULT 0,
        ADD COLUMN distinct_purchase_days           integer NOT NULL DEFAULT 0,
        ADD COLUMN currency                         text,
        ADD COLUMN other_currency_purchases         integer NOT NULL DEFAULT 0,
        ADD COLUMN gross_spend_minor                bigint NOT NULL DEFAULT 0,
        ADD COLUMN refunds_minor                    bigint NOT NULL DEFAULT 0,
        ADD COLUMN net_spend_minor                  bigint NOT NULL DEFAULT 0,
        ADD COLUMN average_order_value_minor        bigint,
        ADD COLUMN mean_purchase_gap_days           double precision,
        ADD COLUMN purchase_days                    integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN purchase_day_counts              integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN spend_days                       integer[] NOT NULL DEFAULT '{}',
        ADD COLUMN spend_day_net_minor              bigint[] NOT NULL DEFAULT '{}',
        ADD COLUMN csat_count                       integer NOT NULL DEFAULT 0,
        ADD COLUMN csat_sum                         integer NOT NULL DEFAULT 0,
        ADD COLUMN csat_average                     double precision,
        ADD COLUMN csat_score_counts                integer[] NOT NULL DEFAULT '{0,0,0,0,0}',
        ADD COLUMN last_nps                         smallint,
        ADD COLUMN last_nps_at                      timestamptz,
        ADD COLUMN complaints_total                 integer NOT NULL DEFAULT 0,
        ADD COLUMN complaints_open                  integer NOT NULL DEFAULT 0,
        ADD COLUMN open_complaint_ids               text[] NOT NULL DEFAULT '{}',
        ADD COLUMN resolution_satisfaction_count    integer NOT NULL DEFAULT 0,
        ADD COLUMN resolution_satisfaction_sum      integer NOT NULL DEFAULT 0,
        ADD COLUMN resolution_satisfaction_average  double precision,
        ADD COLUMN terminated_at                    timestamptz,
        ADD COLUMN reactivated_at                   timestamptz`);
    await queryRunner.query('CREATE INDEX customer_summary_last_purchase ON customer_summary (last_purchase_at)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX customer_summary_last_purchase');
    await queryRunner.query(`
      ALTER TABLE customer_summary
        DROP COLUMN first_purchase_at, DROP COLUMN last_purchase_at, DROP COLUMN purchase_count,
        DROP COLUMN distinct_purchase_days, DROP COLUMN currency, DROP COLUMN other_currency_purchases,
        DROP COLUMN gross_spend_minor, DROP COLUMN refunds_minor, DROP COLUMN net_spend_minor,
        DROP COLUMN average_order_value_minor, DROP COLUMN mean_purchase_gap_days, DROP COLUMN purchase_days,
        DROP COLUMN purchase_day_counts, DROP COLUMN spend_days, DROP COLUMN spend_day_net_minor,
        DROP COLUMN csat_count, DROP COLUMN csat_sum, DROP COLUMN csat_average, DROP COLUMN csat_score_counts,
        DROP COLUMN last_nps, DROP COLUMN last_nps_at, DROP COLUMN complaints_total, DROP COLUMN complaints_open,
        DROP COLUMN open_complaint_ids, DROP COLUMN resolution_satisfaction_count,
        DROP COLUMN resolution_satisfaction_sum, DROP COLUMN resolution_satisfaction_average,
        DROP COLUMN terminated_at, DROP COLUMN reactivated_at`);
  }
}
