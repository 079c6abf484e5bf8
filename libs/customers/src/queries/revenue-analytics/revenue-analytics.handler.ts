import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { exactInteger } from '@crm/platform';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { CustomerStatusService } from '../../customer-status/customer-status.service';
import {
  RevenueAnalyticsQuery,
  type RevenueAnalyticsAnswer,
  type RevenueAnalyticsRow,
  type RevenueDimension,
  type TimeGranularity,
} from './revenue-analytics.query';

/** The bucket's label for each granularity (ISO weeks start on Monday). */
const TIME_LABELS: Readonly<Record<TimeGranularity, string>> = {
  year: 'YYYY',
  quarter: 'YYYY-"Q"Q',
  month: 'YYYY-MM',
  week: 'IYYY-"W"IW',
  day: 'YYYY-MM-DD',
};

/** The column of analytics_revenue_facts behind each dimension. */
const DIMENSION_COLUMNS: Readonly<Record<RevenueDimension, string>> = {
  region: 'region',
  category: 'category',
  channel: 'channel',
  accountManager: 'account_manager_id',
  segment: "coalesce(st.segment, '')",
};

const MEASURES = `
  SUM(gross_minor)::text                     AS "grossRevenueMinor",
  SUM(refunds_minor)::text                   AS "refundsMinor",
  SUM(net_minor)::text                       AS "netRevenueMinor",
  COUNT(DISTINCT (f.customer_id, order_id))::int AS "orders",
  SUM(units)::text                           AS "units",
  COUNT(DISTINCT f.customer_id)::int         AS "customers"`;

const SUMMED = ['grossRevenueMinor', 'refundsMinor', 'netRevenueMinor', 'units'] as const;

/**
 * Groups the analytics_revenue_facts view (one row per order and category,
 * region and account manager attributed as of the purchase) by the asked
 * time bucket and dimensions, always per currency: amounts in different
 * currencies are never added together.
 */
@QueryHandler(RevenueAnalyticsQuery)
export class RevenueAnalyticsHandler implements IQueryHandler<RevenueAnalyticsQuery, RevenueAnalyticsAnswer> {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly statuses: CustomerStatusService,
  ) {}

  async execute({ spec }: RevenueAnalyticsQuery): Promise<RevenueAnalyticsAnswer> {
    const bySegment = spec.segment !== null || spec.dimensions.includes('segment');
    // The segment is today's: re-evaluate the statuses that are due first.
    if (bySegment) await this.statuses.refresh(new Date());
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [`day >= ${param(spec.from)}::date`, `day < ${param(spec.to)}::date`];
    if (spec.currency) where.push(`currency = ${param(spec.currency)}`);
    if (spec.region) where.push(`region = ${param(spec.region)}`);
    if (spec.category) where.push(`category = ${param(spec.category)}`);
    if (spec.channel) where.push(`channel = ${param(spec.channel)}`);
    if (spec.accountManager) where.push(`account_manager_id = ${param(spec.accountManager)}`);
    if (spec.segment) where.push(`st.segment = ${param(spec.segment)}`);

    const groups: string[] = [];
    if (spec.time) {
      const bucket = `date_trunc('${spec.time}', day::timestamp)`;
      groups.push(`to_char(${bucket}, '${TIME_LABELS[spec.time]}') AS "${spec.time}"`);
      groups.push(`to_char(${bucket}, 'YYYY-MM-DD') AS "periodStart"`);
    }
    for (const dimension of spec.dimensions) groups.push(`${DIMENSION_COLUMNS[dimension]} AS "${dimension}"`);
    groups.push('currency AS "currency"');
    const positions = groups.map((_, index) => String(index + 1)).join(', ');

    const raw: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT ${groups.join(',\n              ')},${MEASURES}
         FROM analytics_revenue_facts f
        ${bySegment ? 'LEFT JOIN customer_status st ON st.customer_id = f.customer_id' : ''}
        WHERE ${where.join(' AND ')}
        GROUP BY ${positions}
        ORDER BY ${positions}`,
      params,
    );
    const rows = raw.map((row) => {
      const item: Record<string, unknown> = { ...row };
      for (const measure of SUMMED) item[measure] = exactInteger(row[measure] as string);
      return item as unknown as RevenueAnalyticsRow;
    });
    return {
      from: spec.from,
      to: spec.to,
      groupBy: [...(spec.time ? [spec.time] : []), ...spec.dimensions],
      rows,
    };
  }
}
