import { associationRules, mineItemsets, type AssociationRule } from './itemsets';

/*
 * Six customers' baskets, by hand:
 *   c1 bread butter jam     c4 bread milk
 *   c2 bread butter         c5 milk
 *   c3 bread butter         c6 jam milk
 * Counts: bread 4, butter 3, milk 3, jam 2; bread+butter 3; every other pair at most 1.
 */
const SHOP: string[][] = [
  ['bread', 'butter', 'jam'],
  ['bread', 'butter'],
  ['butter', 'bread'],
  ['bread', 'milk'],
  ['milk'],
  ['jam', 'milk'],
];

const brief = (rule: AssociationRule) => [rule.antecedent.join('+'), rule.consequent.join('+')];

describe('mineItemsets', () => {
  it('given six baskets when mined at support 1/3 then the itemsets in at least two baskets are found', () => {
    const mined = mineItemsets(SHOP, { minSupport: 1 / 3, maxSize: 3 });
    expect(mined.baskets).toBe(6);
    expect(mined.itemsets.map((set) => [set.items.join('+'), set.count, set.support])).toEqual([
      ['bread', 4, 4 / 6],
      ['butter', 3, 0.5],
      ['jam', 2, 2 / 6],
      ['milk', 3, 0.5],
      ['bread+butter', 3, 0.5],
    ]);
  });

  it('given a support exactly at the minimum when mined then the itemset counts (at least, not above)', () => {
    const mined = mineItemsets(SHOP, { minSupport: 0.5, maxSize: 2 });
    expect(mined.itemsets.map((set) => set.items.join('+'))).toEqual(['bread', 'butter', 'milk', 'bread+butter']);
  });

  it('given maxSize 1 when mined then no pair is counted', () => {
    const mined = mineItemsets(SHOP, { minSupport: 0.1, maxSize: 1 });
    expect(mined.itemsets.every((set) => set.items.length === 1)).toBe(true);
  });

  it('given a triple in two of four baskets when mined up to size 3 then it is found with its pairs', () => {
    const mined = mineItemsets([['a', 'b', 'c'], ['a', 'b', 'c', 'd'], ['a', 'd'], ['b']], {
      minSupport: 0.5,
      maxSize: 3,
    });
    expect(mined.itemsets.map((set) => [set.items.join('+'), set.count])).toEqual([
      ['a', 3],
      ['b', 3],
      ['c', 2],
      ['d', 2],
      ['a+b', 2],
      ['a+c', 2],
      ['a+d', 2],
      ['b+c', 2],
      ['a+b+c', 2],
    ]);
  });

  it('given no baskets, or only empty ones, when mined then nothing is found', () => {
    expect(mineItemsets([], { minSupport: 0.1, maxSize: 3 })).toMatchObject({ baskets: 0, itemsets: [] });
    expect(mineItemsets([[], []], { minSupport: 0.1, maxSize: 3 })).toMatchObject({ baskets: 0, itemsets: [] });
  });

  it('given an item repeated in a basket when mined then the basket counts it once', () => {
    const mined = mineItemsets([['a', 'a'], ['b']], { minSupport: 0.5, maxSize: 2 });
    expect(mined.itemsets.map((set) => [set.items.join('+'), set.count])).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
  });
});

describe('associationRules', () => {
  it('given the shop at support 1/3 when rules are drawn at confidence 0.5 then both directions of bread+butter hold', () => {
    const rules = associationRules(mineItemsets(SHOP, { minSupport: 1 / 3, maxSize: 3 }), 0.5);
    // butter → bread: 3 of the 3 butter baskets; lift = 1 / (4/6) = 1.5. bread → butter: 3 of 4; lift = 0.75 / 0.5.
    expect(rules).toEqual([
      {
        antecedent: ['butter'],
        consequent: ['bread'],
        count: 3,
        antecedentCount: 3,
        consequentCount: 4,
        support: 0.5,
        confidence: 1,
        lift: 1.5,
      },
      {
        antecedent: ['bread'],
        consequent: ['butter'],
        count: 3,
        antecedentCount: 4,
        consequentCount: 3,
        support: 0.5,
        confidence: 0.75,
        lift: 1.5,
      },
    ]);
  });

  it('given confidence 0.8 when rules are drawn then bread → butter (0.75) is left out', () => {
    const rules = associationRules(mineItemsets(SHOP, { minSupport: 1 / 3, maxSize: 3 }), 0.8);
    expect(rules.map(brief)).toEqual([['butter', 'bread']]);
  });

  it('given a frequent triple when rules are drawn then each split of it is a rule, ordered by lift then confidence', () => {
    const mined = mineItemsets([['a', 'b', 'c'], ['a', 'b', 'c', 'd'], ['a', 'd'], ['b']], {
      minSupport: 0.5,
      maxSize: 3,
    });
    const rules = associationRules(mined, 0.6);
    // c → a+b: 2/2, lift 1 / (2/4) = 2; a+b → c: 2/2, lift 1 / (2/4) = 2 (a tie: the shorter antecedent first).
    // Then confidence 1 at lift 1 / (3/4) = 4/3: c → a, c → b, d → a, a+c → b, b+c → a.
    expect(rules.slice(0, 7).map((rule) => [...brief(rule), rule.confidence, rule.lift])).toEqual([
      ['c', 'a+b', 1, 2],
      ['a+b', 'c', 1, 2],
      ['c', 'a', 1, 4 / 3],
      ['c', 'b', 1, 4 / 3],
      ['d', 'a', 1, 4 / 3],
      ['a+c', 'b', 1, 4 / 3],
      ['b+c', 'a', 1, 4 / 3],
    ]);
    // a → b is 2 of 3 (≥ 0.6), yet b is rarer with a than without: lift (2/3) / (3/4) = 8/9.
    expect(rules.find((rule) => brief(rule).join('→') === 'a→b')).toMatchObject({ lift: 8 / 9 });
    const aToC = rules.find((rule) => brief(rule).join('→') === 'a→c');
    expect(aToC).toMatchObject({ count: 2, antecedentCount: 3, consequentCount: 2, confidence: 2 / 3, lift: 4 / 3 });
  });

  it('given a single item everywhere when rules are drawn then there is none (a rule needs two items)', () => {
    expect(associationRules(mineItemsets([['a'], ['a']], { minSupport: 0.5, maxSize: 3 }), 0)).toEqual([]);
  });
});
