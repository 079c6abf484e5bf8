import type { CrossSellRules, Recommendation } from '../../domain/cross-sell';
import type { CrossSellLevel } from '../../cross-sell/cross-sell.service';

export const RECOMMENDATIONS_DEFAULT_LIMIT = 10;
export const RECOMMENDATIONS_MAX_LIMIT = 100;

/** What to offer one customer next. */
export class GetCustomerRecommendationsQuery {
  constructor(
    readonly customerId: string,
    readonly level: CrossSellLevel,
    /** The query's own thresholds; the rest come from the rules in force. */
    readonly thresholds: Partial<CrossSellRules>,
    readonly limit: number,
  ) {}
}

export interface CustomerRecommendationsAnswer {
  readonly customerId: string;
  readonly level: CrossSellLevel;
  readonly rulesVersion: string;
  readonly thresholds: CrossSellRules;
  /** The read models' checkpoints the purchases reflect, by projection name. */
  readonly checkpoints: Readonly<Record<string, string | null>>;
  /** What the customer bought at the level (fully refunded orders left out), sorted. */
  readonly bought: readonly string[];
  /** Items not bought, best first; empty when no rule or pattern applies. */
  readonly items: readonly Recommendation[];
}
