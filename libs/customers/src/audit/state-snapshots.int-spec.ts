import { captureCliOutput } from '../../../../test/support/cli-output';
import { readModels } from '@crm/catalog';
import { deterministicEventId, PostgresEventStore, type EventToAppend } from '@crm/event-store';
import { loadCrmConfig } from '@crm/platform';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { STATE_SNAPSHOTS, VERIFY_DIFFERENCES_EXIT, verifyCommand } from '../../../../apps/cli/src/projections.command';
import { createScratchDatabase } from '../../../../test/support/databases';
import { describeOnPostgresServer } from '../../../../test/support/server-suites';
import { toCustomerEvent } from '../customer.aggregate';
import { customerDecider } from '../domain/customer.decider';
import type { CustomerCommand } from '../domain/customer.commands';
import { customerStream, CUSTOMER_EVENT_SCHEMA_VERSIONS } from '../domain/customer.events';
import { DEFAULT_CRM_RULES } from '../domain/rules/crm-rules';
import { CustomerAuditService, type KnownAt } from './customer-audit.service';
import { foldCustomerAsOf, SNAPSHOT_EVERY } from './customer-state';
import { verifyStateSnapshots } from './state-snapshot-verification';

const DAY_MS = 86_400_000;
const BASE = Date.UTC(2000, 0, 1);
const CUSTOMER = 'snap-1';

/** The decider's events for a command, with the metadata the write side stamps. */
function decide(
  state: ReturnType<typeof customerDecider.initialState>,
  command: CustomerCommand,
  commandId: string,
): { events: EventToAppend[]; state: ReturnType<typeof customerDecider.initialState> } {
  const decided = customerDecider.decide(command, state);
  return {
    state: decided.reduce(customerDecider.evolve, state),
    events: decided.map((event, index) => ({
      id: deterministicEventId(commandId, index),
      type: event.type,
      data: JSON.parse(JSON.stringify(event.data)),
      metadata: {
        commandId,
        correlationId: 'snapshots',
        causationId: commandId,
        actor: 'test',
        schemaVersion: CUSTOMER_EVENT_SCHEMA_VERSIONS[event.type as keyof typeof CUSTOMER_EVENT_SCHEMA_VERSIONS] ?? 1,
        occurredAt: new Date(event.data.occurredAt as unknown as string).toISOString(),
      },
    })),
  };
}

/**
 * The snapshots are a cache of the fold of a stream's first events: every
 * answer that starts from one must equal the fold of every event from the
 * first, on both time axes, including after a backdated purchase arrives
 * behind the snapshots.
 */
