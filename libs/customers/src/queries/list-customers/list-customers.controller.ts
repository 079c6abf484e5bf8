import { BadRequestException, Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
import {
  decodeCustomersCursor,
  ListCustomersQuery,
  parseCustomerSort,
  type CustomersFilter,
  type CustomersPage,
  type CustomerSort,
} from './list-customers.query';
import { CUSTOMERS_DEFAULT_LIMIT, CustomerFilterRequest, ListCustomersRequest } from './list-customers.request';

/** The statuses listed are evaluated from customer_summary (and the segmentation runs, which no projection keeps). */
const READ_MODELS = [customerSummaryProjection];

const NO_FILTER = {
  stage: null,
  segment: null,
  rfmSegment: null,
  abcClass: null,
  pyramidTier: null,
  quadrant: null,
  loyaltyTier: null,
  churnRisk: null,
  probabilityAliveBelow: null,
} as const;

/** The shared part of a list request, converted; 400 when the cursor was made for another sort. */
function listFilter(request: CustomerFilterRequest, sort: CustomerSort): Omit<CustomersFilter, keyof typeof NO_FILTER> {
  const after = request.cursor ? decodeCustomersCursor(request.cursor) : null;
  const sortText = `${sort.descending ? '-' : ''}${sort.key}`;
  if (after && after.sort !== sortText) {
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: `cursor was made for sort ${after.sort}, not ${sortText}`,
      problems: [{ field: 'cursor', rule: 'sameSort', message: 'cursor belongs to a list with another sort' }],
    });
  }
  return {
    accountManagerId: request.accountManagerId ?? null,
    region: request.region ?? null,
    sort,
    limit: request.limit ? Number(request.limit) : CUSTOMERS_DEFAULT_LIMIT,
    after,
  };
}

@ApiTags('customers')
@RequireRole('reader')
@Controller('customers')
export class ListCustomersController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      'Customers with their status evaluated for today (lifecycle stage, segment, RFM segment, ABC class, pyramid ' +
      'tier, value quadrant, loyalty, churn risk, current value): `{ evaluatedAt, rulesVersion, segmentationRunId, ' +
      'items, nextCursor }`.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiProjectionLagging()
  async list(@Query() request: ListCustomersRequest): Promise<CustomersPage> {
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, READ_MODELS);
    const filter: CustomersFilter = {
      stage: request.stage ?? null,
      segment: request.segment ?? null,
      rfmSegment: request.rfmSegment ?? null,
      abcClass: request.abcClass ?? null,
      pyramidTier: request.pyramidTier ?? null,
      quadrant: request.quadrant ?? null,
      loyaltyTier: request.loyaltyTier ?? null,
      churnRisk: request.churnRisk === undefined ? null : request.churnRisk === 'true',
      probabilityAliveBelow: request.probabilityAliveBelow === undefined ? null : Number(request.probabilityAliveBelow),
      ...listFilter(request, parseCustomerSort(request.sort ?? 'customerId')!),
    };
    return this.queries.execute<ListCustomersQuery, CustomersPage>(new ListCustomersQuery(filter, new Date()));
  }
}

@ApiTags('alerts')
@RequireRole('reader')
@Controller('alerts')
export class ChurnAlertsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get('churn')
  @ApiOkResponse({
    description:
      'Customers at risk of churning as of today, most valuable first (current value, then customer id), each with ' +
      'the reasons that flagged it: `{ evaluatedAt, rulesVersion, segmentationRunId, items, nextCursor }`.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiProjectionLagging()
  async churn(@Query() request: CustomerFilterRequest): Promise<CustomersPage> {
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, READ_MODELS);
    const filter: CustomersFilter = {
      ...NO_FILTER,
      churnRisk: true,
      ...listFilter(request, { key: 'currentValue', descending: true }),
    };
    return this.queries.execute<ListCustomersQuery, CustomersPage>(new ListCustomersQuery(filter, new Date()));
  }
}
