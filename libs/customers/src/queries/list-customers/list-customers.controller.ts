import { BadRequestException, Controller, Get, Inject, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@crm/event-store';
import { RequireRole } from '@crm/platform';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { awaitCustomerSummary } from '../await-read-model';
import {
  decodeCustomersCursor,
  ListCustomersQuery,
  parseCustomerSort,
  type CustomersFilter,
  type CustomersPage,
  type CustomerSort,
} from './list-customers.query';
import { CUSTOMERS_DEFAULT_LIMIT, CustomerFilterRequest, ListCustomersRequest } from './list-customers.request';

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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      'Customers with their status evaluated for today (lifecycle stage, segment, RFM segment, ABC class, pyramid ' +
      'tier, value quadrant, loyalty, churn risk, current value): `{ evaluatedAt, rulesVersion, segmentationRunId, ' +
      'items, nextCursor }`.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiServiceUnavailableResponse({ description: 'PROJECTION_LAGGING: `minCheckpoint` not reached within 5 s.' })
  async list(@Query() request: ListCustomersRequest): Promise<CustomersPage> {
    if (request.minCheckpoint !== undefined) {
      await awaitCustomerSummary(this.store, this.dataSource, request.minCheckpoint);
    }
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get('churn')
  @ApiOkResponse({
    description:
      'Customers at risk of churning as of today, most valuable first (current value, then customer id), each with ' +
      'the reasons that flagged it: `{ evaluatedAt, rulesVersion, segmentationRunId, items, nextCursor }`.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  async churn(@Query() request: CustomerFilterRequest): Promise<CustomersPage> {
    if (request.minCheckpoint !== undefined) {
      await awaitCustomerSummary(this.store, this.dataSource, request.minCheckpoint);
    }
    const filter: CustomersFilter = {
      ...NO_FILTER,
      churnRisk: true,
      ...listFilter(request, { key: 'currentValue', descending: true }),
    };
    return this.queries.execute<ListCustomersQuery, CustomersPage>(new ListCustomersQuery(filter, new Date()));
  }
}
