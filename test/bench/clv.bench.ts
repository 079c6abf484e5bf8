/**
 * `npm run bench:clv`: the lifetime-value fits and scoring on the whole CDNOW
 * master file, on the PostgreSQL server.
 *
 *   npm run bench:clv
 *   npm run bench:clv -- --keep               # keep the scratch database (its URL is printed)
 *   npm run bench:clv -- --database <url>     # reuse a kept database (no import)
 *   CRM_BENCH_CLV_DATABASE_URL=<url> npm run bench:clv
 *
 * 1. Without a kept database: a scratch database on the server, the CDNOW
 *    master file imported with the product's importer through the command
 *    bus (as `crm import cdnow`), then the two read models the fit reads
 *    (analytics_orders, customer_summary) rebuilt up to the store's head.
 *    A kept database whose read models lag the store is brought up to date
 *    the same way.
 * 2. For calibration ends 1997-09-30 (the published 39-week calibration) and
 *    1998-06-30 (the whole file): ClvService.fit (load + both fits, recorded
 *    in clv_fits), then scoreCustomers of every customer as of 1998-06-30,
 *    then the segmentation run as of now that `crm analytics clv` makes
 *    after recording a fit (every buyer scored with it).
 * 3. Prints the timings and the fitted parameters.
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DataSource, ObjectLiteral } from 'typeorm';
import type { EventStore } from '@crm/event-store';
import { CdnowSource, runImport } from '@crm/imports';
import { DATA_SOURCE, EVENT_STORE, loadCrmConfig } from '@crm/platform';
import { rebuildProjection, readCheckpoint, type RowProjection } from '@crm/projections';
import { DEFAULT_CRM_RULES } from '@crm/customers/domain/rules/crm-rules';
import { analyticsOrdersProjection } from '@crm/customers/projections/analytics-facts/analytics-orders.projection';
import { customerSummaryProjection } from '@crm/customers/projections/customer-summary/customer-summary.projection';
import { SegmentationService } from '@crm/customers/segmentation/segmentation.service';
import { ClvService, utcDayNumber, type ClvFit } from '@crm/customers/value/clv.service';
import { commandBusDispatcher, IMPORT_ACTOR, openCliContext } from '../../apps/cli/src/import.command';
import { createScratchDatabase } from '../support/databases';

const ROOT = join(__dirname, '..', '..');
const CDNOW = join(ROOT, 'data', 'cdnow', 'CDNOW_master.txt');
const CALIBRATION_ENDS = ['1997-09-30', '1998-06-30'] as const;
const SCORED_AS_OF = '1998-06-30';
const FIT_GOAL_MS = 2_000;

interface Options {
  readonly keep: boolean;
  readonly database: string | undefined;
  readonly cdnow: string;
}

function parseArgs(argv: readonly string[]): Options {
  const options = {
    keep: false,
    database: process.env.CRM_BENCH_CLV_DATABASE_URL || undefined,
    cdnow: CDNOW,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--keep') options.keep = true;
    else if (arg === '--database') options.database = argv[++i];
    else if (arg === '--cdnow') options.cdnow = argv[++i] ?? CDNOW;
    else throw new Error(`unknown argument ${arg} (--keep, --database URL, --cdnow FILE)`);
  }
  return options;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const n = (value: number): string => value.toLocaleString('en-US');

function parameters(fit: ClvFit): string {
  const { r, alpha, a, b } = fit.bgNbd;
  const gg = fit.gammaGamma;
  return (
    `  BG/NBD       ${n(fit.customers)} customers (${n(fit.repeatCustomers)} repeat): r ${r.toFixed(4)}, ` +
    `alpha ${alpha.toFixed(4)}, a ${a.toFixed(4)}, b ${b.toFixed(4)}, ` +
    `log-likelihood ${fit.bgNbdFit.logLikelihood.toFixed(2)}${fit.bgNbdFit.converged ? '' : ' (not converged)'}\n` +
    `  Gamma-Gamma  ${n(fit.gammaGammaFit.customers)} customers: ` +
    (gg
      ? `p ${gg.p.toFixed(4)}, q ${gg.q.toFixed(4)}, gamma ${gg.gamma.toFixed(4)}, ` +
        `log-likelihood ${fit.gammaGammaFit.logLikelihood!.toFixed(2)}${fit.gammaGammaFit.converged ? '' : ' (not converged)'}\n`
      : 'not fitted\n') +
    `  left out of Gamma-Gamma: ${n(fit.excluded.repeatCustomersWithoutSpend)} repeat customers without repeat spend; ` +
    `first purchase after the end: ${n(fit.excluded.firstPurchaseAfterEnd)}\n`
  );
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  process.stdout.write(
    `clv bench: ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}\n`,
  );
  let url = options.database;
  let drop: (() => Promise<void>) | undefined;
  if (!url) {
    const scratch = await createScratchDatabase('clv_bench');
    url = scratch.url;
    drop = scratch.drop;
  }
  const config = loadCrmConfig({ DATABASE_URL: url, LOG_LEVEL: 'error' });
  const context = await openCliContext(config);
  try {
    const store = context.get<EventStore>(EVENT_STORE);
    const dataSource = context.get<DataSource>(DATA_SOURCE);
    if (!options.database) {
      process.stdout.write(`importing ${options.cdnow} into ${url}\n`);
      const started = performance.now();
      const report = await runImport(await CdnowSource.read(options.cdnow, new Date()), commandBusDispatcher(context), {
        concurrency: 8,
        correlationId: randomUUID(),
        actor: IMPORT_ACTOR,
      });
      process.stdout.write(
        `import: ${n(report.rows)} rows, ${n(report.customersRegistered)} customers, ` +
          `${n(report.purchasesAppended)} purchases, ${n(report.rowsRefused)} refused in ` +
          `${seconds(performance.now() - started)}\n`,
      );
    } else {
      process.stdout.write(`reusing the database ${url}\n`);
    }
    const head = await store.headCheckpoint();
    for (const projection of [analyticsOrdersProjection, customerSummaryProjection] as RowProjection<ObjectLiteral>[]) {
      const checkpoint = (await readCheckpoint(dataSource.manager, projection.name))?.checkpoint ?? null;
      if (checkpoint !== null && head !== null && store.compareCheckpoints(checkpoint, head) >= 0) continue;
      const result = await rebuildProjection(store, dataSource, projection, { batchSize: 1_000 });
      process.stdout.write(
        `rebuilt ${result.name}: ${n(result.eventsApplied)} events in ${result.seconds.toFixed(2)} s\n`,
      );
    }

    const service = new ClvService(dataSource, store, DEFAULT_CRM_RULES);
    const segmentation = new SegmentationService(dataSource, DEFAULT_CRM_RULES, service);
    const asOfDay = utcDayNumber(new Date(`${SCORED_AS_OF}T00:00:00Z`));
    const rows: string[] = [];
    for (const end of CALIBRATION_ENDS) {
      const started = performance.now();
      const fit = await service.fit(new Date(`${end}T00:00:00Z`));
      const fitWall = performance.now() - started;
      const modelMs = fit.durationsMs.bgNbdFit + fit.durationsMs.gammaGammaFit;
      const scoreStarted = performance.now();
      const scores = await service.scoreCustomers(fit, asOfDay);
      const scoreMs = performance.now() - scoreStarted;
      const predicted = scores.reduce((sum, s) => sum + (s.predictedValueMinor ?? 0), 0);
      const runStarted = performance.now();
      const run = await segmentation.recompute(new Date());
      const runMs = performance.now() - runStarted;
      process.stdout.write(
        `\ncalibration end ${end}: fit ${fit.id}\n${parameters(fit)}` +
          `  timings: load ${fit.durationsMs.load} ms, BG/NBD ${fit.durationsMs.bgNbdFit} ms, ` +
          `Gamma-Gamma ${fit.durationsMs.gammaGammaFit} ms (both fits ${modelMs} ms, goal ≤ ${FIT_GOAL_MS} ms: ` +
          `${modelMs <= FIT_GOAL_MS ? 'met' : 'NOT met'}), fit() in all ${Math.round(fitWall)} ms\n` +
          `  scoring ${n(scores.length)} customers as of ${SCORED_AS_OF}: ${Math.round(scoreMs)} ms; ` +
          `predicted value of the next ${DEFAULT_CRM_RULES.clv.horizonMonths} months in all: ` +
          `USD ${n(Math.round(predicted / 100))}\n` +
          `  segmentation run as of now with the fit (as crm analytics clv makes): ${n(run.buyers)} buyers in ` +
          `${Math.round(runMs)} ms\n`,
      );
      rows.push(
        `| ${end} | ${n(fit.customers)} | ${fit.durationsMs.load} | ${fit.durationsMs.bgNbdFit} | ` +
          `${fit.durationsMs.gammaGammaFit} | ${Math.round(fitWall)} | ${n(scores.length)} | ${Math.round(scoreMs)} | ` +
          `${Math.round(runMs)} |`,
      );
    }
    process.stdout.write(
      '\n| calibration end | customers | load ms | BG/NBD ms | Gamma-Gamma ms | fit() ms | scored | scoring ms | run ms |\n' +
        '|---|---:|---:|---:|---:|---:|---:|---:|---:|\n' +
        `${rows.join('\n')}\n`,
    );
  } finally {
    await context.close();
    if (drop && !options.keep) await drop();
    else if (drop) process.stdout.write(`kept the database: --database ${url}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
