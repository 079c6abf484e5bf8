import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { EventStore } from '@crm/event-store';
import { DATA_SOURCE, DATABASE, EVENT_STORE, principalOf, RequireRole, type Database } from '@crm/platform';
import { ProjectorService, type ProjectionStatus } from '@crm/projections';
import type { DataSource } from 'typeorm';

interface Check {
  readonly ok: boolean;
  readonly kind: string;
  /** Why the check failed: shown to admin keys only (it may name hosts and ports). */
  readonly error?: string;
}

interface ProjectorCheck {
  readonly ok: boolean;
  readonly mode: 'in-process' | 'external';
  /** The newest heartbeat of any projector process (null: none has run on this database, or it stopped cleanly). */
  readonly lastHeartbeatAt: string | null;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly store: Check;
  readonly database: Check;
  readonly projector: 'in-process' | 'external';
  readonly projectorLiveness: ProjectorCheck | null;
  readonly projections: readonly ProjectionStatus[];
}

@ApiTags('operations')
@RequireRole('reader', 'writer', 'auditor')
@Controller('health')
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(DATABASE) private readonly database: Database,
    private readonly projector: ProjectorService,
  ) {}

  @Get()
  @ApiOkResponse({
    description:
      'Event store and database answer and a projector moved its heartbeat within 30 s; projection lag in events and seconds.',
  })
  @ApiServiceUnavailableResponse({
    description:
      'The event store or the database does not answer, or no projector process is alive (errors shown to admin keys only).',
  })
  async health(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const showErrors = principalOf(request).role === 'admin';
    const store = await check(this.store.kind, () => this.store.ping(), showErrors);
    const database = await check(
      this.database.kind,
      async () => {
        await this.dataSource.query('SELECT 1');
      },
      showErrors,
    );
    let projections: ProjectionStatus[] = [];
    let projectorLiveness: ProjectorCheck | null = null;
    const mode = this.projector.runsHere() ? 'in-process' : 'external';
    if (store.ok && database.ok) {
      projections = await this.projector.status().catch(() => []);
      const liveness = await this.projector.liveness().catch(() => null);
      projectorLiveness = {
        ok: liveness?.alive ?? false,
        mode,
        lastHeartbeatAt: liveness?.lastHeartbeatAt?.toISOString() ?? null,
      };
    }
    const healthy = store.ok && database.ok && projectorLiveness?.ok === true;
    if (!healthy) response.status(503);
    return {
      status: healthy ? 'ok' : 'degraded',
      store,
      database,
      projector: mode,
      projectorLiveness,
      projections,
    };
  }
}

async function check(kind: string, probe: () => Promise<void>, showError: boolean): Promise<Check> {
  try {
    await probe();
    return { ok: true, kind };
  } catch (error) {
    if (!showError) return { ok: false, kind };
    return { ok: false, kind, error: error instanceof Error ? error.message : String(error) };
  }
}
