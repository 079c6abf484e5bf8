import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportItem, PlannedPurchase, PlannedRefusal } from '../import-plan';
import {
  formatFromFileName,
  ImportFileError,
  PurchaseFileSource,
  type PurchaseFileFormat,
} from './purchase-file.source';

const NOW = new Date('2026-01-01T00:00:00Z');

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'crm-purchases-spec-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
async function importOf(
  format: PurchaseFileFormat,
  text: string,
): Promise<{ source: PurchaseFileSource; purchases: PlannedPurchase[]; refusals: PlannedRefusal[] }> {
  const path = join(dir, `file-${++counter}.${format}`);
  writeFileSync(path, text);
  const source = await PurchaseFileSource.open(path, format, NOW);
  const items: ImportItem[] = [];
  for await (const item of source.items()) items.push(item);
  return {
    source,
    purchases: items.filter((i): i is PlannedPurchase => i.kind === 'purchase'),
    refusals: items.filter((i): i is PlannedRefusal => i.kind === 'refusal').sort((a, b) => a.line - b.line),
  };
}

const base = {
  customerId: 'c-1',
  orderId: 'o-1',
  occurredAt: '2024-03-01T10:15:00Z',
  currency: 'EUR',
  channel: 'web',
  sku: 'BOOK-1',
  category: 'books',
  quantity: 2,
  unitPriceMinor: 1250,
};
const ndjson = (...rows: object[]): string => rows.map((row) => JSON.stringify(row)).join('\n') + '\n';

