import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CdnowSource, runImport } from '@crm/imports';
import { CRM_CONFIG, DATA_SOURCE, type CrmConfig } from '@crm/platform';
import { waitForProjections } from '@crm/projections';
import { simulatePurchaseHistories } from '@crm/customers/domain/value-models/testing/simulate';
import { analyticsOrdersProjection } from '@crm/customers/projections/analytics-facts/analytics-orders.projection';
import { customerSummaryProjection } from '@crm/customers/projections/customer-summary/customer-summary.projection';
import { ClvService, utcDayNumber, type ClvFit } from '@crm/customers/value/clv.service';
import { SegmentationService } from '@crm/customers/segmentation/segmentation.service';
import type { DataSource } from 'typeorm';
import { clvFitCommand, type ClvFitJson } from '../../apps/cli/src/clv.command';
import { commandBusDispatcher, IMPORT_ACTOR, UsageError } from '../../apps/cli/src/import.command';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const DAY_MS = 86_400_000;
const JAN_1_1997 = Date.UTC(1997, 0, 1) / DAY_MS;
const CALIBRATION_END = '1997-06-30';
const END_DAY = Date.UTC(1997, 5, 30) / DAY_MS;
const SIMULATED = 300;

const yyyymmdd = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10).replace(/-/g, '');

/**
 * A CDNOW-format file: 300 customers drawn from the models with the published
 * CDNOW parameters (first purchases in the first 12 weeks of 1997), and three
 * hand-made ones:
 *   90001  1997-01-06 $10.00 and $5.50, 1997-02-03 $20.00 (refunded $5.00 over HTTP), 1997-03-03 $30.25,
 *          1997-12-01 $99.00 (after the calibration end), and a EUR purchase over HTTP (another currency)
 *          → at 1997-06-30: x = 2, t_x = 8 weeks, T = 25 weeks, z̄ = (15.00 + 30.25) / 2 = 22.625
 *   90002  first purchase 1997-11-03, after the calibration end
 *   90003  1997-01-10 $12.00, then 1997-02-10 $0.00: a repeat buyer without repeat spend
 *   90004  1997-01-13 $20.00, 1997-03-10 $40.00 refunded in full on 1997-08-15 (after the calibration end)
 *          → at 1997-06-30: x = 1, t_x = 8 weeks, T = 24 weeks, z̄ = 40; at 1997-09-30: T = 260 / 7 weeks, z̄ = 0
 *   90005  1997-01-20 $10.00, 1997-02-17 $30.00 refunded $12.00 on 1997-07-15
 *          → x = 1, t_x = 4 weeks; z̄ = 30 up to 1997-07-14, 18 from 1997-07-15 on
 */
