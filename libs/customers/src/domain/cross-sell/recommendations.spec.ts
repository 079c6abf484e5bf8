import { mineCrossSell, purchaseDays, type CustomerPurchases, type CrossSellRules } from './cross-sell';
import { associationRules, mineItemsets } from './itemsets';
import { recommend } from './recommendations';
import { mineSequences } from './sequences';

const OPTIONS = { limit: 10, maxReasons: 5 };

/* The shop of itemsets.spec.ts: butter → bread (confidence 1, lift 1.5), bread → butter (0.75, lift 1.5). */
const SHOP_RULES = associationRules(
  mineItemsets(
    [
      ['bread', 'butter', 'jam'],
      ['bread', 'butter'],
      ['bread', 'butter'],
      ['bread', 'milk'],
      ['milk'],
      ['jam', 'milk'],
    ],
    { minSupport: 1 / 3, maxSize: 3 },
  ),
  0.5,
);

/* The histories of sequences.spec.ts at support 0.2: ⟨a,b,c⟩ (confidence 0.5, lift 1.25); every other pattern has lift < 1. */
const PATTERNS = mineSequences([[['a'], ['b'], ['c']], [['a'], ['b']], [['a', 'b']], [['b'], ['a']], [['c']]], {
  minSupport: 0.2,
  maxLength: 3,
}).patterns;

describe('recommend', () => {
  it('given a customer who bought bread when recommended then butter is offered for bread → butter', () => {
    expect(recommend([['bread']], SHOP_RULES, [], OPTIONS)).toEqual([
      {
        item: 'butter',
        score: 1.125,
        reasonCount: 1,
        because: [
          {
            kind: 'rule',
            antecedent: ['bread'],
            consequent: ['butter'],
            support: 0.5,
            confidence: 0.75,
            lift: 1.5,
            score: 1.125,
          },
        ],
      },
    ]);
  });

  it('given a customer who bought both when recommended then nothing is offered (never what they have)', () => {
    expect(recommend([['bread'], ['butter']], SHOP_RULES, [], OPTIONS)).toEqual([]);
  });

  it('given a customer matching no rule when recommended then the list is empty', () => {
    expect(recommend([['milk']], SHOP_RULES, PATTERNS, OPTIONS)).toEqual([]);
    expect(recommend([], SHOP_RULES, PATTERNS, OPTIONS)).toEqual([]);
  });

  it('given a customer who bought a then b when recommended then c is offered for ⟨a,b,c⟩ only (lift above 1)', () => {
    const offered = recommend([['a'], ['b']], [], PATTERNS, OPTIONS);
    expect(offered).toEqual([
      {
        item: 'c',
        score: 0.625,
        reasonCount: 1,
        because: [
          { kind: 'sequence', sequence: ['a', 'b', 'c'], support: 0.2, confidence: 0.5, lift: 1.25, score: 0.625 },
        ],
      },
    ]);
  });

  it('given a and b on one day when recommended then ⟨a,b,c⟩ does not apply: the prefix was not followed in order', () => {
    expect(recommend([['a', 'b']], [], PATTERNS, OPTIONS)).toEqual([]);
  });

  it('given two items with the same score when recommended then they come by name, and limit cuts the list', () => {
    const rules = associationRules(
      mineItemsets([['x', 'p'], ['x', 'q'], ['r'], ['s']], { minSupport: 0.25, maxSize: 2 }),
      0.5,
    );
    // x → p and x → q: confidence 1/2, lift (1/2) / (1/4) = 2 each.
    expect(recommend([['x']], rules, [], OPTIONS).map((r) => [r.item, r.score])).toEqual([
      ['p', 1],
      ['q', 1],
    ]);
    expect(recommend([['x']], rules, [], { ...OPTIONS, limit: 1 }).map((r) => r.item)).toEqual(['p']);
  });

  it('given a rule and a pattern pointing at one item when recommended then the item scores by the better one and lists both', () => {
    const rules = associationRules(
      mineItemsets([['a', 'c'], ['a', 'b', 'c'], ['b'], ['d']], { minSupport: 0.25, maxSize: 2 }),
      0.5,
    );
    const offered = recommend([['a'], ['b']], rules, PATTERNS, OPTIONS);
    // a → c: 2 of 2 with a, lift 1 / (2/4) = 2, score 2; ⟨a,b,c⟩ scores 0.625.
    expect(offered.map((r) => [r.item, r.score, r.reasonCount, r.because.map((b) => b.kind)])).toEqual([
      ['c', 2, 2, ['rule', 'sequence']],
    ]);
  });
});

describe('purchaseDays and mineCrossSell', () => {
  const customers: CustomerPurchases[] = [
    {
      customerId: 'c1',
      orders: [
        { day: '2025-01-02', items: ['c'] },
        { day: '2025-01-01', items: ['a', 'b'] },
      ],
    },
    { customerId: 'c2', orders: [{ day: '2025-01-01', items: ['a', 'b'] }] },
    {
      customerId: 'c3',
      orders: [
        { day: '2025-01-01', items: ['a'] },
        { day: '2025-01-01', items: ['d'] },
        { day: '2025-01-03', items: ['b'] },
      ],
    },
  ];
  const rules: CrossSellRules = { minSupport: 0.4, minConfidence: 0.5, minSequenceSupport: 0.3, maxItemsetSize: 3 };

  it('given orders out of order and two on one day when turned into days then they are sorted and merged', () => {
    expect(purchaseDays(customers[2]!.orders)).toEqual([['a', 'd'], ['b']]);
    expect(purchaseDays(customers[0]!.orders)).toEqual([['a', 'b'], ['c']]);
    expect(purchaseDays([{ day: '2025-01-01', items: [] }])).toEqual([]);
  });

  it('given order baskets when mined then a → b holds in 2 of the 3 orders with a (lift 4/3)', () => {
    // Orders: {a,b} {c} {a,b} {a} {d} {b} — six baskets; a 3, b 3, a+b 2.
    const model = mineCrossSell(customers, { ...rules, minSupport: 0.3 }, 'order');
    expect(model.baskets).toBe(6);
    expect(model.rules.map((r) => [r.antecedent.join(), r.consequent.join(), r.confidence, r.lift])).toEqual([
      ['a', 'b', 2 / 3, 4 / 3],
      ['b', 'a', 2 / 3, 4 / 3],
    ]);
  });

  it('given customer baskets when mined then a → b holds for every customer (lift 1: no information)', () => {
    const model = mineCrossSell(customers, rules, 'customer');
    expect([model.baskets, model.customers]).toEqual([3, 3]);
    expect(model.rules.map((r) => [r.antecedent.join(), r.consequent.join(), r.confidence, r.lift])).toEqual([
      ['a', 'b', 1, 1],
      ['b', 'a', 1, 1],
    ]);
    // Each pattern is followed by one customer of three (1/3 ≥ 0.3): ⟨a,b⟩ and ⟨d,b⟩ by c3 only (c1 and c2 bought a
    // and b on one day), ⟨a,c⟩ and ⟨b,c⟩ by c1. Lift: ⟨d,b⟩ 1 / (3/3) = 1 with confidence 1; ⟨a,c⟩ and ⟨b,c⟩
    // (1/3) / (1/3) = 1 with confidence 1/3; ⟨a,b⟩ (1/3) / (3/3).
    expect(model.sequences.map((p) => [p.sequence.join('>'), p.confidence, p.lift])).toEqual([
      ['d>b', 1, 1],
      ['a>c', 1 / 3, 1],
      ['b>c', 1 / 3, 1],
      ['a>b', 1 / 3, 1 / 3],
    ]);
  });
});
