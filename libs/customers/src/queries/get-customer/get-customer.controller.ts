import { BadRequestException, Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
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
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get(':customerId')
  @ApiOkResponse({
    description:
      "The customer's summary read model with its purchase and satisfaction facts, plus `satisfaction` (categories " +
      'under the current rules), `lifecycle: { stage, since, reason, evaluatedAt, rulesVersion }`, loyalty, churn ' +
      "risk and current value, evaluated now, and `segmentation` (the latest live segmentation run's RFM raw values " +
      '`recencyDays`, `frequency`, `monetaryMinor` and their scores `r`, `f`, `m`, RFM segment, ABC class and ' +
      'pyramid tier of the customer, or null). With `asOf`, every field is as of that business instant: the ' +
      "customer's state then, folded from the events dated by then, with the segmentation run as of then " +
      '(plus `rfm` and `basis`, as GET /customers/:id/state answers).',
  })
  @ApiBadRequestResponse({ description: 'A parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  @ApiProjectionLagging()
  async get(@Param('customerId') customerId: string, @Query() request: GetCustomerRequest): Promise<CustomerView> {
    assertCustomerId(customerId);
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, [customerSummaryProjection]);
    const asOf = request.asOf ? new Date(request.asOf) : null;
    return this.queries.execute<GetCustomerQuery, CustomerView>(new GetCustomerQuery(customerId, asOf));
  }
}
