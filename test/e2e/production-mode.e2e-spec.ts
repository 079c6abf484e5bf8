import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CRM_CONFIG, type CrmConfig } from '@crm/platform';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { verifyChainCommand } from '../../apps/cli/src/audit.command';
import { historyCommand } from '../../apps/cli/src/customer-audit.command';
import { captureCliOutput } from '../support/cli-output';
import { testEventStoreServer } from '../support/eventstore-server';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const purchase = (orderId: string, unitPriceMinor: number, occurredAt: string) => ({
  orderId,
  currency: 'EUR',
  channel: 'web',
  occurredAt,
  lines: [{ sku: 'SKU-1', category: 'books', quantity: 2, unitPriceMinor }],
});

/**
 * Production mode (docs/architecture.md, "Modes"): the events in EventStoreDB
 * through @eventstore/db-client (EVENTSTORE_URL: the server given to the run,
 * or the in-process protocol test double), the read models on the
 * PostgreSQL server, the API and the projector as separate applications
 * (the API with CRM_PROJECTOR=external, the projector's module started
 * beside it as its process would start it). Customer ids are unique per run,
 * so a real server can be used again and again.
 */
describeOnPostgresServer('production mode: API and projector on EventStoreDB, read models on PostgreSQL', () => {
  let t: TestApp;
  let projector: INestApplicationContext;
  const customerId = `prod-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    t = await startTestApp('postgres', { EVENTSTORE_URL: testEventStoreServer().url, CRM_PROJECTOR: 'external' });
    projector = await NestFactory.createApplicationContext(ProjectorModule.forRoot(t.config), { logger: false });
    await projector.init();
  }, 60_000);

  afterAll(async () => {
    await projector?.close();
    await t?.close();
  }, 60_000);

  const cli = (run: (config: CrmConfig) => Promise<number>) =>
    captureCliOutput(() => run(t.app.get<CrmConfig>(CRM_CONFIG)));

  it('runs the API on EventStoreDB', async () => {
    expect(t.store.kind).toBe('eventstoredb');
    const { body } = await t.as('reader').get('/health').expect(200);
    expect(body).toMatchObject({ status: 'ok', store: { ok: true, kind: 'eventstoredb' }, projector: 'external' });
  });

  it('registers a customer, records purchases and serves them once the projector has caught up', async () => {
    const writer = t.as('writer');
    const registered = await writer
      .post('/customers')
      .send({
        customerId,
        kind: 'individual',
        name: 'Production Pat',
        region: 'north',
        occurredAt: '2025-01-02T09:00:00Z',
      })
      .expect(201);
    expect(registered.body).toMatchObject({ customerId, revision: 0 });
    await writer
      .post(`/customers/${customerId}/purchases`)
      .send(purchase('o-1', 1250, '2025-02-01T10:00:00Z'))
      .expect(201);
    const last = await writer
      .post(`/customers/${customerId}/purchases`)
      .set('Idempotency-Key', `${customerId}-o-2`)
      .send(purchase('o-2', 3000, '2025-03-01T10:00:00Z'))
      .expect(201);
    expect(last.headers.etag).toBe('"2"');
    // A retry of the last command is answered as the first time and appends nothing.
    const retry = await writer
      .post(`/customers/${customerId}/purchases`)
      .set('Idempotency-Key', `${customerId}-o-2`)
      .send(purchase('o-2', 3000, '2025-03-01T10:00:00Z'))
      .expect(201);
    expect(retry.body).toEqual(last.body);
    // A stale If-Match loses with 412, never silently.
    await writer
      .post(`/customers/${customerId}/purchases`)
      .set('If-Match', '"1"')
      .send(purchase('o-3', 100, '2025-03-02T10:00:00Z'))
      .expect(412);

    const customer = await expectEventually(async () => {
      const { body } = await t.as('reader').get(`/customers/${customerId}`).expect(200);
      expect(body.revision).toBe(2);
      return body;
    });
    expect(customer).toMatchObject({
      customerId,
      name: 'Production Pat',
      region: 'north',
      purchaseCount: 2,
      currency: 'EUR',
      grossSpendMinor: 8500,
      netSpendMinor: 8500,
      lastCheckpoint: last.body.checkpoint,
    });
    expect(await t.store.countStream(`customer-${customerId}`)).toBe(3);
  });

  it('crm history prints every event of the customer from EventStoreDB', async () => {
    const { code, stdout } = await cli((config) => historyCommand(customerId, { json: true }, config));
    expect(code).toBe(0);
    const items = stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; revision: number; businessTime: string | null });
    expect(items.map((item) => [item.revision, item.type])).toEqual([
      [0, 'CustomerRegistered'],
      [1, 'PurchaseRecorded'],
      [2, 'PurchaseRecorded'],
    ]);
    expect(items[2]!.businessTime).toBe('2025-03-01T10:00:00.000Z');
  });

  it('crm audit verify-chain finds the hash chain of the customer intact', async () => {
    const { code, stdout } = await cli((config) =>
      verifyChainCommand({ stream: `customer-${customerId}`, json: true, strict: true }, config),
    );
    const summary = JSON.parse(stdout) as {
      exitCode: number;
      streams: number;
      events: number;
      chained: number;
      findings: unknown[];
    };
    expect(summary).toMatchObject({ exitCode: 0, streams: 1, events: 3, chained: 3, findings: [] });
    expect(code).toBe(0);
  });
});
