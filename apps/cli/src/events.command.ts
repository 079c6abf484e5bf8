import { createReadStream, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { SingleBar } from 'cli-progress';
import type { EventFilter, EventStore } from '@crm/event-store';
import {
  checkEventLog,
  EventLogAppendError,
  importEventLog,
  readEventLog,
  StoreNotEmptyError,
  toEventLogRecord,
  type EventLogBound,
} from '@crm/event-store/event-log';
import { EVENT_STORE, parseSupportedInstant, type CrmConfig } from '@crm/platform';
import { describeStorage, openCliContext, UsageError } from './import.command';
import { EXIT, READ_MODELS_NOTE } from './summary';

/** Exit codes of `crm events import` beyond the common ones (summary.ts). */
export const EVENTS_EXIT = {
  /** The file has bad lines: nothing was appended. */
  badFile: 1,
  /** The target store holds events that are not the start of the file: nothing was appended. */
  storeNotEmpty: 4,
} as const;

export interface ExportEventsOptions {
  readonly from?: string;
  readonly to?: string;
  readonly streamPrefix?: string[];
  readonly type?: string[];
  readonly progress: boolean;
}

export interface ImportEventsOptions {
  readonly progress: boolean;
}

/** Where a command writes: the process's streams, or others in tests. */
export interface CommandOutput {
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
}

const processOutput: CommandOutput = { stdout: process.stdout, stderr: process.stderr };

/** `--from` / `--to`: a checkpoint of this store, else an ISO 8601 instant (a date alone is midnight UTC). */
export function parseBound(store: EventStore, option: string, value: string): EventLogBound {
  try {
    store.compareCheckpoints(value, value);
    return { checkpoint: value };
  } catch {
    // not a checkpoint of this store: an instant?
  }
  const instant = parseSupportedInstant(value);
  if (instant !== null) return { recordedAt: new Date(instant) };
  throw new UsageError(`${option} ${JSON.stringify(value)} is neither a checkpoint of this store nor an ISO 8601 time`);
}

function filterOf(options: { streamPrefix?: string[]; type?: string[] }): EventFilter | undefined {
  const streamPrefixes = options.streamPrefix ?? [];
  const eventTypes = options.type ?? [];
  if (streamPrefixes.length === 0 && eventTypes.length === 0) return undefined;
  return { streamPrefixes, eventTypes };
}

/** A bar on standard error when it is a terminal and progress is wanted; nothing otherwise. */
function progressBar(output: CommandOutput, enabled: boolean, label: string, unit: string): SingleBar | undefined {
  if (!enabled || !output.stderr.isTTY) return undefined;
  return new SingleBar({
    stream: output.stderr,
    format: `${label} [{bar}] {percentage}% | {done} ${unit} | {duration_formatted} elapsed, ETA {eta_formatted}`,
    barsize: 30,
    hideCursor: true,
    fps: 5,
  });
}

/** Writes to a stream, waiting when its buffer is full (a slow pipe or disk). */
function write(stream: Writable, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (error) => (error ? reject(error) : undefined));
    if (ok) resolve();
    else {
      const onError = (error: Error): void => reject(error);
      stream.once('error', onError);
      stream.once('drain', () => {
        stream.off('error', onError);
        resolve();
      });
    }
  });
}

