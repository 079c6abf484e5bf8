import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { requestedThresholds } from '../../cross-sell/cross-sell.request';
import { CrossSellService } from '../../cross-sell/cross-sell.service';
import {
  ListAssociationRulesQuery,
  RULES_DEFAULT_LIMIT,
  type AssociationRulesAnswer,
} from './list-association-rules.query';
import { ListAssociationRulesRequest } from './list-association-rules.request';

@ApiTags('analytics')
@RequireRole('reader')
@Controller('analytics')
export class ListAssociationRulesController {
  constructor(
    private readonly queries: QueryBus,
    private readonly crossSell: CrossSellService,
  ) {}

  @Get('association-rules')
  @ApiOkResponse({
    description:
      'Association rules X → Y between categories or SKUs at the minimum support and confidence, by lift then ' +
      'confidence, each with support, confidence, lift and counts; and the sequence patterns "A, then B (, then C)" ' +
      'at the minimum sequence support: `{ level, basket, rulesVersion, thresholds, checkpoints, baskets, customers, ' +
      'ruleCount, rules, sequenceCount, sequences }`.',
  })
  @ApiBadRequestResponse({ description: 'A query parameter is not valid (the answer names it).' })
  @ApiServiceUnavailableResponse({ description: 'PROJECTION_LAGGING: `minCheckpoint` not reached within 5 s.' })
  async list(@Query() request: ListAssociationRulesRequest): Promise<AssociationRulesAnswer> {
    const level = request.level ?? 'category';
    if (request.minCheckpoint !== undefined) await this.crossSell.awaitReadModels(level, request.minCheckpoint);
    return this.queries.execute<ListAssociationRulesQuery, AssociationRulesAnswer>(
      new ListAssociationRulesQuery({
        level,
        basket: request.basket ?? 'customer',
        thresholds: requestedThresholds(request),
        limit: request.limit ? Number(request.limit) : RULES_DEFAULT_LIMIT,
      }),
    );
  }
}
