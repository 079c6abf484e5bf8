import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import type { EventStore, StoredEvent } from '@crm/event-store';
import { DATA_SOURCE, EVENT_STORE, loadCrmConfig, type CrmConfig } from '@crm/platform';
import { commandBusDispatcher, IMPORT_ACTOR, openCliContext } from '../../../apps/cli/src/import.command';
import { createScratchDatabase, postgresServerUnavailable } from '../../../test/support/databases';
import { CdnowSource } from './cdnow/cdnow.source';
import { PurchaseFileSource } from './purchases/purchase-file.source';
import { runImport, type ImportReport } from './runner/import-runner';
import { describeSkipped } from '../../../test/support/server-suites';

const FIXTURE = join(__dirname, '../../../test/fixtures/cdnow-sample.txt');
const NOW = new Date('2026-01-01T00:00:00Z');
const REGISTERED_BY_API_AT = new Date('1996-12-31T00:00:00Z');

interface Storage {
  readonly config: CrmConfig;
  dispose(): Promise<void>;
}

/**
 * The CDNOW import through the real command path (the CLI's application
 * context: command bus, customer command handler, command executor, event
 * store), on one kind of storage.
 */
function describeImport(name: string, open: () => Promise<Storage>): void {
  describe(`CDNOW import on ${name}`, () => {
    let storage: Storage;
    let context: INestApplicationContext;
    let store: EventStore;

    beforeAll(async () => {
      storage = await open();
      context = await openCliContext(storage.config);
      store = context.get<EventStore>(EVENT_STORE);
    }, 120_000);

    afterAll(async () => {
      await context?.close();
      await storage?.dispose();
    }, 60_000);

    const importCdnow = async (correlationId: string): Promise<ImportReport> =>
      runImport(await CdnowSource.read(FIXTURE, NOW), commandBusDispatcher(context), {
        concurrency: 4,
        correlationId,
        actor: IMPORT_ACTOR,
      });
    // Committed events counted directly: a reader's horizon may still hold back
    // events behind another open transaction on the server.
    const eventCount = async (): Promise<number> => {
      const rows: Array<{ n: number }> = await context
        .get<DataSource>(DATA_SOURCE)
        .query('SELECT count(*)::int AS n FROM es_events');
      return rows[0]!.n;
    };
    const streamOf = (customerId: string): Promise<StoredEvent[]> => store.readStream(`customer-${customerId}`);

    it('imports the sample: customers registered first, one purchase per valid row, bad rows refused by line', async () => {
      // A customer the API registered earlier (before its first purchase in the file) counts as existing, not as an error.
      await commandBusDispatcher(context)(
        '00001',
        {
          type: 'RegisterCustomer',
          data: {
            customerId: '00001',
            kind: 'individual',
            profile: { name: 'Registered by the API' },
            occurredAt: REGISTERED_BY_API_AT,
          },
        },
        {
          commandId: 'api-registration-00001',
          correlationId: 'api',
          actor: 'writer-key:0123456789ab',
          occurredAt: REGISTERED_BY_API_AT,
        },
      );

      const report = await importCdnow('import-run-1');

      expect(report).toMatchObject({
        format: 'cdnow',
        rows: 29,
        customers: 9,
        customersRegistered: 8,
        customersExisting: 1,
        customersRefused: 0,
        purchases: 22,
        purchasesAppended: 22,
        purchasesAlreadyPresent: 0,
        purchasesRefused: 0,
        zeroValuePurchases: 1,
        eventsAppended: 30,
        rowsRefused: 7,
      });
      expect(report.stopped).toBeUndefined();
      expect(report.refusals.map((r) => [r.line, r.code])).toEqual([
        [23, 'INVALID_DATE'],
        [24, 'INVALID_QUANTITY'],
        [25, 'INVALID_AMOUNT'],
        [26, 'INVALID_AMOUNT'],
        [27, 'WRONG_FIELD_COUNT'],
        [28, 'INVALID_QUANTITY'],
        [30, 'INVALID_CUSTOMER_ID'],
      ]);
      expect(await eventCount()).toBe(31);
    });

    it('stores the events with exact cents, business times and the import metadata', async () => {
      const events = await streamOf('00007');
      expect(events.map((e) => [e.type, e.data.occurredAt])).toEqual([
        ['CustomerRegistered', '1997-01-01T00:00:00.000Z'],
        ['PurchaseRecorded', '1997-01-01T00:00:00.000Z'],
        ['PurchaseRecorded', '1997-01-01T00:00:00.000Z'],
      ]);
      expect(events[0]!.data).toMatchObject({
        customerId: '00007',
        kind: 'individual',
        profile: { name: 'CDNOW customer 00007' },
        acquisitionSource: 'import',
      });
      expect(events[2]!.data).toEqual({
        orderId: 'cdnow-00007-19970101-2',
        currency: 'USD',
        channel: 'web',
        region: null,
        lines: [
          { sku: 'cdnow', category: 'music', quantity: 3, unitPriceMinor: 37, discountMinor: 1, totalMinor: 110 },
        ],
        totalMinor: 110,
        occurredAt: '1997-01-01T00:00:00.000Z',
      });
      expect(events[2]!.metadata).toMatchObject({
        commandId: 'import:cdnow:purchase:cdnow-00007-19970101-2',
        correlationId: 'import-run-1',
        causationId: 'import:cdnow:purchase:cdnow-00007-19970101-2',
        actor: 'cli:import',
        occurredAt: '1997-01-01T00:00:00.000Z',
      });

      const zero = await streamOf('00006');
      expect(zero.map((e) => [e.data.orderId, e.data.totalMinor])).toEqual([
        [undefined, undefined],
        ['cdnow-00006-19970101-1', 2099],
        ['cdnow-00006-19970101-2', 0],
      ]);
      expect((await streamOf('00008')).map((e) => e.data.totalMinor)).toEqual([undefined, 29]);

      // Rows out of date order: registered at the earliest purchase, purchases in file order.
      const of5 = await streamOf('00005');
      expect(of5.map((e) => e.data.occurredAt)).toEqual([
        '1997-01-01T00:00:00.000Z',
        '1997-02-04T00:00:00.000Z',
        '1997-01-01T00:00:00.000Z',
        '1997-04-11T00:00:00.000Z',
      ]);
      expect(of5[0]!.metadata.commandId).toBe('import:cdnow:register:00005');

      const apiRegistered = await streamOf('00001');
      expect(apiRegistered.map((e) => e.type)).toEqual(['CustomerRegistered', 'PurchaseRecorded']);
      expect(apiRegistered[0]!.data).toMatchObject({ profile: { name: 'Registered by the API' } });
      await expect(streamOf('00009')).rejects.toThrow('not found');
    });

    it('appends nothing when the same file is imported again', async () => {
      const before = await eventCount();
      const report = await importCdnow('import-run-2');
      expect(report).toMatchObject({
        customersRegistered: 0,
        customersExisting: 9,
        purchasesAppended: 0,
        purchasesAlreadyPresent: 22,
        eventsAppended: 0,
        rowsRefused: 7,
      });
      expect(await eventCount()).toBe(before);
    });

    it('imports a generic NDJSON purchase file the same way, idempotently', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'crm-import-int-'));
      try {
        const path = join(dir, 'purchases.ndjson');
        const line = { occurredAt: '2024-03-01T10:15:00Z', currency: 'EUR', channel: 'store', category: 'books' };
        writeFileSync(
          path,
          [
            {
              ...line,
              customerId: 'p-1',
              orderId: 'o-1',
              sku: 'A',
              quantity: 2,
              unitPriceMinor: 1250,
              customerName: 'Ada',
            },
            {
              ...line,
              customerId: 'p-1',
              orderId: 'o-1',
              sku: 'B',
              quantity: 1,
              unitPriceMinor: 300,
              discountMinor: 50,
              customerName: 'Ada',
            },
            { ...line, customerId: '00002', orderId: 'o-9', sku: 'C', quantity: 1, unitPriceMinor: 999 },
            // Dated before the registration of a customer the store knows: refused, the import goes on.
            {
              ...line,
              occurredAt: '1996-06-01',
              customerId: '00001',
              orderId: 'o-old',
              sku: 'D',
              quantity: 1,
              unitPriceMinor: 100,
            },
          ]
            .map((row) => JSON.stringify(row))
            .join('\n'),
        );
        const run = async (): Promise<ImportReport> =>
          runImport(await PurchaseFileSource.open(path, 'ndjson', NOW), commandBusDispatcher(context), {
            concurrency: 2,
            correlationId: 'ndjson-run',
            actor: IMPORT_ACTOR,
          });
        const first = await run();
        expect(first).toMatchObject({
          rows: 4,
          customers: 3,
          customersRegistered: 1,
          customersExisting: 2,
          purchasesAppended: 2,
          eventsAppended: 3,
          rowsRefused: 1,
        });
        expect(first.refusals).toEqual([expect.objectContaining({ line: 4, code: 'BEFORE_REGISTRATION' })]);
        const events = await streamOf('p-1');
        expect(events[1]!.data).toMatchObject({ orderId: 'o-1', totalMinor: 2750 });
        expect(events[1]!.metadata.commandId).toBe('import:purchases:p-1/o-1');
        const before = await eventCount();
        expect(await run()).toMatchObject({ purchasesAppended: 0, purchasesAlreadyPresent: 2, eventsAppended: 0 });
        expect(await eventCount()).toBe(before);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describeImport('embedded PGlite', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'crm-import-'));
  return {
    config: loadCrmConfig({ CRM_DATA_DIR: dataDir, LOG_LEVEL: 'error' }),
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
});

const unavailable = postgresServerUnavailable();
if (unavailable) {
  describeSkipped('CDNOW import on PostgreSQL server', unavailable);
} else {
  // No CRM_API_KEYS: the CLI serves no HTTP and needs none, even with DATABASE_URL.
  describeImport('PostgreSQL server', async () => {
    const database = await createScratchDatabase('import');
    return {
      config: loadCrmConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'error' }),
      dispose: () => database.drop(),
    };
  });
}
