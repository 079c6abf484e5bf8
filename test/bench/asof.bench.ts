/**
 * `npm run bench:asof`: the state of a customer as of an instant, on both
 * time axes, for a customer whose stream holds 10,000 events, on the
 * PostgreSQL server. The stream is made by the customer decider (purchases
 * about every other day for decades, with refunds, surveys and complaints),
 * appended in batches; then GET /customers/:id/state's service is timed:
 * read the known events, fold them with the projection's code, evaluate.
 *
 *   npm run bench:asof [-- --events 10000 --runs 30]
 */
import { performance } from 'node:perf_hooks';
import { isDeepStrictEqual } from 'node:util';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { readModels } from '@crm/catalog';
import { CustomerAuditService } from '@crm/customers/audit/customer-audit.service';
import { foldCustomerAsOf, SNAPSHOT_EVERY } from '@crm/customers/audit/customer-state';
import { DEFAULT_CRM_RULES } from '@crm/customers';
import { PostgresEventStore } from '@crm/event-store';
import { createScratchDatabase } from '../support/databases';
import { customerLog, type CdnowCustomerRows } from './projection-log';

const DAY_MS = 86_400_000;

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
  return value;
}

/** A seeded generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Purchases every one to three days from 1980-01-01 until the log reaches `events`. */
function source(purchases: number): CdnowCustomerRows {
  const rnd = random(11);
  let day = Date.UTC(1980, 0, 1) / DAY_MS;
  const rows: Array<{ day: string; at: Date; quantity: number; amountMinor: number }> = [];
  for (let i = 0; i < purchases; i++) {
    day += 1 + Math.floor(rnd() * 3);
    const at = new Date(day * DAY_MS + 10 * 3_600_000);
    rows.push({
      day: at.toISOString().slice(0, 10).replace(/-/g, ''),
      at,
      quantity: 1,
      amountMinor: 500 + Math.floor(rnd() * 5_000),
    });
  }
  return { customerId: 'asof', purchases: rows };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function main(): Promise<void> {
  const target = option('events', 10_000);
  const runs = option('runs', 30);
  // The decider adds about 0.3 extra events per purchase: aim a little below, then top up.
  let purchases = Math.round(target / 1.3);
  let log = customerLog(source(purchases), 0, 5);
  while (log.events.length < target) {
    purchases += Math.ceil((target - log.events.length) / 1.2);
    log = customerLog(source(purchases), 0, 5);
  }
  const scratch = await createScratchDatabase('asofbench');
  const pool = new Pool({ connectionString: scratch.url, max: 4 });
  const store = await PostgresEventStore.create({ pool, kind: 'postgres' });
  const dataSource = new DataSource({
    type: 'postgres',
    url: scratch.url,
    entities: [...readModels.entities],
    migrations: [...readModels.migrations],
    migrationsTableName: 'read_model_migrations',
    logging: false,
    extra: { max: 2 },
  });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const appendStarted = performance.now();
    let revision: number | 'no-stream' = 'no-stream';
    for (let i = 0; i < log.events.length; i += 500) {
      const batch = log.events.slice(i, i + 500);
      const appended = await store.append(log.stream, batch, { expectedRevision: revision });
      revision = appended.nextExpectedRevision;
    }
    const appendSeconds = (performance.now() - appendStarted) / 1000;
    const all = await store.readStream(log.stream);
    const middle = all[Math.floor(all.length / 2)]!;
    const audit = new CustomerAuditService(store, dataSource, DEFAULT_CRM_RULES);
    const customerId = log.stream.slice('customer-'.length);
    const lastBusiness = new Date(String((all[all.length - 1]!.data as { occurredAt: string }).occurredAt));
    const middleBusiness = new Date(String((middle.data as { occurredAt: string }).occurredAt));
    // The worst place for an instant: the last event before a snapshot, so that 499 events are folded onto the one before.
    const beforeSnapshot = all[(Math.floor(all.length / 2 / SNAPSHOT_EVERY) + 1) * SNAPSHOT_EVERY - 2]!;
    const beforeSnapshotBusiness = new Date(String((beforeSnapshot.data as { occurredAt: string }).occurredAt));

    const cases: Array<{ label: string; run: () => Promise<unknown> }> = [
      { label: 'as of now, everything known', run: () => audit.stateAsOf(customerId, new Date(), null) },
      {
        label: 'as of the middle of the history',
        run: () => audit.stateAsOf(customerId, middleBusiness, null),
      },
      {
        label: 'as of the middle, known at its checkpoint',
        run: () => audit.stateAsOf(customerId, middleBusiness, { checkpoint: middle.checkpoint }),
      },
      {
        label: `as of revision ${beforeSnapshot.revision} (${SNAPSHOT_EVERY - 1} events to fold)`,
        run: () => audit.stateAsOf(customerId, beforeSnapshotBusiness, null),
      },
    ];
    process.stdout.write(
      `state as of an instant — PostgreSQL server, one customer stream of ${all.length.toLocaleString('en-US')} events ` +
        `(${purchases.toLocaleString('en-US')} purchases over ${Math.round((lastBusiness.getTime() - Date.UTC(1980, 0, 1)) / DAY_MS / 365.25)} years; appended in ${appendSeconds.toFixed(1)} s)\n`,
    );
    for (const { label, run } of cases) {
      const coldStarted = performance.now();
      await run(); // the first call folds from the first event and stores the snapshots it passes
      const cold = performance.now() - coldStarted;
      for (let i = 0; i < 2; i++) await run(); // warm-up
      const times: number[] = [];
      for (let i = 0; i < runs; i++) {
        const started = performance.now();
        await run();
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      process.stdout.write(
        `  ${label.padEnd(44)} p50 ${percentile(times, 0.5).toFixed(1)} ms  p95 ${percentile(times, 0.95).toFixed(1)} ms  ` +
          `min ${times[0]!.toFixed(1)} ms  (${runs} runs; first call ${cold.toFixed(0)} ms)\n`,
      );
    }
    // The snapshots are a cache and the store's business-time filter a shortcut: each answer (the
    // counts of its basis included) must equal a fold of every known event from the first.
    for (const [asOf, knownAt] of [
      [new Date(), null],
      [middleBusiness, null],
      [middleBusiness, { checkpoint: middle.checkpoint }],
      [beforeSnapshotBusiness, null],
    ] as const) {
      const { basis, ...answer } = await audit.stateAsOf(customerId, asOf, knownAt);
      const { basis: fullBasis, ...full } = await audit.stateByFullFold(customerId, asOf, knownAt);
      if (!isDeepStrictEqual(answer, full) || !isDeepStrictEqual({ ...basis, snapshotRevision: null }, fullBasis)) {
        throw new Error(`the state as of ${asOf.toISOString()} differs from a fold of every event from the first`);
      }
    }
    process.stdout.write(
      '  checked: each answer, with its counts, equals a fold of every known event from the first (no snapshot, no filter)\n',
    );
    // Where the time goes without snapshots: reading the whole stream, and folding it.
    const readTimes: number[] = [];
    const foldTimes: number[] = [];
    for (let i = 0; i < runs; i++) {
      let started = performance.now();
      const known = await audit.knownEvents(customerId, null);
      readTimes.push(performance.now() - started);
      started = performance.now();
      foldCustomerAsOf(known, new Date(), (a, b) => store.compareCheckpoints(a, b));
      foldTimes.push(performance.now() - started);
    }
    readTimes.sort((a, b) => a - b);
    foldTimes.sort((a, b) => a - b);
    process.stdout.write(
      `  without snapshots: read ${all.length.toLocaleString('en-US')} events p50 ${percentile(readTimes, 0.5).toFixed(1)} ms, ` +
        `fold p50 ${percentile(foldTimes, 0.5).toFixed(1)} ms\n` +
        `  goal: ≤ 50 ms\n`,
    );
  } finally {
    await dataSource.destroy().catch(() => undefined);
    await store.close();
    await pool.end();
    await scratch.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:asof failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
