import { captureCliOutput } from '../../../test/support/cli-output';
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { EventStore, StoredEvent } from '@crm/event-store';
import { EVENT_STORE, loadCrmConfig, type CommandContext, type CommandResult, type CrmConfig } from '@crm/platform';
import type { ChainFinding } from '@crm/platform/audit/chain-verification';
import type { CustomerCommand } from '@crm/customers/domain/customer.commands';
import { Pool } from 'pg';
import { createScratchDatabase } from '../../../test/support/databases';
import { expectEventually } from '../../../test/support/eventually';
import { describeOnPostgresServer } from '../../../test/support/server-suites';
import { CHAIN_FINDINGS_EXIT, verifyChainCommand, verifyChains, type ChainVerificationSummary } from './audit.command';
import { commandBusDispatcher, openCliContext } from './import.command';

const DAY = 86_400_000;
const START = Date.UTC(2025, 0, 1);

/**
 * Tamper evidence on the PostgreSQL server: events appended through the
 * product's command bus (command handler, CommandExecutor, the store's
 * es_append), then rows of es_events edited, deleted, swapped and forged
 * directly in SQL; `crm audit verify-chain` must name each.
 */
describeOnPostgresServer('audit verify-chain on the PostgreSQL server', () => {
  let database: { url: string; drop(): Promise<void> };
  let config: CrmConfig;
  let context: INestApplicationContext;
  let store: EventStore;
  let sql: Pool;

  const send = (
    customerId: string,
    command: CustomerCommand,
    commandId: string,
    at: number,
  ): Promise<CommandResult> => {
    const commandContext: CommandContext = {
      commandId,
      correlationId: 'audit-spec',
      actor: 'test:audit',
      occurredAt: new Date(at),
    };
    return commandBusDispatcher(context)(customerId, command, commandContext);
  };

  /** A customer registered, then `purchases` purchases on consecutive days: 1 + purchases events. */
  async function customerWithPurchases(customerId: string, purchases: number): Promise<void> {
    await send(
      customerId,
      {
        type: 'RegisterCustomer',
        data: {
          customerId,
          kind: 'individual',
          profile: { name: `Customer ${customerId}` },
          occurredAt: new Date(START),
        },
      },
      `register-${customerId}`,
      START,
    );
    for (let p = 1; p <= purchases; p++) {
      const at = START + p * DAY;
      await send(
        customerId,
        {
          type: 'RecordPurchase',
          data: {
            orderId: `o-${p}`,
            currency: 'EUR',
            channel: 'web',
            lines: [{ sku: `sku-${p}`, category: 'books', quantity: p, unitPriceMinor: 1_250 }],
            occurredAt: new Date(at),
          },
        },
        `purchase-${customerId}-${p}`,
        at,
      );
    }
  }

  const streamOf = (customerId: string): Promise<StoredEvent[]> => store.readStream(`customer-${customerId}`);
  const findingsOf = (summary: Omit<ChainVerificationSummary, 'storage'>, customerId: string) =>
    summary.findings
      .filter((f) => f.stream === `customer-${customerId}`)
      .map((f: ChainFinding) => [f.kind, f.revision, f.eventId]);

  /** The walk over all streams, once readAll's horizon has passed the five customers' first events. */
  const everyStreamListed = () =>
    expectEventually(
      async () => {
        const summary = await verifyChains(store, { strict: false });
        expect(summary.streams).toBe(5);
        return summary;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );

  beforeAll(async () => {
    database = await createScratchDatabase('audit_chain');
    config = loadCrmConfig({ DATABASE_URL: database.url, LOG_LEVEL: 'error' });
    context = await openCliContext(config);
    store = context.get<EventStore>(EVENT_STORE);
    sql = new Pool({ connectionString: database.url, max: 2 });
  });

  afterAll(async () => {
    await sql?.end();
    await context?.close();
    await database?.drop();
  });

  it('chains every event the command path appends, across several events of one command and replays', async () => {
    for (const customerId of ['edit', 'delete', 'swap', 'insert', 'clean']) await customerWithPurchases(customerId, 5);
    // A purchase after a termination appends two events in one command: reactivation, then the purchase.
    await send(
      'clean',
      { type: 'TerminateRelationship', data: { reason: 'moved', occurredAt: new Date(START + 10 * DAY) } },
      'terminate-clean',
      START + 10 * DAY,
    );
    const purchase: CustomerCommand = {
      type: 'RecordPurchase',
      data: {
        orderId: 'o-back',
        currency: 'EUR',
        channel: 'store',
        lines: [{ sku: 'sku-back', category: 'books', quantity: 1, unitPriceMinor: 990 }],
        occurredAt: new Date(START + 20 * DAY),
      },
    };
    const first = await send('clean', purchase, 'purchase-clean-back', START + 20 * DAY);
    const replay = await send('clean', purchase, 'purchase-clean-back', START + 20 * DAY);
    expect(first.eventIds).toHaveLength(2);
    expect(replay).toMatchObject({ replayed: true, eventIds: first.eventIds });

    const clean = await streamOf('clean');
    expect(clean.map((e) => e.type).slice(-3)).toEqual([
      'RelationshipTerminated',
      'CustomerReactivated',
      'PurchaseRecorded',
    ]);
    const links = clean.map((e) => e.metadata.chain as { hash: string; previous: string });
    expect(links[0]!.previous).toBe('0'.repeat(64));
    for (let i = 1; i < links.length; i++) expect(links[i]!.previous).toBe(links[i - 1]!.hash);

    // Streams are listed through readAll, which waits behind transactions other suites hold open on the server.
    const summary = await everyStreamListed();
    expect(summary).toMatchObject({ streams: 5, events: 5 * 6 + 3, chained: 5 * 6 + 3, unchained: 0, findings: [] });
    expect(summary.exitCode).toBe(0);
  });

  it('names an event whose data was changed with UPDATE as edited', async () => {
    const events = await streamOf('edit');
    await sql.query(
      `UPDATE es_events SET data = jsonb_set(data, '{lines,0,quantity}', '40') WHERE stream_id = $1 AND revision = 3`,
      ['customer-edit'],
    );
    const summary = await verifyChains(store, { stream: 'customer-edit', strict: false });
    expect(findingsOf(summary, 'edit')).toEqual([['edited', 3, events[3]!.id]]);
  });

  it('names an event removed with DELETE as deleted: its revision and the event after the gap', async () => {
    const events = await streamOf('delete');
    await sql.query('DELETE FROM es_events WHERE stream_id = $1 AND revision = 2', ['customer-delete']);
    const summary = await verifyChains(store, { stream: 'customer-delete', strict: false });
    expect(findingsOf(summary, 'delete')).toEqual([['deleted', 2, events[3]!.id]]);
  });

  it('names two events whose revisions were swapped as reordered', async () => {
    const events = await streamOf('swap');
    // (stream_id, revision) is unique: move one row aside first, in one transaction.
    const client = await sql.connect();
    try {
      await client.query('BEGIN');
      await client.query(`UPDATE es_events SET revision = 1000 WHERE stream_id = 'customer-swap' AND revision = 1`);
      await client.query(`UPDATE es_events SET revision = 1 WHERE stream_id = 'customer-swap' AND revision = 4`);
      await client.query(`UPDATE es_events SET revision = 4 WHERE stream_id = 'customer-swap' AND revision = 1000`);
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const summary = await verifyChains(store, { stream: 'customer-swap', strict: false });
    expect(findingsOf(summary, 'swap')).toEqual([
      ['reordered', 1, events[4]!.id],
      ['reordered', 4, events[1]!.id],
    ]);
  });

  it('names a forged row (a copy with a new id, the later revisions moved up) as inserted', async () => {
    const forgedId = randomUUID();
    const client = await sql.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `UPDATE es_events SET revision = revision + 1000 WHERE stream_id = 'customer-insert' AND revision >= 3`,
      );
      await client.query(
        `UPDATE es_events SET revision = revision - 999 WHERE stream_id = 'customer-insert' AND revision >= 1000`,
      );
      await client.query(
        `INSERT INTO es_events (event_id, stream_id, revision, type, data, metadata)
         SELECT $1, stream_id, 3, type, jsonb_set(data, '{orderId}', '"o-forged"'), metadata
         FROM es_events WHERE stream_id = 'customer-insert' AND revision = 2`,
        [forgedId],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    const summary = await verifyChains(store, { stream: 'customer-insert', strict: false });
    expect(findingsOf(summary, 'insert')).toEqual([['inserted', 3, forgedId]]);
  });

  it('crm audit verify-chain exits non-zero and prints each finding and the summary', async () => {
    await everyStreamListed();
    const text = await captureCliOutput(() => verifyChainCommand({ json: false, strict: false }, config));
    expect(text.code).toBe(CHAIN_FINDINGS_EXIT);
    expect(text.stdout).toMatch(/^edited\s+customer-edit\s+revision 3\s+event [0-9a-f-]{36}: /m);
    expect(text.stdout).toMatch(/^deleted\s+customer-delete\s+revision 2\s+event /m);
    expect(text.stdout).toMatch(/^reordered\s+customer-swap\s+revision 1\s+event /m);
    expect(text.stdout).toMatch(/^reordered\s+customer-swap\s+revision 4\s+event /m);
    expect(text.stdout).toMatch(/^inserted\s+customer-insert\s+revision 3\s+event /m);
    expect(text.stdout).toContain('TAMPERING FOUND');
    expect(text.stdout).toMatch(/findings\s+5 \(1 edited, 1 deleted, 2 reordered, 1 inserted\)/);

    const json = await captureCliOutput(() => verifyChainCommand({ json: true, strict: false }, config));
    expect(json.code).toBe(CHAIN_FINDINGS_EXIT);
    const summary = JSON.parse(json.stdout) as ChainVerificationSummary;
    expect(summary).toMatchObject({ streams: 5, unchained: 0, exitCode: CHAIN_FINDINGS_EXIT });
    expect(summary.findings.map((f) => [f.kind, f.stream, f.revision])).toEqual([
      ['edited', 'customer-edit', 3],
      ['deleted', 'customer-delete', 2],
      ['reordered', 'customer-swap', 1],
      ['reordered', 'customer-swap', 4],
      ['inserted', 'customer-insert', 3],
    ]);

    const untouched = await captureCliOutput(() =>
      verifyChainCommand({ stream: 'customer-clean', json: false, strict: false }, config),
    );
    expect(untouched.code).toBe(0);
    expect(untouched.stdout).toContain('every chain is intact');
  });

  it('counts events appended before the chain as unchained, chains new events to them, and --strict reports them', async () => {
    // A registration as a store held it before the chain existed (a real one, without its chain fields),
    // then a command through the write side.
    const [registration] = await streamOf('clean');
    const { chain: _chain, ...unchainedMetadata } = registration!.metadata;
    await store.append(
      'customer-legacy',
      [
        {
          id: randomUUID(),
          type: registration!.type,
          data: { ...registration!.data, customerId: 'legacy' },
          metadata: { ...unchainedMetadata, commandId: 'legacy-1' },
        },
      ],
      { expectedRevision: 'no-stream' },
    );
    await send(
      'legacy',
      { type: 'AssignAccountManager', data: { accountManagerId: 'am-7', occurredAt: new Date(START + DAY) } },
      'assign-legacy',
      START + DAY,
    );
    const events = await streamOf('legacy');
    expect(events.map((e) => e.metadata.chain === undefined)).toEqual([true, false]);

    const lenient = await verifyChains(store, { stream: 'customer-legacy', strict: false });
    expect(lenient).toMatchObject({ events: 2, chained: 1, unchained: 1, findings: [], exitCode: 0 });
    const strict = await verifyChains(store, { stream: 'customer-legacy', strict: true });
    expect(findingsOf(strict, 'legacy')).toEqual([['unchained', 0, events[0]!.id]]);
    expect(strict.exitCode).toBe(CHAIN_FINDINGS_EXIT);

    // Editing the unchained event breaks the link the first chained event recorded.
    await sql.query(
      `UPDATE es_events SET data = jsonb_set(data, '{profile,name}', '"Someone else"') WHERE stream_id = 'customer-legacy' AND revision = 0`,
    );
    const edited = await verifyChains(store, { stream: 'customer-legacy', strict: false });
    expect(findingsOf(edited, 'legacy').map(([kind]) => kind)).toEqual(['edited']);
  });
});
