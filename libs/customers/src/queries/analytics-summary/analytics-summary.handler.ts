import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { exactDifference, exactInteger, type ExactInteger } from '@crm/platform';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { CustomerStatusService, latestSegmentationRunId } from '../../customer-status/customer-status.service';
import { VALUE_QUADRANTS } from '../../customer-status/customer-status';
import { LIFECYCLE_STAGES } from '../../domain/lifecycle';
import { LOYALTY_TIERS } from '../../domain/loyalty';
import type { CrmRules } from '../../domain/rules/crm-rules';
import { CRM_RULES } from '../../rules/rules.loader';
import { ABC_CLASSES, PYRAMID_TIERS } from '../../segmentation/segmentation.service';

export class AnalyticsSummaryQuery {
  constructor(
    /** Surveys and revenue from this instant (inclusive); null: from the beginning. */
    readonly from: Date | null,
    /** … to this instant (exclusive); null: up to now. */
    readonly to: Date | null,
    readonly now: Date,
  ) {}
}

export interface AnalyticsSummary {
  readonly evaluatedAt: Date;
  readonly rulesVersion: string;
  readonly segmentationRunId: string | null;
  readonly period: { readonly from: Date | null; readonly to: Date | null };
  readonly customers: {
    readonly total: number;
    readonly byStage: Record<string, number>;
    readonly bySegment: Record<string, number>;
    readonly byRfmSegment: Record<string, number>;
    readonly byAbcClass: Record<string, number>;
    readonly byPyramidTier: Record<string, number>;
    readonly byValueQuadrant: Record<string, number>;
    readonly byLoyaltyTier: Record<string, number>;
    readonly atRiskOfChurn: number;
  };
  readonly satisfaction: {
    /** % promoters − % detractors over the NPS answers of the period; null without answers. */
    readonly nps: number | null;
    readonly npsAnswers: number;
    readonly promoters: number;
    readonly passives: number;
    readonly detractors: number;
    /** Mean CSAT (1–5) of the period, two decimals; null without answers. */
    readonly csatAverage: number | null;
    readonly csatSatisfiedPercent: number | null;
    readonly csatAnswers: number;
  };
  /** Per currency: gross, refunds and net revenue (minor units) and orders of the period. */
  readonly revenue: Array<{
    readonly currency: string;
    readonly orders: number;
    readonly grossMinor: ExactInteger;
    readonly refundsMinor: ExactInteger;
    readonly netMinor: ExactInteger;
  }>;
  readonly complaints: { readonly open: number; readonly total: number };
}

function zeroes(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((key) => [key, 0]));
}

/**
 * The dashboard's headline numbers: customers by stage, segment, class, tier
 * and quadrant (customer_status, refreshed first), company NPS and CSAT and
 * revenue of a period (analytics facts), open complaints.
 */
@QueryHandler(AnalyticsSummaryQuery)
export class AnalyticsSummaryHandler implements IQueryHandler<AnalyticsSummaryQuery, AnalyticsSummary> {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
    private readonly statuses: CustomerStatusService,
  ) {}

  async execute({ from, to, now }: AnalyticsSummaryQuery): Promise<AnalyticsSummary> {
    await this.statuses.refresh(now);
    const counts = async (column: string, keys: readonly string[]): Promise<Record<string, number>> => {
      const rows: Array<{ key: string | null; n: string }> = await this.dataSource.query(
        `SELECT ${column} AS key, count(*) AS n FROM customer_status WHERE ${column} IS NOT NULL GROUP BY 1 ORDER BY 1`,
      );
      const result = zeroes(keys);
      for (const row of rows) result[row.key!] = Number(row.n);
      return result;
    };
    const [total] = await this.dataSource.query<Array<{ total: string; at_risk: string }>>(
      'SELECT count(*) AS total, count(*) FILTER (WHERE churn_risk) AS at_risk FROM customer_status',
    );
    const period =
      "occurred_at >= coalesce($1::timestamptz, '-infinity') AND occurred_at < coalesce($2::timestamptz, $3::timestamptz)";
    const { satisfaction } = this.rules;
    const [surveys] = await this.dataSource.query<Array<Record<string, string | null>>>(
      `SELECT count(nps) AS nps_answers,
              count(*) FILTER (WHERE nps >= $4) AS promoters,
              count(*) FILTER (WHERE nps >= $5 AND nps < $4) AS passives,
              count(*) FILTER (WHERE nps < $5) AS detractors,
              count(csat) AS csat_answers,
              round(avg(csat), 2) AS csat_average,
              count(*) FILTER (WHERE csat >= $6) AS csat_satisfied
         FROM analytics_surveys WHERE ${period}`,
      [from, to, now, satisfaction.npsPromoterMin, satisfaction.npsPassiveMin, satisfaction.csatSatisfiedMin],
    );
    const revenue = await this.dataSource.query<Array<Record<string, string>>>(
      `SELECT currency, count(*) AS orders, sum(gross_minor) AS gross, sum(refunds_minor) AS refunds
         FROM analytics_orders WHERE ${period} GROUP BY currency ORDER BY currency`,
      [from, to, now],
    );
    const [complaints] = await this.dataSource.query<Array<{ open: string; total: string }>>(
      "SELECT count(*) FILTER (WHERE state <> 'closed') AS open, count(*) AS total FROM complaints",
    );
    const n = (value: string | null | undefined): number => Number(value ?? 0);
    const npsAnswers = n(surveys?.nps_answers);
    const csatAnswers = n(surveys?.csat_answers);
    const percent = (part: number, whole: number): number => Math.round((part / whole) * 1000) / 10;
    return {
      evaluatedAt: now,
      rulesVersion: this.rules.version,
      segmentationRunId: await latestSegmentationRunId(this.dataSource),
      period: { from, to },
      customers: {
        total: n(total?.total),
        byStage: await counts('stage', LIFECYCLE_STAGES),
        bySegment: await counts('segment', []),
        byRfmSegment: await counts('rfm_segment', []),
        byAbcClass: await counts('abc_class', ABC_CLASSES),
        byPyramidTier: await counts('pyramid_tier', PYRAMID_TIERS),
        byValueQuadrant: await counts('value_quadrant', VALUE_QUADRANTS),
        byLoyaltyTier: await counts('loyalty_tier', LOYALTY_TIERS),
        atRiskOfChurn: n(total?.at_risk),
      },
      satisfaction: {
        nps:
          npsAnswers === 0
            ? null
            : Math.round(percent(n(surveys?.promoters), npsAnswers) - percent(n(surveys?.detractors), npsAnswers)),
        npsAnswers,
        promoters: n(surveys?.promoters),
        passives: n(surveys?.passives),
        detractors: n(surveys?.detractors),
        csatAverage: csatAnswers === 0 ? null : n(surveys?.csat_average),
        csatSatisfiedPercent: csatAnswers === 0 ? null : percent(n(surveys?.csat_satisfied), csatAnswers),
        csatAnswers,
      },
      revenue: revenue.map((row) => ({
        currency: row.currency!,
        orders: n(row.orders),
        grossMinor: exactInteger(row.gross),
        refundsMinor: exactInteger(row.refunds),
        netMinor: exactDifference(exactInteger(row.gross), exactInteger(row.refunds)),
      })),
      complaints: { open: n(complaints?.open), total: n(complaints?.total) },
    };
  }
}
