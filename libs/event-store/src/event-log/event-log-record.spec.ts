import { checkEventLog } from './import-event-log';
import { parseEventLogLine, toEventLogRecord } from './event-log-record';

const ID = '0b8f6a52-6c1e-4c9e-9d59-3f1d2a7c4e01';
const line = (fields: Record<string, unknown>): string =>
  JSON.stringify({
    id: ID,
    stream: 'customer-c-1',
    revision: 0,
    type: 'CustomerRegistered',
    data: { name: 'Ada' },
    metadata: { schemaVersion: 1 },
    recordedAt: '2026-01-02T03:04:05.678Z',
    checkpoint: '7:1',
    ...fields,
  });

async function* lines(...texts: string[]): AsyncGenerator<string> {
  yield* texts;
}

describe('event-log lines', () => {
  it('round-trips a stored event through its record', () => {
    const record = toEventLogRecord({
      id: ID,
      stream: 'customer-c-1',
      revision: 3,
      type: 'PurchaseRecorded',
      data: { amountMinor: 1250 },
      metadata: { actor: 'writer-key:abc', schemaVersion: 2 },
      checkpoint: '10:4',
      recordedAt: new Date('2026-01-02T03:04:05.678Z'),
    });
    expect(record.recordedAt).toBe('2026-01-02T03:04:05.678Z');
    expect(parseEventLogLine(JSON.stringify(record), 1)).toEqual({
      stream: 'customer-c-1',
      revision: 3,
      event: { id: ID, type: 'PurchaseRecorded', data: record.data, metadata: record.metadata },
    });
  });

  it.each([
    ['cut JSON', '{"id":', 'INVALID_JSON'],
    ['an array', '[1,2]', 'INVALID_JSON'],
    ['no metadata', line({ metadata: undefined }), 'MISSING_FIELD'],
    ['a negative revision', line({ revision: -1 }), 'INVALID_FIELD'],
    ['an id that is not a UUID', line({ id: 'not-a-uuid' }), 'INVALID_FIELD'],
    ['data that is not an object', line({ data: 'text' }), 'INVALID_FIELD'],
    ['an unknown field', line({ position: 3 }), 'UNKNOWN_FIELD'],
  ])('refuses a line with %s, naming the line', (_label, text, code) => {
    expect(() => parseEventLogLine(text, 42)).toThrow(expect.objectContaining({ line: 42, code }));
  });

  it('accepts lines without the source store recorded time and checkpoint', () => {
    expect(parseEventLogLine(line({ recordedAt: undefined, checkpoint: undefined }), 1).revision).toBe(0);
  });

  it('checks a whole file: every bad line counted, revisions in order per stream, blank lines ignored', async () => {
    const check = await checkEventLog(
      lines(
        line({}),
        '',
        line({ stream: 'customer-c-2' }),
        line({ revision: 1 }),
        line({ revision: 3 }),
        '{bad',
        line({ stream: 'customer-c-2', revision: 1, type: '' }),
      ),
    );
    expect(check).toMatchObject({ lines: 7, events: 3, streams: 2, problemCount: 3 });
    expect(check.problems.map((p) => [p.line, p.code])).toEqual([
      [5, 'REVISION_OUT_OF_ORDER'],
      [6, 'INVALID_JSON'],
      [7, 'INVALID_FIELD'],
    ]);
    expect(check.problems[0]!.message).toContain('customer-c-1 revision 3 where 2 comes next');
  });
});
