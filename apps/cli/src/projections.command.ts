import type { EventStore } from '@crm/event-store';
import { readModels } from '@crm/catalog';
import { ConfigError, DATA_SOURCE, EVENT_STORE, type CrmConfig } from '@crm/platform';
import { useComplaintSlaRules } from '@crm/customers/projections/complaints/complaints.projection';
import { loadCrmRules } from '@crm/customers/rules/rules.loader';
import {
  ProjectionCheckpointEntity,
  rebuildProjections,
  swapRebuildProjections,
  verifyProjections,
  type ProjectionDifference,
  type ProjectionVerification,
  type RebuildResult,
} from '@crm/projections';
import {
  verifyStateSnapshots,
  type SnapshotDifference,
  type SnapshotVerification,
} from '@crm/customers/audit/state-snapshot-verification';
import type { DataSource, ObjectLiteral } from 'typeorm';
import type { RowProjection } from '@crm/projections';
import { describeStorage, openCliContext, UsageError } from './import.command';
import { EXIT } from './summary';

/**
 * The projections measure complaints against the SLA targets of the rules in
 * force (CRM_RULES_FILE), as the API and the projector do.
 */
function useRulesInForce(): void {
  try {
    useComplaintSlaRules(loadCrmRules().complaintSla);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** The projections the product runs, in catalog order. */
export function projectionNames(): string[] {
  return readModels.projections.map((p) => p.name);
}

/** The projections a command names (all of them without a name); an unknown name is a usage error. */
export function selectProjections(name: string | undefined): RowProjection<ObjectLiteral>[] {
  const all = readModels.projections as readonly RowProjection<ObjectLiteral>[];
  if (name === undefined) return [...all];
  const found = all.find((p) => p.name === name);
  if (!found)
    throw new UsageError(`unknown projection ${JSON.stringify(name)}; projections: ${projectionNames().join(', ')}`);
  return [found];
}

/**
 * `crm projections rebuild [name]`: empties each chosen projection's table and
 * checkpoint, folds the events from position 0 up to the store's head at the
 * start, and prints how many events were applied and how long it took.
 */
export async function rebuildCommand(name: string | undefined, config: CrmConfig): Promise<number> {
  const projections = selectProjections(name);
  useRulesInForce();
  const storage = describeStorage(config);
  process.stderr.write(
    `rebuilding ${projections.map((p) => p.name).join(', ')} on ${storage.mode} (${storage.location})\n`,
  );
  const context = await openCliContext(config);
  try {
    const store = context.get<EventStore>(EVENT_STORE);
    const dataSource = context.get<DataSource>(DATA_SOURCE);
    // One read of the log feeds every projection being rebuilt.
    const results: RebuildResult[] = await rebuildProjections(store, dataSource, projections, {
      batchSize: config.projectorBatchSize,
    });
    for (const result of results) {
      process.stdout.write(
        `${result.name}: ${result.eventsApplied.toLocaleString('en-US')} events applied in ${result.seconds.toFixed(2)} s` +
          ` (checkpoint ${result.checkpoint ?? 'none'}; the projections were rebuilt together)\n`,
      );
    }
    const total = results.reduce((sum, r) => sum + r.eventsApplied, 0);
    const seconds = results[0]?.seconds ?? 0;
    process.stdout.write(
      `rebuilt ${results.length} projection(s): ${total.toLocaleString('en-US')} events applied in ${seconds.toFixed(2)} s\n`,
    );
    return EXIT.ok;
  } finally {
    await context.close();
  }
}

/**
 * `crm projections rebuild [name] --swap`: rebuilds into new tables while the
 * live ones keep serving, then switches them atomically.
 */
export async function swapRebuildCommand(name: string | undefined, config: CrmConfig): Promise<number> {
  const projections = selectProjections(name);
  useRulesInForce();
  const storage = describeStorage(config);
  process.stderr.write(
    `rebuilding ${projections.map((p) => p.name).join(', ')} into new tables on ${storage.mode} (${storage.location}); ` +
      'the live tables keep serving until the switch\n',
  );
  const context = await openCliContext(config);
  try {
    const results = await swapRebuildProjections(
      context.get<EventStore>(EVENT_STORE),
      context.get<DataSource>(DATA_SOURCE),
      projections,
      { batchSize: config.projectorBatchSize },
    );
    for (const result of results) {
      process.stdout.write(
        `${result.name}: ${result.eventsApplied.toLocaleString('en-US')} events folded into a new ${result.table}, ` +
          `switched in at checkpoint ${result.checkpoint ?? 'none'}\n`,
      );
    }
    process.stdout.write(`switched ${results.length} table(s) in ${results[0]?.seconds.toFixed(2) ?? '0'} s\n`);
    return EXIT.ok;
  } finally {
    await context.close();
  }
}

/** Exit code of `crm projections verify` when a read model or a state snapshot differs from the fresh fold. */
export const VERIFY_DIFFERENCES_EXIT = 1;

/** The name `crm projections verify` takes for the state snapshots alone. */
export const STATE_SNAPSHOTS = 'customer_state_snapshots';

function formatVerification(result: ProjectionVerification): string {
  const head =
    `${result.name} (${result.table}) at checkpoint ${result.checkpoint ?? 'none'}: ` +
    `${result.liveRows.toLocaleString('en-US')} live rows, ${result.rebuiltRows.toLocaleString('en-US')} rebuilt`;
  if (result.missingFromLive === 0 && result.unexpectedInLive === 0) return `${head}: identical\n`;
  return (
    `${head}: DIFFERENT — ${result.missingFromLive} rebuilt row(s) missing from the live table, ` +
    `${result.unexpectedInLive} live row(s) not in the rebuild\n`
  );
}

function formatSnapshotVerification(result: SnapshotVerification): string {
  const head =
    `${STATE_SNAPSHOTS}: ${result.snapshots.toLocaleString('en-US')} snapshot(s) of ` +
    `${result.customers.toLocaleString('en-US')} customer(s) against a fold of their events`;
  const older =
    result.otherFoldVersions > 0
      ? ` (${result.otherFoldVersions} of an older fold version, never read, not checked)`
      : '';
  return result.differing === 0
    ? `${head}: identical${older}\n`
    : `${head}: DIFFERENT — ${result.differing} snapshot(s) differ${older}\n`;
}

const differenceLine = (difference: ProjectionDifference): string =>
  `${difference.name}: ${difference.kind}: ${JSON.stringify(difference.row)}\n`;

const snapshotDifferenceLine = (difference: SnapshotDifference): string =>
  `${STATE_SNAPSHOTS}: customer ${difference.customerId} revision ${difference.revision}: ${difference.problems.join('; ')}\n`;

/**
 * `crm projections verify [name]`: a fresh fold compared with the live tables,
 * and each stored state snapshot with a fold of its events; every
 * difference printed as it is found (up to `limit` per kind), a summary at
 * the end; exit code 1 on any difference.
 */
export async function verifyCommand(
  name: string | undefined,
  json: boolean,
  config: CrmConfig,
  limit?: number,
): Promise<number> {
  const onlySnapshots = name === STATE_SNAPSHOTS;
  const projections = onlySnapshots ? [] : selectProjections(name);
  const withSnapshots = name === undefined || onlySnapshots;
  useRulesInForce();
  const storage = describeStorage(config);
  const what = [...projections.map((p) => p.name), ...(withSnapshots ? [STATE_SNAPSHOTS] : [])];
  process.stderr.write(
    `verifying ${what.join(', ')} on ${storage.mode} (${storage.location}) against a fold from the first event\n`,
  );
  const context = await openCliContext(config);
  try {
    const store = context.get<EventStore>(EVENT_STORE);
    const dataSource = context.get<DataSource>(DATA_SOURCE);
    // Text: each difference is printed as it is read. JSON: they are collected into the one object printed.
    const print = <T>(line: (difference: T) => string) =>
      json ? undefined : (difference: T) => void process.stdout.write(line(difference));
    const results =
      projections.length === 0
        ? []
        : await verifyProjections(store, dataSource, projections, {
            batchSize: config.projectorBatchSize,
            limit,
            onDifference: print(differenceLine),
          });
    const snapshots = withSnapshots
      ? await verifyStateSnapshots(store, dataSource, { limit, onDifference: print(snapshotDifferenceLine) })
      : null;
    const different = results.filter((r) => r.missingFromLive > 0 || r.unexpectedInLive > 0);
    const differs = different.length > 0 || (snapshots !== null && snapshots.differing > 0);
    if (json) {
      process.stdout.write(`${JSON.stringify({ projections: results, stateSnapshots: snapshots })}\n`);
    } else {
      process.stdout.write(
        results.map(formatVerification).join('') + (snapshots ? formatSnapshotVerification(snapshots) : ''),
      );
      const parts = [
        ...(results.length > 0
          ? [
              different.length === 0
                ? `all ${results.length} read model(s) equal a fold from the first event`
                : `${different.length} of ${results.length} read model(s) differ from a fold from the first event`,
            ]
          : []),
        ...(snapshots
          ? [
              snapshots.differing === 0
                ? `every state snapshot equals the fold of its events`
                : `${snapshots.differing} state snapshot(s) differ from the fold of their events`,
            ]
          : []),
      ];
      process.stdout.write(`${parts.join('; ')}\n`);
    }
    return differs ? VERIFY_DIFFERENCES_EXIT : EXIT.ok;
  } finally {
    await context.close();
  }
}

/** `crm projections list`: each projection's name, checkpoint and events applied. */
export async function listCommand(json: boolean, config: CrmConfig): Promise<number> {
  const context = await openCliContext(config);
  try {
    const dataSource = context.get<DataSource>(DATA_SOURCE);
    const rows = await dataSource.manager.find(ProjectionCheckpointEntity);
    const byName = new Map(rows.map((r) => [r.name, r]));
    const list = projectionNames().map((name) => ({
      name,
      checkpoint: byName.get(name)?.checkpoint ?? null,
      eventsApplied: Number(byName.get(name)?.eventsApplied ?? 0),
    }));
    if (json) {
      process.stdout.write(`${JSON.stringify(list)}\n`);
    } else {
      const width = Math.max(...list.map((p) => p.name.length), 'projection'.length);
      process.stdout.write(`${'projection'.padEnd(width)}  ${'checkpoint'.padEnd(24)}  events applied\n`);
      for (const p of list) {
        process.stdout.write(
          `${p.name.padEnd(width)}  ${(p.checkpoint ?? '-').padEnd(24)}  ${p.eventsApplied.toLocaleString('en-US')}\n`,
        );
      }
    }
    return EXIT.ok;
  } finally {
    await context.close();
  }
}
