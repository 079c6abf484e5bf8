import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import {
  RevenueAnalyticsQuery,
  TIME_GRANULARITIES,
  type RevenueAnalyticsAnswer,
  type RevenueDimension,
  type TimeGranularity,
} from './revenue-analytics.query';
import { RevenueAnalyticsRequest } from './revenue-analytics.request';

@ApiTags('analytics')
@RequireRole('reader')
@Controller('analytics')
export class RevenueAnalyticsController {
  constructor(private readonly queries: QueryBus) {}

  @Get('revenue')
  @ApiOkResponse({
    description:
      'Revenue by time bucket and dimensions, per currency: `{ from, to, groupBy, rows }`; each row carries its ' +
      'dimension values and grossRevenueMinor, refundsMinor, netRevenueMinor, orders, units, customers (distinct).',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  revenue(@Query() request: RevenueAnalyticsRequest): Promise<RevenueAnalyticsAnswer> {
    // The validation pipe has checked every value as text; convert them here.
    const names = request.groupBy ? request.groupBy.split(',') : [];
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
