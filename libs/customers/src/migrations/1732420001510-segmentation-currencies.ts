import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Currencies kept apart and historical runs kept out of live views
 * (docs/read-models.md, "Segmentation runs" and "Customer lifetime value"):
 * - customer_segments.currency: the currency the buyer was ranked in (RFM,
 *   ABC, pyramid and value quadrant are computed within each currency);
 * - segmentation_runs.historical: a run as of an earlier day than the one it
 *   was made on; live views read the latest run that is not historical;
 * - segmentation_runs.value_thresholds and clv_fits: per currency, the
 *   quadrant thresholds and the lifetime-value fit used;
 * - clv_fits.currency: the currency a fit was made in (fits recorded before
 *   added every currency together: they have none and are no longer used).
 */
export class SegmentationCurrencies1732420001510 implements MigrationInterface {
  name = 'SegmentationCurrencies1732420001510';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE customer_segments ADD COLUMN currency text');
    await queryRunner.query(`
      ALTER TABLE segmentation_runs
        ADD COLUMN historical boolean NOT NULL DEFAULT false,
        ADD COLUMN value_thresholds jsonb,
        ADD COLUMN clv_fits jsonb`);
    await queryRunner.query(
      'CREATE INDEX segmentation_runs_live ON segmentation_runs (run_at DESC, id DESC) WHERE NOT historical',
    );
    await queryRunner.query(
      'CREATE INDEX segmentation_runs_as_of ON segmentation_runs (as_of DESC, run_at DESC, id DESC)',
    );
    await queryRunner.query('ALTER TABLE clv_fits ADD COLUMN currency text');
    await queryRunner.query('CREATE INDEX clv_fits_by_currency ON clv_fits (currency, fitted_at DESC, id DESC)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX clv_fits_by_currency');
    await queryRunner.query('ALTER TABLE clv_fits DROP COLUMN currency');
    await queryRunner.query('DROP INDEX segmentation_runs_as_of');
    await queryRunner.query('DROP INDEX segmentation_runs_live');
    await queryRunner.query(
      'ALTER TABLE segmentation_runs DROP COLUMN historical, DROP COLUMN value_thresholds, DROP COLUMN clv_fits',
    );
    await queryRunner.query('ALTER TABLE customer_segments DROP COLUMN currency');
  }
}
