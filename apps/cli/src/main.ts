import 'reflect-metadata';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadCrmConfig, type CrmConfig } from '@crm/platform';
import {
  DEFAULT_CONCURRENCY,
  importCommand,
  MAX_CONCURRENCY,
  StorageError,
  UsageError,
  type ImportCommandOptions,
} from './import.command';
import {
  listCommand,
  projectionNames,
  rebuildCommand,
  STATE_SNAPSHOTS,
  swapRebuildCommand,
  verifyCommand,
} from './projections.command';
import { listRunsCommand, recomputeCommand } from './segments.command';
import { clvFitCommand } from './clv.command';
import { verifyChainCommand, type VerifyChainOptions } from './audit.command';
import { registerCustomerAuditCommands } from './customer-audit.command';
import { registerEventsCommands } from './events.program';
import { EXIT } from './summary';

function concurrency(value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= 1 && number <= MAX_CONCURRENCY)) {
    throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_CONCURRENCY}`);
  }
  return number;
}

function runLimit(value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= 1 && number <= 1000)) throw new InvalidArgumentError('must be a whole number from 1 to 1000');
  return number;
}

function differenceLimit(value: string): number {
  const number = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(number >= 1 && Number.isSafeInteger(number))) throw new InvalidArgumentError('must be a whole number from 1');
  return number;
}

function withImportOptions(command: Command): Command {
  return command
    .option(
      '--concurrency <n>',
      `customers written at the same time (each customer's rows stay in file order), 1-${MAX_CONCURRENCY}`,
      concurrency,
      DEFAULT_CONCURRENCY,
    )
    .option('--json', 'print the summary as one JSON object', false)
    .option('--no-progress', 'no progress bar or progress lines on standard error');
}

