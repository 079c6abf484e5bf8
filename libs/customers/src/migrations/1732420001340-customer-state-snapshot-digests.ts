import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * customer_state_snapshots.digest (docs/read-models.md, "State as of an
 * instant"): SHA-256 of a snapshot's content, written with it and checked
 * each time the snapshot is read; a snapshot that no longer matches is not
 * used. The snapshots stored before are a cache without digests: dropped,
 * they are made again by the next state queries.
 */
export class CustomerStateSnapshotDigests1732420001340 implements MigrationInterface {
  name = 'CustomerStateSnapshotDigests1732420001340';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Every column, in a fixed order, as text that no session setting changes: instants as epoch milliseconds,
    // the fold as jsonb's own text (keys in jsonb's order, no insignificant spaces).
    await queryRunner.query(`
      CREATE FUNCTION customer_state_snapshot_digest(
        p_customer_id text, p_fold_version text, p_revision integer, p_max_checkpoint text,
        p_max_recorded_at timestamptz, p_max_business_time timestamptz, p_row jsonb)
      RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT encode(sha256(convert_to(concat_ws(chr(10),
          p_customer_id, p_fold_version, p_revision::text, p_max_checkpoint,
          round(extract(epoch FROM p_max_recorded_at) * 1000)::text,
          round(extract(epoch FROM p_max_business_time) * 1000)::text,
          p_row::text), 'UTF8')), 'hex')
      $fn$`);
    await queryRunner.query('DELETE FROM customer_state_snapshots');
    await queryRunner.query('ALTER TABLE customer_state_snapshots ADD COLUMN digest text NOT NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE customer_state_snapshots DROP COLUMN digest');
    await queryRunner.query('DROP FUNCTION customer_state_snapshot_digest');
  }
}
