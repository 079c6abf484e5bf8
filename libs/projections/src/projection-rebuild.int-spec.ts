import { randomUUID } from 'node:crypto';
import type { EventStore } from '@crm/event-store';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { expectEventually } from '../../../test/support/eventually';
import { describeOnEveryDatabase } from '../../../test/support/server-suites';
import type { RowProjection } from './projection';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { rebuildProjections } from './projection-rebuild';
import {
  openProjectionTestEnvironment,
  STREAM_TALLY_TABLE,
  streamTally as tally,
  StreamTallyEntity,
  type ProjectionTestEnvironment,
} from './testing/stream-tally';

/** One row per event, never touched again. */
@Entity({ name: 'test_rebuild_events' })
class RebuildEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  stream!: string;

  @Column({ type: 'timestamptz' })
  recordedAt!: Date;
}

const eventRows: RowProjection<RebuildEventEntity> = {
  name: 'test_rebuild_events',
  entity: RebuildEventEntity,
  keyProperty: 'id',
  streamPrefixes: ['tally-'],
  keyOf: (event) => event.id,
  evolve: (_row, event) => ({ id: event.id, stream: event.stream, recordedAt: event.recordedAt }),
};

/**
 * Streams whose events interleave in the log, some deleted and created again
 * (also within what will be one batch), so that a rebuild meets keys in every
 * state: new, kept in memory, written long ago, deleted.
 */
async function appendStory(store: EventStore): Promise<string> {
  const revision = new Map<string, number>();
  let checkpoint = '';
  const append = async (stream: string, type: string): Promise<void> => {
    const previous = revision.get(stream);
    ({ checkpoint } = await store.append(stream, [{ id: randomUUID(), type, data: {}, metadata: {} }], {
      expectedRevision: previous === undefined ? 'no-stream' : previous,
    }));
    revision.set(stream, (previous ?? -1) + 1);
  };
  for (let round = 0; round < 12; round++) {
    for (let s = 0; s < 9; s++) {
      const stream = `tally-${s}`;
      if ((round + s) % 5 === 4) await append(stream, 'Deleted');
      else await append(stream, 'Counted');
      if (s === 3 && round % 4 === 1) {
        await append(stream, 'Deleted');
        await append(stream, 'Counted');
      }
    }
  }
  await append('other-0', 'Counted');
  return checkpoint;
}

/**
 * Waits until readers of the log see the event at `checkpoint`: on a server,
 * a transaction still open elsewhere holds the store's horizon back.
 */
async function untilVisible(store: EventStore, checkpoint: string): Promise<void> {
  await expectEventually(async () => expect(await store.headCheckpoint()).toBe(checkpoint), { timeoutMs: 20_000 });
}

/** What the tables must hold: every event folded in log order, in memory. */
async function expectedTables(store: EventStore): Promise<{ tally: StreamTallyEntity[]; events: number }> {
  const events = await store.readAll({ maxCount: 10_000, filter: { streamPrefixes: ['tally-'] } });
  const rows = new Map<string, StreamTallyEntity | null>();
  for (const event of events) rows.set(event.stream, tally.evolve(rows.get(event.stream) ?? null, event));
  const kept = [...rows.values()].filter((row): row is StreamTallyEntity => row !== null);
  return { tally: kept.sort((a, b) => (a.stream < b.stream ? -1 : 1)), events: events.length };
}

describeOnEveryDatabase('rebuild from position 0', 'rebuild', (open) => {
  let environment: ProjectionTestEnvironment;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const database = await open();
    cleanup = database.close;
    environment = await openProjectionTestEnvironment(database.connection, database.kind, {
      entities: [StreamTallyEntity, RebuildEventEntity],
      tables: [
        STREAM_TALLY_TABLE,
        'CREATE TABLE test_rebuild_events (id uuid PRIMARY KEY, stream text NOT NULL, "recordedAt" timestamptz NOT NULL)',
      ],
      connections: 4,
    });
    await untilVisible(environment.store, await appendStory(environment.store));
  }, 60_000);

  afterAll(async () => {
    await environment?.dispose();
    await cleanup?.();
  }, 60_000);

  const tallyRows = () => environment.dataSource.manager.find(StreamTallyEntity, { order: { stream: 'ASC' } });

  it.each([
    ['in batches of 7, two rows kept between batches', 7, 2],
    ['in batches of 7, no row kept between batches', 7, 0],
    ['in batches of 50, every row kept', 50, 1_000],
    ['in one batch', 5_000, 20_000],
  ])('folds every event exactly once %s', async (_label, rebuildBatchSize, rebuildCachedRows) => {
    const { store, dataSource } = environment;
    const expected = await expectedTables(store);
    const results = await rebuildProjections(store, dataSource, [tally, eventRows], {
      batchSize: 5,
      rebuildBatchSize,
      rebuildCachedRows,
    });
    expect(await tallyRows()).toEqual(expected.tally);
    const events = await dataSource.query(
      'SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM test_rebuild_events',
    );
    expect(events).toEqual([{ n: expected.events, d: expected.events }]);

    const head = await store.headCheckpoint();
    const checkpoints = await dataSource.manager.find(ProjectionCheckpointEntity, { order: { name: 'ASC' } });
    expect(checkpoints.map((c) => [c.name, c.checkpoint, Number(c.eventsApplied)])).toEqual([
      [eventRows.name, results[1]!.checkpoint, expected.events],
      [tally.name, results[0]!.checkpoint, expected.events],
    ]);
    // The last event of the log is in another stream: both stop at the last one they read.
    expect(results.map((r) => r.eventsApplied)).toEqual([expected.events, expected.events]);
    expect(store.compareCheckpoints(results[0]!.checkpoint!, head!)).toBeLessThan(0);
  });

  it('stops at the first batch that fails, with every earlier batch committed and nothing left in flight', async () => {
    const { store, dataSource } = environment;
    const failing = await store.append('tally-fail', [{ id: randomUUID(), type: 'Failed', data: {}, metadata: {} }], {
      expectedRevision: 'no-stream',
    });
    await untilVisible(store, failing.checkpoint);
    await expect(
      rebuildProjections(store, dataSource, [tally, eventRows], { batchSize: 5, rebuildBatchSize: 10 }),
    ).rejects.toThrow('fold refused tally-fail@0');
    const [checkpoint] = await dataSource.query('SELECT events_applied FROM projection_checkpoints WHERE name = $1', [
      tally.name,
    ]);
    const failedAt = (await store.readAll({ maxCount: 10_000, filter: { streamPrefixes: ['tally-'] } })).length - 1;
    // Batches of 10 events: the batch holding the failing event is not committed, every one before it is.
    expect(Number(checkpoint.events_applied)).toBe(Math.floor(failedAt / 10) * 10);
    expect(await dataSource.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });
});
