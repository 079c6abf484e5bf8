import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { DATA_SOURCE } from '@crm/platform/tokens';
import { MoreThan, type DataSource, type EntityManager } from 'typeorm';
import { lifecycleFactsOf } from '../customer-status/customer-status';
import { LIFECYCLE_STAGES, lifecycleStageAt, type LifecycleStage } from '../domain/lifecycle';
import { CustomerSummaryEntity } from '../projections/customer-summary/customer-summary.entity';
import { RFM_SEGMENTS, rfmSegment } from '../domain/rfm-segments';
import type { CrmRules } from '../domain/rules/crm-rules';
import { CRM_RULES } from '../rules/rules.loader';
import { ClvService } from '../value/clv.service';
import { SegmentationRunEntity } from './segmentation-run.entity';

export type AbcClass = 'A' | 'B' | 'C';
export type PyramidTier = 'vip' | 'major' | 'ordinary' | 'small';

export const ABC_CLASSES: readonly AbcClass[] = ['A', 'B', 'C'];
export const PYRAMID_TIERS: readonly PyramidTier[] = ['vip', 'major', 'ordinary', 'small'];

/** One segmentation run (a row of segmentation_runs). */
export interface SegmentationRun {
  readonly id: string;
  /** When the run was made. */
  readonly runAt: string;
  /** The instant the scores were computed as of (recency is counted to it). */
  readonly asOf: string;
  readonly rulesVersion: string;
  /** Customers in the summary when the run was made. */
  readonly customers: number;
  /** Customers with at least one purchase up to `asOf`: the population scored. */
  readonly buyers: number;
  /** The newest lifetime-value fit the buyers were scored with; null without one (see `clvFits`). */
  readonly clvFitId: string | null;
  /** Per currency, the lifetime-value fit its buyers were scored with. */
  readonly clvFits: Record<string, string>;
  /** As of an earlier UTC day than the run was made on: kept for the as-of views, never read by live views. */
  readonly historical: boolean;
}

/** A run with the number of buyers in each class, tier and named RFM segment. */
export interface SegmentationRunReport extends SegmentationRun {
  /** Customers registered (or buying) by `asOf` in each lifecycle stage as of `asOf`; null for runs made before it was recorded. */
  readonly lifecycleStages: Record<string, number> | null;
  /** Buyers ranked in each currency. */
  readonly buyersByCurrency: Record<string, number>;
  readonly abcClasses: Record<string, number>;
  /** Per currency, each ABC class's share of that currency's buyers' net spend, in percent (one decimal). */
  readonly abcSpendSharePercent: Record<string, Record<string, number>>;
  readonly pyramidTiers: Record<string, number>;
  readonly rfmSegments: Record<string, number>;
}

/** A customer's segment in the latest run (GET /customers/:id). */
export interface CustomerSegmentation {
  readonly runId: string;
  readonly runAt: string;
  readonly asOf: string;
  readonly rulesVersion: string;
  /** Whether the run is historical (as of an earlier day than it was made on). */
  readonly historical: boolean;
  /** The currency the customer was ranked in: the other buyers of the run with the same currency. */
  readonly currency: string | null;
  /** RFM raw values as of the run's as-of day: whole UTC days since the last purchase day. */
  readonly recencyDays: number;
  /** Purchases (any currency) up to the as-of day. */
  readonly frequency: number;
  /** Net spend up to the as-of day, minor units of the customer's currency. */
  readonly monetaryMinor: number;
  /** Their quintile scores 1–5 among the run's buyers (5: most recent, most frequent, biggest spend). */
  readonly r: number;
  readonly f: number;
  readonly m: number;
  readonly rfmSegment: string;
  readonly abcClass: AbcClass;
  readonly pyramidTier: PyramidTier;
  /** Net spend of the current-value window up to the run's as-of (minor units); null in runs made before it was recorded. */
  readonly currentValueMinor: number | null;
  /** Predicted lifetime value from the lifetime-value fit the run used; null without one. */
  readonly predictedValueMinor: number | null;
  /** Probability of being alive from that fit; null without one. */
  readonly probabilityAlive: number | null;
  /** Purchase days expected in the next 12 months (365.25 days), from that fit; null without one. */
  readonly expectedPurchases12Months: number | null;
  /** Expected spend per future purchase day (minor units), from that fit; null without one. */
  readonly expectedSpendMinor: number | null;
  /** Value quadrant (vip, improve, maintain, abandon); null when the run had no lifetime-value fit. */
  readonly valueQuadrant: string | null;
}

