import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBadRequestResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@crm/platform';
import { requestedThresholds } from '../../cross-sell/cross-sell.request';
import { crossSellReadModels } from '../../cross-sell/cross-sell.service';
import { ApiProjectionLagging, ReadYourWrites } from '../await-read-model';
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
    private readonly readYourWrites: ReadYourWrites,
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
  @ApiProjectionLagging()
  async list(@Query() request: ListAssociationRulesRequest): Promise<AssociationRulesAnswer> {
    const level = request.level ?? 'category';
    await this.readYourWrites.awaitReadModels(request.minCheckpoint, crossSellReadModels(level));
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
