import { CsvReader, type CsvResult } from './csv.reader';

function read(lines: string[]): Array<CsvResult | undefined> {
  const reader = new CsvReader();
  const results = lines.map((text, index) => reader.push(text, index + 1));
  results.push(reader.end());
  return results.filter((r) => r !== undefined);
}

describe('CSV reader (RFC 4180)', () => {
  it('splits plain fields, keeping empty ones and spaces', () => {
    expect(read(['a,b, c ,,'])).toEqual([{ kind: 'record', line: 1, fields: ['a', 'b', ' c ', '', ''] }]);
  });

  it('reads quoted fields with commas and doubled quotes', () => {
    expect(read(['"London, UK","Smith, ""Jo""",""'])).toEqual([
      { kind: 'record', line: 1, fields: ['London, UK', 'Smith, "Jo"', ''] },
    ]);
  });

  it('joins a quoted field across lines and reports the line the record starts on', () => {
    expect(read(['x,"multi', 'line', 'field",y', 'next,record'])).toEqual([
      { kind: 'record', line: 1, fields: ['x', 'multi\nline\nfield', 'y'] },
      { kind: 'record', line: 4, fields: ['next', 'record'] },
    ]);
  });

  it('skips blank lines between records', () => {
    expect(read(['a', '', 'b'])).toEqual([
      { kind: 'record', line: 1, fields: ['a'] },
      { kind: 'record', line: 3, fields: ['b'] },
    ]);
  });

  it('refuses a quote inside an unquoted field, text after a closing quote, and an unclosed quote', () => {
    expect(read(['ab"c,d', '"ab"c,d', 'ok', '"open', 'still open'])).toEqual([
      { kind: 'error', line: 1, reason: expect.stringContaining('field 1: a double quote inside an unquoted field') },
      {
        kind: 'error',
        line: 2,
        reason: expect.stringContaining('field 1: a closing quote must be followed by a comma'),
      },
      { kind: 'record', line: 3, fields: ['ok'] },
      { kind: 'error', line: 4, reason: 'a quoted field is not closed before the end of the file' },
    ]);
  });

  it('goes on with the next line after a refused record', () => {
    expect(read(['a,b"', 'c,d'])).toEqual([
      { kind: 'error', line: 1, reason: expect.stringContaining('field 2') },
      { kind: 'record', line: 2, fields: ['c', 'd'] },
    ]);
  });
});
