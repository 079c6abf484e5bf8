import type { CustomerCommand } from '@crm/customers/domain/customer.commands';
import { IdempotencyMismatchError, StreamConflictError } from '@crm/event-store/errors';
import { DomainError } from '@crm/platform/domain';
import type { CommandContext, CommandResult } from '@crm/platform/write-side/command-executor';
import { purchaseTotalMinor, type ImportSource, type PlannedPurchase } from '../import-plan';
import type { RowRefusal } from '../rows/row-refusal';
import { KeyedPool } from './keyed-pool';

/** Sends one customer command through the write side (the CLI: the command bus, as the API does). */
export type CommandDispatcher = (
  customerId: string,
  command: CustomerCommand,
  context: CommandContext,
) => Promise<CommandResult>;

export interface ImportProgress {
  /** Rows done: imported, found already present, or refused. */
  readonly rowsDone: number;
  /** From 0 to 1. */
  readonly fraction: number;
}

export interface ImportRunOptions {
  /** How many customers are written concurrently (each customer's commands stay in file order). */
  readonly concurrency: number;
  /** One per run: stamped into every event's metadata. */
  readonly correlationId: string;
  /** Who sends the commands, e.g. `cli:import`. */
  readonly actor: string;
  /** Stops the import: no further command starts; those under way finish. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: ImportProgress) => void;
}

export interface ImportReport {
  readonly format: ImportSource['format'];
  readonly correlationId: string;
  /** Data rows read (headers and blank lines are not rows). */
  readonly rows: number;
  /** Rows done: imported, found already present, or refused (fewer than `rows` when the import stopped early). */
  readonly rowsDone: number;
  /** Distinct customers of the purchases sent. */
  readonly customers: number;
  /** Customers registered by this run. */
  readonly customersRegistered: number;
  /** Customers already registered (by an earlier import or otherwise). */
  readonly customersExisting: number;
  /** Customers whose registration was refused (their purchases are refused too). */
  readonly customersRefused: number;
  /** Purchases sent (valid purchases of the file): appended + already present + refused. */
  readonly purchases: number;
  readonly purchasesAppended: number;
  /** Purchases an earlier run (same command id) had already recorded: nothing appended. */
  readonly purchasesAlreadyPresent: number;
  readonly purchasesRefused: number;
  /** Purchases of total 0 among those appended or already present. */
  readonly zeroValuePurchases: number;
  readonly eventsAppended: number;
  readonly rowsRefused: number;
  /** Every refused row, by line number. */
  readonly refusals: readonly RowRefusal[];
  /** Set when the import stopped early: interrupted, or a failure other than a refused row. */
  readonly stopped?: { readonly reason: 'interrupted' | 'failed'; readonly message: string; readonly cause?: unknown };
  readonly elapsedMs: number;
}

type CustomerStatus = { readonly ok: true } | { readonly ok: false; readonly code: string; readonly reason: string };

/** A refusal of the command itself (coded by the domain, or the write side giving up); anything else is a failure. */
function asRefusal(error: unknown): { code: string; message: string } | undefined {
  if (error instanceof DomainError) return { code: error.code, message: error.message };
  if (error instanceof StreamConflictError) {
    return { code: error.code, message: 'the customer kept changing concurrently; run the import again' };
  }
  if (error instanceof IdempotencyMismatchError) return { code: error.code, message: error.message };
  return undefined;
}

/**
 * Sends an import's purchases through the write side: each customer is
 * registered before its first purchase (an already registered customer is
 * fine), customers are written concurrently through a bounded pool, and each
 * customer's commands keep file order. A refused command refuses its rows and
 * the import goes on; any other error stops it. Command ids are
 * deterministic, so a re-run appends nothing.
 */
