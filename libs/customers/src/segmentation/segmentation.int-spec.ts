import { readModels } from '@crm/catalog';
import { DataSource } from 'typeorm';
import { createScratchDatabase, postgresServerUnavailable } from '../../../../test/support/databases';
import { describeSkipped } from '../../../../test/support/server-suites';
import { currentValueMinor } from '../customer-status/customer-status';
import { EMPTY_PROFILE } from '../domain/customer.events';
import { rfmSegmentOf } from '../domain/rfm-segments';
import { DEFAULT_CRM_RULES, type CrmRules } from '../domain/rules/crm-rules';
import {
  CustomerSummaryEntity,
  type CustomerSummaryWithFacts,
} from '../projections/customer-summary/customer-summary.entity';
import { emptyCustomerFacts } from '../projections/customer-summary/customer-summary.projection';
import { customerSegmentationAsOf, latestCustomerSegmentation, SegmentationService } from './segmentation.service';

const DAY_MS = 86_400_000;
const AS_OF = new Date('2026-06-01T12:00:00Z');
const AS_OF_DAY = Math.floor(AS_OF.getTime() / DAY_MS);
const BUYERS = 1_000;
const PROSPECTS = 25;

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function summaryRow(customerId: string, purchaseDays: number[], spendPerDay: number[]): CustomerSummaryWithFacts {
  const net = spendPerDay.reduce((sum, n) => sum + n, 0);
  const first = purchaseDays[0];
  const last = purchaseDays[purchaseDays.length - 1];
  return {
    customerId,
    kind: 'individual',
    name: customerId,
    email: null,
    phone: null,
    region: null,
    acquisitionSource: null,
    accountManagerId: null,
    profile: { ...EMPTY_PROFILE, name: customerId },
    optedOutChannels: [],
    status: 'active',
    registeredAt: new Date('2020-01-01T00:00:00Z'),
    revision: purchaseDays.length,
    lastCheckpoint: '0',
    lastEventRecordedAt: new Date('2026-01-01T00:00:00Z'),
    ...emptyCustomerFacts(),
    firstPurchaseAt: first === undefined ? null : new Date(first * DAY_MS + 3_600_000),
    lastPurchaseAt: last === undefined ? null : new Date(last * DAY_MS + 3_600_000),
    purchaseCount: purchaseDays.length,
    distinctPurchaseDays: purchaseDays.length,
    currency: purchaseDays.length ? 'USD' : null,
    grossSpendMinor: net,
    netSpendMinor: net,
    averageOrderValueMinor: purchaseDays.length ? Math.round(net / purchaseDays.length) : null,
    purchaseDays,
    purchaseDayCounts: purchaseDays.map(() => 1),
    spendDays: purchaseDays,
    spendDayNetMinor: spendPerDay,
  };
}

/** 1,000 buyers (all buying before AS_OF, some with ties in every fact), 25 prospects, 1 buyer after AS_OF only. */
function population(): CustomerSummaryWithFacts[] {
  const next = random(42);
  const rows: CustomerSummaryWithFacts[] = [];
  for (let i = 0; i < BUYERS; i++) {
    const purchases = 1 + Math.floor(next() * 8);
    const lastDay = AS_OF_DAY - Math.floor(next() * 400);
    const days = Array.from({ length: purchases }, (_, j) => lastDay - (purchases - 1 - j) * 15);
    // Every tenth customer spends a round amount, so that spends tie.
    const perDay = days.map(() => (i % 10 === 0 ? 5_000 : 500 + Math.floor(next() * 20_000)));
    const row = summaryRow(`c-${String(i).padStart(4, '0')}`, days, perDay);
    if (i % 7 === 3 && purchases >= 2) {
      // The first order refunded in full on the last purchase day: cash basis, the refund counts on its own day;
      // for the current value it belongs to the order's day.
      const amount = perDay[0]!;
      row.spendDayNetMinor = perDay.map((n, j) => (j === purchases - 1 ? n - amount : n));
      row.refundsMinor = amount;
      row.netSpendMinor = row.grossSpendMinor - amount;
      row.orderIds = days.map((_, j) => `o-${j}`);
      row.orderDays = [...days];
      row.refundDays = [days[purchases - 1]!];
      row.refundOrderDays = [days[0]!];
      row.refundAmountsMinor = [amount];
    }
    rows.push(row);
  }
  for (let i = 0; i < PROSPECTS; i++) rows.push(summaryRow(`p-${String(i).padStart(3, '0')}`, [], []));
  rows.push(summaryRow('late-buyer', [AS_OF_DAY + 3], [99_999]));
  return rows;
}

