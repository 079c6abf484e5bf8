import type { Command } from 'commander';
import type { CrmConfig } from '@crm/platform';
import { exportEventsCommand, importEventsCommand, type ExportEventsOptions } from './events.command';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** `crm events export|import`: the global event log as NDJSON, out of one store and into another. */
export function registerEventsCommands(
  program: Command,
  config: () => CrmConfig,
  setExitCode: (code: number) => void,
): void {
  const events = program.command('events').description('the global event log: export it as NDJSON, import it again');

  events
    .command('export')
    .description(
      'write the global event log, in order, as NDJSON on standard output (one event per line); ' +
        'the last checkpoint written goes to standard error, and --from <it> resumes',
    )
    .option('--from <checkpoint|time>', 'a checkpoint: strictly after it; an ISO 8601 time: recorded at or after it')
    .option('--to <checkpoint|time>', 'a checkpoint: up to it, inclusive; an ISO 8601 time: recorded before it')
    .option('--stream-prefix <prefix>', 'only streams starting with this (repeat for several)', collect)
    .option('--type <type>', 'only events of this type (repeat for several)', collect)
    .option('--no-progress', 'no progress bar on standard error')
    .action(async (options: ExportEventsOptions) => {
      setExitCode(await exportEventsCommand(options, config()));
    });

  events
    .command('import')
    .description(
      'append the events of an export again, in file order, with the same ids and revisions, into an empty store ' +
        '(or one holding the start of the same file: an import that stopped goes on); every line is checked first',
    )
    .argument('<file>', 'the NDJSON file written by crm events export')
    .option('--no-progress', 'no progress bar on standard error')
    .action(async (file: string, options: { progress: boolean }) => {
      setExitCode(await importEventsCommand(file, options, config()));
    });
}
