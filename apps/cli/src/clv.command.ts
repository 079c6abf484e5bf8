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
  readonly segmentation: {
    readonly runId: string;
    readonly asOf: string;
    readonly buyers: number;
    /** The fit the run scored with: this one, unless a newer fit was recorded meanwhile. */
    readonly clvFitId: string | null;
  };
}

export function clvFitJson(fit: ClvFit, run: SegmentationRun): ClvFitJson {
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
    segmentation: { runId: run.id, asOf: run.asOf, buyers: run.buyers, clvFitId: run.clvFitId },
  };
}

const f = (value: number | null, digits = 4): string => (value === null ? '-' : value.toFixed(digits));

export function formatFit(fit: ClvFit): string {
  const gg = fit.gammaGamma;
  return (
    `fit ${fit.id} at ${fit.fittedAt}, calibration end ${fit.calibrationEnd}, rules ${fit.rulesVersion}\n` +
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

export function formatRescoring(fit: ClvFit, run: SegmentationRun): string {
  const fitUsed = run.clvFitId === fit.id ? 'this fit' : `fit ${run.clvFitId ?? 'none'} (recorded meanwhile)`;
  return (
    `segmentation run ${run.id} as of ${run.asOf}: ${run.buyers.toLocaleString('en-US')} buyers scored with ${fitUsed}; ` +
    'GET /customers and GET /customers/:id now answer its probability alive, expected purchases and spend, ' +
    'and predicted value\n'
  );
}

/**
 * `crm analytics clv --calibration-end <yyyy-mm-dd> [--json]`: fits BG/NBD
 * and Gamma-Gamma on the purchases up to that day, records the fit, makes a
 * segmentation run as of now so that every buyer is scored with it, and
 * prints both.
 */
export async function clvFitCommand(
  options: { calibrationEnd: string; json: boolean },
  config: CrmConfig,
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  const calibrationEnd = parseCalibrationEnd(options.calibrationEnd);
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
      fit = await service.fit(calibrationEnd);
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
    // The customers' values come from the latest fit through the latest segmentation run: score them now.
    const run = await new SegmentationService(dataSource, rules, service).recompute(new Date());
    write(options.json ? `${JSON.stringify(clvFitJson(fit, run))}\n` : formatFit(fit) + formatRescoring(fit, run));
    return EXIT.ok;
  } finally {
    await context.close();
  }
}