const DAY_MS = 86_400_000;

/** Summary rows read per page when counting stages. */
const STAGE_COUNT_PAGE = 5_000;

/** Advisory lock key that lets one process at a time make a scheduled run. */
const SEGMENTATION_LOCK = 7_270_001;

/** Every (R, FM) pair with its name, as parallel arrays for the statement. */
function rfmNameTable(): { r: number[]; fm: number[]; names: string[] } {
  const table = { r: [] as number[], fm: [] as number[], names: [] as string[] };
  for (let r = 1; r <= 5; r++) {
    for (let fm = 1; fm <= 5; fm++) {
      table.r.push(r);
      table.fm.push(fm);
      table.names.push(rfmSegment(r, fm));
    }
  }
  return table;
}

/**
 * Scores every buyer in one statement (docs/read-models.md, "Segmentation
 * runs"). Facts as of the UTC day of $2 come from the summary's per-day
 * arrays; each ordering ends with the customer id so that ties are split the
 * same way on every run. Buyers are ranked within their currency (the
 * summary's, the currency of their first purchase): quintiles, ABC shares
 * and pyramid ranks never compare or add amounts of different currencies.
 *   $1 run id, $2 as-of day (days since 1970-01-01), $3 / $4 ABC cumulative
 *   shares, $5 / $6 / $7 pyramid shares, $8 / $9 / $10 the RFM name table,
 *   $11 the current-value window in days.
 */
const SCORE_BUYERS = `
  INSERT INTO customer_segments (run_id, customer_id, currency, recency_days, frequency, monetary_minor,
                                 r_score, f_score, m_score, rfm_segment, abc_class, pyramid_tier,
                                 current_value_minor)
  WITH facts AS (
    SELECT s.customer_id, s.currency,
           (SELECT max(p.d) FROM unnest(s.purchase_days) AS p(d) WHERE p.d <= $2::integer) AS last_day,
           (SELECT coalesce(sum(p.c), 0) FROM unnest(s.purchase_days, s.purchase_day_counts) AS p(d, c)
             WHERE p.d <= $2::integer)::integer AS frequency,
           (SELECT coalesce(sum(x.n), 0) FROM unnest(s.spend_days, s.spend_day_net_minor) AS x(d, n)
             WHERE x.d <= $2::integer)::bigint AS monetary,
           ((SELECT coalesce(sum(x.n), 0) FROM unnest(s.spend_days, s.spend_day_net_minor) AS x(d, n)
              WHERE x.d <= $2::integer AND x.d > $2::integer - $11::integer)
            + (SELECT coalesce(sum(r.a) FILTER (WHERE r.d <= $2::integer AND r.d > $2::integer - $11::integer), 0)
                    - coalesce(sum(r.a) FILTER (WHERE r.d <= $2::integer AND r.o <= $2::integer
                                                  AND r.o > $2::integer - $11::integer), 0)
                 FROM unnest(s.refund_days, s.refund_order_days, s.refund_amounts_minor) AS r(d, o, a))
           )::bigint AS current_value
      FROM customer_summary s
     WHERE s.purchase_count > 0
  ),
  ranked AS (
    SELECT f.*,
           ntile(5) OVER (PARTITION BY f.currency ORDER BY f.last_day, f.customer_id) AS r_score,
           ntile(5) OVER (PARTITION BY f.currency ORDER BY f.frequency, f.customer_id) AS f_score,
           ntile(5) OVER (PARTITION BY f.currency ORDER BY f.monetary, f.customer_id) AS m_score,
           row_number() OVER (PARTITION BY f.currency ORDER BY f.monetary DESC, f.customer_id) AS spend_rank,
           coalesce(sum(f.monetary) OVER (PARTITION BY f.currency ORDER BY f.monetary DESC, f.customer_id
                                          ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS spend_before,
           sum(f.monetary) OVER (PARTITION BY f.currency) AS spend_total,
           count(*) OVER (PARTITION BY f.currency) AS buyers
      FROM facts f
     WHERE f.last_day IS NOT NULL
  ),
  names AS (
    SELECT * FROM unnest($8::integer[], $9::integer[], $10::text[]) AS n(r, fm, segment)
  )
  SELECT $1, k.customer_id, k.currency, $2::integer - k.last_day, k.frequency, k.monetary,
         k.r_score, k.f_score, k.m_score, names.segment,
         CASE WHEN k.spend_total > 0 AND k.spend_before < $3::numeric * k.spend_total THEN 'A'
              WHEN k.spend_total > 0 AND k.spend_before < $4::numeric * k.spend_total THEN 'B'
              ELSE 'C' END,
         CASE WHEN k.spend_rank <= floor(k.buyers * $5::numeric) THEN 'vip'
              WHEN k.spend_rank <= floor(k.buyers * ($5::numeric + $6::numeric)) THEN 'major'
              WHEN k.spend_rank <= floor(k.buyers * ($5::numeric + $6::numeric + $7::numeric)) THEN 'ordinary'
              ELSE 'small' END,
         k.current_value
    FROM ranked k
    JOIN names ON names.r = k.r_score AND names.fm = (k.f_score + k.m_score + 1) / 2`;

