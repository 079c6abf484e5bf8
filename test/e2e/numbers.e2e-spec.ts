import { SegmentationService } from '@crm/customers/segmentation/segmentation.service';
import { DATA_SOURCE } from '@crm/platform';
import type { DataSource } from 'typeorm';
import { expectEventually } from '../support/eventually';
import { startTestApp, type TestApp } from '../support/test-app';
import { describeOnPostgresServer } from '../support/server-suites';

const line = (unitPriceMinor: number) => [{ sku: 'X', category: 'goods', quantity: 1, unitPriceMinor }];

/**
 * Numbers that mean what they say: customers are ranked only against
 * customers of the same currency, every field of an as-of answer is as of
 * that instant, a historical segmentation run never replaces the live one,
 * and the profile reads back as recorded.
 */
describeOnPostgresServer('numbers that mean what they say (PostgreSQL server)', () => {
  let t: TestApp;
  let segmentation: SegmentationService;
  let last = '';

  async function register(customerId: string, body: Record<string, unknown> = {}): Promise<void> {
    const response = await t
      .as('writer')
      .post('/customers')
      .send({ customerId, kind: 'individual', name: customerId, occurredAt: '2024-01-01T00:00:00Z', ...body })
      .expect(201);
    last = response.body.checkpoint;
  }

  async function buy(customerId: string, orderId: string, currency: string, amount: number, occurredAt: string) {
    const response = await t
      .as('writer')
      .post(`/customers/${customerId}/purchases`)
      .send({ orderId, currency, channel: 'web', lines: line(amount), occurredAt })
      .expect(201);
    last = response.body.checkpoint;
  }

  async function caughtUp(): Promise<void> {
    await expectEventually(async () => {
      await t.as('reader').get(`/analytics/summary?minCheckpoint=${last}`).expect(200);
    });
  }

  beforeAll(async () => {
    t = await startTestApp('postgres');
    segmentation = t.app.get(SegmentationService);
    // Ten EUR buyers of 100.00–1,000.00 and ten GBP buyers of 1.00–10.00: ranked together, every GBP buyer would be
    // in the bottom half; ranked apart, each currency has its own top customers.
    for (let i = 1; i <= 10; i++) {
      await register(`eur-${i}`);
      await buy(`eur-${i}`, 'o-1', 'EUR', i * 10_000, '2025-03-01T10:00:00Z');
      await register(`gbp-${i}`);
      await buy(`gbp-${i}`, 'o-1', 'GBP', i * 100, '2025-03-01T10:00:00Z');
    }
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  describe('currencies are never mixed', () => {
    it('ranks each buyer against the buyers of its own currency: RFM monetary, ABC and pyramid', async () => {
      const report = await segmentation.recompute(new Date());
      expect(report.buyersByCurrency).toEqual({ EUR: 10, GBP: 10 });
      const rows: Array<{ customer_id: string; currency: string; m_score: number; abc_class: string }> = await t.app
        .get<DataSource>(DATA_SOURCE)
        .query(
          'SELECT customer_id, currency, m_score, abc_class FROM customer_segments WHERE run_id = $1 ORDER BY 1',
          [report.id],
        );
      const byId = new Map(rows.map((row) => [row.customer_id, row]));
      for (const currency of ['eur', 'gbp']) {
        // The biggest spender of each currency scores 5 on monetary, the smallest 1, whatever the other currency.
        expect(byId.get(`${currency}-10`)).toMatchObject({ currency: currency.toUpperCase(), m_score: 5, abc_class: 'A' });
        expect(byId.get(`${currency}-1`)).toMatchObject({ m_score: 1, abc_class: 'C' });
      }
      // Shares of spend are taken within each currency, never across.
      for (const currency of ['EUR', 'GBP']) {
        const shares = report.abcSpendSharePercent[currency]!;
        expect(shares.A! + shares.B! + shares.C!).toBeCloseTo(100, 0);
      }
      expect(Object.keys(report.abcSpendSharePercent).sort()).toEqual(['EUR', 'GBP']);
    });

    it('answers GET /customers/:id with the currency the customer was ranked in', async () => {
      const { body } = await t.as('reader').get('/customers/gbp-10').expect(200);
      expect(body.segmentation).toMatchObject({ currency: 'GBP', m: 5, abcClass: 'A', historical: false });
    });
  });

  describe('one "as of" everywhere', () => {
    beforeAll(async () => {
      await register('asof-1', { occurredAt: '2025-01-01T00:00:00Z' });
      await buy('asof-1', 'o-1', 'EUR', 5_000, '2025-02-01T10:00:00Z');
      await buy('asof-1', 'o-2', 'EUR', 7_000, '2025-06-01T10:00:00Z');
      const survey = await t
        .as('writer')
        .post('/customers/asof-1/surveys')
        .send({ method: 'online', csat: 5, nps: 10, occurredAt: '2025-07-01T10:00:00Z' })
        .expect(201);
      last = survey.body.checkpoint;
      await caughtUp();
    }, 60_000);

    it('answers every derived field as of the instant asked: facts, satisfaction, lifecycle, value, segmentation', async () => {
      const historical = await segmentation.recompute(new Date('2025-03-01T12:00:00Z'));
      expect(historical.historical).toBe(true);
      const { body } = await t.as('reader').get('/customers/asof-1?asOf=2025-03-01T12:00:00Z').expect(200);
      expect(body).toMatchObject({
        purchaseCount: 1,
        netSpendMinor: 5_000,
        currentValueMinor: 5_000,
        csatCount: 0,
        lastNps: null,
        lifecycle: { stage: 'new', evaluatedAt: '2025-03-01T12:00:00.000Z' },
      });
      expect(body.segmentation).toMatchObject({ runId: historical.id, historical: true, frequency: 1 });
      expect(body.basis).toMatchObject({ eventsAfterAsOf: 2 });

      const now = await t.as('reader').get('/customers/asof-1').expect(200);
      expect(now.body).toMatchObject({ purchaseCount: 2, netSpendMinor: 12_000, csatCount: 1, lastNps: 10 });
    });

    it('keeps a historical run out of the live views: lists, the 360° view and statuses read the latest live run', async () => {
      const live = await segmentation.recompute(new Date());
      const historical = await segmentation.recompute(new Date('2025-08-01T00:00:00Z'));
      expect([live.historical, historical.historical]).toEqual([false, true]);
      const list = await t.as('reader').get('/customers?limit=1').expect(200);
      expect(list.body.segmentationRunId).toBe(live.id);
      const one = await t.as('reader').get('/customers/asof-1').expect(200);
      expect(one.body.segmentation.runId).toBe(live.id);
      const summary = await t.as('reader').get('/analytics/summary').expect(200);
      expect(summary.body.segmentationRunId).toBe(live.id);
      // As of August 2025 the historical run is the one in force.
      const asOf = await t.as('reader').get('/customers/asof-1?asOf=2025-08-02T00:00:00Z').expect(200);
      expect(asOf.body.segmentation.runId).toBe(historical.id);
    });
  });

  describe('the profile reads back', () => {
    it('shows the address, personal and organisation fields, opt-outs and account manager as recorded, now and as of then', async () => {
      const address = { line1: '12 St James Sq', line2: null, city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' };
      await t
        .as('writer')
        .post('/customers')
        .send({
          customerId: 'org-9',
          kind: 'organisation',
          name: 'Acme Ltd',
          address,
          industry: 'steel',
          size: 'large',
          businessSituation: 'expanding',
          creditLimit: { amountMinor: 5_000_000, currency: 'EUR' },
          paymentTermsDays: 30,
          keyPeople: [{ name: 'Grace', role: 'buyer', email: 'g@example.com', decisionMaker: true }],
          occurredAt: '2025-01-01T00:00:00Z',
        })
        .expect(201);
      await t
        .as('writer')
        .put('/customers/org-9/contact-preferences')
        .send({ channels: { sms: false, phone: false }, occurredAt: '2025-02-01T00:00:00Z' })
        .expect(200);
      await t
        .as('writer')
        .put('/customers/org-9/account-manager')
        .send({ accountManagerId: 'am-3', occurredAt: '2025-02-01T00:00:00Z' })
        .expect(200);
      const updated = await t
        .as('writer')
        .patch('/customers/org-9/profile')
        .send({ size: 'medium', occurredAt: '2025-03-01T00:00:00Z' })
        .expect(200);
      last = updated.body.checkpoint;
      await caughtUp();

      const { body } = await t.as('reader').get('/customers/org-9').expect(200);
      expect(body).toMatchObject({
        accountManagerId: 'am-3',
        optedOutChannels: ['phone', 'sms'],
        profile: {
          name: 'Acme Ltd',
          address: { city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' },
          industry: 'steel',
          size: 'medium',
          businessSituation: 'expanding',
          creditLimit: { amountMinor: 5_000_000, currency: 'EUR' },
          paymentTermsDays: 30,
          keyPeople: [{ name: 'Grace', role: 'buyer', email: 'g@example.com', decisionMaker: true }],
        },
      });
      const before = await t.as('reader').get('/customers/org-9?asOf=2025-01-15T00:00:00Z').expect(200);
      expect(before.body).toMatchObject({ accountManagerId: null, optedOutChannels: [], profile: { size: 'large' } });
      const state = await t.as('auditor').get('/customers/org-9/state?asOf=2025-02-15T00:00:00Z').expect(200);
      expect(state.body).toMatchObject({ accountManagerId: 'am-3', optedOutChannels: ['phone', 'sms'] });
    });
  });
});
