import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
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

/**
 * Runs the row projections (in the API process, or alone in apps/projector)
 * and reports how far behind the store they are.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Projector');
  private readonly runners: ProjectionRunner<ObjectLiteral>[] = [];

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
  }

  async beforeApplicationShutdown(): Promise<void> {
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
