import { BadRequestException, Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { EventStore } from '@crm/event-store';
import { RequireRole } from '@crm/platform';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { awaitCustomerSummary } from '../await-read-model';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import type { CustomerView } from './customer-view';
import { GetCustomerQuery } from './get-customer.query';
import { GetCustomerRequest } from './get-customer.request';

/** 400 for a customer id that cannot be one. */
export function assertCustomerId(customerId: string): void {
  if (!ID_PATTERN.test(customerId)) {
    throw new BadRequestException({
      code: 'VALIDATION_FAILED',
      message: `customerId ${ID_RULE}`,
      problems: [{ field: 'path:customerId', rule: 'matches', message: 'customerId has an invalid format' }],
    });
  }
}

@ApiTags('customers')
@RequireRole('reader')
@Controller('customers')
export class GetCustomerController {
  constructor(
    private readonly queries: QueryBus,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Get(':customerId')
  @ApiOkResponse({
    description:
      "The customer's summary read model with its purchase and satisfaction facts, plus `satisfaction` (categories " +
      'under the current rules) and `lifecycle: { stage, since, reason, evaluatedAt, rulesVersion }`, evaluated now ' +
      "or as of `asOf`, and `segmentation` (the latest segmentation run's RFM scores, ABC class and pyramid tier " +
      'of the customer, or null).',
  })
  @ApiBadRequestResponse({ description: 'A parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  @ApiServiceUnavailableResponse({
    description:
      'PROJECTION_LAGGING: the projector had not passed `minCheckpoint` within 5 s; the answer gives `lagEvents` and `lagSeconds`.',
  })
  async get(@Param('customerId') customerId: string, @Query() request: GetCustomerRequest): Promise<CustomerView> {
    assertCustomerId(customerId);
    if (request.minCheckpoint !== undefined)
      await awaitCustomerSummary(this.store, this.dataSource, request.minCheckpoint);
    const asOf = request.asOf ? new Date(request.asOf) : new Date();
    return this.queries.execute<GetCustomerQuery, CustomerView>(new GetCustomerQuery(customerId, asOf));
  }
}