interface SegmentRow {
  customer_id: string;
  recency_days: number;
  frequency: number;
  monetary_minor: string;
  r_score: number;
  f_score: number;
  m_score: number;
  rfm_segment: string;
  abc_class: string;
  pyramid_tier: string;
  current_value_minor: string;
}

function countBy<T>(items: readonly T[], key: (item: T) => string | number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[String(key(item))] = (counts[String(key(item))] ?? 0) + 1;
  return counts;
}

if (postgresServerUnavailable()) {
  describeSkipped('segmentation run on the PostgreSQL server', postgresServerUnavailable()!);
} else {
  describe('segmentation run on the PostgreSQL server', () => {
    let drop: () => Promise<void>;
    let dataSource: DataSource;
    const rules: CrmRules = { ...DEFAULT_CRM_RULES, version: 'segmentation-test-1' };
    let service: SegmentationService;
    const summaries = new Map<string, CustomerSummaryWithFacts>();

    const segmentsOf = async (runId: string): Promise<SegmentRow[]> =>
      dataSource.query(
        `SELECT customer_id, recency_days, frequency, monetary_minor, r_score, f_score, m_score,
                rfm_segment, abc_class, pyramid_tier, current_value_minor
           FROM customer_segments WHERE run_id = $1 ORDER BY customer_id`,
        [runId],
      );

    beforeAll(async () => {
      const scratch = await createScratchDatabase('segments');
      drop = scratch.drop;
      dataSource = new DataSource({
        type: 'postgres',
        url: scratch.url,
        entities: [...readModels.entities],
        migrations: [...readModels.migrations],
        extra: { max: 3 },
      });
      await dataSource.initialize();
      await dataSource.runMigrations();
      const rows = population();
      for (const row of rows) summaries.set(row.customerId, row);
      // Copies: TypeORM writes back into inserted objects the columns that have defaults, as the driver returns them.
      await dataSource.manager.insert(
        CustomerSummaryEntity,
        rows.map((row) => ({ ...row })),
      );
      service = new SegmentationService(dataSource, rules);
    }, 60_000);

    afterAll(async () => {
      await dataSource?.destroy();
      await drop?.();
    });

    it('scores every buyer up to the as-of instant and records the run', async () => {
      const report = await service.recompute(AS_OF, new Date('2026-06-02T00:00:00Z'));
      expect(report).toMatchObject({
        asOf: AS_OF.toISOString(),
        runAt: '2026-06-02T00:00:00.000Z',
        rulesVersion: 'segmentation-test-1',
        customers: BUYERS + PROSPECTS + 1,
        buyers: BUYERS,
      });
      expect(report.pyramidTiers).toEqual({ vip: 10, major: 40, ordinary: 150, small: 800 });
      const stored: Array<{ rules_version: string; buyers: number }> = await dataSource.query(
        'SELECT rules_version, buyers FROM segmentation_runs WHERE id = $1',
        [report.id],
      );
      expect(stored).toEqual([{ rules_version: 'segmentation-test-1', buyers: BUYERS }]);

      const rows = await segmentsOf(report.id);
      expect(rows).toHaveLength(BUYERS);
      expect(rows.some((r) => r.customer_id === 'late-buyer' || r.customer_id.startsWith('p-'))).toBe(false);

      // Pyramid: exactly 10 / 40 / 150 / 800 by spend rank (net spend desc, then customer id).
      const bySpend = [...rows].sort(
        (a, b) => Number(b.monetary_minor) - Number(a.monetary_minor) || a.customer_id.localeCompare(b.customer_id),
      );
      const tiers = bySpend.map((r) => r.pyramid_tier);
      expect(tiers).toEqual([
        ...Array<string>(10).fill('vip'),
        ...Array<string>(40).fill('major'),
        ...Array<string>(150).fill('ordinary'),
        ...Array<string>(800).fill('small'),
      ]);

      // ABC: A holds the first 80 % of cumulative net spend (the customer crossing 80 % included), B up to 95 %.
      const total = bySpend.reduce((sum, r) => sum + Number(r.monetary_minor), 0);
      let before = 0;
      for (const row of bySpend) {
        const expected = before < 0.8 * total ? 'A' : before < 0.95 * total ? 'B' : 'C';
        expect(row.abc_class).toBe(expected);
        before += Number(row.monetary_minor);
      }
      const spendOf = (cls: string): number =>
        bySpend.filter((r) => r.abc_class === cls).reduce((sum, r) => sum + Number(r.monetary_minor), 0);
      expect(spendOf('A') / total).toBeGreaterThanOrEqual(0.8);
      expect((spendOf('A') + spendOf('B')) / total).toBeGreaterThanOrEqual(0.95);
      expect(report.abcClasses).toEqual(countBy(rows, (r) => r.abc_class));
      const percent = (share: number) => Math.round(share * 1000) / 10;
      expect(report.abcSpendSharePercent).toEqual({
        USD: { A: percent(spendOf('A') / total), B: percent(spendOf('B') / total), C: percent(spendOf('C') / total) },
      });

      // Stages as of the run's instant: the 1,000 buyers and 25 prospects; the late buyer registered in 2020
      // is a prospect then too.
      const stages = report.lifecycleStages!;
      expect(Object.keys(stages)).toEqual(['prospect', 'new', 'growth', 'mature', 'declining', 'churned']);
      expect(stages.prospect).toBe(PROSPECTS + 1);
      expect(Object.values(stages).reduce((sum, n) => sum + n, 0)).toBe(BUYERS + PROSPECTS + 1);
      // The current value is what the orders of the 365 days up to the as-of day brought in, less their refunds
      // (accrual basis): the statement and the status code compute the same, and it is never negative.
      expect(rows.filter((row) => summaries.get(row.customer_id)!.refundDays.length > 0).length).toBeGreaterThan(50);
      for (const row of rows) {
        const expected = currentValueMinor(summaries.get(row.customer_id)!, AS_OF_DAY, 365);
        expect([row.customer_id, Number(row.current_value_minor)]).toEqual([row.customer_id, expected]);
        expect(Number(row.current_value_minor)).toBeGreaterThanOrEqual(0);
      }

      // Quintiles: 200 buyers per score; more recent, more frequent, bigger spenders score higher.
      for (const score of ['r_score', 'f_score', 'm_score'] as const) {
        expect(countBy(rows, (r) => r[score])).toEqual({ 1: 200, 2: 200, 3: 200, 4: 200, 5: 200 });
      }
      for (let s = 1; s < 5; s++) {
        const at = (score: number) => rows.filter((r) => r.r_score === score);
        expect(Math.min(...at(s).map((r) => r.recency_days))).toBeGreaterThanOrEqual(
          Math.max(...at(s + 1).map((r) => r.recency_days)),
        );
        const fAt = (score: number) => rows.filter((r) => r.f_score === score).map((r) => r.frequency);
        expect(Math.max(...fAt(s))).toBeLessThanOrEqual(Math.min(...fAt(s + 1)));
        const mAt = (score: number) => rows.filter((r) => r.m_score === score).map((r) => Number(r.monetary_minor));
        expect(Math.max(...mAt(s))).toBeLessThanOrEqual(Math.min(...mAt(s + 1)));
      }
      for (const row of rows) expect(row.rfm_segment).toBe(rfmSegmentOf(row.r_score, row.f_score, row.m_score));
      expect(Object.values(report.rfmSegments).reduce((sum, n) => sum + n, 0)).toBe(BUYERS);
    });

    it('gives the same scores on every run over the same data', async () => {
      const first = await service.recompute(AS_OF, new Date('2026-06-03T00:00:00Z'));
      const second = await service.recompute(AS_OF, new Date('2026-06-04T00:00:00Z'));
      expect(second.id).not.toBe(first.id);
      expect(await segmentsOf(second.id)).toEqual(await segmentsOf(first.id));

      const runs = await service.listRuns(2);
      expect(runs.map((r) => r.id)).toEqual([second.id, first.id]);

      // Both runs are as of an earlier day than they were made: historical, read as of their day, never live.
      expect([first.historical, second.historical]).toEqual([true, true]);
      const segmentation = await customerSegmentationAsOf(dataSource, 'c-0001', AS_OF);
      expect(segmentation).toMatchObject({ runId: second.id, rulesVersion: 'segmentation-test-1', historical: true });
      expect(await customerSegmentationAsOf(dataSource, 'p-000', AS_OF)).toBeNull();
      expect(await latestCustomerSegmentation(dataSource, 'c-0001')).toBeNull();
      const live = await service.recompute(
        new Date(AS_OF.getTime() + 3_600_000),
        new Date(AS_OF.getTime() + 7_200_000),
      );
      expect(await latestCustomerSegmentation(dataSource, 'c-0001')).toMatchObject({
        runId: live.id,
        historical: false,
      });
    });

    it('counts the purchases up to the as-of day only', async () => {
      const later = await service.recompute(new Date((AS_OF_DAY + 5) * DAY_MS), new Date('2026-06-05T00:00:00Z'));
      expect(later.buyers).toBe(BUYERS + 1);
      const earlier = await service.recompute(new Date((AS_OF_DAY - 200) * DAY_MS), new Date('2026-06-06T00:00:00Z'));
      expect(earlier.buyers).toBeLessThan(BUYERS);
      const rows = await segmentsOf(earlier.id);
      expect(Math.min(...rows.map((r) => r.recency_days))).toBeGreaterThanOrEqual(0);
    });
  });
}
