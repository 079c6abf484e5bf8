import {
  Inject,
  Injectable,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { IdempotencyStore, type CrmConfig } from '@crm/platform';
import { CRM_CONFIG } from '@crm/platform/tokens';
import { crmRulesProvider } from '../rules/rules.loader';
import { SegmentationService } from '../segmentation/segmentation.service';
import { ClvService } from '../value/clv.service';
import { CustomerStatusService } from './customer-status.service';

/** Which process the schedules are declared in: the API runs them unless CRM_PROJECTOR=external; the projector always. */
export type SchedulesRole = 'api' | 'projector';
const SCHEDULES_ROLE = Symbol('SCHEDULES_ROLE');

/**
 * The time-driven work, where the projector runs: a segmentation run when the
 * latest is older than CRM_SEGMENTATION_INTERVAL_HOURS (only one process
 * makes it, under a database lock), the refresh of every customer status
 * that is due, every CRM_STATUS_REFRESH_SECONDS, and the deletion of
 * idempotency records older than CRM_IDEMPOTENCY_RETENTION_HOURS.
 */
@Injectable()
export class CustomerSchedules implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Schedules');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(CRM_CONFIG) private readonly config: CrmConfig,
    @Inject(SCHEDULES_ROLE) private readonly role: SchedulesRole,
    private readonly status: CustomerStatusService,
    private readonly segmentation: SegmentationService,
    private readonly idempotency: IdempotencyStore,
  ) {}

  runsHere(): boolean {
    return this.role === 'projector' || this.config.projector === 'in-process';
  }

  onApplicationBootstrap(): void {
    if (!this.runsHere()) return;
    this.timer = setInterval(() => this.tick(), this.config.statusRefreshSeconds * 1000);
    this.timer.unref();
    this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round; a round still running when the timer fires again is not doubled. */
  tick(): void {
    if (this.running) return;
    this.running = this.round().finally(() => {
      this.running = undefined;
    });
  }

  private async round(): Promise<void> {
    try {
      const hours = this.config.segmentationIntervalHours;
      if (hours > 0) {
        const run = await this.segmentation.recomputeIfDue(new Date(), hours);
        if (run) this.logger.log(`segmentation run ${run.id}: ${run.buyers} buyers scored (rules ${run.rulesVersion})`);
      }
      if (this.timer === undefined) return; // stopping
      await this.status.refresh(new Date());
      if (this.timer === undefined) return;
      const purged = await this.idempotency.purgeExpired(new Date());
      if (purged > 0) this.logger.log(`${purged} expired idempotency records deleted`);
    } catch (error) {
      this.logger.warn(`scheduled round failed: ${(error as Error).message}`);
    }
  }
}

/** The schedules and the services they drive, for the API and the projector processes. */
@Module({})
export class CustomerSchedulesModule {
  static forRoot(role: SchedulesRole): DynamicModule {
    return {
      module: CustomerSchedulesModule,
      providers: [
        { provide: SCHEDULES_ROLE, useValue: role },
        crmRulesProvider,
        ClvService,
        SegmentationService,
        CustomerStatusService,
        CustomerSchedules,
      ],
      exports: [CustomerStatusService, CustomerSchedules],
    };
  }
}
