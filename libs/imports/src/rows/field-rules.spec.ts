import { ID_PATTERN as API_ID_PATTERN, ID_RULE as API_ID_RULE } from '@crm/customers/http/command-request';
import { ID_PATTERN, ID_RULE, parseInstant } from './field-rules';

describe('field rules shared with the API', () => {
  it('uses the API’s id pattern and wording', () => {
    expect(ID_PATTERN.source).toBe(API_ID_PATTERN.source);
    expect(ID_PATTERN.flags).toBe(API_ID_PATTERN.flags);
    expect(ID_RULE).toBe(API_ID_RULE);
  });

  it.each([
    ['2024-03-01', '2024-03-01T00:00:00.000Z'],
    ['2024-03-01T10:15Z', '2024-03-01T10:15:00.000Z'],
    ['2024-03-01T10:15:30Z', '2024-03-01T10:15:30.000Z'],
    ['2024-03-01T10:15:30.123456Z', '2024-03-01T10:15:30.123Z'],
    ['2024-03-01T10:15:30+01:00', '2024-03-01T09:15:30.000Z'],
    ['2024-02-29T23:59:59-05:30', '2024-03-01T05:29:59.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseInstant(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '2024-03-01T10:15:30',
    '2023-02-29',
    '2024-13-01',
    '2024-03-01T24:00:00Z',
    '2024-03-01 10:15:30Z',
    '20240301',
    '01/03/2024',
    '2024-03-01T10:15:30+1',
  ])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});
