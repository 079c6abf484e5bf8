import type { EventStore } from '@crm/event-store';
import {
  DATA_SOURCE,
  EVENT_STORE,
  ConfigError,
  parseSupportedDay,
  SUPPORTED_RANGE_TEXT,
  type CrmConfig,
} from '@crm/platform';
import { loadCrmRules } from '@crm/customers/rules/rules.loader';
import { SegmentationService, type SegmentationRun } from '@crm/customers/segmentation/segmentation.service';
import { ClvFitError, ClvService, type ClvFit } from '@crm/customers/value/clv.service';
import { parseAsOf } from './segments.command';
import type { DataSource } from 'typeorm';
import { describeStorage, openCliContext, UsageError } from './import.command';
import { EXIT } from './summary';

/** The calendar day of `--calibration-end`: YYYY-MM-DD, a real date, taken as a UTC day. */
export function parseCalibrationEnd(value: string): Date {
  const time = parseSupportedDay(value);
  if (time === null) {
    throw new UsageError(`--calibration-end: not a date yyyy-mm-dd ${SUPPORTED_RANGE_TEXT}: ${JSON.stringify(value)}`);
  }
  return new Date(time);
}

/**
 * The `--json` answer: the two models' parameters, with the fit's id and its
 * whole record beside them, and the segmentation run that scored every buyer
 * with the fit.
 */
export interface ClvFitJson {
  readonly id: string;
  readonly bgnbd: {
    readonly r: number;
    readonly alpha: number;
    readonly a: number;
    readonly b: number;
    readonly logLikelihood: number;
    readonly customers: number;
  };
  readonly gammaGamma: {
    readonly p: number | null;
    readonly q: number | null;
    readonly gamma: number | null;
    readonly logLikelihood: number | null;
    readonly customers: number;
  };
  readonly fit: ClvFit;
  /** The run as of the end of the data fitted (or --as-of): historical unless that is today. */
  readonly segmentation: RunJson;
  /** The run as of now that live views read, when the first is historical; else null. */
  readonly liveSegmentation: RunJson | null;
}

interface RunJson {
  readonly runId: string;
  readonly asOf: string;
  readonly historical: boolean;
  readonly buyers: number;
  /** The fit the run scored this currency's buyers with: this one, unless a newer fit was recorded meanwhile. */
  readonly clvFitId: string | null;
}

function runJson(run: SegmentationRun, currency: string | null): RunJson {
  return {
    runId: run.id,
    asOf: run.asOf,
    historical: run.historical,
    buyers: run.buyers,
    clvFitId: (currency === null ? null : run.clvFits[currency]) ?? null,
  };
}

export function clvFitJson(fit: ClvFit, run: SegmentationRun, live: SegmentationRun | null = null): ClvFitJson {
  return {
    id: fit.id,
    bgnbd: { ...fit.bgNbd, logLikelihood: fit.bgNbdFit.logLikelihood, customers: fit.customers },
    gammaGamma: {
      p: fit.gammaGamma?.p ?? null,
      q: fit.gammaGamma?.q ?? null,
      gamma: fit.gammaGamma?.gamma ?? null,
      logLikelihood: fit.gammaGammaFit.logLikelihood,
      customers: fit.gammaGammaFit.customers,
    },
    fit,
    segmentation: runJson(run, fit.currency),
    liveSegmentation: live === null ? null : runJson(live, fit.currency),
  };
}

const f = (value: number | null, digits = 4): string => (value === null ? '-' : value.toFixed(digits));

export function formatFit(fit: ClvFit): string {
  const gg = fit.gammaGamma;
  return (
    `fit ${fit.id} at ${fit.fittedAt}, customers buying in ${fit.currency ?? 'any currency'}, ` +
    `calibration end ${fit.calibrationEnd}, rules ${fit.rulesVersion}\n` +
    `  data: analytics_orders at checkpoint ${fit.ordersCheckpoint ?? 'none'} (store head ${fit.storeCheckpoint ?? 'none'})\n` +
    `  BG/NBD       ${fit.customers.toLocaleString('en-US')} customers, ${fit.repeatCustomers.toLocaleString('en-US')} repeat: ` +
    `r ${f(fit.bgNbd.r)}  alpha ${f(fit.bgNbd.alpha)}  a ${f(fit.bgNbd.a)}  b ${f(fit.bgNbd.b)}  ` +
    `log-likelihood ${f(fit.bgNbdFit.logLikelihood, 2)}${fit.bgNbdFit.converged ? '' : ' (not converged)'}  ` +
    `${fit.durationsMs.bgNbdFit} ms\n` +
    `  Gamma-Gamma  ${fit.gammaGammaFit.customers.toLocaleString('en-US')} customers: ` +
    `p ${f(gg?.p ?? null)}  q ${f(gg?.q ?? null)}  gamma ${f(gg?.gamma ?? null)}  ` +
    `log-likelihood ${f(fit.gammaGammaFit.logLikelihood, 2)}` +
    `${fit.gammaGammaFit.converged === false ? ' (not converged)' : ''}  ${fit.durationsMs.gammaGammaFit} ms\n` +
    `  left out: ${fit.excluded.repeatCustomersWithoutSpend} repeat customers without repeat spend (Gamma-Gamma only), ` +
    `${fit.excluded.firstPurchaseAfterEnd} customers first buying after the calibration end, ` +
    `${fit.excluded.ordersInOtherCurrencies} orders in another currency than their customer's\n` +
    (gg !== null && gg.q <= 1 ? '  q ≤ 1: the expected spend is infinite; customers get no predicted value\n' : '')
  );
}

