import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { requestedThresholds } from '../../cross-sell/cross-sell.request';
import { crossSellReadModels } from '../../cross-sell/cross-sell.service';
import { customerSummaryProjection } from '../../projections/customer-summary/customer-summary.projection';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
import { assertCustomerId } from '../get-customer/get-customer.controller';
import {
  GetCustomerRecommendationsQuery,
  RECOMMENDATIONS_DEFAULT_LIMIT,
  type CustomerRecommendationsAnswer,
} from './get-customer-recommendations.query';
import { GetCustomerRecommendationsRequest } from './get-customer-recommendations.request';

@ApiTags('customers')
@RequireRole('reader')
@Controller('customers')
export class GetCustomerRecommendationsController {
  constructor(
    private readonly queries: QueryBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get(':customerId/recommendations')
  @ApiOkResponse({
    description:
      'What to offer the customer next: items (categories or SKUs) they have not bought, ranked by score = ' +
      'confidence × lift of the best rule whose antecedent they bought or sequence pattern whose prefix they ' +
      'followed, each naming the rules and patterns behind it: `{ customerId, level, rulesVersion, thresholds, ' +
      'checkpoints, bought, items }`; `items` is empty when nothing applies.',
  })
  @ApiBadRequestResponse({ description: 'A parameter is not valid (the answer names it).' })
  @ApiNotFoundResponse({ description: 'No such customer (or the projector has not reached it yet).' })
  @ApiProjectionLagging()
  async recommendations(
    @Param('customerId') customerId: string,
    @Query() request: GetCustomerRecommendationsRequest,
  ): Promise<CustomerRecommendationsAnswer> {
    assertCustomerId(customerId);
    const level = request.level ?? 'category';
    // customer_summary knows whether the customer exists.
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, [
      ...crossSellReadModels(level),
      customerSummaryProjection,
    ]);
    return this.queries.execute<GetCustomerRecommendationsQuery, CustomerRecommendationsAnswer>(
      new GetCustomerRecommendationsQuery(
        customerId,
        level,
        requestedThresholds(request),
        request.limit ? Number(request.limit) : RECOMMENDATIONS_DEFAULT_LIMIT,
      ),
    );
  }
}
