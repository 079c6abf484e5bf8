import type { BasketKind, CrossSellRules } from '../../domain/cross-sell';
import type { AssociationRule, SequencePattern } from '../../domain/cross-sell';
import type { CrossSellLevel } from '../../cross-sell/cross-sell.service';

export const RULES_DEFAULT_LIMIT = 100;
export const RULES_MAX_LIMIT = 1000;

export interface AssociationRulesSpec {
  readonly level: CrossSellLevel;
  readonly basket: BasketKind;
  /** The query's own thresholds; the rest come from the rules in force. */
  readonly thresholds: Partial<CrossSellRules>;
  /** Most rules, and most sequence patterns, answered. */
  readonly limit: number;
}

/** The association rules and sequence patterns of the whole population. */
export class ListAssociationRulesQuery {
  constructor(readonly spec: AssociationRulesSpec) {}
}

export interface AssociationRulesAnswer {
  readonly level: CrossSellLevel;
  readonly basket: BasketKind;
  readonly rulesVersion: string;
  /** The thresholds used: the query's, else the rules in force. */
  readonly thresholds: CrossSellRules;
  /** The read models' checkpoints the purchases reflect, by projection name. */
  readonly checkpoints: Readonly<Record<string, string | null>>;
  /** Baskets mined for the rules (customers who bought, or orders). */
  readonly baskets: number;
  /** Customers who bought: the population of the sequence patterns. */
  readonly customers: number;
  /** All rules at the thresholds; `rules` lists the first `limit`. */
  readonly ruleCount: number;
  /** By lift, then confidence, then support. */
  readonly rules: readonly AssociationRule[];
  readonly sequenceCount: number;
  /** By lift, then confidence, then support. */
  readonly sequences: readonly SequencePattern[];
}
