import { cdnowPurchaseLine, parseCdnowLine, type CdnowLine } from './cdnow.parser';

const NOW = new Date('2026-01-01T00:00:00Z');

function refusalOf(result: CdnowLine): { line: number; code: string; reason: string } {
  if (result.kind !== 'refusal') throw new Error(`expected a refusal, got ${JSON.stringify(result)}`);
  return result.refusal;
}

describe('CDNOW line parser', () => {
  it('reads customer id, date at 00:00 UTC, quantity and the amount in cents', () => {
    expect(parseCdnowLine('  00001 19970101  1   11.77', 2, NOW)).toEqual({
      kind: 'row',
      row: {
        line: 2,
        customerId: '00001',
        day: '19970101',
        occurredAt: new Date('1997-01-01T00:00:00.000Z'),
        quantity: 1,
        amountMinor: 1177,
      },
    });
  });

  it('accepts tabs, runs of spaces and a trailing carriage return (CRLF files)', () => {
    const result = parseCdnowLine('\t23570\t19970325\t2\t42.96\r', 69660, NOW);
    expect(result).toMatchObject({ kind: 'row', row: { customerId: '23570', quantity: 2, amountMinor: 4296 } });
  });

  it.each([
    ['0.29', 29],
    ['1.10', 110],
    ['1.1', 110],
    ['12', 1200],
    ['12.00', 1200],
    ['0.07', 7],
    ['4.35', 435],
    ['1.15', 115],
    ['8.20', 820],
    ['0.00', 0],
    ['0', 0],
    ['1045.14', 104514],
    ['0012.30', 1230],
  ])('turns %s dollars into exactly %i cents', (amount, cents) => {
    expect(parseCdnowLine(`7 19970101 1 ${amount}`, 5, NOW)).toMatchObject({ row: { amountMinor: cents } });
  });

  it('skips blank lines', () => {
    expect(parseCdnowLine('', 3, NOW)).toEqual({ kind: 'blank' });
    expect(parseCdnowLine('  \r', 3, NOW)).toEqual({ kind: 'blank' });
  });

  it.each([
    [
      '00001 19970101 1',
      'WRONG_FIELD_COUNT',
      'expected 4 fields (customer id, yyyymmdd date, quantity, dollar amount), found 3',
    ],
    ['00001 19970101 1 11.77 x', 'WRONG_FIELD_COUNT', 'found 5'],
    ['ab-1 19970101 1 5.00', 'INVALID_CUSTOMER_ID', 'customer id "ab-1" must be 1-40 letters or digits'],
    [`${'9'.repeat(41)} 19970101 1 5.00`, 'INVALID_CUSTOMER_ID', 'must be 1-40 letters or digits'],
    ['00001 19970231 1 9.99', 'INVALID_DATE', 'date "19970231" is not a real calendar date (yyyymmdd)'],
    ['00001 19971301 1 9.99', 'INVALID_DATE', 'date "19971301" is not a real calendar date'],
    ['00001 19970100 1 9.99', 'INVALID_DATE', 'is not a real calendar date'],
    ['00001 1997-01-01 1 9.99', 'INVALID_DATE', 'is not a real calendar date'],
    ['00001 970101 1 9.99', 'INVALID_DATE', 'is not a real calendar date'],
    ['00001 20260102 1 9.99', 'INVALID_DATE', 'date 20260102 is in the future'],
    ['00001 19970101 0 9.99', 'INVALID_QUANTITY', 'quantity "0" must be a whole number from 1 to 1000000'],
    ['00001 19970101 -1 9.99', 'INVALID_QUANTITY', 'quantity "-1"'],
    ['00001 19970101 1.5 9.99', 'INVALID_QUANTITY', 'quantity "1.5"'],
    ['00001 19970101 1000001 9.99', 'INVALID_QUANTITY', 'quantity "1000001"'],
    [
      '00001 19970101 1 -5.00',
      'INVALID_AMOUNT',
      'dollar amount "-5.00" must be a non-negative number with at most 2 decimals (e.g. 11.77)',
    ],
    ['00001 19970101 1 5.999', 'INVALID_AMOUNT', 'dollar amount "5.999"'],
    ['00001 19970101 1 .50', 'INVALID_AMOUNT', 'dollar amount ".50"'],
    ['00001 19970101 1 5.', 'INVALID_AMOUNT', 'dollar amount "5."'],
    ['00001 19970101 1 1e3', 'INVALID_AMOUNT', 'dollar amount "1e3"'],
    ['00001 19970101 1 1,000.00', 'INVALID_AMOUNT', 'dollar amount "1,000.00"'],
    ['00001 19970101 1 $5.00', 'INVALID_AMOUNT', 'dollar amount "$5.00"'],
    ['00001 19970101 1 10000000000000.00', 'INVALID_AMOUNT', 'dollar amount "10000000000000.00"'],
  ])('refuses %j: %s', (text, code, reason) => {
    const refused = refusalOf(parseCdnowLine(text, 17, NOW));
    expect(refused.line).toBe(17);
    expect(refused.code).toBe(code);
    expect(refused.reason).toContain(reason);
  });

  it('names every problem of a row, coded after the first', () => {
    const refused = refusalOf(parseCdnowLine('00001 19970231 0 -1', 9, NOW));
    expect(refused).toEqual({
      line: 9,
      code: 'INVALID_DATE',
      reason:
        'date "19970231" is not a real calendar date (yyyymmdd); quantity "0" must be a whole number from 1 to 1000000; ' +
        'dollar amount "-1" must be a non-negative number with at most 2 decimals (e.g. 11.77)',
    });
  });

  it('keeps the customer and day of a refused row when both are valid (its place in the day numbering)', () => {
    expect(parseCdnowLine('00010 19970105 0 1.00', 4, NOW)).toMatchObject({
      kind: 'refusal',
      customerDay: { customerId: '00010', day: '19970105' },
    });
    expect(parseCdnowLine('00010 19970231 0 1.00', 4, NOW)).not.toHaveProperty('customerDay.day');
  });
});

describe('CDNOW purchase line', () => {
  it('is sku cdnow, category music, quantity = CDs', () => {
    expect(cdnowPurchaseLine({ quantity: 1, amountMinor: 1177 })).toEqual({
      sku: 'cdnow',
      category: 'music',
      quantity: 1,
      unitPriceMinor: 1177,
      discountMinor: 0,
    });
  });

  it.each([
    [2, 2076, 1038, 0],
    [3, 110, 37, 1],
    [3, 1999, 667, 2],
    [7, 100, 15, 5],
    [5, 0, 0, 0],
    [4, 3, 1, 1],
  ])('quantity %i, total %i cents: unit %i, rounding discount %i', (quantity, total, unit, discount) => {
    expect(cdnowPurchaseLine({ quantity, amountMinor: total })).toMatchObject({
      unitPriceMinor: unit,
      discountMinor: discount,
    });
  });

  it('keeps every total exact with a discount smaller than the quantity', () => {
    for (let quantity = 1; quantity <= 99; quantity++) {
      for (const total of [0, 1, 2, 99, 100, 101, 1177, 29_33, 123_456_789, 99_999_999_999_99]) {
        const line = cdnowPurchaseLine({ quantity, amountMinor: total });
        expect(line.quantity * line.unitPriceMinor - line.discountMinor).toBe(total);
        expect(line.discountMinor).toBeGreaterThanOrEqual(0);
        expect(line.discountMinor).toBeLessThan(quantity);
      }
    }
  });
});
