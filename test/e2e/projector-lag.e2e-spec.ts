import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { readModels } from '@crm/catalog';
import { DATA_SOURCE } from '@crm/platform';
import type { DataSource } from 'typeorm';
import { ProjectorModule } from '../../apps/projector/src/projector.module';
import { expectEventually } from '../support/eventually';
import { describeOnPostgresServer } from '../support/server-suites';
import { startTestApp, type TestApp } from '../support/test-app';

const PROJECTIONS = readModels.projections.map((projection) => projection.name);

interface Lag {
  name: string;
  checkpoint: string | null;
  lagEvents: number;
  lagSeconds: number;
}

/** The value of each projection's sample of a metric in the Prometheus text. */
function samples(text: string, metric: string): Record<string, number> {
  const pattern = new RegExp(`^${metric}\\{projection="([a-z_]+)"\\} (\\S+)$`, 'gm');
  return Object.fromEntries([...text.matchAll(pattern)].map(([, name, value]) => [name!, Number(value)]));
}

/**
 * Projection lag as GET /health and GET /metrics report it, with the API
 * alone (CRM_PROJECTOR=external) and then with the projector process's
 * module started on the same databases.
 */
describeOnPostgresServer('projection lag in /health and /metrics (PostgreSQL server)', () => {
  let t: TestApp;
  let projector: INestApplicationContext | undefined;
  let appended = 0;

  beforeAll(async () => {
    t = await startTestApp('postgres', { CRM_PROJECTOR: 'external' });
    const writer = t.as('writer');
    const answers = [
      await writer.post('/customers').send({ customerId: 'lag-1', kind: 'individual', name: 'Lag One' }).expect(201),
      await writer.post('/customers').send({ customerId: 'lag-2', kind: 'organisation', name: 'Lag Two' }).expect(201),
      await writer
        .post('/customers/lag-1/purchases')
        .send({
          orderId: 'o-1',
          currency: 'EUR',
          channel: 'web',
          lines: [{ sku: 'SKU-1', category: 'books', quantity: 1, unitPriceMinor: 900 }],
        })
        .expect(201),
      await writer.post('/customers/lag-2/surveys').send({ surveyId: 'sv-1', method: 'online', nps: 9 }).expect(201),
    ];
    appended = answers.reduce((sum, answer) => sum + (answer.body.eventIds as string[]).length, 0);
    // Events of a stream no projection reads: never applied, so never lag.
    const foreign = await t.store.append(
      'ops-audit-1',
      [1, 2, 3].map((n) => ({
        id: `00000000-0000-4000-8000-00000000000${n}`,
        type: 'Noted',
        data: { n },
        metadata: {},
      })),
      { expectedRevision: 'no-stream' },
    );
    // The lag counts what the store's readers see: every event appended, once no open transaction holds them back.
    await t.untilReadable(foreign.checkpoint);
  });

  afterAll(async () => {
    await projector?.close();
    await t?.close();
  });

  it('reports every appended customer event as lag while no projector runs, and none of another stream', async () => {
    expect(appended).toBe(4);
    expect(await t.eventCount()).toBe(7);
    // No projector process has ever run on this database: the API says so.
    const { body } = await t.as('reader').get('/health').expect(503);
    expect(body).toMatchObject({
      status: 'degraded',
      store: { ok: true },
      database: { ok: true },
      projectorLiveness: { ok: false, mode: 'external', lastHeartbeatAt: null },
    });
    expect(body.projector).toBe('external');
    const projections = body.projections as Lag[];
    expect(projections.map((p) => p.name).sort()).toEqual([...PROJECTIONS].sort());
    for (const projection of projections) {
      expect(projection).toMatchObject({ checkpoint: null, eventsApplied: 0, lagEvents: appended });
      expect(projection.lagSeconds).toBeGreaterThan(0);
    }

    const { text } = await t.as('reader').get('/metrics').expect(200);
    const lagEvents = samples(text, 'crm_projection_lag_events');
    const lagSeconds = samples(text, 'crm_projection_lag_seconds');
    expect(Object.keys(lagEvents).sort()).toEqual([...PROJECTIONS].sort());
    for (const name of PROJECTIONS) {
      expect(lagEvents[name]).toBe(appended);
      expect(lagSeconds[name]).toBeGreaterThan(0);
    }
    expect(text).toMatch(/^crm_projector_in_process 0$/m);
  });

  it('reports no lag once the projector process has caught up', async () => {
    projector = await NestFactory.createApplicationContext(ProjectorModule.forRoot(t.config), { logger: false });
    await projector.init();
    await expectEventually(async () => {
      const { body } = await t.as('reader').get('/health').expect(200);
      expect(body).toMatchObject({ status: 'ok', projectorLiveness: { ok: true, mode: 'external' } });
      for (const projection of body.projections as Lag[]) {
        expect(projection).toMatchObject({ lagEvents: 0, lagSeconds: 0 });
        expect(projection.checkpoint).not.toBeNull();
      }
    });
    const { text } = await t.as('reader').get('/metrics').expect(200);
    for (const name of PROJECTIONS) {
      expect(samples(text, 'crm_projection_lag_events')[name]).toBe(0);
      expect(samples(text, 'crm_projection_lag_seconds')[name]).toBe(0);
      expect(samples(text, 'crm_projection_events_applied_total')[name]).toBe(appended);
    }
  });

  it('reports a projector that stopped cleanly as gone, one whose heartbeat stopped moving as dead', async () => {
    await projector!.close();
    projector = undefined;
    const gone = await t.as('reader').get('/health').expect(503);
    expect(gone.body).toMatchObject({ status: 'degraded', projectorLiveness: { ok: false, lastHeartbeatAt: null } });

    // What a projector killed 31 s ago leaves behind: a heartbeat that no longer moves.
    const dataSource = t.app.get<DataSource>(DATA_SOURCE);
    await dataSource.query(
      `INSERT INTO projector_heartbeats (instance, host, pid, started_at, beat_at)
       VALUES ('gone:1', 'gone', 1, now() - interval '1 hour', now() - interval '31 seconds')`,
    );
    const dead = await t.as('reader').get('/health').expect(503);
    expect(dead.body).toMatchObject({ status: 'degraded', projectorLiveness: { ok: false } });
    expect(Date.parse(dead.body.projectorLiveness.lastHeartbeatAt as string)).toBeLessThan(Date.now() - 30_000);

    await dataSource.query(`UPDATE projector_heartbeats SET beat_at = now() WHERE instance = 'gone:1'`);
    const alive = await t.as('reader').get('/health').expect(200);
    expect(alive.body).toMatchObject({ status: 'ok', projectorLiveness: { ok: true } });
  });

  it('shows why a check failed to admin keys only (it may name the database host)', async () => {
    const outage = () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432'));
    const ping = jest.spyOn(t.store, 'ping').mockImplementation(outage);
    try {
      const reader = await t.as('reader').get('/health').expect(503);
      expect(reader.body.store).toEqual({ ok: false, kind: t.store.kind });
      expect(JSON.stringify(reader.body)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|5432/);
      const admin = await t.as('admin').get('/health').expect(503);
      expect(admin.body.store).toEqual({ ok: false, kind: t.store.kind, error: 'connect ECONNREFUSED 127.0.0.1:5432' });
    } finally {
      ping.mockRestore();
    }
  });
});