describe('generic purchase files', () => {
  it('tells the format from the file name', () => {
    expect(formatFromFileName('a/b.ndjson')).toBe('ndjson');
    expect(formatFromFileName('B.JSONL')).toBe('ndjson');
    expect(formatFromFileName('x.csv')).toBe('csv');
    expect(formatFromFileName('x.txt')).toBeUndefined();
  });

  it('makes consecutive lines of one order one purchase, with deterministic ids and a registration', async () => {
    const { source, purchases, refusals } = await importOf(
      'ndjson',
      ndjson(
        { ...base, customerName: 'Ada Lovelace', region: 'London' },
        {
          ...base,
          sku: 'PEN',
          category: 'stationery',
          quantity: 1,
          unitPriceMinor: 300,
          discountMinor: 50,
          customerName: 'Ada Lovelace',
          region: 'London',
        },
        { ...base, customerId: 'c-2', orderId: 'o-1', occurredAt: '2024-03-02', customerKind: 'organisation' },
      ),
    );
    expect(refusals).toEqual([]);
    expect(source.rowsRead()).toBe(3);
    expect(purchases).toHaveLength(2);
    expect(purchases[0]).toEqual({
      kind: 'purchase',
      customerId: 'c-1',
      lines: [1, 2],
      commandId: 'import:purchases:c-1/o-1',
      command: {
        type: 'RecordPurchase',
        data: {
          orderId: 'o-1',
          currency: 'EUR',
          channel: 'web',
          region: 'London',
          lines: [
            { sku: 'BOOK-1', category: 'books', quantity: 2, unitPriceMinor: 1250 },
            { sku: 'PEN', category: 'stationery', quantity: 1, unitPriceMinor: 300, discountMinor: 50 },
          ],
          occurredAt: new Date('2024-03-01T10:15:00Z'),
        },
      },
      registration: {
        commandId: 'import:purchases-register:c-1',
        command: {
          type: 'RegisterCustomer',
          data: {
            customerId: 'c-1',
            kind: 'individual',
            profile: { name: 'Ada Lovelace' },
            acquisitionSource: 'import',
            occurredAt: new Date('2024-03-01T10:15:00Z'),
          },
        },
      },
    });
    expect(purchases[1]!.registration.command.data).toMatchObject({
      kind: 'organisation',
      profile: { name: 'Customer c-2' },
      occurredAt: new Date('2024-03-02T00:00:00Z'),
    });
  });

  it('keeps customer and order apart in command ids even when ids contain ":"', async () => {
    const { purchases } = await importOf(
      'ndjson',
      ndjson({ ...base, customerId: 'a:b', orderId: 'c' }, { ...base, customerId: 'a', orderId: 'b:c' }),
    );
    expect(purchases.map((p) => p.commandId)).toEqual(['import:purchases:a:b/c', 'import:purchases:a/b:c']);
  });

  it.each([
    [{ ...base, customerId: undefined }, 'MISSING_FIELD', 'customerId is required'],
    [{ ...base, customerId: 'has space' }, 'INVALID_ID', 'customerId must be 1-64 letters, digits'],
    [{ ...base, orderId: '-o' }, 'INVALID_ID', 'orderId must be'],
    [
      { ...base, occurredAt: '2024-03-01T10:15:00' },
      'INVALID_TIME',
      'occurredAt must be an ISO 8601 date or date-time with an offset',
    ],
    [{ ...base, occurredAt: '2024-02-30' }, 'INVALID_TIME', 'occurredAt must be an ISO 8601'],
    [{ ...base, occurredAt: '2026-01-01T00:06:00Z' }, 'INVALID_TIME', 'not be more than 5 minutes in the future'],
    [{ ...base, currency: 'eur' }, 'INVALID_CURRENCY', 'currency must be an ISO 4217 code'],
    [{ ...base, currency: 'XXY' }, 'INVALID_CURRENCY', 'ISO 4217'],
    [{ ...base, channel: 'fax' }, 'INVALID_FIELD', 'channel must be one of store, web, mobile-app'],
    [{ ...base, region: '' }, 'INVALID_FIELD', 'region must be 1-100 characters'],
    [{ ...base, sku: 'x'.repeat(101) }, 'INVALID_FIELD', 'sku must be 1-100 characters'],
    [{ ...base, category: 7 }, 'INVALID_FIELD', 'category must be a string'],
    [{ ...base, quantity: 0 }, 'INVALID_QUANTITY', 'quantity must be a whole number from 1 to 1000000'],
    [{ ...base, quantity: '2' }, 'INVALID_QUANTITY', 'quantity must be a whole number'],
    [{ ...base, quantity: 1.5 }, 'INVALID_QUANTITY', 'quantity'],
    [{ ...base, unitPriceMinor: -1 }, 'INVALID_AMOUNT', 'unitPriceMinor must be a whole number from 0'],
    [{ ...base, discountMinor: 2501 }, 'DISCOUNT_EXCEEDS_PRICE', 'discountMinor exceeds quantity × unitPriceMinor'],
    [{ ...base, customerKind: 'robot' }, 'INVALID_FIELD', 'customerKind must be one of individual, organisation'],
    [{ ...base, customerName: '' }, 'INVALID_FIELD', 'customerName must be 1-200 characters'],
    [{ ...base, colour: 'red' }, 'UNKNOWN_FIELD', 'unknown field colour'],
    [{ ...base, sku: 'A\u0000B' }, 'INVALID_TEXT', 'sku holds a NUL character'],
    [{ ...base, category: 'music\ud800' }, 'INVALID_TEXT', 'category holds an unpaired surrogate'],
    [{ ...base, customerName: '\udc00Ada' }, 'INVALID_TEXT', 'customerName holds an unpaired surrogate'],
    [{ ...base, region: 'North\u0000' }, 'INVALID_TEXT', 'region holds a NUL character'],
  ])('refuses a row: %j → %s', async (row, code, reason) => {
    const { purchases, refusals } = await importOf(
      'ndjson',
      `${JSON.stringify({ ...base, orderId: 'ok' })}\n${JSON.stringify(row)}\n`,
    );
    expect(purchases).toHaveLength(1);
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ line: 2, code });
    expect(refusals[0]!.reason).toContain(reason);
  });

  it('refuses lines that are not JSON objects', async () => {
    const { refusals } = await importOf('ndjson', 'not json\n[1,2]\n\n"text"\n');
    expect(refusals.map((r) => [r.line, r.code])).toEqual([
      [1, 'INVALID_JSON'],
      [2, 'INVALID_JSON'],
      [4, 'INVALID_JSON'],
    ]);
  });

  it('refuses a whole purchase when one of its lines is bad, naming that line', async () => {
    const { purchases, refusals } = await importOf(
      'ndjson',
      ndjson(base, { ...base, quantity: 0 }, base, { ...base, orderId: 'o-2' }),
    );
    expect(purchases.map((p) => p.command.data.orderId)).toEqual(['o-2']);
    expect(refusals).toEqual([
      {
        kind: 'refusal',
        line: 1,
        code: 'PURCHASE_REFUSED',
        reason: 'order o-1 of customer c-1 is refused whole because of line 2',
      },
      expect.objectContaining({ line: 2, code: 'INVALID_QUANTITY' }),
      expect.objectContaining({ line: 3, code: 'PURCHASE_REFUSED' }),
    ]);
  });

  it('refuses lines of one purchase that disagree on what describes the purchase', async () => {
    const { purchases, refusals } = await importOf(
      'ndjson',
      ndjson(
        base,
        { ...base, currency: 'USD', occurredAt: '2024-03-01T11:15:00+01:00' },
        { ...base, occurredAt: '2024-03-02' },
      ),
    );
    expect(purchases).toEqual([]);
    expect(refusals.map((r) => [r.line, r.code, r.reason])).toEqual([
      [1, 'PURCHASE_REFUSED', 'order o-1 of customer c-1 is refused whole because of lines 2, 3'],
      [2, 'INCONSISTENT_ORDER', 'currency differs from line 1 of the same purchase'],
      [3, 'INCONSISTENT_ORDER', 'occurredAt differs from line 1 of the same purchase'],
    ]);
  });

  it('refuses a later line of an order that already ended', async () => {
    const { purchases, refusals } = await importOf('ndjson', ndjson(base, { ...base, orderId: 'o-2' }, base));
    expect(purchases.map((p) => p.lines)).toEqual([[1], [2]]);
    expect(refusals).toEqual([
      expect.objectContaining({
        line: 3,
        code: 'ORDER_NOT_CONSECUTIVE',
        reason: expect.stringContaining('order o-1 of customer c-1 started at line 1 and ended before this line'),
      }),
    ]);
  });

  it('refuses a CSV row holding a NUL byte and imports the rows around it', async () => {
    const csv = [
      'customerId,orderId,occurredAt,currency,channel,sku,category,quantity,unitPriceMinor',
      'c-1,o-1,2024-03-01,EUR,web,A,books,1,100',
      'c-1,o-2,2024-03-01,EUR,web,A\u0000B,books,1,100',
      'c-1,o-3,2024-03-01,EUR,web,C,books,1,100',
    ].join('\n');
    const { purchases, refusals } = await importOf('csv', csv);
    expect(purchases.map((p) => p.command.data.orderId)).toEqual(['o-1', 'o-3']);
    expect(refusals).toEqual([expect.objectContaining({ line: 3, code: 'INVALID_TEXT' })]);
  });

  it('reads CSV: header, quoting, empty optional cells, CRLF, multi-line fields', async () => {
    const csv = [
      'customerId,orderId,occurredAt,currency,channel,region,sku,category,quantity,unitPriceMinor,discountMinor,customerName',
      'c-1,o-1,2024-03-01T10:15:00+01:00,GBP,store,"London, UK",BOOK-1,books,2,1250,,"Smith, ""Jo"""',
      'c-1,o-1,2024-03-01T10:15:00+01:00,GBP,store,"London, UK",PEN-9,stationery,1,300,50,"Smith, ""Jo"""',
      'c-2,o-9,2024-03-05,USD,phone,,GADGET,"multi',
      'line",1,5000,,',
      'c-3,o-1,2024-03-05,USD,phone,,GADGET,x,one,5000,,',
      'c-3,o-2,2024-03-05,USD,phone,,GADGET,x,1,5000',
    ].join('\r\n');
    const { source, purchases, refusals } = await importOf('csv', csv);
    expect(source.rowsRead()).toBe(5);
    expect(purchases.map((p) => [p.customerId, p.lines, p.command.data.region])).toEqual([
      ['c-1', [2, 3], 'London, UK'],
      ['c-2', [4], undefined],
    ]);
    expect(purchases[0]!.registration.command.data.profile.name).toBe('Smith, "Jo"');
    expect(purchases[0]!.command.data.lines[1]).toEqual({
      sku: 'PEN-9',
      category: 'stationery',
      quantity: 1,
      unitPriceMinor: 300,
      discountMinor: 50,
    });
    expect(purchases[1]!.command.data.lines[0]!.category).toBe('multi\nline');
    expect(refusals.map((r) => [r.line, r.code])).toEqual([
      [6, 'INVALID_QUANTITY'],
      [7, 'WRONG_FIELD_COUNT'],
    ]);
  });

  it.each([
    ['customerId,orderId,colour', 'unknown column "colour"'],
    [
      'customerId,orderId,occurredAt,currency,channel,sku,category,quantity',
      'lacks the required column(s) unitPriceMinor',
    ],
    ['customerId,orderId,occurredAt,currency,channel,sku,category,quantity,unitPriceMinor,sku', 'repeats sku'],
    ['"customerId,orderId', 'the CSV header (line 1)'],
  ])('refuses the whole CSV file for the header %j', async (header, message) => {
    const path = join(dir, `header-${++counter}.csv`);
    writeFileSync(path, `${header}\n`);
    const opening = PurchaseFileSource.open(path, 'csv', NOW);
    await expect(opening).rejects.toBeInstanceOf(ImportFileError);
    await expect(PurchaseFileSource.open(path, 'csv', NOW)).rejects.toThrow(message);
  });
});
