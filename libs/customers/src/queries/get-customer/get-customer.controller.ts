import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CUSTOMER_ID_PATTERN } from '../../commands/register-customer/register-customer.request';
import type { CustomerSummaryEntity } from '../../projections/customer-summary/customer-summary.entity';
import { GetCustomerQuery } from './get-customer.query';

@ApiTags('customers')
@Controller('customers')
export class GetCustomerController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':customerId')
  @ApiOkResponse({ description: "The customer's summary read model." })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  get(@Param('customerId') customerId: string): Promise<CustomerSummaryEntity> {
    if (!CUSTOMER_ID_PATTERN.test(customerId)) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: 'customerId must be 1-64 letters, digits, "_" or "-"',
        problems: [{ field: 'path:customerId', rule: 'matches', message: 'customerId has an invalid format' }],
      });
    }
    return this.queries.execute<GetCustomerQuery, CustomerSummaryEntity>(new GetCustomerQuery(customerId));
  }
}
