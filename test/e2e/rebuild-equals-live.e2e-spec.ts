import { readModels } from '@crm/catalog';
import { DATA_SOURCE, EVENT_STORE } from '@crm/platform';
import type { EventStore } from '@crm/event-store';
import { ProjectorService, projectionTable, rebuildProjection } from '@crm/projections';
import type { DataSource } from 'typeorm';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const CUSTOMERS = 24;
const DAY_MS = 86_400_000;
const at = (day: number, hour = 10): string =>
  new Date(Date.UTC(2025, 0, 1) + day * DAY_MS + hour * 3_600_000).toISOString();
const lines = (n: number) => [
  {
    sku: `SKU-${n % 5}`,
    category: ['books', 'music', 'games'][n % 3],
    quantity: 1 + (n % 3),
    unitPriceMinor: 500 + n * 37,
  },
];

/**
 * The guarantee that read models are a pure function of the log: tables
 * built live, while commands of every kind arrive concurrently through HTTP,
 * equal row for row the tables rebuilt from position 0 afterwards.
 */
describeOnPostgresServer('rebuild from position 0 equals the tables built live (PostgreSQL server)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp('postgres', { CRM_PROJECTOR_BATCH_SIZE: '7' });
  });

  afterAll(async () => {
    await t?.close();
  });

  /** One customer's whole story; customers run concurrently, each story in order. */
  async function story(c: number): Promise<void> {
    const w = t.as('writer');
    const id = `rb-${c}`;
    const base = `/customers/${id}`;
    await w
      .post('/customers')
      .send({
        customerId: id,
        kind: 'individual',
        name: `Rebuild ${c}`,
        region: ['north', 'south'][c % 2],
        occurredAt: at(0),
      })
      .expect(201);
    await w
      .put(`${base}/account-manager`)
      .send({ accountManagerId: `am-${c % 3}`, occurredAt: at(1) })
      .expect(200);
    for (let p = 0; p < 3 + (c % 4); p++) {
      await w
        .post(`${base}/purchases`)
        .send({
          orderId: `o-${p}`,
          currency: 'EUR',
          channel: p % 2 ? 'web' : 'store',
          lines: lines(c + p),
          occurredAt: at(10 + p * 20 + c),
        })
        .expect(201);
    }
    // A late purchase: recorded last, happened first.
    await w
      .post(`${base}/purchases`)
      .send({ orderId: 'o-late', currency: 'EUR', channel: 'web', lines: lines(c), occurredAt: at(5) })
      .expect(201);
    await w
      .post(`${base}/purchases/o-0/refunds`)
      .send({ refundId: 'r-0', amountMinor: 100 + c, occurredAt: at(40 + c) })
      .expect(201);
    await w
      .post(`${base}/surveys`)
      .send({ surveyId: 's-0', method: 'online', csat: 1 + (c % 5), nps: c % 11, occurredAt: at(60) })
      .expect(201);
    await w
      .patch(`${base}/profile`)
      .send({ email: `c${c}@example.com`, occurredAt: at(61) })
      .expect(200);
    await w
      .post(`${base}/contacts`)
      .send({ channel: 'phone', direction: 'outbound', agent: 'agent-1', topic: 'renewal', occurredAt: at(62) })
      .expect(201);
    if (c % 2 === 0) {
      const complaint = `${base}/complaints/cp-0`;
      await w
        .post(`${base}/complaints`)
        .send({
          complaintId: 'cp-0',
          category: 'delivery',
          severity: ['low', 'medium', 'high', 'critical'][c % 4],
          channel: 'email',
          description: 'late parcel',
          occurredAt: at(70),
        })
        .expect(201);
      await w
        .post(`${complaint}/assessment`)
        .send({ valid: true, reason: 'confirmed', occurredAt: at(71) })
        .expect(201);
      await w
        .post(`${complaint}/resolution-proposals`)
        .send({ proposal: 'resend', occurredAt: at(72) })
        .expect(201);
      await w
        .post(`${complaint}/resolution`)
        .send({ resolution: 'resent', occurredAt: at(73) })
        .expect(201);
      if (c % 4 === 0) {
        await w
          .post(`${complaint}/reopening`)
          .send({ reason: 'lost again', occurredAt: at(75) })
          .expect(201);
      }
    }
    if (c % 6 === 1) {
      await w
        .post(`${base}/termination`)
        .send({ reason: 'moved', occurredAt: at(200) })
        .expect(201);
      await w
        .post(`${base}/reactivation`)
        .send({ reason: 'win-back', occurredAt: at(400) })
        .expect(201);
      await w
        .post(`${base}/purchases`)
        .send({ orderId: 'o-back', currency: 'EUR', channel: 'web', lines: lines(c), occurredAt: at(401) })
        .expect(201);
    }
  }

  it('rebuilds every read model into tables identical to the live ones', async () => {
    await Promise.all(Array.from({ length: CUSTOMERS }, (_, c) => story(c)));
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    const store = t.app.get<EventStore>(EVENT_STORE);
    const projector = t.app.get(ProjectorService);
    // Every event committed, counted directly: the readers' horizon can lag behind commits while another
    // transaction on the server is open, so "no lag" alone could be said before the last events are visible.
    const committed = await t.eventCount();
    await expectEventually(
      async () => {
        const status = await projector.status();
        expect(status.map((p) => [p.name, p.eventsApplied])).toEqual(status.map((p) => [p.name, committed]));
      },
      { timeoutMs: 30_000 },
    );

    const tables = readModels.projections.map((projection) => projectionTable(dataSource, projection));
    for (const table of tables) await dataSource.query(`CREATE TABLE "live_${table}" AS SELECT * FROM "${table}"`);
    for (const projection of readModels.projections) {
      await rebuildProjection(store, dataSource, projection, { batchSize: 500 });
    }

    const differences: Record<string, { missing: number; extra: number; rows: number }> = {};
    for (const table of tables) {
      const count = async (sql: string) => Number((await dataSource.query(sql))[0].n);
      differences[table] = {
        missing: await count(
          `SELECT count(*) AS n FROM (SELECT * FROM "live_${table}" EXCEPT ALL SELECT * FROM "${table}") d`,
        ),
        extra: await count(
          `SELECT count(*) AS n FROM (SELECT * FROM "${table}" EXCEPT ALL SELECT * FROM "live_${table}") d`,
        ),
        rows: await count(`SELECT count(*) AS n FROM "${table}"`),
      };
    }
    for (const [table, difference] of Object.entries(differences)) {
      expect([table, difference.missing, difference.extra]).toEqual([table, 0, 0]);
      expect([table, difference.rows > 0]).toEqual([table, true]);
    }

    // The comparison can fail: a row altered by hand is seen.
    await dataSource.query(
      `UPDATE customer_summary SET net_spend_minor = net_spend_minor + 1 WHERE customer_id = 'rb-3'`,
    );
    const altered = await dataSource.query(
      'SELECT count(*) AS n FROM (SELECT * FROM live_customer_summary EXCEPT ALL SELECT * FROM customer_summary) d',
    );
    expect(Number(altered[0].n)).toBe(1);
  });
});
