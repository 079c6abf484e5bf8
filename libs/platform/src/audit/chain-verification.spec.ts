import { randomUUID } from 'node:crypto';
import type { JsonObject } from '@crm/event-store';
import { verifyStreamChain, type ChainFindingKind, type ChainVerificationOptions } from './chain-verification';
import { chainHead, eventHash, GENESIS_HASH, sealEvents, type ChainableEvent } from './event-chain';

const STREAM = 'customer-c-1';

/** A stream's events as a store returns them, sealed by the write side's own code. */
function sealedStream(count: number, legacy = 0): ChainableEvent[] {
  const unsealed = Array.from({ length: count }, (_, i) => ({
    id: randomUUID(),
    type: i === 0 ? 'CustomerRegistered' : 'PurchaseRecorded',
    data: { n: i, occurredAt: new Date(Date.UTC(2026, 0, i + 1)).toISOString() } as JsonObject,
    metadata: { commandId: `cmd-${i}`, actor: 'test', schemaVersion: 1 } as JsonObject,
  }));
  const stored: ChainableEvent[] = unsealed
    .slice(0, legacy)
    .map((event, revision) => ({ ...event, stream: STREAM, revision }));
  // Appended one command at a time, each chained to the head of what is stored.
  for (const event of unsealed.slice(legacy)) {
    const [sealed] = sealEvents(STREAM, stored.length, chainHead(stored), [event]);
    stored.push({ ...sealed!, stream: STREAM, revision: stored.length });
  }
  return stored;
}

type Tampering = (events: ChainableEvent[]) => ChainableEvent[];

const tamper = {
  nothing: (): Tampering => (events) => events,
  /** UPDATE … SET data = … WHERE revision = r */
  editData:
    (revision: number): Tampering =>
    (events) =>
      events.map((e) => (e.revision === revision ? { ...e, data: { ...e.data, n: 999 } } : e)),
  /** DELETE … WHERE revision = r, optionally closing the gap by moving the later events down. */
  delete:
    (revision: number, closeGap = false): Tampering =>
    (events) =>
      events
        .filter((e) => e.revision !== revision)
        .map((e) => (closeGap && e.revision > revision ? { ...e, revision: e.revision - 1 } : e)),
  /** Two events' revisions exchanged. */
  swap:
    (a: number, b: number): Tampering =>
    (events) =>
      events
        .map((e) => (e.revision === a ? { ...e, revision: b } : e.revision === b ? { ...e, revision: a } : e))
        .sort((x, y) => x.revision - y.revision),
  /** A copy of event `source` with a new id inserted at `at`, the later events moved up by one. */
  insertCopy:
    (source: number, at: number): Tampering =>
    (events) => {
      const copy = { ...events.find((e) => e.revision === source)!, id: randomUUID(), revision: at };
      const moved = events.map((e) => (e.revision >= at ? { ...e, revision: e.revision + 1 } : e));
      return [...moved, copy].sort((x, y) => x.revision - y.revision);
    },
  /** A forged event whose chain fields were computed the way the write side does, inserted at `at`. */
  insertForgedWithValidHash:
    (at: number): Tampering =>
    (events) => {
      const previous = at === 0 ? GENESIS_HASH : chainHead(events.filter((e) => e.revision < at));
      const [forged] = sealEvents(STREAM, at, previous, [
        { id: randomUUID(), type: 'PurchaseRecorded', data: { n: -1 }, metadata: { actor: 'forger' } },
      ]);
      const moved = events.map((e) => (e.revision >= at ? { ...e, revision: e.revision + 1 } : e));
      return [...moved, { ...forged!, stream: STREAM, revision: at }].sort((x, y) => x.revision - y.revision);
    },
};

/** given(a stored stream).when(it is tampered with).then(these findings). */
function given(events: ChainableEvent[]) {
  return {
    when(tampering: Tampering, options?: ChainVerificationOptions) {
      const tampered = tampering(events);
      const report = verifyStreamChain(tampered, options);
      return {
        report,
        then(expected: ReadonlyArray<readonly [ChainFindingKind, number, string]>): void {
          expect(report.findings.map((f) => [f.kind, f.revision, f.eventId])).toEqual(expected);
          for (const finding of report.findings) expect(finding.stream).toBe(STREAM);
        },
      };
    },
  };
}

