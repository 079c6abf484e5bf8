import { BadRequestException, Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { ID_PATTERN, ID_RULE } from '../../http/command-request';
import type { CustomerSummaryEntity } from '../../projections/customer-summary/customer-summary.entity';
import { GetCustomerQuery } from './get-customer.query';

@ApiTags('customers')
@RequireRole('reader')
@Controller('customers')
export class GetCustomerController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':customerId')
  @ApiOkResponse({ description: "The customer's summary read model." })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  get(@Param('customerId') customerId: string): Promise<CustomerSummaryEntity> {
    if (!ID_PATTERN.test(customerId)) {
      throw new BadRequestException({
        code: 'VALIDATION_FAILED',
        message: `customerId ${ID_RULE}`,
        problems: [{ field: 'path:customerId', rule: 'matches', message: 'customerId has an invalid format' }],
      });
    }
    return this.queries.execute<GetCustomerQuery, CustomerSummaryEntity>(new GetCustomerQuery(customerId));
  }
}
