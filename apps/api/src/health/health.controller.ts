import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { EventStore } from '@crm/event-store';
import { DATA_SOURCE, DATABASE, EVENT_STORE, RequireRole, type Database } from '@crm/platform';
import { ProjectorService, type ProjectionStatus } from '@crm/projections';
import type { DataSource } from 'typeorm';

interface Check {
  readonly ok: boolean;
  readonly kind: string;
  readonly error?: string;
}

export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly store: Check;
  readonly database: Check;
  readonly projector: 'in-process' | 'external';
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
  @ApiOkResponse({ description: 'Event store and database answer; projection lag in events and seconds.' })
  @ApiServiceUnavailableResponse({ description: 'The event store or the database does not answer.' })
  async health(@Res({ passthrough: true }) response: Response): Promise<HealthReport> {
    const store = await check(this.store.kind, () => this.store.ping());
    const database = await check(this.database.kind, async () => {
      await this.dataSource.query('SELECT 1');
    });
    let projections: ProjectionStatus[] = [];
    if (store.ok && database.ok) projections = await this.projector.status().catch(() => []);
    const healthy = store.ok && database.ok;
    if (!healthy) response.status(503);
    return {
      status: healthy ? 'ok' : 'degraded',
      store,
      database,
      projector: this.projector.runsHere() ? 'in-process' : 'external',
      projections,
    };
  }
}

async function check(kind: string, probe: () => Promise<void>): Promise<Check> {
  try {
    await probe();
    return { ok: true, kind };
  } catch (error) {
    return { ok: false, kind, error: error instanceof Error ? error.message : String(error) };
  }
}