function runOf(row: SegmentationRunEntity): SegmentationRun {
  return {
    id: row.id,
    runAt: row.runAt.toISOString(),
    asOf: row.asOf.toISOString(),
    rulesVersion: row.rulesVersion,
    customers: row.customers,
    buyers: row.buyers,
    clvFitId: row.clvFitId,
    clvFits: row.clvFits ?? {},
    historical: row.historical,
  };
}

/** A run as of an earlier UTC day than the day it is made on. */
export function isHistorical(asOf: Date, runAt: Date): boolean {
  return Math.floor(asOf.getTime() / DAY_MS) < Math.floor(runAt.getTime() / DAY_MS);
}

/** A customer's row of customer_segments with its run's columns (one statement: the answer of GET /customers/:id). */
type SegmentationJoinRow = Record<string, unknown> & {
  id: string;
  run_at: Date;
  as_of: Date;
  rules_version: string;
  historical: boolean;
};

const SEGMENTATION_COLUMNS = `r.id, r.run_at, r.as_of, r.rules_version, r.historical, s.currency, s.recency_days,
            s.frequency, s.monetary_minor, s.r_score, s.f_score, s.m_score,
            s.rfm_segment, s.abc_class, s.pyramid_tier, s.current_value_minor, s.predicted_value_minor,
            s.probability_alive, s.value_quadrant, s.expected_purchases_12m, s.expected_spend_minor`;

/**
 * The customer's scores in the latest live run (made at or before
 * `inForceAt`, when given: the run live views used then), or null (no such
 * run, or no purchase up to that run's as-of). Historical runs are never
 * read here.
 */
export async function latestCustomerSegmentation(
  dataSource: Pick<DataSource, 'query'>,
  customerId: string,
  inForceAt: Date | null = null,
): Promise<CustomerSegmentation | null> {
  const rows: SegmentationJoinRow[] = await dataSource.query(
    `SELECT ${SEGMENTATION_COLUMNS}
       FROM (SELECT * FROM segmentation_runs
              WHERE NOT historical AND ($2::timestamptz IS NULL OR run_at <= $2::timestamptz)
              ORDER BY run_at DESC, id DESC LIMIT 1) r
       JOIN customer_segments s ON s.run_id = r.id AND s.customer_id = $1`,
    [customerId, inForceAt],
  );
  return rows[0] ? segmentationOf(rows[0]) : null;
}

/**
 * The customer's scores as of a business instant: the run whose as-of is the
 * latest at or before `asOf` (historical runs included; of runs with the same
 * as-of, the one made last), of the runs made by `madeBy` when given; or
 * null (no such run, or the customer had not bought by that run's as-of).
 */
export async function customerSegmentationAsOf(
  dataSource: Pick<DataSource, 'query'>,
  customerId: string,
  asOf: Date,
  madeBy: Date | null = null,
): Promise<CustomerSegmentation | null> {
  const rows: SegmentationJoinRow[] = await dataSource.query(
    `SELECT ${SEGMENTATION_COLUMNS}
       FROM (SELECT * FROM segmentation_runs
              WHERE as_of <= $2::timestamptz AND ($3::timestamptz IS NULL OR run_at <= $3::timestamptz)
              ORDER BY as_of DESC, run_at DESC, id DESC LIMIT 1) r
       JOIN customer_segments s ON s.run_id = r.id AND s.customer_id = $1`,
    [customerId, asOf, madeBy],
  );
  return rows[0] ? segmentationOf(rows[0]) : null;
}

