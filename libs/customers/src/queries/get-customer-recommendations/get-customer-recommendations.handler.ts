import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { CrossSellService } from '../../cross-sell/cross-sell.service';
import { findCustomerSummary } from '../get-customer/get-customer.handler';
import {
  GetCustomerRecommendationsQuery,
  type CustomerRecommendationsAnswer,
} from './get-customer-recommendations.query';

/** 404 CUSTOMER_NOT_FOUND for a customer customer_summary does not know; otherwise the customer's offers. */
@QueryHandler(GetCustomerRecommendationsQuery)
export class GetCustomerRecommendationsHandler implements IQueryHandler<
  GetCustomerRecommendationsQuery,
  CustomerRecommendationsAnswer
> {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly crossSell: CrossSellService,
  ) {}

  async execute(query: GetCustomerRecommendationsQuery): Promise<CustomerRecommendationsAnswer> {
    await findCustomerSummary(this.dataSource, query.customerId);
    const thresholds = this.crossSell.thresholds(query.thresholds);
    const found = await this.crossSell.recommend(query.customerId, query.level, thresholds, query.limit);
    return {
      customerId: query.customerId,
      level: query.level,
      rulesVersion: this.crossSell.rulesVersion,
      thresholds,
      checkpoints: found.checkpoints,
      bought: found.bought,
      items: found.items,
    };
  }
}
