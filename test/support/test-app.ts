import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { EventStore } from '@crm/event-store';
import { DATA_SOURCE, EVENT_STORE, loadCrmConfig, type CrmConfig } from '@crm/platform';
import type { DataSource } from 'typeorm';
import { createApp } from '../../apps/api/src/create-app';
import { createScratchDatabase } from './databases';
import { expectEventually } from './eventually';

/** Test keys, one per role (never used outside tests). */
export const TEST_KEYS = {
  writer: 'test-writer-key-0000000001',
  reader: 'test-reader-key-0000000002',
  auditor: 'test-auditor-key-000000003',
  admin: 'test-admin-key-00000000004',
} as const;

export interface TestApp {
  readonly app: INestApplication;
  readonly store: EventStore;
  /** The app's configuration: another process of the product (the projector) can start on the same storage with it. */
  readonly config: CrmConfig;
  /** A request with the given role's key. */
  as(role: keyof typeof TEST_KEYS): {
    post(path: string): request.Test;
    get(path: string): request.Test;
    put(path: string): request.Test;
    patch(path: string): request.Test;
  };
  /**
   * How many events the store holds, committed ones counted directly (a
   * reader's horizon may still hold back events behind an open transaction).
   */
  eventCount(): Promise<number>;
  /**
   * Waits until the store's readers see every event up to `checkpoint`: a
   * transaction still open on the server, from any client, holds back what
   * commits after it began.
   */
  untilReadable(checkpoint: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The whole API on a fresh database: a scratch database on the PostgreSQL
 * server ('postgres'), or embedded PGlite in a temporary folder ('pglite').
 */
export async function startTestApp(mode: 'postgres' | 'pglite', env: Record<string, string> = {}): Promise<TestApp> {
  const keys = Object.entries(TEST_KEYS)
    .map(([role, key]) => `${role}:${key}`)
    .join(',');
  // Scheduled segmentation runs are off unless a test asks for them: they would change answers mid-test.
  const common = {
    PORT: '0',
    LOG_LEVEL: 'error',
    CRM_POLL_INTERVAL_MS: '50',
    CRM_SEGMENTATION_INTERVAL_HOURS: '0',
    CRM_API_KEYS: keys,
    ...env,
  };
  let cleanup: () => Promise<void>;
  let config: CrmConfig;
  if (mode === 'postgres') {
    const database = await createScratchDatabase('api');
    config = loadCrmConfig({ ...common, DATABASE_URL: database.url });
    cleanup = () => database.drop();
  } else {
    const dataDir = mkdtempSync(join(tmpdir(), 'crm-test-'));
    config = loadCrmConfig({ ...common, CRM_DATA_DIR: dataDir });
    cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
  }
  const app = await createApp(config);
  await app.init();
  const store = app.get<EventStore>(EVENT_STORE);
  const server = app.getHttpServer();
  return {
    app,
    store,
    config,
    as(role) {
      const auth = `Bearer ${TEST_KEYS[role]}`;
      return {
        post: (path) => request(server).post(path).set('Authorization', auth),
        get: (path) => request(server).get(path).set('Authorization', auth),
        put: (path) => request(server).put(path).set('Authorization', auth),
        patch: (path) => request(server).patch(path).set('Authorization', auth),
      };
    },
    eventCount: async () => {
      const rows: Array<{ n: number }> = await app
        .get<DataSource>(DATA_SOURCE)
        .query('SELECT count(*)::int AS n FROM es_events');
      return rows[0]!.n;
    },
    untilReadable: (checkpoint) =>
      expectEventually(async () => {
        const head = await store.headCheckpoint();
        expect(head !== null && store.compareCheckpoints(head, checkpoint) >= 0).toBe(true);
      }),
    async close() {
      await app.close();
      await cleanup();
    },
  };
}
