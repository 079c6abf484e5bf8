import { readModels } from '@crm/catalog';
import { CRM_CONFIG, DATA_SOURCE, EVENT_STORE, type CrmConfig } from '@crm/platform';
import type { EventStore } from '@crm/event-store';
import { ProjectorService, swapRebuildProjections, verifyProjections } from '@crm/projections';
import type { DataSource } from 'typeorm';
import { verifyCommand } from '../../apps/cli/src/projections.command';
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
      const written: string[] = [];
      const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        written.push(chunk.toString());
        return true;
      });
      const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
      try {
        const code = await verifyCommand('customer_summary', false, t.app.get<CrmConfig>(CRM_CONFIG), limit);
        return { code, lines: written.join('').trimEnd().split('\n') };
      } finally {
        write.mockRestore();
        stderr.mockRestore();
      }
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

  it('swaps in rebuilt tables while queries keep being answered, keeping index names and views', async () => {
    const indexesBefore = await indexNames();
    const revenueBefore = (
      await t.as('reader').get('/analytics/revenue?from=2025-01-01&to=2026-01-01&groupBy=category').expect(200)
    ).body;
    let reading = true;
    const answers: number[] = [];
    const reader = (async () => {
      while (reading) answers.push((await t.as('reader').get('/customers/vr-1')).status);
    })();
    try {
      const results = await swapRebuildProjections(store, dataSource, readModels.projections, { batchSize: 5 });
      expect(results.map((r) => r.name)).toEqual(readModels.projections.map((p) => p.name));
    } finally {
      reading = false;
      await reader;
    }
    expect(answers.length).toBeGreaterThan(0);
    expect([...new Set(answers)]).toEqual([200]);
    // The hand-made damage is gone: the tables are the fold of the log.
    const { body } = await t.as('reader').get('/customers/vr-2').expect(200);
    expect(body.netSpendMinor).toBeGreaterThan(1);
    expect(await indexNames()).toEqual(indexesBefore);
    const revenueAfter = (
      await t.as('reader').get('/analytics/revenue?from=2025-01-01&to=2026-01-01&groupBy=category').expect(200)
    ).body;
    expect(revenueAfter).toEqual(revenueBefore);
    const verified = await verifyProjections(store, dataSource, readModels.projections, { batchSize: 50 });
    expect(verified.filter((r) => r.missingFromLive + r.unexpectedInLive > 0)).toEqual([]);
    // The projector goes on from the new tables' checkpoint.
    await customer(7);
    await expectEventually(async () => {
      await t.as('reader').get('/customers/vr-7').expect(200);
    });
  });
});