/** The configuration from the environment; the CLI serves no HTTP, so it needs no API keys. */
function config(): CrmConfig {
  try {
    return loadCrmConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('crm')
    .description(
      'The CRM command-line interface. It works on the storage the environment names: the embedded data folder ' +
        '(CRM_DATA_DIR, default ./.crm-data) or a server (DATABASE_URL, EVENTSTORE_URL).',
    )
    .exitOverride()
    .showHelpAfterError('(run crm --help for usage)');

  const importing = program
    .command('import')
    .description('import purchases from a file through the same command handlers as the API');

  withImportOptions(
    importing
      .command('cdnow')
      .description(
        'import a file in the CDNOW master format (header line; customer id, yyyymmdd date, number of CDs, dollar amount per line)',
      )
      .argument('<file>', 'the CDNOW file, e.g. CDNOW_master.txt'),
  ).action(async (file: string, options: ImportCommandOptions) => {
    setExitCode(await importCommand('cdnow', file, options, config()));
  });

  withImportOptions(
    importing
      .command('purchases')
      .description('import purchases from an NDJSON or CSV file, one purchase line per row (see the README)')
      .argument('<file>', 'the file: .ndjson / .jsonl or .csv')
      .addOption(
        new Option('--format <format>', 'the file format (default: from the file extension)').choices([
          'ndjson',
          'csv',
        ]),
      ),
  ).action(async (file: string, options: ImportCommandOptions) => {
    setExitCode(await importCommand('purchases', file, options, config()));
  });

  const projections = program.command('projections').description('inspect and rebuild the read models (projections)');

  projections
    .command('list')
    .description('each projection with its checkpoint and the events it has applied')
    .option('--json', 'print the list as one JSON array', false)
    .action(async (options: { json: boolean }) => {
      setExitCode(await listCommand(options.json, config()));
    });

  projections
    .command('rebuild')
    .description(
      'empty a projection (or all) and fold it again from the first event up to the store head; ' +
        `stop the projector first. Projections: ${projectionNames().join(', ')}`,
    )
    .argument('[name]', 'the projection to rebuild (default: all)')
    .option(
      '--swap',
      'rebuild into new tables while the live ones keep serving, then switch them in one transaction (the projector may keep running)',
      false,
    )
    .action(async (name: string | undefined, options: { swap: boolean }) => {
      setExitCode(await (options.swap ? swapRebuildCommand(name, config()) : rebuildCommand(name, config())));
    });

  projections
    .command('verify')
    .description(
      'fold every event from the first into shadow tables and compare them row for row with the live tables, and ' +
        'each state snapshot with a fold of its events; prints every difference, one line each, then a summary; ' +
        'exit code 1 when there is one',
    )
    .argument('[name]', `the projection to verify, or ${STATE_SNAPSHOTS} (default: all, and the state snapshots)`)
    .option('--limit <n>', 'print at most n differences per projection and kind (default: all)', differenceLimit)
    .option('--json', 'print the comparison as one JSON object', false)
    .action(async (name: string | undefined, options: { json: boolean; limit?: number }) => {
      setExitCode(await verifyCommand(name, options.json, config(), options.limit));
    });

  const segments = program
    .command('segments')
    .description('population-relative segmentation runs: RFM quintiles, ABC classes, customer pyramid');

  segments
    .command('recompute')
    .description(
      'score every customer who bought (RFM quintiles, ABC class, pyramid tier) from the customer summary in one ' +
        'run, recorded with the rules version and time, and print the counts per class, tier and segment',
    )
    .option('--as-of <instant>', 'the ISO 8601 instant to score as of (default: now)')
    .option('--json', 'print the run and its counts as one JSON object', false)
    .action(async (options: { asOf?: string; json: boolean }) => {
      setExitCode(await recomputeCommand(options, config()));
    });

  segments
    .command('list')
    .description('the most recent segmentation runs, newest first')
    .option('--limit <n>', 'how many runs, 1-1000', runLimit, 20)
    .option('--json', 'print the runs as one JSON array', false)
    .action(async (options: { json: boolean; limit: number }) => {
      setExitCode(await listRunsCommand(options, config()));
    });

  program
    .command('analytics')
    .description('customer analytics computed on demand and recorded')
    .command('clv')
    .description(
      'fit the lifetime-value models (BG/NBD purchase frequency, Gamma-Gamma spend) on the purchases up to the ' +
        'calibration end of the customers buying in one currency, record the fit with the store checkpoint and rules ' +
        'version, score the buyers with it in a segmentation run as of the end of the data fitted (or --as-of), and ' +
        'in one as of now for the live views when that is another day, and print its parameters and the runs',
    )
    .requiredOption('--calibration-end <yyyy-mm-dd>', 'the last day (UTC, inclusive) of the purchases fitted')
    .option('--currency <code>', 'the currency of the customers fitted (default: the one with the most buyers)')
    .option('--as-of <instant>', 'score the buyers as of this instant (default: the end of the calibration day)')
    .option('--json', 'print the parameters and the runs as one JSON object', false)
    .action(async (options: { calibrationEnd: string; currency?: string; asOf?: string; json: boolean }) => {
      setExitCode(await clvFitCommand(options, config()));
    });

  registerEventsCommands(program, config, setExitCode);
  registerCustomerAuditCommands(program, config, setExitCode);

  program
    .command('audit')
    .description('audit the event store')
    .command('verify-chain')
    .description(
      "verify every stream's hash chain (each event's hash chains it to the previous event of its stream) and name " +
        'each edited, deleted, reordered or inserted event; exit code 1 when anything is found',
    )
    .option('--stream <stream>', 'only this stream, or the streams starting with a prefix ending in * (customer-*)')
    .option('--json', 'print the findings and the summary as one JSON object', false)
    .option('--strict', 'report events appended before the chain existed (unchained) as findings', false)
    .action(async (options: VerifyChainOptions) => {
      setExitCode(await verifyChainCommand(options, config()));
    });

  return program;
}

async function main(): Promise<number> {
  let exitCode: number = EXIT.ok;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(process.argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    if (error instanceof UsageError) {
      process.stderr.write(`crm: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof StorageError) {
      process.stderr.write(`crm: ${error.message}\n`);
      return EXIT.failed;
    }
    throw error;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the event loop (a connection that did not close) must not keep the command running.
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`crm: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.failed);
  },
);
