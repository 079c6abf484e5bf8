import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportItem, PlannedPurchase, PlannedRefusal } from '../import-plan';
import { CdnowSource } from './cdnow.source';

const NOW = new Date('2026-01-01T00:00:00Z');
const FIXTURE = join(__dirname, '../../../../test/fixtures/cdnow-sample.txt');

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'crm-cdnow-spec-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function itemsOf(
  path: string,
): Promise<{ source: CdnowSource; purchases: PlannedPurchase[]; refusals: PlannedRefusal[] }> {
  const source = await CdnowSource.read(path, NOW);
  const items: ImportItem[] = [];
  for await (const item of source.items()) items.push(item);
  return {
    source,
    purchases: items.filter((i): i is PlannedPurchase => i.kind === 'purchase'),
    refusals: items.filter((i): i is PlannedRefusal => i.kind === 'refusal'),
  };
}

describe('CDNOW source', () => {
  it('reads the sample: rows, purchases per customer in file order, refused rows with their line numbers', async () => {
    const { source, purchases, refusals } = await itemsOf(FIXTURE);
    expect(source.totalRows).toBe(29);
    expect(purchases).toHaveLength(22);
    expect(new Set(purchases.map((p) => p.customerId)).size).toBe(9);
    expect(refusals.map((r) => [r.line, r.code])).toEqual([
      [23, 'INVALID_DATE'],
      [24, 'INVALID_QUANTITY'],
      [25, 'INVALID_AMOUNT'],
      [26, 'INVALID_AMOUNT'],
      [27, 'WRONG_FIELD_COUNT'],
      [28, 'INVALID_QUANTITY'],
      [30, 'INVALID_CUSTOMER_ID'],
    ]);
    expect(purchases.filter((p) => p.customerId === '00003').map((p) => p.lines)).toEqual([
      [5],
      [6],
      [7],
      [8],
      [9],
      [10],
    ]);
  });

  it('numbers a customer’s purchases of one day in file order, refused rows keeping their place', async () => {
    const { purchases } = await itemsOf(FIXTURE);
    const orderIds = purchases.map((p) => p.command.data.orderId);
    expect(orderIds).toEqual(
      expect.arrayContaining([
        'cdnow-00002-19970112-1',
        'cdnow-00002-19970112-2',
        'cdnow-00006-19970101-1',
        'cdnow-00006-19970101-2',
        'cdnow-00007-19970101-2',
        // line 28 (00010, 1997-01-05, quantity 0) is refused but is that day's first row.
        'cdnow-00010-19970105-2',
      ]),
    );
    expect(orderIds).not.toContain('cdnow-00010-19970105-1');
    expect(new Set(orderIds).size).toBe(orderIds.length);
  });

  it('builds deterministic command ids, the purchase command and the registration at the first purchase', async () => {
    const { purchases } = await itemsOf(FIXTURE);
    const second = purchases.find((p) => p.command.data.orderId === 'cdnow-00007-19970101-2')!;
    expect(second.commandId).toBe('import:cdnow:purchase:cdnow-00007-19970101-2');
    expect(second.command).toEqual({
      type: 'RecordPurchase',
      data: {
        orderId: 'cdnow-00007-19970101-2',
        currency: 'USD',
        channel: 'web',
        lines: [{ sku: 'cdnow', category: 'music', quantity: 3, unitPriceMinor: 37, discountMinor: 1 }],
        occurredAt: new Date('1997-01-01T00:00:00Z'),
      },
    });
    // 00005's rows are not in date order: it is registered at its earliest purchase.
    const of5 = purchases.filter((p) => p.customerId === '00005');
    expect(of5[0]!.command.data.occurredAt).toEqual(new Date('1997-02-04T00:00:00Z'));
    expect(of5[0]!.registration).toEqual({
      commandId: 'import:cdnow:register:00005',
      command: {
        type: 'RegisterCustomer',
        data: {
          customerId: '00005',
          kind: 'individual',
          profile: { name: 'CDNOW customer 00005' },
          acquisitionSource: 'import',
          occurredAt: new Date('1997-01-01T00:00:00Z'),
        },
      },
    });
  });

  it('gives the same ids on every read (what makes a re-import append nothing)', async () => {
    const first = await itemsOf(FIXTURE);
    const second = await itemsOf(FIXTURE);
    const ids = (items: PlannedPurchase[]): string[][] =>
      items.map((p) => [p.commandId, p.command.data.orderId, p.registration.commandId]);
    expect(ids(second.purchases)).toEqual(ids(first.purchases));
  });

  it('reads CRLF, LF and a last line without a line break alike', async () => {
    const rows = ['customer_id date number_of_cds dollar_value', '00001 19970101 1 11.77', '00001 19970101 2 0.29'];
    const crlf = await itemsOf(file('crlf.txt', `${rows.join('\r\n')}\r\n`));
    const lf = await itemsOf(file('lf.txt', rows.join('\n')));
    const withBom = await itemsOf(file('bom.txt', `\uFEFF${rows.join('\n')}\n`));
    expect(crlf.purchases).toHaveLength(2);
    expect(lf.purchases).toEqual(crlf.purchases);
    expect(withBom.purchases).toEqual(crlf.purchases);
    expect(lf.purchases[1]!.command.data.lines[0]).toMatchObject({ quantity: 2, unitPriceMinor: 15, discountMinor: 1 });
  });

  it('refuses a purchase where the header line belongs', async () => {
    const { source, purchases, refusals } = await itemsOf(
      file('no-header.txt', '00001 19970101 1 11.77\n00001 19970101 1 5.00\n'),
    );
    expect(source.totalRows).toBe(2);
    expect(refusals).toEqual([expect.objectContaining({ line: 1, code: 'HEADER_MISSING' })]);
    // The refused first line keeps its place: adding a header later imports it as -1.
    expect(purchases.map((p) => p.command.data.orderId)).toEqual(['cdnow-00001-19970101-2']);
  });

  it('skips blank lines, which are not rows', async () => {
    const { source, purchases } = await itemsOf(file('blank.txt', '\nheader\n\n00001 19970101 1 1.00\n   \n'));
    expect(source.totalRows).toBe(1);
    expect(purchases[0]!.lines).toEqual([4]);
  });
});