function segmentationOf(row: SegmentationJoinRow): CustomerSegmentation {
  return {
    runId: row.id,
    runAt: new Date(row.run_at).toISOString(),
    asOf: new Date(row.as_of).toISOString(),
    rulesVersion: row.rules_version,
    historical: row.historical === true,
    currency: row.currency === null || row.currency === undefined ? null : String(row.currency),
    recencyDays: Number(row.recency_days),
    frequency: Number(row.frequency),
    monetaryMinor: Number(row.monetary_minor),
    r: Number(row.r_score),
    f: Number(row.f_score),
    m: Number(row.m_score),
    rfmSegment: String(row.rfm_segment),
    abcClass: row.abc_class as AbcClass,
    pyramidTier: row.pyramid_tier as PyramidTier,
    currentValueMinor: row.current_value_minor === null ? null : Number(row.current_value_minor),
    predictedValueMinor: row.predicted_value_minor === null ? null : Number(row.predicted_value_minor),
    probabilityAlive: row.probability_alive === null ? null : Number(row.probability_alive),
    valueQuadrant: row.value_quadrant === null ? null : String(row.value_quadrant),
    expectedPurchases12Months: row.expected_purchases_12m === null ? null : Number(row.expected_purchases_12m),
    expectedSpendMinor: row.expected_spend_minor === null ? null : Number(row.expected_spend_minor),
  };
}

/**
 * The population-relative segmentation (domain.md, "Telling customers
 * apart"): RFM quintiles, ABC classes and pyramid tiers of every buyer,
 * computed on demand and recorded per run with the rules version used.
 */
