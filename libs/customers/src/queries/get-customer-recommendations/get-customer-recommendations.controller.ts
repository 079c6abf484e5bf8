import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { requestedThresholds } from '../../cross-sell/cross-sell.request';
import { CrossSellService } from '../../cross-sell/cross-sell.service';
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
    private readonly crossSell: CrossSellService,
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
  @ApiServiceUnavailableResponse({ description: 'PROJECTION_LAGGING: `minCheckpoint` not reached within 5 s.' })
  async recommendations(
    @Param('customerId') customerId: string,
    @Query() request: GetCustomerRecommendationsRequest,
  ): Promise<CustomerRecommendationsAnswer> {
    assertCustomerId(customerId);
    const level = request.level ?? 'category';
    if (request.minCheckpoint !== undefined) await this.crossSell.awaitReadModels(level, request.minCheckpoint, true);
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
