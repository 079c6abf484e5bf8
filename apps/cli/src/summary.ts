import type { ImportReport } from '@crm/imports';

/** Exit codes of the command-line interface. */
export const EXIT = {
  /** Every row was imported, or was already present. */
  ok: 0,
  /** Some rows were refused (the others were imported). */
  refused: 1,
  /** Usage or configuration error: nothing was imported. */
  usage: 2,
  /** The import could not run or stopped early: storage unavailable or in use, a write failed. */
  failed: 3,
  /** Interrupted (Ctrl-C or SIGTERM): the commands under way finished, no further one started. */
  interrupted: 130,
} as const;

export const READ_MODELS_NOTE =
  'read models: this command writes events only; they reach the read models when the API (npm start) or the projector (npm run start:projector) runs';

/** Where the import wrote: shown at the start and in the summary (never a password). */
export interface StorageDescription {
  readonly mode: string;
  readonly location: string;
}

export interface ImportSummary extends Omit<ImportReport, 'stopped'> {
  readonly file: string;
  readonly storage: StorageDescription;
  readonly stopped?: { readonly reason: 'interrupted' | 'failed'; readonly message: string };
  readonly exitCode: number;
  readonly readModels: string;
}

export function exitCodeOf(report: ImportReport): number {
  if (report.stopped) return report.stopped.reason === 'interrupted' ? EXIT.interrupted : EXIT.failed;
  return report.rowsRefused > 0 ? EXIT.refused : EXIT.ok;
}

export function summarise(report: ImportReport, file: string, storage: StorageDescription): ImportSummary {
  const { stopped, ...rest } = report;
  return {
    file,
    storage,
    ...rest,
    ...(stopped ? { stopped: { reason: stopped.reason, message: stopped.message } } : {}),
    exitCode: exitCodeOf(report),
    readModels: READ_MODELS_NOTE,
  };
}

const n = (value: number): string => value.toLocaleString('en-US');

function duration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/** How many refused rows the text summary lists (--json lists them all). */
export const LISTED_REFUSALS = 50;

export function formatSummary(summary: ImportSummary): string {
  const outcome = summary.stopped
    ? summary.stopped.reason === 'interrupted'
      ? 'INTERRUPTED'
      : `FAILED: ${summary.stopped.message}`
    : 'done';
  const rate = summary.elapsedMs > 0 ? ` (${n(Math.round((summary.rowsDone * 1000) / summary.elapsedMs))} rows/s)` : '';
  const lines = [
    `import ${summary.format} ${summary.file} into ${summary.storage.mode} (${summary.storage.location}): ${outcome} in ${duration(summary.elapsedMs)}${rate}`,
    `  rows read         ${n(summary.rows)}` +
      (summary.rowsDone < summary.rows ? ` (${n(summary.rowsDone)} done before the import stopped)` : ''),
    `  customers         ${n(summary.customers)}: ${n(summary.customersRegistered)} registered now, ${n(summary.customersExisting)} already registered` +
      (summary.customersRefused > 0 ? `, ${n(summary.customersRefused)} refused` : ''),
    `  purchases         ${n(summary.purchases)}: ${n(summary.purchasesAppended)} appended, ${n(summary.purchasesAlreadyPresent)} already present` +
      (summary.purchasesRefused > 0 ? `, ${n(summary.purchasesRefused)} refused` : '') +
      ` (${n(summary.zeroValuePurchases)} of zero value)`,
    `  events appended   ${n(summary.eventsAppended)}`,
    `  rows refused      ${n(summary.rowsRefused)}`,
  ];
  for (const refusal of summary.refusals.slice(0, LISTED_REFUSALS)) {
    lines.push(`    line ${refusal.line}: ${refusal.code}: ${refusal.reason}`);
  }
  if (summary.refusals.length > LISTED_REFUSALS) {
    lines.push(`    … and ${n(summary.refusals.length - LISTED_REFUSALS)} more (--json lists them all)`);
  }
  lines.push(`  correlation id    ${summary.correlationId} (in the metadata of every event of this run)`);
  lines.push(summary.readModels);
  return `${lines.join('\n')}\n`;
}
