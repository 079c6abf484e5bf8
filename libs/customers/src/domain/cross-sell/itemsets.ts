/**
 * Frequent itemsets and association rules (domain.md, "Early warning and
 * growth": cross-selling). A basket is a set of items (product categories
 * or SKUs); the support of an itemset is the share of baskets holding all of
 * its items. Level-wise (Apriori): the itemsets of size k are counted only
 * where their first k − 1 items already form a frequent itemset, which finds
 * every frequent itemset because each subset of a frequent itemset is
 * frequent.
 */

/** Joins item names into a map key; item names never hold it. */
export const SEPARATOR = '\u0000';

export function itemsetKey(items: readonly string[]): string {
  return items.join(SEPARATOR);
}

/** Plain code-unit order, the same on every machine (never locale-dependent). */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareItemLists(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const order = compareText(a[i]!, b[i]!);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

/** Larger first; values within a relative 1e-12 count as equal (products of divisions round differently). */
export function compareDescending(a: number, b: number): number {
  if (Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))) return 0;
  return b - a;
}

/** Count over total at least the minimum; the division rounds once, so an exact share equals its decimal. */
export function reaches(count: number, total: number, minimum: number): boolean {
  return total > 0 && count / total >= minimum;
}

export interface FrequentItemset {
  /** Sorted, distinct. */
  readonly items: readonly string[];
  /** Baskets holding every item. */
  readonly count: number;
  /** count / baskets. */
  readonly support: number;
}

export interface MinedItemsets {
  /** Baskets counted: the non-empty ones. */
  readonly baskets: number;
  /** Count of every frequent itemset, by itemsetKey of its sorted items. */
  readonly counts: ReadonlyMap<string, number>;
  /** The frequent itemsets, by size then items. */
  readonly itemsets: readonly FrequentItemset[];
}

export interface ItemsetOptions {
  /** Least share of baskets, above 0 and at most 1. */
  readonly minSupport: number;
  /** Largest itemset counted, at least 1. */
  readonly maxSize: number;
}

/** Each basket's distinct items, sorted; empty baskets dropped. */
export function normaliseBaskets(baskets: readonly (readonly string[])[]): string[][] {
  return baskets.map((basket) => [...new Set(basket)].sort(compareText)).filter((basket) => basket.length > 0);
}

/** Every itemset of at most maxSize items held by at least minSupport of the (non-empty) baskets. */
export function mineItemsets(baskets: readonly (readonly string[])[], options: ItemsetOptions): MinedItemsets {
  const sets = normaliseBaskets(baskets);
  const total = sets.length;
  const counts = new Map<string, number>();

  const singles = new Map<string, number>();
  for (const basket of sets) for (const item of basket) singles.set(item, (singles.get(item) ?? 0) + 1);
  for (const [item, count] of singles) if (reaches(count, total, options.minSupport)) counts.set(item, count);

  // Each basket keeps only its frequent items from here on.
  const kept = sets.map((basket) => basket.filter((item) => counts.has(item))).filter((basket) => basket.length > 1);
  for (let size = 2; size <= options.maxSize; size += 1) {
    const level = new Map<string, number>();
    for (const basket of kept) {
      if (basket.length < size) continue;
      // Extends a frequent prefix by a later item of the basket; counts the itemsets of this size.
      const extend = (prefix: string, length: number, from: number): void => {
        for (let i = from; i <= basket.length - (size - length); i += 1) {
          const key = `${prefix}${SEPARATOR}${basket[i]!}`;
          if (length + 1 === size) level.set(key, (level.get(key) ?? 0) + 1);
          else if (counts.has(key)) extend(key, length + 1, i + 1);
        }
      };
      for (let i = 0; i <= basket.length - size; i += 1) extend(basket[i]!, 1, i + 1);
    }
    let found = false;
    for (const [key, count] of level) {
      if (!reaches(count, total, options.minSupport)) continue;
      counts.set(key, count);
      found = true;
    }
    if (!found) break;
  }

  const itemsets = [...counts.entries()]
    .map(([key, count]) => ({ items: key.split(SEPARATOR), count, support: count / total }))
    .sort((a, b) => a.items.length - b.items.length || compareItemLists(a.items, b.items));
  return { baskets: total, counts, itemsets };
}

/** X → Y: baskets holding X tend to hold Y as well. */
export interface AssociationRule {
  /** Sorted, disjoint from the consequent. */
  readonly antecedent: readonly string[];
  readonly consequent: readonly string[];
  /** Baskets holding X ∪ Y. */
  readonly count: number;
  /** Baskets holding X. */
  readonly antecedentCount: number;
  /** Baskets holding Y. */
  readonly consequentCount: number;
  /** count / baskets. */
  readonly support: number;
  /** count / antecedentCount: P(Y | X). */
  readonly confidence: number;
  /** confidence / (consequentCount / baskets): above 1, X raises the chance of Y. */
  readonly lift: number;
}

/** Strongest first: lift, then confidence, then support, then the items. */
export function compareRules(a: AssociationRule, b: AssociationRule): number {
  return (
    compareDescending(a.lift, b.lift) ||
    compareDescending(a.confidence, b.confidence) ||
    b.count - a.count ||
    a.antecedent.length - b.antecedent.length ||
    compareItemLists(a.antecedent, b.antecedent) ||
    compareItemLists(a.consequent, b.consequent)
  );
}

/**
 * Every rule X → Y with X ∪ Y a frequent itemset (X, Y non-empty and
 * disjoint) and a confidence of at least minConfidence, strongest first.
 */
export function associationRules(mined: MinedItemsets, minConfidence: number): AssociationRule[] {
  const rules: AssociationRule[] = [];
  const countOf = (items: readonly string[]): number => mined.counts.get(itemsetKey(items)) ?? 0;
  for (const itemset of mined.itemsets) {
    const { items, count } = itemset;
    if (items.length < 2) continue;
    // Every non-empty proper subset as the antecedent, by bit mask (itemsets are small).
    for (let mask = 1; mask < (1 << items.length) - 1; mask += 1) {
      const antecedent = items.filter((_, i) => (mask & (1 << i)) !== 0);
      const consequent = items.filter((_, i) => (mask & (1 << i)) === 0);
      const antecedentCount = countOf(antecedent);
      if (!reaches(count, antecedentCount, minConfidence)) continue;
      const consequentCount = countOf(consequent);
      rules.push({
        antecedent,
        consequent,
        count,
        antecedentCount,
        consequentCount,
        support: count / mined.baskets,
        confidence: count / antecedentCount,
        lift: (count * mined.baskets) / (antecedentCount * consequentCount),
      });
    }
  }
  return rules.sort(compareRules);
}
