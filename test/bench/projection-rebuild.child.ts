/**
 * The rebuild half of `npm run bench:projection`, in a process of its own so
 * that its resident memory is the projector's alone, on the storage the
 * environment names (DATABASE_URL). Prints, as `crm projections rebuild`
 * does, one line per projection, then its own peak RSS as `max-rss-kb <n>`
 * on standard error.
 *
 * - default: the command behind `crm projections rebuild` (each projection
 *   in turn, from position 0);
 * - `--together`: `rebuildProjections` with every projection at once (the
 *   log read once, the projections' batches applied side by side).
 */
import 'reflect-metadata';
import { readModels } from '@crm/catalog';
import type { EventStore } from '@crm/event-store';
import { DATA_SOURCE, EVENT_STORE, loadCrmConfig } from '@crm/platform';
import { rebuildProjections, type RowProjection } from '@crm/projections';
import type { DataSource, ObjectLiteral } from 'typeorm';
import { openCliContext } from '../../apps/cli/src/import.command';
import { rebuildCommand } from '../../apps/cli/src/projections.command';

async function together(): Promise<number> {
  const config = loadCrmConfig();
  const context = await openCliContext(config);
  try {
    const results = await rebuildProjections(
      context.get<EventStore>(EVENT_STORE),
      context.get<DataSource>(DATA_SOURCE),
      readModels.projections as readonly RowProjection<ObjectLiteral>[],
      { batchSize: config.projectorBatchSize },
    );
    for (const r of results) {
      process.stdout.write(
        `${r.name}: ${r.eventsApplied.toLocaleString('en-US')} events applied in ${r.seconds.toFixed(2)} s\n`,
      );
    }
    return 0;
  } finally {
    await context.close();
  }
}

async function main(): Promise<void> {
  const code = process.argv.includes('--together')
    ? await together()
    : await rebuildCommand(undefined, loadCrmConfig());
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
  process.exitCode = code;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
