import { captureCliOutput } from '../support/cli-output';
import { CommandBus } from '@nestjs/cqrs';
import { readModels } from '@crm/catalog';
import type { CustomerCommand } from '@crm/customers';
import { CustomerCommandMessage } from '@crm/customers/http/customer-command.handler';
import { CRM_CONFIG, DATA_SOURCE, EVENT_STORE, type CrmConfig } from '@crm/platform';
import type { EventStore } from '@crm/event-store';
import { ProjectorService, swapRebuildProjections, verifyProjections, type SwapResult } from '@crm/projections';
import type { DataSource } from 'typeorm';
import { swapRebuildCommand, verifyCommand } from '../../apps/cli/src/projections.command';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const line = (n: number) => [
  { sku: `SKU-${n % 3}`, category: ['books', 'music'][n % 2], quantity: 1, unitPriceMinor: 700 + n },
];

describeOnPostgresServer('crm projections verify and rebuild --swap (PostgreSQL server)', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let store: EventStore;

  async function customer(c: number): Promise<void> {
    const w = t.as('writer');
    await w
      .post('/customers')
      .send({
        customerId: `vr-${c}`,
        kind: 'individual',
        name: `Verify ${c}`,
        region: 'north',
        occurredAt: '2025-01-01T00:00:00Z',
      })
      .expect(201);
    for (let p = 0; p < 3; p++) {
      await w
        .post(`/customers/vr-${c}/purchases`)
        .send({
          orderId: `o-${p}`,
          currency: 'EUR',
          channel: 'web',
          lines: line(c + p),
          occurredAt: `2025-0${p + 2}-01T10:00:00Z`,
        })
        .expect(201);
    }
    await w
      .post(`/customers/vr-${c}/surveys`)
      .send({ surveyId: 'sv', method: 'online', csat: 1 + (c % 5), nps: c, occurredAt: '2025-04-01T00:00:00Z' })
      .expect(201);
    await w
      .post(`/customers/vr-${c}/complaints`)
      .send({
        complaintId: 'cp',
        category: 'delivery',
        severity: 'low',
        channel: 'email',
        description: 'late',
        occurredAt: '2025-05-01T00:00:00Z',
      })
      .expect(201);
  }

  /** Every committed event applied (counted directly: the readers' horizon can lag behind commits under load). */
  async function caughtUp(): Promise<void> {
    const committed = await t.eventCount();
    await expectEventually(
      async () => {
        const status = await t.app.get(ProjectorService).status();
        expect(status.map((p) => [p.name, p.eventsApplied])).toEqual(status.map((p) => [p.name, committed]));
      },
      { timeoutMs: 30_000 },
    );
  }

  const indexNames = async (): Promise<string[]> =>
    (
      await dataSource.query(
        `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = ANY($1::text[]) ORDER BY 1`,
        [readModels.projections.map((p) => dataSource.getMetadata(p.entity).tableName)],
      )
    ).map((row: { indexname: string }) => row.indexname);

  beforeAll(async () => {
    t = await startTestApp('postgres');
    dataSource = t.app.get<DataSource>(DATA_SOURCE);
    store = t.app.get<EventStore>(EVENT_STORE);
    await Promise.all([1, 2, 3, 4, 5, 6].map(customer));
    await caughtUp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('finds every read model equal to a fold from the first event, and leaves no shadow table behind', async () => {
    const results = await verifyProjections(store, dataSource, readModels.projections, { batchSize: 7 });
    expect(results.map((r) => [r.name, r.missingFromLive, r.unexpectedInLive])).toEqual(
      readModels.projections.map((p) => [p.name, 0, 0]),
    );
    for (const result of results) expect([result.name, result.liveRows > 0]).toEqual([result.name, true]);
    const leftovers = await dataSource.query("SELECT tablename FROM pg_tables WHERE tablename LIKE 'verify\\_%'");
    expect(leftovers).toEqual([]);
  });

  it('fails, naming the table and showing the row, when a read-model row was altered by hand', async () => {
    await dataSource.query("UPDATE customer_summary SET net_spend_minor = 1 WHERE customer_id = 'vr-2'");
    await dataSource.query("DELETE FROM complaints WHERE customer_id = 'vr-3'");
    const results = await verifyProjections(store, dataSource, readModels.projections, { batchSize: 50 });
    const summary = results.find((r) => r.name === 'customer_summary')!;
    expect([summary.missingFromLive, summary.unexpectedInLive]).toEqual([1, 1]);
    expect(summary.differences).toEqual([
      { name: 'customer_summary', kind: 'missing-from-live', row: expect.objectContaining({ customer_id: 'vr-2' }) },
      {
        name: 'customer_summary',
        kind: 'unexpected-in-live',
        row: expect.objectContaining({ customer_id: 'vr-2', net_spend_minor: 1 }),
      },
    ]);
    const complaints = results.find((r) => r.name === 'complaints')!;
    expect([complaints.missingFromLive, complaints.unexpectedInLive]).toEqual([1, 0]);

    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stdout.write;
    let code: number;
    try {
      code = await verifyCommand(undefined, false, t.app.get<CrmConfig>(CRM_CONFIG));
    } finally {
      process.stdout.write = write;
    }
    expect(code).toBe(1);
    const output = written.join('');
    expect(output).toMatch(/customer_summary \(customer_summary\) at checkpoint \S+: .*DIFFERENT/);
    expect(output).toMatch(/^customer_summary: unexpected-in-live: .*"customer_id":"vr-2"/m);
    expect(output).toMatch(/2 of \d+ read model\(s\) differ/);
  });

  it('prints every differing row, one line each, then the summary; --limit bounds the rows listed', async () => {
    await dataSource.query('UPDATE customer_summary SET net_spend_minor = net_spend_minor + 1');
    const verify = async (limit?: number) => {
      const { code, stdout } = await captureCliOutput(() =>
        verifyCommand('customer_summary', false, t.app.get<CrmConfig>(CRM_CONFIG), limit),
      );
      return { code, lines: stdout.trimEnd().split('\n') };
    };
    const customersOf = (lines: string[], kind: string) =>
      lines
        .filter((line) => line.startsWith(`customer_summary: ${kind}: `))
        .map((line) => JSON.parse(line.slice(`customer_summary: ${kind}: `.length)).customer_id)
        .sort();
    const all = await verify();
    expect(all.code).toBe(1);
    const everyone = ['vr-1', 'vr-2', 'vr-3', 'vr-4', 'vr-5', 'vr-6'];
    expect(customersOf(all.lines, 'missing-from-live')).toEqual(everyone);
    expect(customersOf(all.lines, 'unexpected-in-live')).toEqual(everyone);
    // The rows first, the summary at the end.
    expect(all.lines).toHaveLength(12 + 2);
    expect(all.lines[12]).toMatch(
      /^customer_summary \(customer_summary\) at .*DIFFERENT — 6 rebuilt row\(s\) missing .*6 live row/,
    );
    expect(all.lines[13]).toBe('1 of 1 read model(s) differ from a fold from the first event');

    const limited = await verify(2);
    expect(limited.code).toBe(1);
    expect(customersOf(limited.lines, 'missing-from-live')).toHaveLength(2);
    expect(customersOf(limited.lines, 'unexpected-in-live')).toHaveLength(2);
    expect(limited.lines.slice(4)).toEqual(all.lines.slice(12));
  });

  /** Customers appended in bulk for the swaps: enough that the new tables take a while to fill. */
  const SWAP_CUSTOMERS = 300;
  const PURCHASES_EACH = 8;
  /** Swap customers that keep receiving purchases, and are read most, while a swap runs. */
  const HOT = 12;
  const swapId = (n: number): string => `sw-${n}`;
  const purchaseLines = (amountMinor: number) => [
    { sku: 'SKU-S', category: 'books', quantity: 1, unitPriceMinor: amountMinor },
  ];
  /** Each swap customer's purchase amounts in stream order; an amount is listed before its command is sent. */
  const sent = new Map<string, number[]>();
  let livePurchases = 0;

  /** The swap customers and their purchases, through the command bus (as `crm import` sends them), six at a time. */
  async function bulkCustomers(): Promise<void> {
    const bus = t.app.get(CommandBus);
    const send = (customerId: string, commandId: string, command: CustomerCommand) =>
      bus.execute(
        new CustomerCommandMessage(customerId, command, {
          commandId,
          correlationId: 'verified-rebuilds:bulk',
          actor: 'test:bulk',
          occurredAt: command.data.occurredAt,
        }),
      );
    const one = async (n: number): Promise<void> => {
      const customerId = swapId(n);
      const amounts: number[] = [];
      sent.set(customerId, amounts);
      await send(customerId, `${customerId}:register`, {
        type: 'RegisterCustomer',
        data: {
          customerId,
          kind: 'individual',
          profile: { name: `Swap ${n}`, region: 'south' },
          occurredAt: new Date(Date.UTC(2024, 0, 1)),
        },
      });
      for (let p = 0; p < PURCHASES_EACH; p++) {
        const amount = 1_000 + n * 7 + p * 13;
        amounts.push(amount);
        await send(customerId, `${customerId}:b-${p}`, {
          type: 'RecordPurchase',
          data: {
            orderId: `b-${p}`,
            currency: 'EUR',
            channel: 'web',
            lines: purchaseLines(amount),
            occurredAt: new Date(Date.UTC(2024, 1 + p, 1, 10)),
          },
        });
      }
    };
    const waiting = Array.from({ length: SWAP_CUSTOMERS }, (_, n) => n);
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let n = waiting.shift(); n !== undefined; n = waiting.shift()) await one(n);
      }),
    );
  }

  let swapCustomersAdded: Promise<void> | undefined;
  /** The swap customers, added once for the tests that need them, and every read model caught up. */
  const swapCustomers = (): Promise<void> => (swapCustomersAdded ??= bulkCustomers().then(caughtUp));

  /** One more purchase of a swap customer, over HTTP. */
  async function purchaseOverHttp(customerId: string): Promise<void> {
    const k = livePurchases++;
    const amount = 500 + k;
    sent.get(customerId)!.push(amount);
    await t
      .as('writer')
      .post(`/customers/${customerId}/purchases`)
      .send({
        orderId: `live-${k}`,
        currency: 'EUR',
        channel: 'web',
        lines: purchaseLines(amount),
        occurredAt: new Date(Date.UTC(2024, 10, 1) + k * 60_000).toISOString(),
      })
      .expect(201);
  }

  interface CustomerAnswer {
    readonly purchaseCount: number;
    readonly revision: number;
    readonly grossSpendMinor: number;
    readonly netSpendMinor: number;
  }

  /**
   * What is wrong with an answer of GET /customers/:id for a swap customer:
   * its row must be the fold of the registration and of the first n purchases
   * sent (revision n, spend their sum), n no smaller than `floor`, the count an
   * answer received before this request was sent had shown.
   */
  function inconsistency(customerId: string, body: CustomerAnswer, floor: number): string | null {
    const amounts = sent.get(customerId)!;
    const n = body.purchaseCount;
    if (n < floor) return `${customerId}: ${n} purchases after an earlier answer showed ${floor}`;
    if (n > amounts.length) return `${customerId}: ${n} purchases, only ${amounts.length} sent`;
    const spend = amounts.slice(0, n).reduce((sum, amount) => sum + amount, 0);
    if (body.revision !== n || body.grossSpendMinor !== spend || body.netSpendMinor !== spend) {
      return (
        `${customerId}: ${n} purchases at revision ${body.revision}, gross ${body.grossSpendMinor}, ` +
        `net ${body.netSpendMinor}; the first ${n} purchases sent make ${spend}`
      );
    }
    return null;
  }

  /** Rows of the new customer_summary table a swap is filling, or null when there is none. */
  async function newSummaryRows(): Promise<number | null> {
    const [table]: Array<{ name: string }> = await dataSource.query(
      `SELECT tablename AS name FROM pg_tables
        WHERE schemaname = current_schema() AND tablename ~ '^swap_[0-9a-f]{8}_customer_summary$'`,
    );
    if (!table) return null;
    try {
      const [{ n }]: Array<{ n: number }> = await dataSource.query(`SELECT count(*)::int AS n FROM "${table.name}"`);
      return n;
    } catch {
      // Switched in (renamed) between the two statements.
      return null;
    }
  }

  interface Load {
    /** Answers of GET /customers/:id, every one checked. */
    readonly answers: number;
    /**
     * For each answer given while a new customer_summary table existed (found
     * before the request was sent and after the answer came), its rows after
     * the answer.
     */
    readonly duringBuild: number[];
    /** Purchases accepted over HTTP meanwhile. */
    readonly purchases: number;
    readonly problems: string[];
  }

  /**
   * Runs `work` while one writer sends purchases to the hot swap customers
   * over HTTP and three readers read swap customers (mostly hot ones) and
   * check every answer.
   */
  async function underLoad(work: () => Promise<void>): Promise<Load> {
    const hot = Array.from({ length: HOT }, (_, n) => swapId(n));
    const seen = new Map<string, number>();
    const problems: string[] = [];
    const duringBuild: number[] = [];
    let answers = 0;
    let purchases = 0;
    let running = true;
    const writer = (async () => {
      for (let k = 0; running; k++) {
        await purchaseOverHttp(hot[k % HOT]!);
        purchases++;
      }
    })();
    const reader = async (r: number): Promise<void> => {
      for (let k = 0; running; k++) {
        const customerId = k % 4 === 3 ? swapId((r * 97 + k * 31) % SWAP_CUSTOMERS) : hot[(r * 5 + k) % HOT]!;
        const floor = seen.get(customerId) ?? 0;
        const before = await newSummaryRows();
        const response = await t.as('reader').get(`/customers/${customerId}`);
        const after = await newSummaryRows();
        answers++;
        if (response.status !== 200) {
          problems.push(`${customerId}: ${response.status} ${JSON.stringify(response.body)}`);
          continue;
        }
        const body = response.body as CustomerAnswer;
        const problem = inconsistency(customerId, body, floor);
        if (problem) problems.push(problem);
        seen.set(customerId, Math.max(seen.get(customerId) ?? 0, body.purchaseCount));
        if (before !== null && after !== null) duringBuild.push(after);
      }
    };
    const readers = [0, 1, 2].map(reader);
    try {
      await work();
    } finally {
      running = false;
      await Promise.all([writer, ...readers]);
    }
    return { answers, duringBuild, purchases, problems };
  }

  const cli = captureCliOutput;

  const countOf = async (customerId: string): Promise<number> =>
    ((await t.as('reader').get(`/customers/${customerId}`).expect(200)).body as CustomerAnswer).purchaseCount;

  it('swaps in rebuilt tables while purchases and queries go on: each answer a whole row, never older than one given before', async () => {
    await swapCustomers();
    const indexesBefore = await indexNames();
    // Revenue of 2025: the six first customers' purchases, none of those sent during the swap (2024).
    const revenue = async () =>
      (await t.as('reader').get('/analytics/revenue?from=2025-01-01&to=2026-01-01&groupBy=category').expect(200)).body;
    const revenueBefore = await revenue();
    const [{ customers }]: Array<{ customers: number }> = await dataSource.query(
      'SELECT count(*)::int AS customers FROM customer_summary',
    );
    let results: SwapResult[] = [];
    const load = await underLoad(async () => {
      results = await swapRebuildProjections(store, dataSource, readModels.projections, {
        batchSize: 5,
        rebuildBatchSize: 60,
      });
    });
    expect(results.map((r) => r.name)).toEqual(readModels.projections.map((p) => p.name));
    expect(load.problems).toEqual([]);
    expect(load.purchases).toBeGreaterThan(0);
    // Answers given while the new tables were being filled: the new customer_summary partly filled, and growing.
    const partly = load.duringBuild.filter((rows) => rows < customers);
    expect(partly.length).toBeGreaterThan(0);
    expect(new Set(partly).size).toBeGreaterThan(1);
    expect(await indexNames()).toEqual(indexesBefore);
    expect(await revenue()).toEqual(revenueBefore);
    // The projector goes on from the new tables' checkpoint; the tables equal a fresh fold.
    await purchaseOverHttp(swapId(0));
    await expectEventually(async () => expect(await countOf(swapId(0))).toBe(sent.get(swapId(0))!.length));
    await caughtUp();
    const verified = await cli(() => verifyCommand(undefined, false, t.app.get<CrmConfig>(CRM_CONFIG)));
    expect(verified.stdout).toMatch(/all \d+ read model\(s\) equal a fold from the first event/);
    expect(verified.code).toBe(0);
  }, 300_000);

  it('switches in no older state than the live projector had reached, when it moved on after the new tables were brought to the head', async () => {
    await swapCustomers();
    const customerId = swapId(1);
    let headReads = 0;
    let reached = '';
    // The real store, read as usual; after its second head read (the rebuild read the first), a purchase arrives
    // and the live projector applies it before the switch.
    const movingOn = new Proxy(store, {
      get(target, property) {
        if (property === 'headCheckpoint') {
          return async () => {
            const head = await target.headCheckpoint();
            if (++headReads === 2) {
              await purchaseOverHttp(customerId);
              await expectEventually(async () => {
                const { body } = await t.as('reader').get(`/customers/${customerId}`).expect(200);
                expect(body.purchaseCount).toBe(sent.get(customerId)!.length);
                reached = body.lastCheckpoint;
              });
            }
            return head;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await swapRebuildProjections(movingOn, dataSource, readModels.projections, { batchSize: 50 });
    expect(headReads).toBeGreaterThanOrEqual(2);
    // At once, before another event could make the projector look at its checkpoint again.
    expect(await countOf(customerId)).toBe(sent.get(customerId)!.length);
    const [{ checkpoint }]: Array<{ checkpoint: string }> = await dataSource.query(
      `SELECT checkpoint FROM projection_checkpoints WHERE name = 'customer_summary'`,
    );
    expect(store.compareCheckpoints(checkpoint, reached)).toBeGreaterThanOrEqual(0);
  }, 120_000);

  it('lets go of the live tables and tries again, rather than hold up a reader whose transaction holds one and asks for another', async () => {
    await swapCustomers();
    // A reader's transaction reads analytics_orders; the switch, which takes customer_summary first, then waits for
    // analytics_orders; then the reader asks for customer_summary.
    const reader = dataSource.createQueryRunner();
    await reader.connect();
    try {
      await reader.startTransaction('REPEATABLE READ');
      await reader.query('SELECT count(*) FROM analytics_orders');
      const swap = swapRebuildProjections(store, dataSource, readModels.projections, { batchSize: 50 });
      swap.catch(() => undefined);
      await expectEventually(
        async () => {
          const [{ waiting }]: Array<{ waiting: number }> = await dataSource.query(
            `SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE NOT l.granted AND l.mode = 'AccessExclusiveLock' AND c.relname = 'analytics_orders'
                AND c.relnamespace = current_schema()::regnamespace`,
          );
          expect(waiting).toBe(1);
        },
        { timeoutMs: 60_000, intervalMs: 10 },
      );
      const [{ n }]: Array<{ n: number }> = await reader.query('SELECT count(*)::int AS n FROM customer_summary');
      expect(n).toBeGreaterThan(SWAP_CUSTOMERS);
      await reader.commitTransaction();
      const results = await swap;
      expect(results.map((r) => r.name)).toEqual(readModels.projections.map((p) => p.name));
    } finally {
      if (reader.isTransactionActive) await reader.rollbackTransaction();
      await reader.release();
    }
  }, 120_000);

  it('through the CLI: crm projections rebuild --swap while purchases and queries go on, then crm projections verify exits 0', async () => {
    await swapCustomers();
    const config = t.app.get<CrmConfig>(CRM_CONFIG);
    let swapped = { code: -1, stdout: '' };
    const load = await underLoad(async () => {
      swapped = await cli(() => swapRebuildCommand(undefined, config));
    });
    expect(swapped.code).toBe(0);
    expect(swapped.stdout).toContain(`switched ${readModels.projections.length} table(s)`);
    expect(load.problems).toEqual([]);
    expect(load.purchases).toBeGreaterThan(0);
    expect(load.duringBuild.length).toBeGreaterThan(0);
    await customer(7);
    await expectEventually(async () => {
      await t.as('reader').get('/customers/vr-7').expect(200);
    });
    await caughtUp();
    const verified = await cli(() => verifyCommand(undefined, false, config));
    expect(verified.stdout).toMatch(/all \d+ read model\(s\) equal a fold from the first event/);
    expect(verified.code).toBe(0);
  }, 300_000);
});

describe('crm projections verify and rebuild --swap on the embedded database', () => {
  let t: TestApp;
  let store: EventStore;
  let dataSource: DataSource;

  const purchase = (customerId: string, orderId: string) =>
    t
      .as('writer')
      .post(`/customers/${customerId}/purchases`)
      .send({
        orderId,
        currency: 'EUR',
        channel: 'web',
        lines: line(orderId.length),
        occurredAt: '2025-03-01T10:00:00Z',
      })
      .expect(201);
  const countOf = async (customerId: string): Promise<number> =>
    (await t.as('reader').get(`/customers/${customerId}`).expect(200)).body.purchaseCount;
  const differing = async () =>
    (await verifyProjections(store, dataSource, readModels.projections, { batchSize: 50 })).filter(
      (r) => r.missingFromLive + r.unexpectedInLive > 0,
    );

  beforeAll(async () => {
    t = await startTestApp('pglite');
    store = t.app.get<EventStore>(EVENT_STORE);
    dataSource = t.app.get<DataSource>(DATA_SOURCE);
    for (const c of [1, 2, 3]) {
      await t
        .as('writer')
        .post('/customers')
        .send({ customerId: `em-${c}`, kind: 'individual', name: `Embedded ${c}`, occurredAt: '2025-01-01T00:00:00Z' })
        .expect(201);
      await purchase(`em-${c}`, 'o-1');
    }
    await expectEventually(async () => expect(await countOf('em-3')).toBe(1));
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  }, 60_000);

  it('verifies the live tables while the projector runs', async () => {
    expect(await differing()).toEqual([]);
    await dataSource.query(`UPDATE customer_summary SET purchase_count = 5 WHERE customer_id = 'em-3'`);
    expect((await differing()).map((r) => [r.name, r.missingFromLive, r.unexpectedInLive])).toEqual([
      ['customer_summary', 1, 1],
    ]);
  }, 60_000);

  it('switches in no older state than the live projector had reached, when it moved on after the new tables were brought to the head', async () => {
    let headReads = 0;
    // As on the server: after the second head read, a purchase the live projector applies before the switch.
    const movingOn = new Proxy(store, {
      get(target, property) {
        if (property === 'headCheckpoint') {
          return async () => {
            const head = await target.headCheckpoint();
            if (++headReads === 2) {
              await purchase('em-1', 'o-2');
              await expectEventually(async () => expect(await countOf('em-1')).toBe(2));
            }
            return head;
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    await swapRebuildProjections(movingOn, dataSource, readModels.projections, { batchSize: 50 });
    // The switch found the new tables behind, let go, and brought them further before switching.
    expect(headReads).toBeGreaterThanOrEqual(3);
    expect(await countOf('em-1')).toBe(2);
    // The hand-made damage is gone, and the projector goes on.
    expect(await countOf('em-3')).toBe(1);
    await purchase('em-2', 'o-2');
    await expectEventually(async () => expect(await countOf('em-2')).toBe(2));
    expect(await differing()).toEqual([]);
  }, 120_000);
});