/** Ctrl-C or SIGTERM sets the signal (the command stops at the next page); a second one quits at once. */
function onInterrupt(output: CommandOutput, what: string): { signal: AbortSignal; dispose(): void } {
  const abort = new AbortController();
  const handler = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    output.stderr.write(`\n${signal}: ${what} (again to quit at once)\n`);
    abort.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: abort.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/**
 * `crm events export`: the global log in order as NDJSON on standard output,
 * read in pages through the store port; the last checkpoint written goes to
 * standard error, so `--from <it>` resumes.
 */
export async function exportEventsCommand(
  options: ExportEventsOptions,
  config: CrmConfig,
  output: CommandOutput = processOutput,
): Promise<number> {
  const context = await openCliContext(config);
  const interrupt = onInterrupt(output, 'stopping after the page under way');
  let bar: SingleBar | undefined;
  let written = 0;
  let lastCheckpoint: string | null = null;
  let interrupted = false;
  try {
    const store = context.get<EventStore>(EVENT_STORE);
    const from = options.from === undefined ? undefined : parseBound(store, '--from', options.from);
    const to = options.to === undefined ? undefined : parseBound(store, '--to', options.to);
    bar = progressBar(output, options.progress, 'exporting', 'events');
    if (bar) {
      // At most this many: the count ignores filters and --to.
      const total = await store.countAfter(from && 'checkpoint' in from ? from.checkpoint : undefined, 100_000_000);
      bar.start(Math.max(total, 1), 0, { done: '0' });
    }
    for await (const page of readEventLog(store, { from, to, filter: filterOf(options) })) {
      await write(output.stdout, page.map((event) => `${JSON.stringify(toEventLogRecord(event))}\n`).join(''));
      written += page.length;
      lastCheckpoint = page[page.length - 1]!.checkpoint;
      bar?.update(written, { done: written.toLocaleString('en-US') });
      if (interrupt.signal.aborted) {
        interrupted = true;
        break;
      }
    }
    if (bar && !interrupted) bar.update(bar.getTotal(), { done: written.toLocaleString('en-US') });
  } finally {
    bar?.stop();
    interrupt.dispose();
    await context.close();
  }
  const resume = lastCheckpoint === null ? 'none' : lastCheckpoint;
  output.stderr.write(
    `${interrupted ? 'interrupted: ' : ''}exported ${written.toLocaleString('en-US')} events; last checkpoint written: ${resume}` +
      (lastCheckpoint === null ? '\n' : ` (resume with --from ${lastCheckpoint})\n`),
  );
  return interrupted ? EXIT.interrupted : EXIT.ok;
}

function linesOf(file: string, onBytes?: (bytes: number) => void): AsyncIterable<string> {
  const input = createReadStream(file, { encoding: 'utf8' });
  if (onBytes) input.on('data', () => onBytes(input.bytesRead));
  const lines = createInterface({ input, crlfDelay: Infinity });
  // A reader that stops early closes the interface; the file must close with it.
  lines.on('close', () => input.destroy());
  return lines;
}

/**
 * `crm events import <file>`: checks every line of an export first (nothing
 * is appended when one is bad), then appends the events again, in file
 * order, into a store that is empty or holds the start of the same file.
 */
export async function importEventsCommand(
  file: string,
  options: ImportEventsOptions,
  config: CrmConfig,
  output: CommandOutput = processOutput,
): Promise<number> {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new UsageError(`${file} is not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const check = await checkEventLog(linesOf(file));
  if (check.problemCount > 0) {
    const lines = check.problems.map((problem) => `  ${problem.message}\n`).join('');
    const more =
      check.problemCount > check.problems.length ? `  … and ${check.problemCount - check.problems.length} more\n` : '';
    output.stderr.write(`${file}: ${check.problemCount} bad line(s); nothing was imported\n${lines}${more}`);
    return EVENTS_EXIT.badFile;
  }
  const storage = describeStorage(config);
  output.stderr.write(
    `importing ${check.events.toLocaleString('en-US')} events of ${check.streams.toLocaleString('en-US')} streams ` +
      `from ${file} into ${storage.mode} (${storage.location})\n`,
  );
  const context = await openCliContext(config);
  const interrupt = onInterrupt(output, 'stopping after the append under way');
  const bar = progressBar(output, options.progress, 'importing', 'events');
  let appended = 0;
  bar?.start(Math.max(size, 1), 0, { done: '0' });
  try {
    const result = await importEventLog(
      context.get<EventStore>(EVENT_STORE),
      linesOf(file, (bytes) => bar?.update(bytes, { done: appended.toLocaleString('en-US') })),
      { signal: interrupt.signal, onAppended: (n) => (appended = n) },
    );
    bar?.update(size, { done: result.appended.toLocaleString('en-US') });
    bar?.stop();
    output.stdout.write(
      `${result.interrupted ? 'interrupted: ' : ''}imported ${file}: ${result.appended.toLocaleString('en-US')} events appended` +
        (result.alreadyPresent > 0 ? `, ${result.alreadyPresent.toLocaleString('en-US')} already present` : '') +
        ` of ${result.events.toLocaleString('en-US')}; last checkpoint in this store: ${result.lastCheckpoint ?? 'none'}\n` +
        (result.interrupted ? 'run the same command again to go on where it stopped\n' : '') +
        `${READ_MODELS_NOTE}\n`,
    );
    return result.interrupted ? EXIT.interrupted : EXIT.ok;
  } catch (error) {
    bar?.stop();
    if (error instanceof StoreNotEmptyError) {
      output.stderr.write(`crm: ${error.message}\n`);
      return EVENTS_EXIT.storeNotEmpty;
    }
    if (error instanceof EventLogAppendError) {
      output.stderr.write(
        `crm: ${error.message}\n${appended.toLocaleString('en-US')} events were appended before it; ` +
          'once the cause is fixed, the same command goes on after them\n',
      );
      return EXIT.failed;
    }
    throw error;
  } finally {
    interrupt.dispose();
    await context.close();
  }
}
