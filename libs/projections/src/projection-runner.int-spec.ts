import { randomUUID } from 'node:crypto';
import type { EventStore } from '@crm/event-store';
import type { DataSource } from 'typeorm';
import { expectEventually } from '../../../test/support/eventually';
import { describeOnEveryDatabase } from '../../../test/support/server-suites';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { applyBatch, CheckpointMovedError, ensureCheckpointRow, ProjectionRunner } from './projection-runner';
import {
  openProjectionTestEnvironment,
  STREAM_TALLY_TABLE,
  streamTally as tally,
  StreamTallyEntity,
  type ProjectionTestEnvironment,
} from './testing/stream-tally';

const silentLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function appendEvents(store: EventStore, streams: number, perStream: number, prefix: string): Promise<void> {
  await Promise.all(
    Array.from({ length: streams }, async (_, s) => {
      for (let i = 0; i < perStream; i++) {
        await store.append(`${prefix}${s}`, [{ id: randomUUID(), type: 'Counted', data: { i }, metadata: {} }], {
          expectedRevision: i === 0 ? 'no-stream' : i - 1,
        });
      }
    }),
  );
}

async function tableContents(dataSource: DataSource): Promise<StreamTallyEntity[]> {
  return dataSource.manager.find(StreamTallyEntity, { order: { stream: 'ASC' } });
}

describeOnEveryDatabase('projection runner', 'projector', (open) => {
  let environment: ProjectionTestEnvironment;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const database = await open();
    cleanup = database.close;
    environment = await openProjectionTestEnvironment(database.connection, database.kind, {
      entities: [StreamTallyEntity],
      tables: [STREAM_TALLY_TABLE],
      connections: 5,
      listen: true,
    });
  }, 60_000);

  afterAll(async () => {
    await environment?.dispose();
    await cleanup?.();
  }, 60_000);

  it('applies every event exactly once while two runner instances compete for the same projection', async () => {
    const { store, dataSource } = environment;
    const first = new ProjectionRunner(store, dataSource, tally, { batchSize: 7, logger: silentLogger });
    const second = new ProjectionRunner(store, dataSource, tally, { batchSize: 5, logger: silentLogger });
    first.start();
    second.start();
    try {
      await appendEvents(store, 12, 15, 'tally-');
      await expectEventually(
        async () => {
          const rows = await tableContents(dataSource);
          expect(rows).toHaveLength(12);
          for (const row of rows) {
            expect(row.events).toBe(15);
            expect(row.revisions).toBe(Array.from({ length: 15 }, (_, i) => i).join(','));
          }
        },
        { timeoutMs: 30_000 },
      );
      const checkpoint = await dataSource.manager.findOneByOrFail(ProjectionCheckpointEntity, { name: tally.name });
      expect(Number(checkpoint.eventsApplied)).toBe(12 * 15);
      expect(checkpoint.checkpoint).toBe(await store.headCheckpoint());
    } finally {
      await Promise.all([first.stop(), second.stop()]);
    }
  }, 60_000);

  it('refuses a batch whose expected checkpoint is stale, leaving rows and checkpoint untouched', async () => {
    const { store, dataSource } = environment;
    await ensureCheckpointRow(dataSource.manager, tally.name);
    const before = await tableContents(dataSource);
    const stored = await store.readAll({ maxCount: 3, filter: { streamPrefixes: ['tally-'] } });
    await expect(dataSource.transaction((manager) => applyBatch(manager, tally, stored, null))).rejects.toBeInstanceOf(
      CheckpointMovedError,
    );
    expect(await tableContents(dataSource)).toEqual(before);
  });

  it('ends with the same table when rebuilt from position 0 as when built live', async () => {
    const { store, dataSource } = environment;
    const live = await tableContents(dataSource);
    await dataSource.transaction(async (manager) => {
      await manager.query('DELETE FROM test_stream_tally');
      await manager.query('DELETE FROM projection_checkpoints WHERE name = $1', [tally.name]);
    });
    const rebuild = new ProjectionRunner(store, dataSource, tally, { batchSize: 500, logger: silentLogger });
    rebuild.start();
    try {
      await expectEventually(async () => expect(await tableContents(dataSource)).toEqual(live), {
        timeoutMs: 30_000,
      });
    } finally {
      await rebuild.stop();
    }
  }, 60_000);

  it('deletes a row when the fold returns null', async () => {
    const { store, dataSource } = environment;
    const runner = new ProjectionRunner(store, dataSource, tally, { batchSize: 50, logger: silentLogger });
    runner.start();
    try {
      await store.append('tally-0', [{ id: randomUUID(), type: 'Deleted', data: {}, metadata: {} }], {
        expectedRevision: 14,
      });
      await expectEventually(async () => {
        const rows = await tableContents(dataSource);
        expect(rows.map((r) => r.stream)).not.toContain('tally-0');
        expect(rows).toHaveLength(11);
      });
    } finally {
      await runner.stop();
    }
  }, 60_000);
});