@Injectable()
export class SegmentationService {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
    @Optional() @Inject(ClvService) private readonly clv: ClvService | null = null,
  ) {}

  /** Scores every customer who bought up to `asOf`, in one transaction with the run's row. */
  async recompute(asOf: Date, runAt: Date = new Date()): Promise<SegmentationRunReport> {
    const id = await this.score(asOf, runAt, null);
    if (id === null) throw new Error('segmentation run not made');
    return this.report(id);
  }

  /**
   * The scheduled run: scores as of `now` when someone has bought and the
   * latest run is older than `intervalHours` (or there is none), or was not
   * scored with the latest lifetime-value fit (a fit recorded since). Several
   * processes may ask at once; one makes the run, the others get null.
   */
  async recomputeIfDue(now: Date, intervalHours: number): Promise<SegmentationRun | null> {
    const id = await this.score(now, now, intervalHours);
    return id === null ? null : (await this.listRuns(1))[0]!;
  }

  private async score(asOf: Date, runAt: Date, onlyIfOlderThanHours: number | null): Promise<string | null> {
    if (Number.isNaN(asOf.getTime())) throw new RangeError('asOf must be a valid instant');
    const id = randomUUID();
    const { segmentation } = this.rules;
    const names = rfmNameTable();
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      if (onlyIfOlderThanHours !== null) {
        const [lock]: Array<{ locked: boolean }> = await manager.query(
          'SELECT pg_try_advisory_xact_lock($1) AS locked',
          [SEGMENTATION_LOCK],
        );
        if (!lock?.locked) return null;
        const [due]: Array<{ due: boolean }> = await manager.query(
          `WITH live AS (SELECT run_at FROM segmentation_runs WHERE NOT historical ORDER BY run_at DESC, id DESC LIMIT 1)
           SELECT EXISTS (SELECT 1 FROM customer_summary WHERE purchase_count > 0)
                  AND (NOT EXISTS (SELECT 1 FROM live WHERE run_at > $1::timestamptz - make_interval(hours => $2::integer))
                       OR ($3::boolean AND EXISTS (SELECT 1 FROM clv_fits
                                                    WHERE currency IS NOT NULL
                                                      AND fitted_at > (SELECT run_at FROM live)))) AS due`,
          [runAt, onlyIfOlderThanHours, this.clv !== null],
        );
        if (!due?.due) return null;
      }
      await manager.query(SCORE_BUYERS, [
        id,
        Math.floor(asOf.getTime() / DAY_MS),
        String(segmentation.abcACumulativeShare),
        String(segmentation.abcBCumulativeShare),
        String(segmentation.pyramidVipShare),
        String(segmentation.pyramidMajorShare),
        String(segmentation.pyramidOrdinaryShare),
        names.r,
        names.fm,
        names.names,
        segmentation.currentValueWindowDays,
      ]);
      const stageCounts = await this.stageCounts(manager, asOf);
      const quadrants = await this.valueQuadrants(manager, id, Math.floor(asOf.getTime() / DAY_MS));
      const currencies = Object.keys(quadrants.thresholds);
      // The old single-threshold columns say something only when the run had one currency.
      const only = currencies.length === 1 ? quadrants.thresholds[currencies[0]!]! : null;
      await manager.query(
        `INSERT INTO segmentation_runs (id, run_at, as_of, rules_version, customers, buyers, stage_counts,
                                        clv_fit_id, current_value_threshold, potential_value_threshold,
                                        historical, value_thresholds, clv_fits)
         VALUES ($1, $2, $3, $4, (SELECT count(*) FROM customer_summary),
                 (SELECT count(*) FROM customer_segments WHERE run_id = $1), $5::jsonb, $6, $7, $8,
                 $9, $10::jsonb, $11::jsonb)`,
        [
          id,
          runAt,
          asOf,
          this.rules.version,
          JSON.stringify(stageCounts),
          quadrants.newestFitId,
          only?.current ?? null,
          only?.potential ?? null,
          isHistorical(asOf, runAt),
          currencies.length === 0 ? null : JSON.stringify(quadrants.thresholds),
          Object.keys(quadrants.fits).length === 0 ? null : JSON.stringify(quadrants.fits),
        ],
      );
      return id;
    });
  }

  /**
   * The value quadrant (docs/domain.md, "Value quadrant") of every buyer of
   * the run, within each currency: the latest lifetime-value fit of that
   * currency scores its buyers as of the run's day (predicted value =
   * potential value, probability alive), then current and potential value
   * are each high when above that currency's buyers'
   * `quadrantThresholdPercentile` (default: the median). Buyers of a
   * currency without a fit (or whose fit has no Gamma-Gamma estimates) keep
   * a null quadrant. Returns each currency's thresholds and fit.
   */
  private async valueQuadrants(
    manager: EntityManager,
    runId: string,
    asOfDay: number,
  ): Promise<{
    thresholds: Record<string, { current: number | null; potential: number | null }>;
    fits: Record<string, string>;
    newestFitId: string | null;
  }> {
    const thresholds: Record<string, { current: number | null; potential: number | null }> = {};
    const fits: Record<string, string> = {};
    let newest: { id: string; fittedAt: string } | null = null;
    if (!this.clv) return { thresholds, fits, newestFitId: null };
    const currencies: Array<{ currency: string }> = await manager.query(
      'SELECT DISTINCT currency FROM customer_segments WHERE run_id = $1 AND currency IS NOT NULL ORDER BY 1',
      [runId],
    );
    for (const { currency } of currencies) {
      // Read inside the run's own transaction: on embedded storage a second connection would wait behind it.
      const fit = await this.clv.latestFit(currency, manager);
      if (!fit) continue;
      fits[currency] = fit.id;
      if (newest === null || fit.fittedAt > newest.fittedAt) newest = { id: fit.id, fittedAt: fit.fittedAt };
      const scores = await this.clv.scoreCustomers(fit, asOfDay, undefined, manager);
      await manager.query(
        `UPDATE customer_segments s
            SET predicted_value_minor = x.predicted, probability_alive = x.alive,
                expected_purchases_12m = x.purchases, expected_spend_minor = x.spend
           FROM jsonb_to_recordset($2::jsonb)
                AS x(customer_id text, predicted bigint, alive double precision, purchases double precision, spend bigint)
          WHERE s.run_id = $1 AND s.currency = $3 AND s.customer_id = x.customer_id`,
        [
          runId,
          JSON.stringify(
            scores.map((score) => ({
              customer_id: score.customerId,
              predicted: score.predictedValueMinor,
              alive: score.probabilityAlive,
              purchases: score.expectedPurchases12Months,
              spend: score.expectedSpendMinor,
            })),
          ),
          currency,
        ],
      );
      const [row]: Array<{ current: string | null; potential: string | null }> = await manager.query(
        `SELECT percentile_disc($2::double precision) WITHIN GROUP (ORDER BY current_value_minor) AS current,
                percentile_disc($2::double precision) WITHIN GROUP (ORDER BY predicted_value_minor) AS potential
           FROM customer_segments WHERE run_id = $1 AND currency = $3`,
        [runId, this.rules.segmentation.quadrantThresholdPercentile, currency],
      );
      if (row?.current == null || row.potential == null) {
        thresholds[currency] = { current: null, potential: null };
        continue;
      }
      const current = Number(row.current);
      const potential = Number(row.potential);
      thresholds[currency] = { current, potential };
      await manager.query(
        `UPDATE customer_segments
            SET value_quadrant = CASE
                  WHEN current_value_minor > $2 AND predicted_value_minor > $3 THEN 'vip'
                  WHEN current_value_minor > $2 THEN 'maintain'
                  WHEN predicted_value_minor > $3 THEN 'improve'
                  ELSE 'abandon' END
          WHERE run_id = $1 AND currency = $4 AND predicted_value_minor IS NOT NULL`,
        [runId, current, potential, currency],
      );
    }
    return { thresholds, fits, newestFitId: newest?.id ?? null };
  }

  /** How many customers were in each lifecycle stage as of the instant (registered by then). */
  private async stageCounts(manager: EntityManager, asOf: Date): Promise<Record<LifecycleStage, number>> {
    const counts = Object.fromEntries(LIFECYCLE_STAGES.map((stage) => [stage, 0])) as Record<LifecycleStage, number>;
    let after = '';
    for (;;) {
      const rows = await manager.find(CustomerSummaryEntity, {
        where: { customerId: MoreThan(after) },
        order: { customerId: 'ASC' },
        take: STAGE_COUNT_PAGE,
      });
      for (const row of rows) {
        const facts = lifecycleFactsOf(row);
        const first = facts.purchaseDays[0];
        const since = Math.min(facts.registeredAtMs, first === undefined ? Infinity : first * DAY_MS);
        if (since > asOf.getTime()) continue;
        counts[lifecycleStageAt(facts, asOf.getTime(), this.rules.lifecycle).stage] += 1;
      }
      if (rows.length < STAGE_COUNT_PAGE) return counts;
      after = rows[rows.length - 1]!.customerId;
    }
  }

  /** The most recent runs, newest first (historical ones included, marked so). */
  async listRuns(limit = 20): Promise<SegmentationRun[]> {
    const rows = await this.dataSource.manager.find(SegmentationRunEntity, {
      order: { runAt: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.map(runOf);
  }

  /** The latest run live views read (not historical), or null. */
  async latestLiveRun(): Promise<SegmentationRun | null> {
    const row = await this.dataSource.manager.findOne(SegmentationRunEntity, {
      where: { historical: false },
      order: { runAt: 'DESC', id: 'DESC' },
    });
    return row ? runOf(row) : null;
  }

  /** A run with its counts per ABC class, pyramid tier and RFM segment. */
  async report(runId: string): Promise<SegmentationRunReport> {
    const run = await this.dataSource.manager.findOneBy(SegmentationRunEntity, { id: runId });
    if (!run) throw new Error(`segmentation run ${runId} not found`);
    const count = async (column: string, keys: readonly string[]): Promise<Record<string, number>> => {
      const rows: Array<{ key: string; n: string }> = await this.dataSource.query(
        `SELECT ${column} AS key, count(*) AS n FROM customer_segments WHERE run_id = $1 GROUP BY 1 ORDER BY 1`,
        [runId],
      );
      const counts: Record<string, number> = Object.fromEntries(keys.map((key) => [key, 0]));
      for (const row of rows) counts[row.key] = Number(row.n);
      return counts;
    };
    // Shares of spend are taken within each currency: amounts of different currencies are never added.
    const spend: Array<{ currency: string | null; key: string; share: string | null }> = await this.dataSource.query(
      `SELECT currency, abc_class AS key,
              round(100.0 * sum(monetary_minor) / nullif(sum(sum(monetary_minor)) OVER (PARTITION BY currency), 0), 1)
                AS share
         FROM customer_segments WHERE run_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
      [runId],
    );
    const abcSpendSharePercent: Record<string, Record<string, number>> = {};
    for (const row of spend) {
      const currency = row.currency ?? 'unknown';
      abcSpendSharePercent[currency] ??= Object.fromEntries(ABC_CLASSES.map((key) => [key, 0]));
      abcSpendSharePercent[currency]![row.key] = Number(row.share ?? 0);
    }
    const buyers: Array<{ currency: string | null; n: string }> = await this.dataSource.query(
      'SELECT currency, count(*) AS n FROM customer_segments WHERE run_id = $1 GROUP BY 1 ORDER BY 1',
      [runId],
    );
    return {
      ...runOf(run),
      lifecycleStages: run.stageCounts
        ? Object.fromEntries(LIFECYCLE_STAGES.map((stage) => [stage, run.stageCounts![stage] ?? 0]))
        : null,
      buyersByCurrency: Object.fromEntries(buyers.map((row) => [row.currency ?? 'unknown', Number(row.n)])),
      abcClasses: await count('abc_class', ABC_CLASSES),
      abcSpendSharePercent,
      pyramidTiers: await count('pyramid_tier', PYRAMID_TIERS),
      rfmSegments: await count('rfm_segment', RFM_SEGMENTS),
    };
  }
}
