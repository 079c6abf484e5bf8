import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '@crm/platform';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const line = [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor: 1200 }];

describeOnPostgresServer('scheduled work and metrics on PostgreSQL server', () => {
  let t: TestApp;
  let dataSource: DataSource;

  beforeAll(async () => {
    // A run whenever the latest is older than 24 h, looked for every second.
    t = await startTestApp('postgres', { CRM_SEGMENTATION_INTERVAL_HOURS: '24', CRM_STATUS_REFRESH_SECONDS: '1' });
    dataSource = t.app.get<DataSource>(DATA_SOURCE);
  });

  afterAll(async () => {
    await t?.close();
  });

  const runs = async (): Promise<number> =>
    Number((await dataSource.query('SELECT count(*) AS n FROM segmentation_runs'))[0].n);

  it('makes no segmentation run while nobody has bought', async () => {
    await t
      .as('writer')
      .post('/customers')
      .send({ customerId: 'sw-1', kind: 'individual', name: 'Scheduled One', occurredAt: '2026-01-01T00:00:00Z' })
      .expect(201);
    // The status refresher has run (it evaluates the new customer) without a run being made.
    await expectEventually(async () => {
      const [row] = await dataSource.query("SELECT stage FROM customer_status WHERE customer_id = 'sw-1'");
      expect(row?.stage).toBe('prospect');
    });
    expect(await runs()).toBe(0);
  });

  it('makes one run, on schedule, once someone has bought, and the statuses follow it', async () => {
    await t
      .as('writer')
      .post('/customers/sw-1/purchases')
      .send({ orderId: 'o-1', currency: 'EUR', channel: 'web', lines: line, occurredAt: new Date().toISOString() })
      .expect(201);
    await expectEventually(
      async () => {
        const [row] = await dataSource.query(
          `SELECT st.segment, st.segmentation_run_id, r.rules_version
             FROM customer_status st JOIN segmentation_runs r ON r.id = st.segmentation_run_id
            WHERE st.customer_id = 'sw-1'`,
        );
        expect(row).toMatchObject({ rules_version: 'crm-rules-defaults-1' });
        expect(row.segment).not.toMatch(/^(prospect|unscored)$/);
      },
      { timeoutMs: 15_000 },
    );
    expect(await runs()).toBe(1);
  });

  it('reports projection lag and the latest run as Prometheus metrics', async () => {
    const { text, headers } = await t.as('reader').get('/metrics').expect(200);
    expect(headers['content-type']).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(text).toMatch(/^# TYPE crm_projection_lag_events gauge$/m);
    expect(text).toMatch(/^crm_projection_lag_events\{projection="customer_summary"\} \d+$/m);
    expect(text).toMatch(/^crm_projection_lag_seconds\{projection="customer_summary"\} [\d.]+$/m);
    expect(text).toMatch(/^crm_customers 1$/m);
    expect(text).toMatch(/^crm_segmentation_latest_run_timestamp_seconds [1-9]\d+$/m);
    await t.as('reader').get('/metrics').set('Authorization', 'Bearer wrong').expect(401);
  });
});