export function formatRescoring(fit: ClvFit, run: SegmentationRun, live: SegmentationRun | null = null): string {
  const fitUsed = (used: SegmentationRun): string => {
    const id = fit.currency === null ? null : used.clvFits[fit.currency];
    return id === fit.id ? 'this fit' : `fit ${id ?? 'none'} (recorded meanwhile)`;
  };
  const scored = (used: SegmentationRun): string =>
    `${used.buyers.toLocaleString('en-US')} buyers scored (those buying in ${fit.currency ?? '-'} with ${fitUsed(used)})`;
  if (!run.historical) {
    return (
      `segmentation run ${run.id} as of ${run.asOf}: ${scored(run)}; ` +
      'GET /customers and GET /customers/:id now answer its probability alive, expected purchases and spend, ' +
      'and predicted value\n'
    );
  }
  return (
    `segmentation run ${run.id} as of ${run.asOf} (historical): ${scored(run)}; ` +
    `crm segments list and GET /customers/:id?asOf= read it\n` +
    (live
      ? `segmentation run ${live.id} as of ${live.asOf}: ${scored(live)}; the live views (GET /customers, ` +
        'GET /customers/:id) now answer its figures\n'
      : '')
  );
}

/**
 * `crm analytics clv --calibration-end <yyyy-mm-dd> [--currency <code>]
 * [--as-of <instant>] [--json]`: fits BG/NBD and Gamma-Gamma on the
 * purchases up to that day of the customers buying in one currency, records
 * the fit, scores the buyers with it in a segmentation run as of the end of
 * the data fitted (or `--as-of`) — historical when that is an earlier day —
 * and then, when it was, in a run as of now for the live views; prints the fit
 * and the runs.
 */
export async function clvFitCommand(
  options: { calibrationEnd: string; json: boolean; currency?: string; asOf?: string },
  config: CrmConfig,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const calibrationEnd = parseCalibrationEnd(options.calibrationEnd);
  if (options.currency !== undefined && !/^[A-Z]{3}$/.test(options.currency)) {
    throw new UsageError(
      `--currency must be an ISO 4217 code in capitals, e.g. EUR: ${JSON.stringify(options.currency)}`,
    );
  }
  // The end of the data fitted: the last millisecond of the calibration day.
  const asOf = parseAsOf(options.asOf, new Date(calibrationEnd.getTime() + 86_400_000 - 1));
  let rules;
  try {
    rules = loadCrmRules();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const storage = describeStorage(config);
  process.stderr.write(
    `fitting the lifetime-value models to ${options.calibrationEnd} on ${storage.mode} (${storage.location})\n`,
  );
  const context = await openCliContext(config);
  try {
    const store = context.get<EventStore>(EVENT_STORE);
    const dataSource = context.get<DataSource>(DATA_SOURCE);
    const service = new ClvService(dataSource, store, rules);
    let fit: ClvFit;
    try {
      fit = await service.fit(calibrationEnd, { currency: options.currency });
    } catch (error) {
      if (error instanceof ClvFitError) {
        process.stderr.write(`crm: ${error.message}\n`);
        return EXIT.failed;
      }
      throw error;
    }
    if (fit.ordersCheckpoint !== fit.storeCheckpoint) {
      process.stderr.write(
        'note: the fit reads the analytics_orders read model, which may not hold the newest events yet; ' +
          'they reach it when the API (npm start) or the projector (npm run start:projector) runs\n',
      );
    }
    // The buyers scored as of the end of the data fitted; the live views follow the new fit through a run as of now.
    const segmentation = new SegmentationService(dataSource, rules, service);
    const now = new Date();
    const run = await segmentation.recompute(asOf, now);
    const live = run.historical ? await segmentation.recompute(now, now) : null;
    write(
      options.json
        ? `${JSON.stringify(clvFitJson(fit, run, live))}\n`
        : formatFit(fit) + formatRescoring(fit, run, live),
    );
    return EXIT.ok;
  } finally {
    await context.close();
  }
}