export async function runImport(
  source: ImportSource,
  dispatch: CommandDispatcher,
  options: ImportRunOptions,
): Promise<ImportReport> {
  const started = Date.now();
  const customers = new Map<string, CustomerStatus>();
  const refusals: RowRefusal[] = [];
  const counts = {
    customersRegistered: 0,
    customersExisting: 0,
    customersRefused: 0,
    purchases: 0,
    purchasesAppended: 0,
    purchasesAlreadyPresent: 0,
    purchasesRefused: 0,
    zeroValuePurchases: 0,
    eventsAppended: 0,
  };
  let rowsDone = 0;
  const progress = (rows: number): void => {
    rowsDone += rows;
    if (!options.onProgress) return;
    const fraction =
      source.totalRows !== undefined
        ? source.totalRows === 0
          ? 1
          : rowsDone / source.totalRows
        : source.fractionRead() * (rowsDone / Math.max(1, source.rowsRead()));
    options.onProgress({ rowsDone, fraction: Math.min(1, fraction) });
  };
  const refuse = (lines: readonly number[], code: string, reason: string): void => {
    for (const line of lines) refusals.push({ line, code, reason });
  };
  const context = (commandId: string, occurredAt: Date): CommandContext => ({
    commandId,
    correlationId: options.correlationId,
    actor: options.actor,
    occurredAt,
  });

  async function register(purchase: PlannedPurchase): Promise<CustomerStatus> {
    const { commandId, command } = purchase.registration;
    try {
      const result = await dispatch(purchase.customerId, command, context(commandId, command.data.occurredAt));
      if (result.replayed) {
        counts.customersExisting += 1;
      } else {
        counts.customersRegistered += 1;
        counts.eventsAppended += result.eventIds.length;
      }
      return { ok: true };
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CUSTOMER_ALREADY_REGISTERED') {
        counts.customersExisting += 1;
        return { ok: true };
      }
      const refused = asRefusal(error);
      if (!refused) throw error;
      counts.customersRefused += 1;
      return {
        ok: false,
        code: refused.code,
        reason: `customer ${purchase.customerId} could not be registered: ${refused.message}`,
      };
    }
  }

  async function send(purchase: PlannedPurchase): Promise<void> {
    counts.purchases += 1;
    let status = customers.get(purchase.customerId);
    if (!status) {
      status = await register(purchase);
      customers.set(purchase.customerId, status);
    }
    if (!status.ok) {
      counts.purchasesRefused += 1;
      refuse(purchase.lines, status.code, status.reason);
      progress(purchase.lines.length);
      return;
    }
    try {
      const result = await dispatch(
        purchase.customerId,
        purchase.command,
        context(purchase.commandId, purchase.command.data.occurredAt),
      );
      if (result.replayed) {
        counts.purchasesAlreadyPresent += 1;
      } else {
        counts.purchasesAppended += 1;
        counts.eventsAppended += result.eventIds.length;
      }
      if (purchaseTotalMinor(purchase.command) === 0) counts.zeroValuePurchases += 1;
    } catch (error) {
      const refused = asRefusal(error);
      if (!refused) throw error;
      counts.purchasesRefused += 1;
      refuse(purchase.lines, refused.code, `order ${purchase.command.data.orderId}: ${refused.message}`);
    }
    progress(purchase.lines.length);
  }

  const pool = new KeyedPool(options.concurrency);
  const onAbort = (): void => pool.stop();
  options.signal?.addEventListener('abort', onAbort);
  let stopped: ImportReport['stopped'];
  try {
    for await (const item of source.items()) {
      if (options.signal?.aborted) break;
      if (item.kind === 'refusal') {
        refusals.push({ line: item.line, code: item.code, reason: item.reason });
        progress(1);
        continue;
      }
      await pool.submit(item.customerId, () => send(item));
    }
    await pool.drain();
  } catch (error) {
    pool.stop();
    await pool.drain().catch(() => undefined);
    stopped = { reason: 'failed', message: error instanceof Error ? error.message : String(error), cause: error };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (!stopped && options.signal?.aborted) stopped = { reason: 'interrupted', message: 'interrupted' };

  refusals.sort((a, b) => a.line - b.line);
  return {
    format: source.format,
    correlationId: options.correlationId,
    rows: source.rowsRead(),
    rowsDone,
    customers: customers.size,
    ...counts,
    rowsRefused: refusals.length,
    refusals,
    ...(stopped ? { stopped } : {}),
    elapsedMs: Date.now() - started,
  };
}