describe('the event hash chain', () => {
  it('hashes the event at its revision, chained to the previous hash, leaving its own chain fields out', () => {
    const [event] = sealedStream(1);
    const link = event!.metadata.chain as { hash: string; previous: string };
    expect(link.previous).toBe(GENESIS_HASH);
    expect(link.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash(event!, 0, GENESIS_HASH)).toBe(link.hash);
    expect(eventHash(event!, 1, GENESIS_HASH)).not.toBe(link.hash);
    expect(eventHash({ ...event!, data: { ...event!.data, n: 1 } }, 0, GENESIS_HASH)).not.toBe(link.hash);
  });

  it('hashes data as the store gives it back: key order does not matter, dates are ISO text', () => {
    const occurredAt = new Date('2026-01-01T00:00:00Z');
    const [fromDomain] = sealEvents(STREAM, 0, GENESIS_HASH, [
      {
        id: 'A0000000-0000-4000-8000-000000000000',
        type: 'T',
        data: { b: 1, at: occurredAt } as unknown as JsonObject,
        metadata: {},
      },
    ]);
    const asStored = {
      id: 'a0000000-0000-4000-8000-000000000000',
      stream: STREAM,
      revision: 0,
      type: 'T',
      data: { at: '2026-01-01T00:00:00.000Z', b: 1 },
      metadata: fromDomain!.metadata,
    };
    expect(verifyStreamChain([asStored]).findings).toEqual([]);
  });

  it('chains several events of one append in order', () => {
    const sealed = sealEvents(STREAM, 3, 'f'.repeat(64), [
      { id: randomUUID(), type: 'A', data: {}, metadata: {} },
      { id: randomUUID(), type: 'B', data: {}, metadata: {} },
    ]);
    const [first, second] = sealed.map((e) => e.metadata.chain as { hash: string; previous: string });
    expect(first!.previous).toBe('f'.repeat(64));
    expect(second!.previous).toBe(first!.hash);
    expect(eventHash({ ...sealed[1]!, stream: STREAM }, 4, first!.hash)).toBe(second!.hash);
  });
});

