import { followedUntil, mineSequences, type PurchaseDays } from './sequences';

/*
 * Five customers' purchase days, by hand:
 *   c1 a | b | c      c4 b | a
 *   c2 a | b          c5 c
 *   c3 a b   (one day: not "a then b")
 * Customers per item: a 4, b 4, c 2.
 * ⟨a,b⟩ c1 c2; ⟨b,a⟩ c4; ⟨a,c⟩ c1; ⟨b,c⟩ c1; ⟨a,b,c⟩ c1.
 */
const HISTORIES: PurchaseDays[] = [[['a'], ['b'], ['c']], [['a'], ['b']], [['a', 'b']], [['b'], ['a']], [['c']]];

const brief = (patterns: ReturnType<typeof mineSequences>['patterns']) =>
  patterns.map((p) => [p.sequence.join('>'), p.count, p.prefixCount, p.confidence, p.lift]);

describe('mineSequences', () => {
  it('given five customers when mined at support 0.4 then only "a then b" is followed by two of them', () => {
    const mined = mineSequences(HISTORIES, { minSupport: 0.4, maxLength: 3 });
    expect(mined.customers).toBe(5);
    // ⟨a,b⟩: 2 of the 4 who bought a; lift 0.5 / (4/5) = 0.625.
    expect(mined.patterns).toEqual([
      { sequence: ['a', 'b'], count: 2, prefixCount: 4, lastItemCount: 4, support: 0.4, confidence: 0.5, lift: 0.625 },
    ]);
  });

  it('given support 0.2 when mined then every followed pattern appears, strongest lift first', () => {
    const mined = mineSequences(HISTORIES, { minSupport: 0.2, maxLength: 3 });
    // ⟨a,b,c⟩: 1 of the 2 who followed ⟨a,b⟩; lift 0.5 / (2/5) = 1.25.
    // ⟨a,c⟩ and ⟨b,c⟩ tie (1 of 4, lift 0.625): by items. ⟨b,a⟩: 1 of 4, lift 0.25 / (4/5).
    expect(brief(mined.patterns)).toEqual([
      ['a>b>c', 1, 2, 0.5, 1.25],
      ['a>b', 2, 4, 0.5, 0.625],
      ['a>c', 1, 4, 0.25, 0.625],
      ['b>c', 1, 4, 0.25, 0.625],
      ['b>a', 1, 4, 0.25, 0.3125],
    ]);
  });

  it('given maxLength 2 when mined then no three-step pattern is counted', () => {
    const mined = mineSequences(HISTORIES, { minSupport: 0.2, maxLength: 2 });
    expect(mined.patterns.map((p) => p.sequence.length)).toEqual([2, 2, 2, 2]);
  });

  it('given a customer repeating "a then b" when mined then they count once', () => {
    const mined = mineSequences([[['a'], ['b'], ['a'], ['b']], [['c']]], { minSupport: 0.5, maxLength: 2 });
    expect(brief(mined.patterns)).toEqual([
      ['a>b', 1, 1, 1, 2],
      ['b>a', 1, 1, 1, 2],
    ]);
  });

  it('given no customers, a single item or single days when mined then there is no pattern', () => {
    expect(mineSequences([], { minSupport: 0.1, maxLength: 3 })).toEqual({ customers: 0, patterns: [] });
    expect(mineSequences([[['a'], ['a']]], { minSupport: 0.1, maxLength: 3 }).patterns).toEqual([]);
    expect(mineSequences([[['a', 'b', 'c']], [[]]], { minSupport: 0.1, maxLength: 3 })).toEqual({
      customers: 1,
      patterns: [],
    });
  });
});

describe('followedUntil', () => {
  it('given days a | b c | a when asked about patterns then it names the earliest day completing each', () => {
    const days = [['a'], ['b', 'c'], ['a']];
    expect(followedUntil(days, ['a'])).toBe(0);
    expect(followedUntil(days, ['a', 'b'])).toBe(1);
    expect(followedUntil(days, ['c', 'a'])).toBe(2);
    expect(followedUntil(days, ['b', 'c'])).toBe(-1);
    expect(followedUntil(days, ['a', 'b', 'a'])).toBe(2);
    expect(followedUntil(days, ['d'])).toBe(-1);
  });
});