describeOnPostgresServer('state snapshots equal full folds (PostgreSQL server)', () => {
  let drop: () => Promise<void>;
  let databaseUrl: string;
  let pool: Pool;
  let store: PostgresEventStore;
  let dataSource: DataSource;
  let audit: CustomerAuditService;
  const checkpoints: string[] = [];

  beforeAll(async () => {
    const scratch = await createScratchDatabase('snapshots');
    drop = scratch.drop;
    databaseUrl = scratch.url;
    pool = new Pool({ connectionString: scratch.url, max: 3 });
    store = await PostgresEventStore.create({ pool, kind: 'postgres' });
    dataSource = new DataSource({
      type: 'postgres',
      url: scratch.url,
      entities: [...readModels.entities],
      migrations: [...readModels.migrations],
      migrationsTableName: 'read_model_migrations',
      extra: { max: 2 },
    });
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    audit = new CustomerAuditService(store, dataSource, DEFAULT_CRM_RULES);

    let state = customerDecider.initialState();
    const all: EventToAppend[] = [];
    const run = (command: CustomerCommand, commandId: string) => {
      const decided = decide(state, command, commandId);
      state = decided.state;
      all.push(...decided.events);
    };
    run(
      {
        type: 'RegisterCustomer',
        data: { customerId: CUSTOMER, kind: 'individual', profile: { name: 'Snapshots' }, occurredAt: new Date(BASE) },
      },
      'register',
    );
    for (let i = 0; i < 1_300; i++) {
      const at = new Date(BASE + (1 + i * 2) * DAY_MS);
      run(
        {
          type: 'RecordPurchase',
          data: {
            orderId: `o-${i}`,
            currency: 'EUR',
            channel: 'web',
            lines: [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor: 100 + (i % 17) }],
            occurredAt: at,
          },
        },
        `purchase-${i}`,
      );
      if (i % 50 === 0) {
        run(
          { type: 'RecordSurvey', data: { surveyId: `s-${i}`, method: 'online', nps: i % 11, occurredAt: at } },
          `survey-${i}`,
        );
      }
    }
    let revision: number | 'no-stream' = 'no-stream';
    for (let i = 0; i < all.length; i += 100) {
      const appended = await store.append(customerStream(CUSTOMER), all.slice(i, i + 100), {
        expectedRevision: revision,
      });
      revision = appended.nextExpectedRevision;
      checkpoints.push(appended.checkpoint);
    }
  }, 60_000);

  afterAll(async () => {
    await dataSource?.destroy();
    await store?.close();
    await pool?.end();
    await drop?.();
  });

  /** The answer equals a fold of every known event from the first: the row, the view, and the counts. */
  async function expectEqualsFullFold(asOf: Date, knownAt: KnownAt | null): Promise<number | null> {
    const state = await audit.stateAsOf(CUSTOMER, asOf, knownAt);
    const known = await audit.knownEvents(CUSTOMER, knownAt);
    const full = foldCustomerAsOf(known, asOf, (a, b) => store.compareCheckpoints(a, b)).row!;
    for (const key of Object.keys(full) as Array<keyof typeof full>) {
      expect([key, (state as unknown as Record<string, unknown>)[key]]).toEqual([key, full[key]]);
    }
    const { basis, ...answer } = state;
    const { basis: fullBasis, ...fullAnswer } = await audit.stateByFullFold(CUSTOMER, asOf, knownAt);
    expect(answer).toEqual(fullAnswer);
    expect({ ...basis, snapshotRevision: null }).toEqual(fullBasis);
    return basis.snapshotRevision;
  }

  it('stores snapshots while folding and answers from them exactly as a full fold', async () => {
    const now = new Date();
    expect(await expectEqualsFullFold(now, null)).toBeNull();
    const stored = await dataSource.query('SELECT revision FROM customer_state_snapshots ORDER BY revision');
    expect(stored.map((row: { revision: number }) => row.revision)).toEqual([
      SNAPSHOT_EVERY - 1,
      2 * SNAPSHOT_EVERY - 1,
    ]);
    expect(await expectEqualsFullFold(now, null)).toBe(2 * SNAPSHOT_EVERY - 1);
  });

  it('uses only snapshots that happened by asOf and were known at knownAt', async () => {
    const middle = new Date(BASE + 1_200 * DAY_MS);
    expect(await expectEqualsFullFold(middle, null)).toBe(SNAPSHOT_EVERY - 1);
    expect(await expectEqualsFullFold(new Date(), { checkpoint: checkpoints[3]! })).toBeNull();
    expect(await expectEqualsFullFold(new Date(), { checkpoint: checkpoints[7]! })).toBe(SNAPSHOT_EVERY - 1);
    expect(await expectEqualsFullFold(new Date(), { recordedAt: new Date() })).toBe(2 * SNAPSHOT_EVERY - 1);
  });

  it('stays exact when a backdated purchase is recorded behind the snapshots', async () => {
    const events = await store.readStream(customerStream(CUSTOMER));
    const { events: backdated } = decide(
      events.map(toCustomerEvent).reduce(customerDecider.evolve, customerDecider.initialState()),
      {
        type: 'RecordPurchase',
        data: {
          orderId: 'late',
          currency: 'EUR',
          channel: 'store',
          lines: [{ sku: 'SKU-9', category: 'music', quantity: 2, unitPriceMinor: 9_999 }],
          occurredAt: new Date(BASE + 3 * DAY_MS + 3_600_000),
        },
      },
      'late',
    );
    await store.append(customerStream(CUSTOMER), backdated, { expectedRevision: events.length - 1 });
    for (const asOf of [new Date(BASE + 2 * DAY_MS), new Date(BASE + 10 * DAY_MS), new Date()]) {
      await expectEqualsFullFold(asOf, null);
    }
    const state = await audit.stateAsOf(CUSTOMER, new Date(), null);
    expect(state.purchaseCount).toBe(1_301);
  });

  it('stays exact for events filed without a business time, or under another one than their data', async () => {
    const customerId = 'snap-2';
    const at = (days: number) => new Date(BASE + days * DAY_MS);
    let state = customerDecider.initialState();
    const events: EventToAppend[] = [];
    const run = (command: CustomerCommand, commandId: string, metadataOccurredAt?: string | null) => {
      const decided = decide(state, command, commandId);
      state = decided.state;
      for (const event of decided.events) {
        const metadata = { ...event.metadata };
        if (metadataOccurredAt === null) delete metadata.occurredAt;
        else if (metadataOccurredAt !== undefined) metadata.occurredAt = metadataOccurredAt;
        events.push({ ...event, metadata });
      }
    };
    const purchase = (orderId: string, day: number, unitPriceMinor: number) =>
      ({
        type: 'RecordPurchase',
        data: {
          orderId,
          currency: 'EUR',
          channel: 'web',
          lines: [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor }],
          occurredAt: at(day),
        },
      }) as const;
    run(
      {
        type: 'RegisterCustomer',
        data: { customerId, kind: 'individual', profile: { name: 'Filed' }, occurredAt: at(0) },
      },
      'snap-2-register',
      null,
    );
    run(purchase('p-1', 10, 100), 'snap-2-p-1', null); // no business time in the metadata
    run(purchase('p-2', 20, 200), 'snap-2-p-2', at(150).toISOString()); // filed later than it happened
    run(purchase('p-3', 150, 400), 'snap-2-p-3', at(20).toISOString()); // filed earlier than it happened
    run(purchase('p-4', 40, 800), 'snap-2-p-4');
    await store.append(customerStream(customerId), events, { expectedRevision: 'no-stream' });

    const answer = async (asOf: Date) => {
      const { basis, ...rest } = await audit.stateAsOf(customerId, asOf, null);
      const { basis: fullBasis, ...full } = await audit.stateByFullFold(customerId, asOf, null);
      expect(rest).toEqual(full);
      expect(basis).toEqual(fullBasis);
      return rest;
    };
    expect((await answer(at(5))).purchaseCount).toBe(0);
    expect((await answer(at(60))).netSpendMinor).toBe(100 + 200 + 800);
    expect((await answer(at(200))).netSpendMinor).toBe(1_500);
  });

  it('does not use a snapshot altered in SQL, and crm projections verify lists every altered one', async () => {
    await audit.stateAsOf(CUSTOMER, new Date(), null);
    expect(await verifyStateSnapshots(store, dataSource)).toMatchObject({ differing: 0, differences: [] });
    const [{ newest }]: Array<{ newest: number }> = await dataSource.query(
      'SELECT max(revision) AS newest FROM customer_state_snapshots WHERE customer_id = $1',
      [CUSTOMER],
    );
    expect(newest).toBeGreaterThanOrEqual(2 * SNAPSHOT_EVERY - 1);
    await dataSource.query(
      `UPDATE customer_state_snapshots SET row = jsonb_set(row, '{netSpendMinor}', '1')
        WHERE customer_id = $1 AND revision = $2`,
      [CUSTOMER, newest],
    );
    // The digest no longer matches: the answer starts from the snapshot before and stays exact.
    expect(await expectEqualsFullFold(new Date(), null)).toBe(newest - SNAPSHOT_EVERY);
    expect((await verifyStateSnapshots(store, dataSource)).differences).toEqual([
      {
        customerId: CUSTOMER,
        revision: newest,
        problems: ['its content no longer gives its digest', 'row fields netSpendMinor'],
      },
    ]);

    // Whoever also recomputes the digest fools the state query, not the verification, which folds again.
    await dataSource.query(
      `UPDATE customer_state_snapshots
          SET max_business_time = max_business_time - interval '1 day',
              digest = customer_state_snapshot_digest(customer_id, fold_version, revision, max_checkpoint,
                                                      max_recorded_at, max_business_time - interval '1 day', row)
        WHERE customer_id = $1 AND revision = $2`,
      [CUSTOMER, newest],
    );
    expect((await audit.stateAsOf(CUSTOMER, new Date(), null)).basis.snapshotRevision).toBe(newest);
    const { code, stdout } = await captureCliOutput(() =>
      verifyCommand(STATE_SNAPSHOTS, false, loadCrmConfig({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'error' })),
    );
    expect(code).toBe(VERIFY_DIFFERENCES_EXIT);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `customer_state_snapshots: customer ${CUSTOMER} revision ${newest}: row fields netSpendMinor; max_business_time`,
      expect.stringMatching(
        /^customer_state_snapshots: \d+ snapshot\(s\) of 1 customer\(s\) .*: DIFFERENT — 1 snapshot\(s\) differ$/,
      ),
      '1 state snapshot(s) differ from the fold of their events',
    ]);
    await dataSource.query('DELETE FROM customer_state_snapshots WHERE customer_id = $1 AND revision = $2', [
      CUSTOMER,
      newest,
    ]);
  });
});
