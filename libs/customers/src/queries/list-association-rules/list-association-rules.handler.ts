import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { CrossSellService } from '../../cross-sell/cross-sell.service';
import { ListAssociationRulesQuery, type AssociationRulesAnswer } from './list-association-rules.query';

@QueryHandler(ListAssociationRulesQuery)
export class ListAssociationRulesHandler implements IQueryHandler<ListAssociationRulesQuery, AssociationRulesAnswer> {
  constructor(private readonly crossSell: CrossSellService) {}

  async execute({ spec }: ListAssociationRulesQuery): Promise<AssociationRulesAnswer> {
    const thresholds = this.crossSell.thresholds(spec.thresholds);
    const { checkpoints, model } = await this.crossSell.mine(spec.level, spec.basket, thresholds);
    return {
      level: spec.level,
      basket: spec.basket,
      rulesVersion: this.crossSell.rulesVersion,
      thresholds,
      checkpoints,
      baskets: model.baskets,
      customers: model.customers,
      ruleCount: model.rules.length,
      rules: model.rules.slice(0, spec.limit),
      sequenceCount: model.sequences.length,
      sequences: model.sequences.slice(0, spec.limit),
    };
  }
}
