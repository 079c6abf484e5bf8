import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { hostname } from 'node:os';
import type { EventStore } from '@crm/event-store';
import type { DataSource, ObjectLiteral } from 'typeorm';
import type { RowProjection } from './projection';
import { ProjectionCheckpointEntity } from './projection-checkpoint.entity';
import { projectionLag } from './projection-lag';
import { ProjectionRunner } from './projection-runner';
import { CRM_CONFIG, DATA_SOURCE, EVENT_STORE, PROJECTIONS, PROJECTOR_ROLE, type ProjectorRole } from './tokens';
import type { CrmConfig } from '@crm/platform/config/crm-config';

export interface ProjectionStatus {
  readonly name: string;
  readonly checkpoint: string | null;
  readonly eventsApplied: number;
  /** Events of the streams the projection reads after its checkpoint (counted up to 10,000). */
  readonly lagEvents: number;
  /** How long the oldest of them has waited, in seconds (0 when caught up). */
  readonly lagSeconds: number;
}

/** How often a running projector moves its heartbeat. */
export const HEARTBEAT_INTERVAL_MS = 5_000;
/** A projector whose latest heartbeat is older than this is reported dead by GET /health. */
export const HEARTBEAT_STALE_MS = 30_000;

/** Whether some projector process has shown it is alive lately, and when it last did. */
export interface ProjectorLiveness {
  readonly alive: boolean;
  /** The newest heartbeat of any projector process, null when none ever ran on this database. */
  readonly lastHeartbeatAt: Date | null;
}

/**
 * Runs the row projections (in the API process, or alone in apps/projector),
 * moves a heartbeat row while it runs, and reports how far behind the store
 * they are and whether any projector is alive.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly runners: ProjectionRunner<ObjectLiteral>[] = [];
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly startedAt = new Date();
  private readonly instance = `${hostname()}:${process.pid}:${this.startedAt.toISOString()}`;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(PROJECTIONS) private readonly projections: readonly RowProjection<ObjectLiteral>[],
    @Inject(CRM_CONFIG) private readonly config: CrmConfig,
    @Inject(PROJECTOR_ROLE) private readonly role: ProjectorRole,
  ) {}

  /** Whether this process applies events (the API leaves it to apps/projector when CRM_PROJECTOR=external). */
  runsHere(): boolean {
    return this.role === 'projector' || this.config.projector === 'in-process';
  }

  onApplicationBootstrap(): void {
    if (!this.runsHere()) {
      this.logger.log('projections run in a separate projector process (CRM_PROJECTOR=external)');
      return;
    }
    for (const projection of this.projections) {
      const runner = new ProjectionRunner(this.store, this.dataSource, projection, {
        batchSize: this.config.projectorBatchSize,
        logger: this.logger,
      });
      runner.start();
      this.runners.push(runner);
    }
    this.logger.log(`running projections: ${this.projections.map((p) => p.name).join(', ')}`);
    this.beat();
    this.heartbeat = setInterval(() => this.beat(), HEARTBEAT_INTERVAL_MS);
    this.heartbeat.unref();
  }

  /** Moves this process's heartbeat; a database that does not answer now is tried again at the next beat. */
  private beat(): void {
    this.dataSource
      .query(
        `INSERT INTO projector_heartbeats (instance, host, pid, started_at, beat_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (instance) DO UPDATE SET beat_at = now()`,
        [this.instance, hostname(), process.pid, this.startedAt],
      )
      .catch((error: unknown) => this.logger.warn(`heartbeat not recorded: ${(error as Error).message}`));
  }

  /** Whether a projector process moved its heartbeat within HEARTBEAT_STALE_MS (by the database's clock). */
  async liveness(): Promise<ProjectorLiveness> {
    const [row] = await this.dataSource.query<Array<{ beat_at: Date | null; fresh: boolean | null }>>(
      `SELECT max(beat_at) AS beat_at, max(beat_at) > now() - $1 * interval '1 millisecond' AS fresh
         FROM projector_heartbeats`,
      [HEARTBEAT_STALE_MS],
    );
    return { alive: row?.fresh === true, lastHeartbeatAt: row?.beat_at ? new Date(row.beat_at) : null };
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    if (this.runners.length > 0) {
      // A projector that stops cleanly says so: its row goes, so /health sees no live projector at once.
      await this.dataSource
        .query('DELETE FROM projector_heartbeats WHERE instance = $1', [this.instance])
        .catch(() => undefined);
    }
    if (this.runners.length > 0) this.logger.log('stopping projections');
    await Promise.all(this.runners.map((runner) => runner.stop()));
    if (this.runners.length > 0) this.logger.log('projections stopped');
  }

  async status(): Promise<ProjectionStatus[]> {
    const rows = await this.dataSource.manager.find(ProjectionCheckpointEntity);
    const byName = new Map(rows.map((r) => [r.name, r]));
    return Promise.all(
      this.projections.map(async (projection) => {
        const row = byName.get(projection.name);
        const checkpoint = row?.checkpoint ?? null;
        return {
          name: projection.name,
          checkpoint,
          eventsApplied: Number(row?.eventsApplied ?? 0),
          ...(await projectionLag(this.store, projection, checkpoint)),
        };
      }),
    );
  }
}
