import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
import { assertCustomerId } from '../get-customer/get-customer.controller';
import { CustomerAsOfRequest } from '../get-customer/get-customer.request';
import {
  GetCustomerLifecycleHistoryQuery,
  type CustomerLifecycleHistory,
} from './get-customer-lifecycle-history.query';

@ApiTags('customers')
@RequireRole('reader')
@Controller('customers')
export class GetCustomerLifecycleHistoryController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get(':customerId/lifecycle-history')
  @ApiOkResponse({
    description:
      'The lifecycle stages the customer went through up to now (or `asOf`), oldest first: ' +
      '`{ customerId, asOf, rulesVersion, items: [{ stage, enteredAt, leftAt, reason }] }`.',
  })
  @ApiBadRequestResponse({ description: 'A parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  @ApiProjectionLagging()
  async get(
    @Param('customerId') customerId: string,
    @Query() request: CustomerAsOfRequest,
  ): Promise<CustomerLifecycleHistory> {
    assertCustomerId(customerId);
    // The history is computed from the customer's customer_summary row.
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, [customerSummaryProjection]);
    const asOf = request.asOf ? new Date(request.asOf) : new Date();
    return this.queries.execute<GetCustomerLifecycleHistoryQuery, CustomerLifecycleHistory>(
      new GetCustomerLifecycleHistoryQuery(customerId, asOf),
    );
  }
}
