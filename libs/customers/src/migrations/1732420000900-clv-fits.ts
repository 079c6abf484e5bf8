import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The lifetime-value fits (docs/read-models.md, "Customer lifetime value"):
 * one row per fit of the BG/NBD and Gamma-Gamma models, with the data it
 * saw (calibration end, store and read-model checkpoints, rules version),
 * the population, the parameters, the log-likelihoods and the timings.
 */
export class ClvFits1732420000900 implements MigrationInterface {
  name = 'ClvFits1732420000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE clv_fits (
        id                          text PRIMARY KEY,
        fitted_at                   timestamptz NOT NULL,
        calibration_end             date NOT NULL,
        store_checkpoint            text,
        orders_checkpoint           text,
        rules_version               text NOT NULL,
        customers                   integer NOT NULL,
        repeat_customers            integer NOT NULL,
        r                           double precision NOT NULL,
        alpha                       double precision NOT NULL,
        a                           double precision NOT NULL,
        b                           double precision NOT NULL,
        bgnbd_log_likelihood        double precision NOT NULL,
        bgnbd_converged             boolean NOT NULL,
        gg_customers                integer NOT NULL,
        p                           double precision,
        q                           double precision,
        gamma                       double precision,
        gg_log_likelihood           double precision,
        gg_converged                boolean,
        excluded_no_repeat_spend    integer NOT NULL,
        excluded_first_after_end    integer NOT NULL,
        excluded_other_currency     integer NOT NULL,
        load_ms                     integer NOT NULL,
        bgnbd_fit_ms                integer NOT NULL,
        gg_fit_ms                   integer NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX clv_fits_latest ON clv_fits (fitted_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE clv_fits');
  }
}
