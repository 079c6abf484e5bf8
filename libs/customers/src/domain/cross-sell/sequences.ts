import { compareDescending, compareItemLists, itemsetKey, reaches, SEPARATOR } from './itemsets';

/**
 * Sequence patterns "A, then B (, then C)" (domain.md, "Early warning and
 * growth"). A customer's history is their purchase days in order, each day
 * the set of items bought that day. A customer follows ⟨A, B⟩ when some day
 * with A comes strictly before some later day with B; ⟨A, B, C⟩ needs three
 * such days in order. Items of a pattern are distinct, and a customer counts
 * once per pattern however often they repeat it.
 */

/** One customer's purchase days, earliest first; each day the items bought that day. */
export type PurchaseDays = readonly (readonly string[])[];

export interface SequencePattern {
  /** Distinct items, in the order bought. */
  readonly sequence: readonly string[];
  /** Customers who followed the whole pattern. */
  readonly count: number;
  /** Customers who followed the pattern without its last item. */
  readonly prefixCount: number;
  /** Customers who bought the last item at all. */
  readonly lastItemCount: number;
  /** count / customers. */
  readonly support: number;
  /** count / prefixCount: of those who followed the prefix, the share who then bought the last item. */
  readonly confidence: number;
  /** confidence / (lastItemCount / customers). */
  readonly lift: number;
}

export interface MinedSequences {
  /** Customers counted: those with at least one item bought. */
  readonly customers: number;
  /** Patterns of two items or more, strongest first (as rules: lift, confidence, support, items). */
  readonly patterns: readonly SequencePattern[];
}

export interface SequenceOptions {
  /** Least share of customers, above 0 and at most 1. */
  readonly minSupport: number;
  /** Longest pattern, at least 2. */
  readonly maxLength: number;
}

/** For each item, the indices of the (non-empty) days it was bought on, ascending. */
function dayIndex(days: PurchaseDays): Map<string, number[]> {
  const index = new Map<string, number[]>();
  days
    .filter((day) => day.length > 0)
    .forEach((day, position) => {
      for (const item of new Set(day)) {
        const list = index.get(item) ?? [];
        list.push(position);
        index.set(item, list);
      }
    });
  return index;
}

/** The first day of the list after `after`, or -1. */
function firstAfter(positions: readonly number[], after: number): number {
  for (const position of positions) if (position > after) return position;
  return -1;
}

/**
 * The day on which a customer completes the pattern at the earliest, or -1
 * when they never follow it. Taking each item at its first day after the
 * previous one is optimal: an earlier end never rules out a later item.
 */
export function followedUntil(days: PurchaseDays, sequence: readonly string[]): number {
  const index = dayIndex(days);
  let end = -1;
  for (const item of sequence) {
    end = firstAfter(index.get(item) ?? [], end);
    if (end < 0) return -1;
  }
  return end;
}

/** Strongest first: lift, then confidence, then support, then the items. */
export function compareSequences(a: SequencePattern, b: SequencePattern): number {
  return (
    compareDescending(a.lift, b.lift) ||
    compareDescending(a.confidence, b.confidence) ||
    b.count - a.count ||
    a.sequence.length - b.sequence.length ||
    compareItemLists(a.sequence, b.sequence)
  );
}

/**
 * Every pattern of 2 to maxLength distinct items followed by at least
 * minSupport of the customers. Level-wise: a pattern is counted only where
 * its prefix is frequent (a customer who follows a pattern follows its
 * prefix, so nothing frequent is missed).
 */
export function mineSequences(histories: readonly PurchaseDays[], options: SequenceOptions): MinedSequences {
  const indexes = histories.map(dayIndex).filter((index) => index.size > 0);
  const total = indexes.length;
  const counts = new Map<string, number>();
  for (const index of indexes) for (const item of index.keys()) counts.set(item, (counts.get(item) ?? 0) + 1);
  for (const [item, count] of [...counts]) if (!reaches(count, total, options.minSupport)) counts.delete(item);

  const found: Array<{ key: string; count: number }> = [];
  for (let length = 2; length <= options.maxLength; length += 1) {
    const level = new Map<string, number>();
    for (const index of indexes) {
      const items = [...index.keys()].filter((item) => counts.has(item));
      if (items.length < length) continue;
      const days = items.map((item) => index.get(item)!);
      const used = new Array<boolean>(items.length).fill(false);
      // Extends a frequent prefix (its key) the customer completed on day `end` by an item bought on a later day.
      const extend = (key: string, size: number, end: number): void => {
        for (let i = 0; i < items.length; i += 1) {
          if (used[i]) continue;
          const next = firstAfter(days[i]!, end);
          if (next < 0) continue;
          const longer = `${key}${SEPARATOR}${items[i]!}`;
          if (size + 1 === length) {
            level.set(longer, (level.get(longer) ?? 0) + 1);
          } else if (counts.has(longer)) {
            used[i] = true;
            extend(longer, size + 1, next);
            used[i] = false;
          }
        }
      };
      for (let i = 0; i < items.length; i += 1) {
        used[i] = true;
        extend(items[i]!, 1, days[i]![0]!);
        used[i] = false;
      }
    }
    let any = false;
    for (const [key, count] of level) {
      if (!reaches(count, total, options.minSupport)) continue;
      counts.set(key, count);
      found.push({ key, count });
      any = true;
    }
    if (!any) break;
  }

  const patterns = found.map(({ key, count }): SequencePattern => {
    const sequence = key.split(SEPARATOR);
    const prefixCount = counts.get(itemsetKey(sequence.slice(0, -1)))!;
    const lastItemCount = counts.get(sequence[sequence.length - 1]!)!;
    return {
      sequence,
      count,
      prefixCount,
      lastItemCount,
      support: count / total,
      confidence: count / prefixCount,
      lift: (count * total) / (prefixCount * lastItemCount),
    };
  });
  return { customers: total, patterns: patterns.sort(compareSequences) };
}
