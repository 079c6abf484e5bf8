/**
 * The rebuild half of `npm run bench:projection`, in a process of its own so
 * that its resident memory is the projector's alone: runs the command behind
 * `crm projections rebuild` (every projection, from position 0) on the
 * storage the environment names (DATABASE_URL), then prints its own peak RSS
 * as `max-rss-kb <n>` on standard error.
 */
import 'reflect-metadata';
import { loadCrmConfig } from '@crm/platform';
import { rebuildCommand } from '../../apps/cli/src/projections.command';

async function main(): Promise<void> {
  const code = await rebuildCommand(undefined, loadCrmConfig());
  process.stderr.write(`max-rss-kb ${process.resourceUsage().maxRSS}\n`);
  process.exitCode = code;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
