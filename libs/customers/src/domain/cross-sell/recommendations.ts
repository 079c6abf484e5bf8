import { compareDescending, compareItemLists, compareText, type AssociationRule } from './itemsets';
import { followedUntil, type PurchaseDays, type SequencePattern } from './sequences';

/** Why an item is offered: a rule whose antecedent the customer bought, or a pattern whose prefix they followed. */
export type RecommendationReason =
  | {
      readonly kind: 'rule';
      readonly antecedent: readonly string[];
      readonly consequent: readonly string[];
      readonly support: number;
      readonly confidence: number;
      readonly lift: number;
      /** confidence × lift. */
      readonly score: number;
    }
  | {
      readonly kind: 'sequence';
      readonly sequence: readonly string[];
      readonly support: number;
      readonly confidence: number;
      readonly lift: number;
      /** confidence × lift. */
      readonly score: number;
    };

export interface Recommendation {
  /** An item the customer has not bought. */
  readonly item: string;
  /** The best reason's score. */
  readonly score: number;
  /** The reasons behind it, best first (at most maxReasons). */
  readonly because: readonly RecommendationReason[];
  /** How many rules and patterns point at the item, all told. */
  readonly reasonCount: number;
}

export interface RecommendOptions {
  readonly limit: number;
  /** Reasons listed per item. */
  readonly maxReasons: number;
}

function compareReasons(a: RecommendationReason, b: RecommendationReason): number {
  return (
    compareDescending(a.score, b.score) ||
    compareDescending(a.confidence, b.confidence) ||
    compareDescending(a.support, b.support) ||
    (a.kind === b.kind ? 0 : a.kind === 'rule' ? -1 : 1) ||
    compareItemLists(a.kind === 'rule' ? a.antecedent : a.sequence, b.kind === 'rule' ? b.antecedent : b.sequence)
  );
}

/**
 * What to offer a customer next: items they have not bought, each scored by
 * the best reason pointing at it, score = confidence × lift (how likely the
 * item is, weighted by how much the customer's purchases raise that
 * chance). Reasons: rules X → {y} whose antecedent X the customer bought
 * (rules with a larger consequent are not used), and sequence patterns
 * ending in y whose prefix the customer followed in order. A rule or pattern
 * with a lift of at most 1 does not raise the chance, so it offers nothing.
 * Ranked by score, then confidence, then support, then item name.
 */
export function recommend(
  days: PurchaseDays,
  rules: readonly AssociationRule[],
  patterns: readonly SequencePattern[],
  options: RecommendOptions,
): Recommendation[] {
  const bought = new Set(days.flat());
  const reasons = new Map<string, RecommendationReason[]>();
  const add = (item: string, reason: RecommendationReason): void => {
    const list = reasons.get(item) ?? [];
    list.push(reason);
    reasons.set(item, list);
  };
  for (const rule of rules) {
    if (rule.consequent.length !== 1 || rule.lift <= 1) continue;
    const item = rule.consequent[0]!;
    if (bought.has(item) || !rule.antecedent.every((a) => bought.has(a))) continue;
    const { antecedent, consequent, support, confidence, lift } = rule;
    add(item, { kind: 'rule', antecedent, consequent, support, confidence, lift, score: confidence * lift });
  }
  for (const pattern of patterns) {
    if (pattern.lift <= 1) continue;
    const item = pattern.sequence[pattern.sequence.length - 1]!;
    if (bought.has(item) || followedUntil(days, pattern.sequence.slice(0, -1)) < 0) continue;
    const { sequence, support, confidence, lift } = pattern;
    add(item, { kind: 'sequence', sequence, support, confidence, lift, score: confidence * lift });
  }
  return [...reasons.entries()]
    .map(([item, list]) => {
      const sorted = list.sort(compareReasons);
      return { item, score: sorted[0]!.score, because: sorted.slice(0, options.maxReasons), reasonCount: list.length };
    })
    .sort((a, b) => {
      const [best, other] = [a.because[0]!, b.because[0]!];
      return (
        compareDescending(best.score, other.score) ||
        compareDescending(best.confidence, other.confidence) ||
        compareDescending(best.support, other.support) ||
        compareText(a.item, b.item)
      );
    })
    .slice(0, options.limit);
}
