import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { CrossSellRequest } from '../../cross-sell/cross-sell.request';
import { BASKET_KINDS, type BasketKind } from '../../domain/cross-sell';
import { RULES_DEFAULT_LIMIT, RULES_MAX_LIMIT } from './list-association-rules.query';

/** 1 to 1000, in plain decimal digits. */
const LIMIT = /^(?:[1-9]|[1-9][0-9]{1,2}|1000)$/;

/** Query parameters of GET /analytics/association-rules (checked as text, converted by the controller). */
export class ListAssociationRulesRequest extends CrossSellRequest {
  @ApiPropertyOptional({
    description:
      'What a basket is: `customer`, every item a customer ever bought; `order`, the items of one order (bought together).',
    enum: BASKET_KINDS,
    default: 'customer',
  })
  @IsOptional()
  @IsIn(BASKET_KINDS)
  basket?: BasketKind;

  @ApiPropertyOptional({
    description: 'Most rules, and most sequence patterns, answered.',
    type: 'integer',
    minimum: 1,
    maximum: RULES_MAX_LIMIT,
    default: RULES_DEFAULT_LIMIT,
  })
  @IsOptional()
  @IsString()
  @Matches(LIMIT, { message: `limit must be an integer from 1 to ${RULES_MAX_LIMIT}` })
  limit?: string;
}