function populationFile(folder: string): string {
  const histories = simulatePurchaseHistories(
    { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
    { p: 6.25, q: 3.74, gamma: 15.44 },
    { customers: SIMULATED, arrivalDays: 84, endDay: 364, seed: 7 },
  );
  const lines = [' customer_id  date number_of_cds  dollar_value'];
  histories.forEach((history, k) => {
    const id = `5${String(k).padStart(4, '0')}`;
    for (const { day, spend } of history) {
      lines.push(`${id} ${yyyymmdd(JAN_1_1997 + day)} 1 ${Math.max(0.01, spend).toFixed(2)}`);
    }
  });
  lines.push(
    '90001 19970106 1 10.00',
    '90001 19970106 1 5.50',
    '90001 19970203 2 20.00',
    '90001 19970303 3 30.25',
    '90001 19971201 1 99.00',
    '90002 19971103 1 15.00',
    '90003 19970110 1 12.00',
    '90003 19970210 1 0.00',
    '90004 19970113 1 20.00',
    '90004 19970310 2 40.00',
    '90005 19970120 1 10.00',
    '90005 19970217 3 30.00',
  );
  const file = join(folder, 'population.txt');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describeOnPostgresServer('customer lifetime value on the PostgreSQL server', () => {
  let t: TestApp;
  let folder: string;
  let service: ClvService;
  let fit: ClvFit;

  beforeAll(async () => {
    t = await startTestApp('postgres');
    folder = mkdtempSync(join(tmpdir(), 'crm-clv-'));
    const report = await runImport(
      await CdnowSource.read(populationFile(folder), new Date('2026-01-01T00:00:00Z')),
      commandBusDispatcher(t.app),
      { concurrency: 8, correlationId: 'clv-e2e', actor: IMPORT_ACTOR },
    );
    expect(report.rowsRefused).toBe(0);
    await t
      .as('writer')
      .post('/customers/90001/purchases/cdnow-90001-19970203-1/refunds')
      .send({ amountMinor: 500, reason: 'damaged', occurredAt: '1997-02-20T10:00:00Z' })
      .expect(201);
    await t
      .as('writer')
      .post('/customers/90004/purchases/cdnow-90004-19970310-1/refunds')
      .send({ amountMinor: 4_000, reason: 'returned', occurredAt: '1997-08-15T10:00:00Z' })
      .expect(201);
    await t
      .as('writer')
      .post('/customers/90005/purchases/cdnow-90005-19970217-1/refunds')
      .send({ amountMinor: 1_200, reason: 'damaged', occurredAt: '1997-07-15T10:00:00Z' })
      .expect(201);
    const { body } = await t
      .as('writer')
      .post('/customers/90001/purchases')
      .send({
        orderId: 'eur-1',
        currency: 'EUR',
        channel: 'web',
        lines: [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor: 4_000 }],
        occurredAt: '1997-04-07T09:00:00Z',
      })
      .expect(201);
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    const wait = await waitForProjections(
      t.store,
      dataSource,
      [analyticsOrdersProjection, customerSummaryProjection],
      body.checkpoint as string,
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    expect(wait).toEqual({ reached: true });
    service = t.app.get(ClvService);
    fit = await service.fit(new Date(`${CALIBRATION_END}T00:00:00Z`));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('summarises a hand-made customer exactly from the orders of its main currency, refunds made by then on the order day', async () => {
    const [scored, ...others] = await service.scoreCustomers(fit, END_DAY, ['90001', 'no-such-customer']);
    expect(others).toEqual([]);
    expect(scored).toMatchObject({ customerId: '90001', x: 2, tx: 8, T: 25, zbar: 22.625 });
    expect(scored!.probabilityAlive).toBeGreaterThan(0);
    expect(scored!.probabilityAlive).toBeLessThanOrEqual(1);
    expect(scored!.expectedPurchases12Months).toBeGreaterThan(0);
    expect(scored!.expectedSpendMinor).toBeGreaterThan(0);
    expect(scored!.predictedValueMinor).toBeGreaterThan(0);
    // Later, T is measured to the later day and the purchase of 1997-12-01 counts.
    const [later] = await service.scoreCustomers(fit, utcDayNumber(new Date('1997-12-31T00:00:00Z')), ['90001']);
    expect(later).toMatchObject({ x: 3, T: 359 / 7, zbar: (15 + 30.25 + 99) / 3 });
    // Before their first purchase a customer is not scored.
    expect(await service.scoreCustomers(fit, END_DAY, ['90002'])).toEqual([]);
  });

  it('summarises as of the calibration end from what had happened by then: a later refund counts only from its own day', async () => {
    const day = (iso: string) => utcDayNumber(new Date(`${iso}T00:00:00Z`));
    expect(await service.summaries(END_DAY, ['90004', '90005'])).toEqual([
      { customerId: '90004', x: 1, tx: 8, T: 24, zbar: 40 },
      { customerId: '90005', x: 1, tx: 4, T: 23, zbar: 30 },
    ]);
    expect(await service.summaries(day('1997-07-14'), ['90005'])).toEqual([
      { customerId: '90005', x: 1, tx: 4, T: 175 / 7, zbar: 30 },
    ]);
    expect(await service.summaries(day('1997-07-15'), ['90005'])).toEqual([
      { customerId: '90005', x: 1, tx: 4, T: 176 / 7, zbar: 18 },
    ]);
    // Returned in full by 1997-09-30: the purchase day stays (x = 1), its spend is 0.
    expect(await service.summaries(day('1997-09-30'), ['90004'])).toEqual([
      { customerId: '90004', x: 1, tx: 8, T: 260 / 7, zbar: 0 },
    ]);
  });

  it('records the fit with the store checkpoint, the read model it saw and the rules version', async () => {
    expect(fit).toMatchObject({
      calibrationEnd: CALIBRATION_END,
      rulesVersion: 'crm-rules-defaults-1',
      storeCheckpoint: await t.store.headCheckpoint(),
      excluded: { repeatCustomersWithoutSpend: 1, firstPurchaseAfterEnd: 1, ordersInOtherCurrencies: 1 },
    });
    expect(fit.ordersCheckpoint).not.toBeNull();
    // Every simulated customer arrived by the 12th week; 90001, 90003, 90004 and 90005 too.
    expect(fit.customers).toBe(SIMULATED + 4);
    expect(fit.gammaGammaFit.customers).toBe(fit.repeatCustomers - 1);
    expect(fit.bgNbdFit.converged).toBe(true);
    for (const value of Object.values(fit.bgNbd)) expect(value).toBeGreaterThan(0);
    expect(fit.gammaGamma).not.toBeNull();
    expect(await service.latestFit()).toEqual(fit);
  });

  it('scores every customer in one call', async () => {
    const scores = await service.scoreCustomers(fit, END_DAY);
    expect(scores).toHaveLength(SIMULATED + 4);
    expect(scores.map((s) => s.customerId)).toEqual([...scores.map((s) => s.customerId)].sort());
  });

  it('prints the fit as one JSON object from the CLI, and refuses a bad date naming the option', async () => {
    const config = t.app.get<CrmConfig>(CRM_CONFIG);
    let out = '';
    const code = await clvFitCommand({ calibrationEnd: CALIBRATION_END, json: true }, config, (text) => (out += text));
    expect(code).toBe(0);
    expect(out.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(out) as ClvFitJson;
    expect(Object.keys(json).sort()).toEqual(['bgnbd', 'fit', 'gammaGamma', 'id', 'liveSegmentation', 'segmentation']);
    // Scored as of the end of the data fitted (a historical run), then as of now for the live views.
    expect(json.fit.currency).toBe('USD');
    expect(json.segmentation).toMatchObject({
      clvFitId: json.id,
      asOf: `${CALIBRATION_END}T23:59:59.999Z`,
      historical: true,
    });
    expect(json.liveSegmentation).toMatchObject({ clvFitId: json.id, historical: false, buyers: SIMULATED + 5 });
    expect(json.segmentation.buyers).toBeLessThan(SIMULATED + 5);
    expect(Object.keys(json.bgnbd).sort()).toEqual(['a', 'alpha', 'b', 'customers', 'logLikelihood', 'r']);
    expect(Object.keys(json.gammaGamma).sort()).toEqual(['customers', 'gamma', 'logLikelihood', 'p', 'q']);
    // The same data and calibration give the same estimates.
    expect(json.bgnbd).toEqual({ ...fit.bgNbd, logLikelihood: fit.bgNbdFit.logLikelihood, customers: fit.customers });
    expect(json.gammaGamma).toEqual({
      ...fit.gammaGamma,
      logLikelihood: fit.gammaGammaFit.logLikelihood,
      customers: fit.gammaGammaFit.customers,
    });
    await expect(clvFitCommand({ calibrationEnd: '1997-02-30', json: true }, config)).rejects.toThrow(
      new UsageError('--calibration-end: not a date yyyy-mm-dd from 1900-01-01 to 2199-12-31: "1997-02-30"'),
    );
  });

  it('lists the recorded fits newest first over HTTP, with a limit', async () => {
    const { body } = await t.as('reader').get('/analytics/clv/fits').expect(200);
    expect(body.items).toHaveLength(2);
    expect(body.items[1]).toEqual(JSON.parse(JSON.stringify(fit)));
    expect(body.items[0].fittedAt >= body.items[1].fittedAt).toBe(true);
    const { body: one } = await t.as('reader').get('/analytics/clv/fits?limit=1').expect(200);
    expect(one.items.map((item: ClvFit) => item.id)).toEqual([body.items[0].id]);
    const bad = await t.as('reader').get('/analytics/clv/fits?limit=0').expect(400);
    expect(bad.body.problems.map((p: { field: string }) => p.field)).toEqual(['limit']);
  });

  it("places every scored buyer in a value quadrant in the next segmentation run, by the buyers' medians", async () => {
    const latest = await service.latestFit();
    const segmentation = t.app.get(SegmentationService);
    // As of the end of the data fitted: a historical run, read by the as-of views.
    const run = await segmentation.recompute(new Date(`${CALIBRATION_END}T23:59:59Z`));
    expect(run.historical).toBe(true);
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    const [stored] = await dataSource.query(
      'SELECT clv_fit_id, current_value_threshold, potential_value_threshold FROM segmentation_runs WHERE id = $1',
      [run.id],
    );
    expect(stored.clv_fit_id).toBe(latest!.id);
    type Row = {
      customer_id: string;
      current: string;
      predicted: string | null;
      quadrant: string | null;
      alive: number;
    };
    const rowsOf = (runId: string): Promise<Row[]> =>
      dataSource.query(
        `SELECT customer_id, current_value_minor AS current, predicted_value_minor AS predicted,
                value_quadrant AS quadrant, probability_alive AS alive
           FROM customer_segments WHERE run_id = $1 AND currency = 'USD'`,
        [runId],
      );
    const rows = await rowsOf(run.id);
    const report = await segmentation.report(run.id);
    expect(rows.length).toBe(report.buyersByCurrency.USD);
    const current = Number(stored.current_value_threshold ?? NaN);
    const potential = Number(stored.potential_value_threshold ?? NaN);
    const [thresholds] = await dataSource.query('SELECT value_thresholds FROM segmentation_runs WHERE id = $1', [
      run.id,
    ]);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(values.length / 2) - 1]!;
    expect(thresholds.value_thresholds.USD).toEqual({
      current: median(rows.map((r) => Number(r.current))),
      potential: median(rows.filter((r) => r.predicted !== null).map((r) => Number(r.predicted))),
    });
    // The single-threshold columns hold the thresholds only when the run had buyers of one currency.
    if (Object.keys(report.buyersByCurrency).length === 1) {
      expect([current, potential]).toEqual([
        thresholds.value_thresholds.USD.current,
        thresholds.value_thresholds.USD.potential,
      ]);
    } else {
      expect([current, potential].every(Number.isNaN)).toBe(true);
    }
    const { current: usdCurrent, potential: usdPotential } = thresholds.value_thresholds.USD as {
      current: number;
      potential: number;
    };
    const counts: Record<string, number> = {};
    for (const row of rows) {
      expect(row.predicted).not.toBeNull();
      const expected =
        Number(row.current) > usdCurrent
          ? Number(row.predicted) > usdPotential
            ? 'vip'
            : 'maintain'
          : Number(row.predicted) > usdPotential
            ? 'improve'
            : 'abandon';
      expect([row.customer_id, row.quadrant]).toEqual([row.customer_id, expected]);
      counts[expected] = (counts[expected] ?? 0) + 1;
    }
    expect(Object.keys(counts).sort()).toEqual(['abandon', 'improve', 'maintain', 'vip']);
    // The 360° view as of then answers the run's quadrant and the model's probability alive.
    const one = rows.find((row) => row.quadrant === 'improve')!;
    const { body } = await t
      .as('reader')
      .get(`/customers/${one.customer_id}?asOf=${CALIBRATION_END}T23:59:59Z`)
      .expect(200);
    expect(body.segmentation).toMatchObject({
      runId: run.id,
      historical: true,
      valueQuadrant: 'improve',
      predictedValueMinor: Number(one.predicted),
    });
    expect(body.segmentation.probabilityAlive).toBeCloseTo(Number(one.alive), 12);
    expect(body.segmentation.expectedPurchases12Months).toBeGreaterThan(0);
    expect(body.segmentation.expectedSpendMinor).toBeGreaterThan(0);

    // The live views read the latest live run, as of now: its quadrants, probabilities and predicted values.
    const live = await segmentation.recompute(new Date());
    const liveRows = await rowsOf(live.id);
    const liveVip = liveRows.filter((row) => row.quadrant === 'vip').length;
    const vip = await t.as('reader').get('/customers?quadrant=vip&limit=500').expect(200);
    expect(vip.body.items).toHaveLength(liveVip);
    const unlikely = liveRows
      .filter((row) => Number(row.alive) < 0.5)
      .map((row) => row.customer_id)
      .sort();
    const below = await t.as('reader').get('/customers?probabilityAliveBelow=0.5&limit=500').expect(200);
    expect(below.body.items.map((item: { customerId: string }) => item.customerId)).toEqual(unlikely);
    const mostAlive = await t.as('reader').get('/customers?sort=-probabilityAlive&limit=5').expect(200);
    const alive = mostAlive.body.items.map((item: { probabilityAlive: number }) => item.probabilityAlive);
    expect(alive).toEqual(
      liveRows
        .map((row) => Number(row.alive))
        .sort((a, b) => b - a)
        .slice(0, 5),
    );
    await t.as('reader').get('/customers?probabilityAliveBelow=1.5').expect(400);
    const sorted = await t.as('reader').get('/customers?sort=-predictedValue&limit=3').expect(200);
    const top = liveRows
      .map((row) => Number(row.predicted))
      .sort((a, b) => b - a)
      .slice(0, 3);
    expect(sorted.body.items.map((item: { predictedValueMinor: number }) => item.predictedValueMinor)).toEqual(top);
  });

  it('makes a new fit take effect at once: the values follow the second of two fits, without a manual recompute', async () => {
    // 90006 buys 120, 60 and 30 days before today: a customer whose values as of now depend on the fit.
    const today = utcDayNumber(new Date());
    const dayIso = (day: number) => new Date(day * DAY_MS + 12 * 3_600_000).toISOString();
    await t
      .as('writer')
      .post('/customers')
      .send({ customerId: '90006', kind: 'individual', name: 'Recent buyer', occurredAt: dayIso(today - 121) })
      .expect(201);
    let checkpoint = '';
    for (const [k, ago, cents] of [
      [1, 120, 2_500],
      [2, 60, 4_000],
      [3, 30, 3_000],
    ] as const) {
      const { body } = await t
        .as('writer')
        .post('/customers/90006/purchases')
        .send({
          orderId: `recent-${k}`,
          currency: 'USD',
          channel: 'web',
          lines: [{ sku: 'SKU-1', category: 'music', quantity: 1, unitPriceMinor: cents }],
          occurredAt: dayIso(today - ago),
        })
        .expect(201);
      checkpoint = body.checkpoint as string;
    }
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    const wait = await waitForProjections(
      t.store,
      dataSource,
      [analyticsOrdersProjection, customerSummaryProjection],
      checkpoint,
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    expect(wait).toEqual({ reached: true });

    const config = t.app.get<CrmConfig>(CRM_CONFIG);
    const fitWith = async (calibrationEnd: string): Promise<ClvFitJson> => {
      let out = '';
      expect(await clvFitCommand({ calibrationEnd, json: true }, config, (text) => (out += text))).toBe(0);
      return JSON.parse(out) as ClvFitJson;
    };
    // By hand from the fit's estimates: 90006 has x = 2 repeat days, t_x = 90 days, z̄ = (40.00 + 30.00) / 2.
    const byHand = (json: ClvFitJson, asOf: string) => {
      const { r, alpha, a, b } = json.bgnbd;
      const { p, q, gamma } = json.gammaGamma as { p: number; q: number; gamma: number };
      const x = 2;
      const tx = 90 / 7;
      const T = (utcDayNumber(new Date(asOf)) - (today - 120)) / 7;
      return {
        // Fader, Hardie & Lee (2005), equation 11.
        alive: 1 / (1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x)),
        // Fader & Hardie (2013): p(γ + x z̄) / (px + q − 1), in cents.
        spendMinor: Math.round(((p * (gamma + x * 35)) / (p * x + q - 1)) * 100),
      };
    };
    const relative = (value: number, expected: number) => Math.abs(value / expected - 1);
    const values = async () => {
      const one = (await t.as('reader').get('/customers/90006').expect(200)).body.segmentation;
      const list = await t.as('reader').get('/customers?sort=-predictedValue&limit=500').expect(200);
      const item = list.body.items.find((i: { customerId: string }) => i.customerId === '90006');
      return { one, item };
    };

    // A fit made by the CLI: GET /customers/:id and GET /customers show 90006 scored with it at once.
    const fitAndCheck = async (calibrationEnd: string) => {
      const json = await fitWith(calibrationEnd);
      expect(json.segmentation).toMatchObject({ clvFitId: json.id, historical: true });
      const live = json.liveSegmentation!;
      expect(live).toMatchObject({ clvFitId: json.id, historical: false });
      const after = await values();
      const expected = byHand(json, live.asOf);
      const [scored] = await service.scoreCustomers(json.fit, utcDayNumber(new Date(live.asOf)), ['90006']);
      expect(after.one).toMatchObject({
        runId: live.runId,
        expectedSpendMinor: expected.spendMinor,
        predictedValueMinor: scored!.predictedValueMinor,
      });
      expect(relative(after.one.probabilityAlive, expected.alive)).toBeLessThan(1e-9);
      expect(after.item).toMatchObject({ predictedValueMinor: scored!.predictedValueMinor });
      expect(relative(after.item.probabilityAlive, expected.alive)).toBeLessThan(1e-9);
      return { ...json, after };
    };

    const first = await fitAndCheck('1997-06-30');
    const second = await fitAndCheck('1997-09-30');
    const afterFirst = first.after;
    const afterSecond = second.after;
    // The two fits disagree, so the values did move with the second.
    expect(afterSecond.one.predictedValueMinor).not.toBe(afterFirst.one.predictedValueMinor);
    expect(relative(afterSecond.one.probabilityAlive, afterFirst.one.probabilityAlive)).toBeGreaterThan(1e-6);

    // The 1997-09-30 fit knows of 90004's refund of 1997-08-15: a repeat buyer without repeat spend now.
    expect(first.fit.excluded.repeatCustomersWithoutSpend).toBe(1);
    expect(second.fit.excluded.repeatCustomersWithoutSpend).toBe(2);
  });

  it('makes a scheduled run as soon as a fit is newer than the one the latest run used', async () => {
    const segmentation = t.app.get(SegmentationService);
    const newer = await service.fit(new Date('1997-07-31T00:00:00Z'));
    const run = await segmentation.recomputeIfDue(new Date(), 24);
    expect(run).toMatchObject({ clvFitId: newer.id });
    expect(await segmentation.recomputeIfDue(new Date(), 24)).toBeNull();
  });
});
