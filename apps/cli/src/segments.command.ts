import type { EventStore } from '@crm/event-store';
import {
  DATA_SOURCE,
  EVENT_STORE,
  ConfigError,
  INSTANT_RULE,
  parseSupportedInstant,
  type CrmConfig,
} from '@crm/platform';
import { loadCrmRules } from '@crm/customers/rules/rules.loader';
import {
  SegmentationService,
  type SegmentationRun,
  type SegmentationRunReport,
} from '@crm/customers/segmentation/segmentation.service';
import { ClvService } from '@crm/customers/value/clv.service';
import type { DataSource } from 'typeorm';
import { describeStorage, openCliContext, UsageError } from './import.command';
import { EXIT } from './summary';

/** The instant of `--as-of`: an ISO 8601 instant. */
export function parseAsOf(value: string | undefined, now: Date): Date {
  if (value === undefined) return now;
  const time = parseSupportedInstant(value);
  if (time === null) throw new UsageError(`--as-of ${INSTANT_RULE}, got ${JSON.stringify(value)}`);
  return new Date(time);
}

function rules() {
  try {
    return loadCrmRules();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function formatCounts(title: string, counts: Record<string, number>, buyers: number): string {
  const width = Math.max(...Object.keys(counts).map((key) => key.length));
  const lines = Object.entries(counts).map(([key, n]) => {
    const share = buyers > 0 ? ` (${((n / buyers) * 100).toFixed(1)} %)` : '';
    return `  ${key.padEnd(width)}  ${n.toLocaleString('en-US')}${share}`;
  });
  return `${title}\n${lines.join('\n')}\n`;
}

export function formatReport(report: SegmentationRunReport): string {
  return (
    `run ${report.id} at ${report.runAt}, as of ${report.asOf}${report.historical ? ' (historical)' : ''}, ` +
    `rules ${report.rulesVersion}: ` +
    `${report.buyers.toLocaleString('en-US')} buyers of ${report.customers.toLocaleString('en-US')} customers` +
    ` (${Object.entries(report.buyersByCurrency)
      .map(([currency, n]) => `${currency} ${n.toLocaleString('en-US')}`)
      .join(', ')})\n` +
    (report.lifecycleStages
      ? formatCounts(
          'lifecycle stage (customers known by then)',
          report.lifecycleStages,
          Object.values(report.lifecycleStages).reduce((sum, n) => sum + n, 0),
        )
      : '') +
    formatCounts('ABC class', report.abcClasses, report.buyers) +
    Object.entries(report.abcSpendSharePercent)
      .map(
        ([currency, shares]) =>
          `ABC share of net spend in ${currency}\n${Object.entries(shares)
            .map(([key, share]) => `  ${key}  ${share.toFixed(1)} %`)
            .join('\n')}\n`,
      )
      .join('') +
    formatCounts('pyramid tier', report.pyramidTiers, report.buyers) +
    formatCounts('RFM segment', report.rfmSegments, report.buyers)
  );
}

/** `crm segments recompute [--as-of <ISO>]`: a segmentation run over every buyer, with its counts. */
export async function recomputeCommand(options: { asOf?: string; json: boolean }, config: CrmConfig): Promise<number> {
  const asOf = parseAsOf(options.asOf, new Date());
  const crmRules = rules();
  const storage = describeStorage(config);
  process.stderr.write(`segmenting as of ${asOf.toISOString()} on ${storage.mode} (${storage.location})\n`);
  const context = await openCliContext(config);
  try {
    const dataSource = context.get<DataSource>(DATA_SOURCE);
    const clv = new ClvService(dataSource, context.get<EventStore>(EVENT_STORE), crmRules);
    const service = new SegmentationService(dataSource, crmRules, clv);
    const report = await service.recompute(asOf);
    process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : formatReport(report));
    return EXIT.ok;
  } finally {
    await context.close();
  }
}

/** `crm segments list`: the most recent segmentation runs, newest first. */
export async function listRunsCommand(options: { json: boolean; limit: number }, config: CrmConfig): Promise<number> {
  const context = await openCliContext(config);
  try {
    const service = new SegmentationService(context.get<DataSource>(DATA_SOURCE), rules());
    const runs: SegmentationRun[] = await service.listRuns(options.limit);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(runs)}\n`);
    } else if (runs.length === 0) {
      process.stdout.write('no segmentation run yet (run crm segments recompute)\n');
    } else {
      const width = Math.max('rules version'.length, ...runs.map((run) => run.rulesVersion.length));
      process.stdout.write(
        `${'run'.padEnd(36)}  ${'run at'.padEnd(24)}  ${'as of'.padEnd(24)}  ${'rules version'.padEnd(width)}  buyers\n`,
      );
      for (const run of runs) {
        process.stdout.write(
          `${run.id.padEnd(36)}  ${run.runAt.padEnd(24)}  ${run.asOf.padEnd(24)}  ${run.rulesVersion.padEnd(width)}  ` +
            `${run.buyers.toLocaleString('en-US')} of ${run.customers.toLocaleString('en-US')}\n`,
        );
      }
    }
    return EXIT.ok;
  } finally {
    await context.close();
  }
}
