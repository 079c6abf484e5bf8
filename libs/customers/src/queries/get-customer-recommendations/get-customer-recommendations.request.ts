import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { CrossSellRequest } from '../../cross-sell/cross-sell.request';
import { RECOMMENDATIONS_DEFAULT_LIMIT, RECOMMENDATIONS_MAX_LIMIT } from './get-customer-recommendations.query';

/** 1 to 100, in plain decimal digits. */
const LIMIT = /^(?:[1-9]|[1-9][0-9]|100)$/;

/** Query parameters of GET /customers/:customerId/recommendations (checked as text, converted by the controller). */
export class GetCustomerRecommendationsRequest extends CrossSellRequest {
  @ApiPropertyOptional({
    description: 'Most items offered.',
    type: 'integer',
    minimum: 1,
    maximum: RECOMMENDATIONS_MAX_LIMIT,
    default: RECOMMENDATIONS_DEFAULT_LIMIT,
  })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: `limit must be an integer from 1 to ${RECOMMENDATIONS_MAX_LIMIT}` })
  limit?: string;
}
