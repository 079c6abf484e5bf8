import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { analyticsCustomerAttributesProjection } from '../../projections/analytics-facts/analytics-customer-attributes.projection';
import { analyticsOrdersProjection } from '../../projections/analytics-facts/analytics-orders.projection';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
import {
  RevenueAnalyticsQuery,
  TIME_GRANULARITIES,
  type RevenueAnalyticsAnswer,
  type RevenueDimension,
  type TimeGranularity,
} from './revenue-analytics.query';
import { RevenueAnalyticsRequest } from './revenue-analytics.request';

/** analytics_revenue_facts: the orders, with the region and account manager in force at each. */
const READ_MODELS = [analyticsOrdersProjection, analyticsCustomerAttributesProjection];

@ApiTags('analytics')
@RequireRole('reader')
@Controller('analytics')
export class RevenueAnalyticsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get('revenue')
  @ApiOkResponse({
    description:
      'Revenue by time bucket and dimensions, per currency: `{ from, to, groupBy, rows }`; each row carries its ' +
      'dimension values and grossRevenueMinor, refundsMinor, netRevenueMinor, orders, units, customers (distinct).',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiProjectionLagging()
  async revenue(@Query() request: RevenueAnalyticsRequest): Promise<RevenueAnalyticsAnswer> {
    // The validation pipe has checked every value as text; convert them here.
    const names = request.groupBy ? request.groupBy.split(',') : [];
    // Today's segment comes from customer_status, evaluated from customer_summary.
    const bySegment = request.segment !== undefined || names.includes('segment');
    await this.readYourWrites.awaitReadModels(
      request.minCheckpoint,
      bySegment ? [...READ_MODELS, customerSummaryProjection] : READ_MODELS,
    );
    const time = names.find((name): name is TimeGranularity =>
      (TIME_GRANULARITIES as readonly string[]).includes(name),
    );
    return this.queries.execute<RevenueAnalyticsQuery, RevenueAnalyticsAnswer>(
      new RevenueAnalyticsQuery({
        time: time ?? null,
        dimensions: names.filter((name) => name !== time) as RevenueDimension[],
        from: request.from,
        to: request.to,
        currency: request.currency ?? null,
        region: request.region ?? null,
        category: request.category ?? null,
        channel: request.channel ?? null,
        accountManager: request.accountManager ?? null,
        segment: request.segment ?? null,
      }),
    );
  }
}
