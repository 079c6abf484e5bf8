import type { Command } from 'commander';
import { CustomerAuditService, type HistoryItem, type KnownAt } from '@crm/customers/audit/customer-audit.service';
import { loadCrmRules } from '@crm/customers/rules/rules.loader';
import type { EventStore } from '@crm/event-store';
import { ConfigError, DATA_SOURCE, EVENT_STORE, parseSupportedInstant, type CrmConfig } from '@crm/platform';
import { isCheckpointOf } from '@crm/projections';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { openCliContext, UsageError } from './import.command';
import { parseAsOf } from './segments.command';
import { EXIT } from './summary';

/** Exit code of `crm history` and `crm state` for a customer without events (as known at --known-at). */
export const NOT_FOUND_EXIT = 1;

async function withAudit(
  config: CrmConfig,
  run: (audit: CustomerAuditService, store: EventStore) => Promise<number>,
): Promise<number> {
  let rules;
  try {
    rules = loadCrmRules();
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const context = await openCliContext(config);
  try {
    const store = context.get<EventStore>(EVENT_STORE);
    const audit = new CustomerAuditService(store, context.get<DataSource>(DATA_SOURCE), rules);
    return await run(audit, store);
  } catch (error) {
    if (error instanceof NotFoundException) {
      process.stderr.write(`crm: ${error.message}\n`);
      return NOT_FOUND_EXIT;
    }
    if (error instanceof BadRequestException) throw new UsageError(error.message);
    throw error;
  } finally {
    await context.close();
  }
}

function historyLine(item: HistoryItem): string {
  return (
    `${String(item.revision).padStart(6)}  ${item.businessTime ?? '-'.padEnd(24)}  recorded ${item.recordedAt}  ` +
    `${item.type.padEnd(24)}  by ${item.actor ?? '-'}  command ${item.commandId ?? '-'}  ` +
    `correlation ${item.correlationId ?? '-'}  @${item.checkpoint}  ${JSON.stringify(item.data)}`
  );
}

/** `crm history <customerId>`: every event of the customer's stream as stored. */
export async function historyCommand(
  customerId: string,
  options: { type?: string; from?: string; to?: string; json: boolean },
  config: CrmConfig,
): Promise<number> {
  const from = options.from ? parseAsOf(options.from, new Date()) : null;
  const to = options.to ? parseAsOf(options.to, new Date()) : null;
  return withAudit(config, async (audit) => {
    let fromRevision = 0;
    for (;;) {
      const page = await audit.history(customerId, {
        types: options.type ? options.type.split(',') : [],
        from,
        to,
        fromRevision,
        limit: 1_000,
      });
      for (const item of page.items) {
        process.stdout.write(options.json ? `${JSON.stringify(item)}\n` : `${historyLine(item)}\n`);
      }
      if (page.nextRevision === null) return EXIT.ok;
      fromRevision = page.nextRevision;
    }
  });
}

/** `crm state <customerId> --as-of … --known-at …`: the state on both time axes, as GET /customers/:id/state. */
export async function stateCommand(
  customerId: string,
  options: { asOf?: string; knownAt?: string },
  config: CrmConfig,
): Promise<number> {
  const asOf = parseAsOf(options.asOf, new Date());
  return withAudit(config, async (audit, store) => {
    let knownAt: KnownAt | null = null;
    if (options.knownAt !== undefined) {
      const instant = parseSupportedInstant(options.knownAt);
      if (instant !== null) {
        knownAt = { recordedAt: new Date(instant) };
      } else if (isCheckpointOf(store, options.knownAt)) {
        knownAt = { checkpoint: options.knownAt };
      } else {
        throw new UsageError(
          `--known-at: neither an ISO 8601 instant nor a checkpoint: ${JSON.stringify(options.knownAt)}`,
        );
      }
    }
    const state = await audit.stateAsOf(customerId, asOf, knownAt);
    process.stdout.write(`${JSON.stringify(state, null, 2)}\n`);
    return EXIT.ok;
  });
}

export function registerCustomerAuditCommands(
  program: Command,
  config: () => CrmConfig,
  setExitCode: (code: number) => void,
): void {
  program
    .command('history')
    .description(
      "every event of a customer's stream as stored: times, positions, actor, command and correlation ids, data",
    )
    .argument('<customerId>')
    .option('--type <types>', 'only these event types, comma-separated')
    .option('--from <instant>', 'business time from (inclusive), ISO 8601')
    .option('--to <instant>', 'business time to (exclusive), ISO 8601')
    .option('--json', 'one JSON object per event (NDJSON)', false)
    .action(async (customerId: string, options: { type?: string; from?: string; to?: string; json: boolean }) => {
      setExitCode(await historyCommand(customerId, options, config()));
    });
  program
    .command('state')
    .description(
      'the customer as it was at a business instant (--as-of), from the events recorded by an instant or checkpoint ' +
        '(--known-at), folded by the projection code; printed as JSON',
    )
    .argument('<customerId>')
    .option('--as-of <instant>', 'business time, ISO 8601 (default: now)')
    .option('--known-at <instant|checkpoint>', 'recorded time (ISO 8601) or global checkpoint (default: everything)')
    .action(async (customerId: string, options: { asOf?: string; knownAt?: string }) => {
      setExitCode(await stateCommand(customerId, options, config()));
    });
}