describe('verifyStreamChain', () => {
  const stream = sealedStream(6);
  const id = (revision: number): string => stream[revision]!.id;

  it('finds nothing in an untouched stream', () => {
    const { report } = given(stream).when(tamper.nothing());
    expect(report).toMatchObject({ stream: STREAM, events: 6, chained: 6, unchained: 0, findings: [] });
  });

  it('names an event whose data was changed as edited', () => {
    given(stream)
      .when(tamper.editData(3))
      .then([['edited', 3, id(3)]]);
  });

  it('names an edited first and last event', () => {
    given(stream)
      .when(tamper.editData(0))
      .then([['edited', 0, id(0)]]);
    given(stream)
      .when(tamper.editData(5))
      .then([['edited', 5, id(5)]]);
  });

  it('names an event edited together with its revision moved', () => {
    given(stream)
      .when((events) =>
        tamper
          .editData(2)(events)
          .map((e) => (e.revision === 2 ? { ...e, type: 'Forged' } : e)),
      )
      .then([['edited', 2, id(2)]]);
  });

  it('names a deleted event by its missing revision and the event after the gap', () => {
    given(stream)
      .when(tamper.delete(3))
      .then([['deleted', 3, id(4)]]);
  });

  it('names a deleted event when the later revisions were moved down to hide the gap', () => {
    const { report } = given(stream).when(tamper.delete(3, true));
    expect(report.findings.map((f) => [f.kind, f.revision, f.eventId])).toEqual([['deleted', 3, id(4)]]);
    expect(report.findings[0]!.detail).toContain('no longer in the stream');
  });

  it('names a deleted first event', () => {
    given(stream)
      .when(tamper.delete(0))
      .then([['deleted', 0, id(1)]]);
    given(stream)
      .when(tamper.delete(0, true))
      .then([['deleted', 0, id(1)]]);
  });

  it('names both events of a swap as reordered', () => {
    given(stream)
      .when(tamper.swap(2, 3))
      .then([
        ['reordered', 2, id(3)],
        ['reordered', 3, id(2)],
      ]);
  });

  it('names only the two events of a swap further apart, not the ones between them', () => {
    given(stream)
      .when(tamper.swap(1, 4))
      .then([
        ['reordered', 1, id(4)],
        ['reordered', 4, id(1)],
      ]);
  });

  it('names one event moved later, the others shifted down to make room, as the one reordered', () => {
    given(stream)
      .when((events) =>
        events
          .map((e) =>
            e.revision === 1
              ? { ...e, revision: 3 }
              : e.revision > 1 && e.revision <= 3
                ? { ...e, revision: e.revision - 1 }
                : e,
          )
          .sort((x, y) => x.revision - y.revision),
      )
      .then([['reordered', 3, id(1)]]);
  });

  it('names revisions out of order in its input as reordered', () => {
    given(stream)
      .when((events) => [events[0]!, events[2]!, events[1]!, ...events.slice(3)])
      .then([
        ['reordered', 2, id(2)],
        ['reordered', 1, id(1)],
      ]);
  });

  it('names a copied row with a new id, the later revisions moved up, as inserted', () => {
    const { report } = given(stream).when(tamper.insertCopy(2, 3));
    expect(report.findings.map((f) => [f.kind, f.revision])).toEqual([['inserted', 3]]);
    expect(report.findings[0]!.eventId).not.toBe(id(2));
  });

  it('names a forged event with a well-formed chain as inserted: the next event is chained past it', () => {
    const { report } = given(stream).when(tamper.insertForgedWithValidHash(2));
    expect(report.findings.map((f) => [f.kind, f.revision])).toEqual([['inserted', 2]]);
    expect(report.findings[0]!.detail).toContain('chained past it');
  });

  it('names a copied row appended at the end as inserted', () => {
    const { report } = given(stream).when(tamper.insertCopy(5, 6));
    expect(report.findings.map((f) => [f.kind, f.revision])).toEqual([['inserted', 6]]);
  });

  it('reports several tamperings of one stream each by name', () => {
    const long = sealedStream(12);
    const { report } = given(long).when((events) => tamper.swap(8, 9)(tamper.delete(5)(tamper.editData(2)(events))));
    expect(report.findings.map((f) => [f.kind, f.revision, f.eventId])).toEqual([
      ['edited', 2, long[2]!.id],
      ['deleted', 5, long[6]!.id],
      ['reordered', 8, long[9]!.id],
      ['reordered', 9, long[8]!.id],
    ]);
  });

  describe('events appended before the chain existed', () => {
    const mixed = sealedStream(5, 3);

    it('counts them as unchained, not as findings, and chains the next event to their recomputed hash', () => {
      const { report } = given(mixed).when(tamper.nothing());
      expect(report).toMatchObject({ events: 5, chained: 2, unchained: 3, findings: [] });
    });

    it('reports them as findings in strict mode', () => {
      given(mixed)
        .when(tamper.nothing(), { strict: true })
        .then([
          ['unchained', 0, mixed[0]!.id],
          ['unchained', 1, mixed[1]!.id],
          ['unchained', 2, mixed[2]!.id],
        ]);
    });

    it('notices an unchained event edited before the first chained one', () => {
      given(mixed)
        .when(tamper.editData(1))
        .then([['edited', 2, mixed[2]!.id]]);
    });

    it('names a row without chain fields inserted among chained events', () => {
      const { report } = given(mixed).when((events) => {
        const forged = { ...events[1]!, id: randomUUID(), revision: 4 };
        return [...events.slice(0, 4), forged, { ...events[4]!, revision: 5 }];
      });
      expect(report.findings.map((f) => [f.kind, f.revision])).toEqual([['inserted', 4]]);
    });
  });
});
