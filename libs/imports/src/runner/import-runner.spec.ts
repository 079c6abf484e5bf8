import { customerDecider, type CustomerState } from '@crm/customers/domain/customer.decider';
import type { CustomerCommand } from '@crm/customers/domain/customer.commands';
import type { CustomerEvent } from '@crm/customers/domain/customer.events';
import type { CommandContext, CommandResult } from '@crm/platform/write-side/command-executor';
import type { ImportItem, ImportSource, PlannedPurchase } from '../import-plan';
import { runImport, type CommandDispatcher } from './import-runner';

/** The write side's rules in memory: replay by command id, else decide and append. */
class InMemoryWriteSide {
  readonly streams = new Map<string, { commandId: string; event: CustomerEvent; context: CommandContext }[]>();
  readonly sent: string[] = [];

  dispatch: CommandDispatcher = async (customerId, command: CustomerCommand, context) => {
    await new Promise((resolve) => setImmediate(resolve));
    this.sent.push(context.commandId);
    const stream = this.streams.get(customerId) ?? [];
    const earlier = stream.filter((e) => e.commandId === context.commandId);
    const result = (ids: string[], replayed: boolean): CommandResult => ({
      revision: stream.length - 1,
      eventIds: ids,
      checkpoint: null,
      replayed,
    });
    if (earlier.length > 0)
      return result(
        earlier.map((_, i) => `${context.commandId}#${i}`),
        true,
      );
    const state = stream
      .map((e) => e.event)
      .reduce<CustomerState>(customerDecider.evolve, customerDecider.initialState());
    const events = customerDecider.decide(command, state);
    events.forEach((event) => stream.push({ commandId: context.commandId, event, context }));
    this.streams.set(customerId, stream);
    return result(
      events.map((_, i) => `${context.commandId}#${i}`),
      false,
    );
  };

  count(): number {
    return [...this.streams.values()].reduce((n, s) => n + s.length, 0);
  }
}

function purchase(customerId: string, orderId: string, line: number, totalMinor = 100): PlannedPurchase {
  const occurredAt = new Date('2024-01-01T00:00:00Z');
  return {
    kind: 'purchase',
    customerId,
    lines: [line],
    commandId: `test:${customerId}/${orderId}`,
    command: {
      type: 'RecordPurchase',
      data: {
        orderId,
        currency: 'EUR',
        channel: 'web',
        lines: [{ sku: 's', category: 'c', quantity: 1, unitPriceMinor: totalMinor }],
        occurredAt,
      },
    },
    registration: {
      commandId: `test-register:${customerId}`,
      command: {
        type: 'RegisterCustomer',
        data: { customerId, kind: 'individual', profile: { name: `Customer ${customerId}` }, occurredAt },
      },
    },
  };
}

function sourceOf(items: ImportItem[]): ImportSource {
  return {
    format: 'ndjson',
    totalRows: items.length,
    rowsRead: () => items.length,
    fractionRead: () => 1,
    async *items() {
      yield* items;
    },
  };
}

const options = { concurrency: 4, correlationId: 'corr-1', actor: 'cli:import' };

describe('import runner', () => {
  const items: ImportItem[] = [
    purchase('c1', 'o1', 2),
    purchase('c2', 'o1', 3, 0),
    purchase('c1', 'o2', 4),
    { kind: 'refusal', line: 5, code: 'INVALID_AMOUNT', reason: 'bad' },
    purchase('c1', 'o2', 6), // the same order again under another command id: the domain refuses it
  ];
  items[4] = { ...(items[4] as PlannedPurchase), commandId: 'test:c1/o2-again' };

  it('registers each customer once before its purchases, counts everything, and refuses what the domain refuses', async () => {
    const writeSide = new InMemoryWriteSide();
    const progress: number[] = [];
    const report = await runImport(sourceOf(items), writeSide.dispatch, {
      ...options,
      onProgress: (p) => progress.push(p.rowsDone),
    });
    expect(report).toMatchObject({
      rows: 5,
      rowsDone: 5,
      customers: 2,
      customersRegistered: 2,
      customersExisting: 0,
      purchases: 4,
      purchasesAppended: 3,
      purchasesAlreadyPresent: 0,
      purchasesRefused: 1,
      zeroValuePurchases: 1,
      eventsAppended: 5,
      rowsRefused: 2,
      refusals: [
        { line: 5, code: 'INVALID_AMOUNT', reason: 'bad' },
        { line: 6, code: 'ORDER_ALREADY_RECORDED', reason: 'order o2: order o2 is already recorded for this customer' },
      ],
    });
    expect(report.stopped).toBeUndefined();
    expect(progress[progress.length - 1]).toBe(5);
    expect(writeSide.streams.get('c1')!.map((e) => e.event.type)).toEqual([
      'CustomerRegistered',
      'PurchaseRecorded',
      'PurchaseRecorded',
    ]);
    const metadata = writeSide.streams.get('c1')![1]!.context;
    expect(metadata).toEqual({
      commandId: 'test:c1/o1',
      correlationId: 'corr-1',
      actor: 'cli:import',
      occurredAt: new Date('2024-01-01T00:00:00Z'),
    });
  });

  it('appends nothing when run again, and takes a customer registered otherwise as existing', async () => {
    const writeSide = new InMemoryWriteSide();
    await writeSide.dispatch('c2', purchase('c2', 'x', 1).registration.command, {
      commandId: 'registered-by-the-api',
      correlationId: 'x',
      actor: 'writer-key:1',
      occurredAt: new Date('2023-01-01T00:00:00Z'),
    });
    await runImport(sourceOf(items), writeSide.dispatch, options);
    const before = writeSide.count();
    const again = await runImport(sourceOf(items), writeSide.dispatch, options);
    expect(writeSide.count()).toBe(before);
    expect(again).toMatchObject({
      customersRegistered: 0,
      customersExisting: 2,
      purchasesAppended: 0,
      purchasesAlreadyPresent: 3,
      eventsAppended: 0,
      rowsRefused: 2,
    });
  });

  it('stops at a failure that is not a refusal, reporting it', async () => {
    const writeSide = new InMemoryWriteSide();
    let calls = 0;
    const failing: CommandDispatcher = (customerId, command, context) => {
      calls += 1;
      if (calls === 3) return Promise.reject(new Error('connection terminated'));
      return writeSide.dispatch(customerId, command, context);
    };
    const report = await runImport(sourceOf(items), failing, { ...options, concurrency: 1 });
    expect(report.stopped).toMatchObject({ reason: 'failed', message: 'connection terminated' });
  });

  it('stops when interrupted: nothing further starts', async () => {
    const writeSide = new InMemoryWriteSide();
    const abort = new AbortController();
    const interrupting: CommandDispatcher = (customerId, command, context) => {
      abort.abort();
      return writeSide.dispatch(customerId, command, context);
    };
    const report = await runImport(sourceOf(items), interrupting, { ...options, concurrency: 1, signal: abort.signal });
    expect(report.stopped).toMatchObject({ reason: 'interrupted' });
    expect(writeSide.sent).toEqual(['test-register:c1', 'test:c1/o1']);
    expect(report).toMatchObject({ purchases: 1, purchasesAppended: 1, rowsDone: 1 });
  });
});
