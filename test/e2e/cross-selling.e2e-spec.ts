import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

type Category = 'books' | 'music' | 'games' | 'film';

/** One line per item: its SKU (games come as gm-1 or gm-2) and its category. */
const SKUS: Record<string, Category> = {
  'bk-1': 'books',
  'mu-1': 'music',
  'gm-1': 'games',
  'gm-2': 'games',
  'fm-1': 'film',
};

interface Rule {
  antecedent: string[];
  consequent: string[];
  count: number;
  antecedentCount: number;
  consequentCount: number;
  support: number;
  confidence: number;
  lift: number;
}

interface Pattern {
  sequence: string[];
  count: number;
  prefixCount: number;
  support: number;
  confidence: number;
  lift: number;
}

const ruleText = (rule: Rule) => `${rule.antecedent.join('+')} → ${rule.consequent.join('+')}`;

/*
 * Eight buyers and a prospect; each "|" is a later day (orders of March 2025),
 * items by category (SKUs: bk-1, mu-1, gm-1, but x1's game is gm-2):
 *   x1 books | music | games      x5 music | games
 *   x2 books | music              x6 film (fully refunded, so not counted) | books
 *   x3 books + music (one order)  x7 music | games
 *   x4 music | books              x8 music
 *   x9 nothing
 *
 * Customer baskets (8): books 5, music 7, games 3; books+music 4, music+games 3, books+games 1.
 * At minSupport 0.25 (2 of 8) and minConfidence 0.3:
 *   games → music  3/3 = 1,    lift 1 / (7/8) = 8/7
 *   music → games  3/7,        lift (3/7) / (3/8) = 8/7
 *   books → music  4/5 = 0.8,  lift 0.8 / (7/8) = 32/35
 *   music → books  4/7,        lift (4/7) / (5/8) = 32/35
 * Sequences at 0.25 (2 of 8 customers): ⟨music, games⟩ x1 x5 x7: 3 of the 7 with music, lift (3/7) / (3/8) = 8/7;
 *   ⟨books, music⟩ x1 x2 (x3 bought both on one day): 2 of 5, lift (2/5) / (7/8) = 16/35.
 *   ⟨music, books⟩ (x4), ⟨books, games⟩ (x1) and ⟨books, music, games⟩ (x1) have one customer each.
 */
