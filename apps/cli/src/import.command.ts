import { randomUUID } from 'node:crypto';
import { statSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { CustomerCommandMessage } from '@crm/customers/http/customer-command.handler';
import {
  CdnowSource,
  formatFromFileName,
  ImportFileError,
  PurchaseFileSource,
  runImport,
  type CommandDispatcher,
  type ImportReport,
  type ImportSource,
  type PurchaseFileFormat,
} from '@crm/imports';
import { describeConfig, type CommandResult, type CrmConfig } from '@crm/platform';
import { CliLogger } from './cli-logger';
import { CliModule } from './cli.module';
import { ProgressDisplay } from './progress';
import { EXIT, formatSummary, summarise, type StorageDescription } from './summary';

/** Who the events of an import were sent by (their metadata's actor). */
export const IMPORT_ACTOR = 'cli:import';

export const DEFAULT_CONCURRENCY = 8;
export const MAX_CONCURRENCY = 64;

/** A mistake in how the command was called (exit code 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The storage could not be opened (exit code 3). */
export class StorageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export interface ImportCommandOptions {
  readonly concurrency: number;
  readonly json: boolean;
  readonly progress: boolean;
  /** Generic purchase files: the format when the file name does not tell. */
  readonly format?: PurchaseFileFormat;
}

export function describeStorage(config: CrmConfig): StorageDescription {
  const described = describeConfig(config);
  return {
    mode: config.eventStoreUrl ? 'EventStoreDB' : config.databaseUrl ? 'server PostgreSQL' : 'embedded storage',
    location: config.eventStoreUrl
      ? `${described.eventStore}, read models on ${described.database}`
      : config.databaseUrl
        ? String(described.database)
        : config.dataDir,
  };
}

/** The storage with the customer command handler behind the command bus, as the CLI runs it. */
export async function openCliContext(config: CrmConfig): Promise<INestApplicationContext> {
  try {
    return await NestFactory.createApplicationContext(CliModule.forRoot(config), {
      logger: new CliLogger(config.logLevel),
      abortOnError: false,
    });
  } catch (error) {
    throw new StorageError(`cannot open the storage: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Sends customer commands over the command bus: the same handler as the API's. */
export function commandBusDispatcher(context: INestApplicationContext): CommandDispatcher {
  const bus = context.get(CommandBus);
  return (customerId, command, commandContext) =>
    bus.execute<CustomerCommandMessage, CommandResult>(new CustomerCommandMessage(customerId, command, commandContext));
}

export async function openImportSource(
  kind: 'cdnow' | 'purchases',
  file: string,
  format: PurchaseFileFormat | undefined,
  now: Date,
): Promise<ImportSource> {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (!isFile) throw new UsageError(`${file} is not a file`);
  if (kind === 'cdnow') return CdnowSource.read(file, now);
  const chosen = format ?? formatFromFileName(file);
  if (!chosen) {
    throw new UsageError(
      `cannot tell the format of ${file} from its name (.ndjson, .jsonl, .csv): pass --format ndjson|csv`,
    );
  }
  try {
    return await PurchaseFileSource.open(file, chosen, now);
  } catch (error) {
    if (error instanceof ImportFileError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

/**
 * `crm import cdnow|purchases <file>`: reads the file, opens the storage, sends
 * the purchases through the command bus, prints the summary on standard
 * output (progress on standard error) and answers the exit code.
 */
export async function importCommand(
  kind: 'cdnow' | 'purchases',
  file: string,
  options: ImportCommandOptions,
  config: CrmConfig,
): Promise<number> {
  const source = await openImportSource(kind, file, options.format, new Date());
  const storage = describeStorage(config);
  const rows = source.totalRows !== undefined ? `, ${source.totalRows.toLocaleString('en-US')} rows` : '';
  process.stderr.write(`importing ${file} (${source.format}${rows}) into ${storage.mode} (${storage.location})\n`);

  const context = await openCliContext(config);
  const abort = new AbortController();
  // Ctrl-C or SIGTERM: no further command starts, those under way finish and the storage closes
  // cleanly (the embedded database must not be cut off mid-write); a second signal quits at once.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (abort.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write(`\n${signal}: finishing the commands under way (again to quit at once)\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const progress = new ProgressDisplay(options.progress);
  let report: ImportReport;
  try {
    progress.start();
    report = await runImport(source, commandBusDispatcher(context), {
      concurrency: options.concurrency,
      correlationId: randomUUID(),
      actor: IMPORT_ACTOR,
      signal: abort.signal,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
    await context.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const summary = summarise(report, file, storage);
  process.stdout.write(options.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
  return summary.exitCode;
}
