import { IsInstant } from '@crm/platform';
import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { RequireRole } from '@crm/platform';
import { analyticsOrdersProjection } from '../../projections/analytics-facts/analytics-orders.projection';
import { analyticsSurveysProjection } from '../../projections/analytics-facts/analytics-surveys.projection';
import { complaintsProjection } from '../../projections/complaints/complaints.projection';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { ApiProjectionLagging, MinCheckpointParam, ReadYourWrites } from '../await-read-model';
import { AnalyticsSummaryQuery, type AnalyticsSummary } from './analytics-summary.handler';

/**
 * Customers by status (customer_status, evaluated from customer_summary),
 * surveys, orders and complaints.
 */
const READ_MODELS = [
  customerSummaryProjection,
  analyticsSurveysProjection,
  analyticsOrdersProjection,
  complaintsProjection,
];

export class AnalyticsSummaryRequest {
  @ApiPropertyOptional({ description: 'Surveys and revenue from this instant (inclusive).', format: 'date-time' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: '… up to this instant (exclusive); default now.', format: 'date-time' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @MinCheckpointParam()
  minCheckpoint?: string;
}

@ApiTags('analytics')
@RequireRole('reader')
@Controller('analytics')
export class AnalyticsSummaryController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get('summary')
  @ApiOkResponse({
    description:
      'Customers by lifecycle stage, segment, RFM segment, ABC class, pyramid tier, value quadrant and loyalty tier ' +
      '(evaluated for today), how many are at risk of churning, company NPS and CSAT and revenue per currency over ' +
      'the period, open complaints.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiProjectionLagging()
  async summary(@Query() request: AnalyticsSummaryRequest): Promise<AnalyticsSummary> {
    const from = request.from ? new Date(request.from) : null;
    const to = request.to ? new Date(request.to) : null;
    if (from && to && from.getTime() >= to.getTime()) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'to must be after from',
        problems: [{ field: 'to', rule: 'isAfterFrom', message: 'to must be after from' }],
      });
    }
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, READ_MODELS);
    return this.queries.execute<AnalyticsSummaryQuery, AnalyticsSummary>(
      new AnalyticsSummaryQuery(from, to, new Date()),
    );
  }
}