describeOnPostgresServer('cross-selling: GET /analytics/association-rules and /customers/:id/recommendations', () => {
  let t: TestApp;
  let checkpoint = '';
  const THRESHOLDS = 'minSupport=0.25&minConfidence=0.3&minSequenceSupport=0.25';

  async function buy(customerId: string, orderId: string, day: number, skus: string[]): Promise<void> {
    const lines = skus.map((sku) => ({ sku, category: SKUS[sku], quantity: 1, unitPriceMinor: 1000 }));
    const { body } = await t
      .as('writer')
      .post(`/customers/${customerId}/purchases`)
      .send({
        orderId,
        currency: 'EUR',
        channel: 'web',
        lines,
        occurredAt: `2025-03-${String(day).padStart(2, '0')}T10:00:00Z`,
      })
      .expect(201);
    checkpoint = body.checkpoint;
  }

  const rules = (query: string) =>
    t.as('reader').get(`/analytics/association-rules?minCheckpoint=${checkpoint}&${query}`);
  const offers = (customerId: string, query = THRESHOLDS) =>
    t.as('reader').get(`/customers/${customerId}/recommendations?minCheckpoint=${checkpoint}&${query}`);

  beforeAll(async () => {
    t = await startTestApp('postgres');
    for (const id of ['x1', 'x2', 'x3', 'x4', 'x5', 'x6', 'x7', 'x8', 'x9']) {
      await t
        .as('writer')
        .post('/customers')
        .send({ customerId: id, kind: 'individual', name: `Customer ${id}`, occurredAt: '2025-01-01T00:00:00Z' })
        .expect(201);
    }
    await buy('x1', 'x1-1', 1, ['bk-1']);
    await buy('x1', 'x1-2', 2, ['mu-1']);
    await buy('x1', 'x1-3', 3, ['gm-2']);
    await buy('x2', 'x2-1', 1, ['bk-1']);
    await buy('x2', 'x2-2', 5, ['mu-1']);
    await buy('x3', 'x3-1', 1, ['bk-1', 'mu-1']);
    await buy('x4', 'x4-1', 1, ['mu-1']);
    await buy('x4', 'x4-2', 2, ['bk-1']);
    await buy('x5', 'x5-1', 1, ['mu-1']);
    await buy('x5', 'x5-2', 9, ['gm-1']);
    await buy('x6', 'x6-1', 1, ['fm-1']);
    await buy('x6', 'x6-2', 2, ['bk-1']);
    await buy('x7', 'x7-1', 4, ['mu-1']);
    await buy('x7', 'x7-2', 6, ['gm-1']);
    await buy('x8', 'x8-1', 1, ['mu-1']);
    const refund = await t
      .as('writer')
      .post('/customers/x6/purchases/x6-1/refunds')
      .send({ amountMinor: 1000, occurredAt: '2025-03-03T10:00:00Z' })
      .expect(201);
    checkpoint = refund.body.checkpoint;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('lists the category rules over customer baskets, by lift then confidence, with counts', async () => {
    const { body } = await rules(THRESHOLDS).expect(200);
    expect(body).toMatchObject({
      level: 'category',
      basket: 'customer',
      rulesVersion: 'crm-rules-defaults-1',
      thresholds: { minSupport: 0.25, minConfidence: 0.3, minSequenceSupport: 0.25, maxItemsetSize: 3 },
      baskets: 8,
      customers: 8,
      ruleCount: 4,
      sequenceCount: 2,
    });
    expect(body.rules.map(ruleText)).toEqual(['games → music', 'music → games', 'books → music', 'music → books']);
    expect(body.rules[0]).toEqual({
      antecedent: ['games'],
      consequent: ['music'],
      count: 3,
      antecedentCount: 3,
      consequentCount: 7,
      support: 3 / 8,
      confidence: 1,
      lift: 8 / 7,
    });
    const [, musicGames, booksMusic, musicBooks] = body.rules as Rule[];
    expect([musicGames!.confidence, musicGames!.lift]).toEqual([3 / 7, 8 / 7]);
    expect([booksMusic!.count, booksMusic!.confidence, booksMusic!.lift]).toEqual([4, 0.8, 32 / 35]);
    expect([musicBooks!.confidence, musicBooks!.lift]).toEqual([4 / 7, 32 / 35]);
  });

  it('lists the sequence patterns followed by at least minSequenceSupport of the buyers', async () => {
    const { body } = await rules(THRESHOLDS).expect(200);
    expect(body.sequences as Pattern[]).toEqual([
      {
        sequence: ['music', 'games'],
        count: 3,
        prefixCount: 7,
        lastItemCount: 3,
        support: 3 / 8,
        confidence: 3 / 7,
        lift: 8 / 7,
      },
      {
        sequence: ['books', 'music'],
        count: 2,
        prefixCount: 5,
        lastItemCount: 7,
        support: 2 / 8,
        confidence: 2 / 5,
        lift: 16 / 35,
      },
    ]);
    const { body: stricter } = await rules('minSupport=0.25&minConfidence=0.9&minSequenceSupport=0.3&limit=1').expect(
      200,
    );
    expect(stricter.rules.map(ruleText)).toEqual(['games → music']);
    expect([stricter.ruleCount, stricter.sequenceCount]).toEqual([1, 1]);
  });

  it('mines order baskets when asked: only x3 bought books and music together', async () => {
    // 14 counted orders: books 5, music 7, books+music 1. books → music 1/5, lift (1/5) / (7/14) = 0.4.
    const { body } = await rules('basket=order&minSupport=0.05&minConfidence=0.1').expect(200);
    expect(body.baskets).toBe(14);
    expect(body.rules.map((r: Rule) => [ruleText(r), r.count, r.confidence, r.lift])).toEqual([
      ['books → music', 1, 0.2, 0.4],
      ['music → books', 1, 1 / 7, 0.4],
    ]);
  });

  it('mines SKUs when asked: gm-1 and gm-2 are different items', async () => {
    // gm-1: x5 x7 (2 of 8); mu-1 + gm-1: 2. gm-1 → mu-1: 2/2, lift 8/7; mu-1 → gm-1: 2/7, below 0.3.
    const { body } = await rules(`level=sku&${THRESHOLDS}`).expect(200);
    expect(body.level).toBe('sku');
    expect(body.rules.map((r: Rule) => [ruleText(r), r.confidence, r.lift])).toEqual([
      ['gm-1 → mu-1', 1, 8 / 7],
      ['bk-1 → mu-1', 0.8, 32 / 35],
      ['mu-1 → bk-1', 4 / 7, 32 / 35],
    ]);
  });

  it('takes the thresholds of the rules in force when the query gives none', async () => {
    const { body } = await rules('').expect(200);
    expect(body.thresholds).toEqual({
      minSupport: 0.01,
      minConfidence: 0.2,
      minSequenceSupport: 0.01,
      maxItemsetSize: 3,
    });
    // At 1 % every itemset bought by one customer is frequent: books+games and books+music+games join in.
    expect(body.rules.map(ruleText)).toContain('books+games → music');
  });

  it('offers music buyers games, for music → games and for ⟨music, games⟩, scored confidence × lift', async () => {
    for (const customerId of ['x2', 'x8']) {
      const { body } = await offers(customerId).expect(200);
      expect(body.customerId).toBe(customerId);
      expect(body.items).toEqual([
        {
          item: 'games',
          score: (3 / 7) * (8 / 7),
          reasonCount: 2,
          because: [
            {
              kind: 'rule',
              antecedent: ['music'],
              consequent: ['games'],
              support: 3 / 8,
              confidence: 3 / 7,
              lift: 8 / 7,
              score: (3 / 7) * (8 / 7),
            },
            {
              kind: 'sequence',
              sequence: ['music', 'games'],
              support: 3 / 8,
              confidence: 3 / 7,
              lift: 8 / 7,
              score: (3 / 7) * (8 / 7),
            },
          ],
        },
      ]);
    }
  });

  it('offers nothing where no rule with lift above 1 applies, and never what the customer has', async () => {
    // x6: books only (the refunded film does not count); books → music has lift 32/35 < 1.
    const x6 = await offers('x6').expect(200);
    expect([x6.body.bought, x6.body.items]).toEqual([['books'], []]);
    const x5 = await offers('x5').expect(200);
    expect([x5.body.bought, x5.body.items]).toEqual([['games', 'music'], []]);
    const x9 = await offers('x9').expect(200);
    expect([x9.body.bought, x9.body.items]).toEqual([[], []]);
  });

  it('answers 404 for an unknown customer and 400 for a malformed id', async () => {
    const { body } = await offers('nobody').expect(404);
    expect(body.code).toBe('CUSTOMER_NOT_FOUND');
    await t.as('reader').get('/customers/%20/recommendations').expect(400);
  });

  it('mines again once the read models move: x8 buys games, which is then no longer offered', async () => {
    const before = await offers('x8').expect(200);
    expect(before.body.items.map((item: { item: string }) => item.item)).toEqual(['games']);
    await buy('x8', 'x8-2', 20, ['gm-1']);
    const after = await offers('x8').expect(200);
    expect(after.body.checkpoints).not.toEqual(before.body.checkpoints);
    expect([after.body.bought, after.body.items]).toEqual([['games', 'music'], []]);
  });

  it.each([
    ['minSupport=0', 'minSupport'],
    ['minSupport=1.5', 'minSupport'],
    ['minSupport=abc', 'minSupport'],
    ['minConfidence=2', 'minConfidence'],
    ['minConfidence=-0.1', 'minConfidence'],
    ['minSequenceSupport=0', 'minSequenceSupport'],
    ['level=brand', 'level'],
    ['basket=week', 'basket'],
    ['limit=0', 'limit'],
    ['limit=1001', 'limit'],
    ['minCheckpoint=nope', 'minCheckpoint'],
  ])('refuses GET /analytics/association-rules?%s naming %s', async (query, field) => {
    const { body } = await t.as('reader').get(`/analytics/association-rules?${query}`).expect(400);
    expect(JSON.stringify(body.problems)).toContain(field);
  });

  it.each([
    ['limit=101', 'limit'],
    ['minSupport=0', 'minSupport'],
    ['level=brand', 'level'],
  ])('refuses GET /customers/x2/recommendations?%s naming %s', async (query, field) => {
    const { body } = await t.as('reader').get(`/customers/x2/recommendations?${query}`).expect(400);
    expect(JSON.stringify(body.problems)).toContain(field);
  });
});
