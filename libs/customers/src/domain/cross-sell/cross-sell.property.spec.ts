import { seededUniform } from '../value-models/testing/simulate';
import { associationRules, compareRules, mineItemsets } from './itemsets';
import { recommend } from './recommendations';
import { compareSequences, mineSequences, type PurchaseDays } from './sequences';

/*
 * Property: on random small populations, the level-wise miners find exactly
 * what brute force finds by trying every itemset, every split and every
 * ordered pattern over the whole item universe.
 */

const UNIVERSE = ['a', 'b', 'c', 'd', 'e'];

function randomPopulation(uniform: () => number): PurchaseDays[] {
  const customers = 1 + Math.floor(uniform() * 8);
  return Array.from({ length: customers }, () =>
    Array.from({ length: Math.floor(uniform() * 5) }, () => UNIVERSE.filter(() => uniform() < 0.35)),
  );
}

/** Every non-empty subset of the universe of at most maxSize items, sorted. */
function subsets(maxSize: number): string[][] {
  const all: string[][] = [];
  for (let mask = 1; mask < 1 << UNIVERSE.length; mask += 1) {
    const items = UNIVERSE.filter((_, i) => (mask & (1 << i)) !== 0);
    if (items.length <= maxSize) all.push(items);
  }
  return all;
}

/** Every ordering of distinct items of 2 to maxLength. */
function orderedPatterns(maxLength: number): string[][] {
  const all: string[][] = [];
  const grow = (prefix: string[]): void => {
    if (prefix.length >= 2) all.push(prefix);
    if (prefix.length === maxLength) return;
    for (const item of UNIVERSE) if (!prefix.includes(item)) grow([...prefix, item]);
  };
  grow([]);
  return all;
}

/** Whether some strictly increasing choice of days holds the pattern's items in order (tries every choice). */
function followsByBruteForce(days: PurchaseDays, pattern: readonly string[], from = 0): boolean {
  if (pattern.length === 0) return true;
  for (let day = from; day < days.length; day += 1) {
    if (days[day]!.includes(pattern[0]!) && followsByBruteForce(days, pattern.slice(1), day + 1)) return true;
  }
  return false;
}

const contains = (basket: readonly string[], items: readonly string[]) => items.every((item) => basket.includes(item));

describe('cross-selling miners against brute force', () => {
  it.each(Array.from({ length: 60 }, (_, seed) => seed + 1))('given random population %i', (seed) => {
    const uniform = seededUniform(seed);
    const histories = randomPopulation(uniform);
    const minSupport = [0.1, 0.2, 0.25, 0.4, 0.5, 1][Math.floor(uniform() * 6)]!;
    const minConfidence = [0, 0.3, 0.5, 2 / 3, 1][Math.floor(uniform() * 5)]!;
    const maxSize = 2 + Math.floor(uniform() * 3);

    // Itemsets over customer baskets.
    const baskets = histories.map((days) => [...new Set(days.flat())]).filter((basket) => basket.length > 0);
    const count = (items: readonly string[]) => baskets.filter((basket) => contains(basket, items)).length;
    const expectedSets = subsets(maxSize)
      .map((items) => ({ key: items.join('+'), count: count(items) }))
      .filter((set) => set.count > 0 && set.count / baskets.length >= minSupport);
    const mined = mineItemsets(baskets, { minSupport, maxSize });
    expect(mined.itemsets.map((set) => ({ key: set.items.join('+'), count: set.count })).sort(byKey)).toEqual(
      expectedSets.sort(byKey),
    );

    // Rules: every split of every frequent itemset at the confidence.
    const expectedRules = subsets(maxSize)
      .filter((items) => items.length >= 2 && count(items) > 0 && count(items) / baskets.length >= minSupport)
      .flatMap((items) =>
        subsets(items.length - 1)
          .filter((x) => contains(items, x) && x.length < items.length)
          .map((x) => ({ x, y: items.filter((item) => !x.includes(item)), n: count(items) }))
          .filter(({ x, n }) => n / count(x) >= minConfidence)
          .map(({ x, y, n }) => ({
            key: `${x.join('+')}>${y.join('+')}`,
            count: n,
            lift: (n * baskets.length) / (count(x) * count(y)),
          })),
      );
    const rules = associationRules(mined, minConfidence);
    expect(
      rules
        .map((r) => ({ key: `${r.antecedent.join('+')}>${r.consequent.join('+')}`, count: r.count, lift: r.lift }))
        .sort(byKey),
    ).toEqual(expectedRules.sort(byKey));
    for (let i = 1; i < rules.length; i += 1) expect(compareRules(rules[i - 1]!, rules[i]!)).toBeLessThanOrEqual(0);

    // Sequence patterns over the customers who bought something.
    const buyers = histories.filter((days) => days.some((day) => day.length > 0));
    const followers = (pattern: readonly string[]) =>
      buyers.filter((days) => followsByBruteForce(days, pattern)).length;
    const expectedPatterns = orderedPatterns(maxSize)
      .map((pattern) => ({ key: pattern.join('>'), count: followers(pattern) }))
      .filter((p) => p.count > 0 && p.count / buyers.length >= minSupport);
    const sequences = mineSequences(histories, { minSupport, maxLength: maxSize });
    expect(sequences.customers).toBe(buyers.length);
    expect(sequences.patterns.map((p) => ({ key: p.sequence.join('>'), count: p.count })).sort(byKey)).toEqual(
      expectedPatterns.sort(byKey),
    );
    for (const p of sequences.patterns) expect(p.prefixCount).toBe(followers(p.sequence.slice(0, -1)));
    for (let i = 1; i < sequences.patterns.length; i += 1) {
      expect(compareSequences(sequences.patterns[i - 1]!, sequences.patterns[i]!)).toBeLessThanOrEqual(0);
    }

    // Recommendations: exactly the unbought items some usable rule or pattern points at.
    for (const days of histories) {
      const bought = new Set(days.flat());
      const expected = new Set([
        ...rules
          .filter((r) => r.consequent.length === 1 && r.lift > 1 && contains([...bought], r.antecedent))
          .map((r) => r.consequent[0]!),
        ...sequences.patterns
          .filter((p) => p.lift > 1 && followsByBruteForce(days, p.sequence.slice(0, -1)))
          .map((p) => p.sequence[p.sequence.length - 1]!),
      ]);
      for (const item of bought) expected.delete(item);
      const offered = recommend(days, rules, sequences.patterns, { limit: 100, maxReasons: 100 });
      expect(offered.map((r) => r.item).sort()).toEqual([...expected].sort());
      for (const r of offered) expect(r.score).toBe(Math.max(...r.because.map((b) => b.confidence * b.lift)));
    }
  });
});

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
