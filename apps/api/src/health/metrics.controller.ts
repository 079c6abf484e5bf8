import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@crm/event-store';
import { DATA_SOURCE, EVENT_STORE, RequireRole } from '@crm/platform';
import { ProjectorService, type ProjectionStatus } from '@crm/projections';
import type { DataSource } from 'typeorm';

/** A label value in the Prometheus text format: backslash, quote and newline escaped. */
function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

interface Metric {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly samples: ReadonlyArray<{ readonly labels?: Record<string, string>; readonly value: number }>;
}

/** The Prometheus text exposition format (version 0.0.4). */
export function prometheusText(metrics: readonly Metric[]): string {
  const lines: string[] = [];
  for (const metric of metrics) {
    lines.push(`# HELP ${metric.name} ${metric.help}`, `# TYPE ${metric.name} ${metric.type}`);
    for (const sample of metric.samples) {
      const labels = Object.entries(sample.labels ?? {});
      const text = labels.length === 0 ? '' : `{${labels.map(([k, v]) => `${k}="${label(v)}"`).join(',')}}`;
      lines.push(`${metric.name}${text} ${sample.value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

@ApiTags('operations')
@RequireRole('reader', 'writer', 'auditor')
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly projector: ProjectorService,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description:
      'Prometheus text format: projection lag in events and seconds, events applied per projection, customers ' +
      'whose status awaits re-evaluation, the latest segmentation run time, process memory and uptime.',
  })
  async metrics(): Promise<string> {
    const projections: ProjectionStatus[] = await this.projector.status();
    const per = (value: (p: ProjectionStatus) => number) =>
      projections.map((p) => ({ labels: { projection: p.name }, value: value(p) }));
    const [status] = await this.dataSource.query<Array<{ customers: string; evaluated: string; run_at: Date | null }>>(
      `SELECT (SELECT count(*) FROM customer_summary) AS customers,
              (SELECT count(*) FROM customer_status) AS evaluated,
              (SELECT max(run_at) FROM segmentation_runs) AS run_at`,
    );
    const memory = process.memoryUsage();
    return prometheusText([
      {
        name: 'crm_projection_lag_events',
        help: 'Events of the streams the projection reads after its checkpoint (counted up to 10000).',
        type: 'gauge',
        samples: per((p) => p.lagEvents),
      },
      {
        name: 'crm_projection_lag_seconds',
        help: 'How long the oldest event not yet applied has waited, in seconds (0 when caught up).',
        type: 'gauge',
        samples: per((p) => p.lagSeconds),
      },
      {
        name: 'crm_projection_events_applied_total',
        help: 'Events applied by the projection since its last rebuild.',
        type: 'counter',
        samples: per((p) => p.eventsApplied),
      },
      {
        name: 'crm_projector_in_process',
        help: '1 when this process runs the projections, 0 when a separate projector does.',
        type: 'gauge',
        samples: [{ value: this.projector.runsHere() ? 1 : 0 }],
      },
      {
        name: 'crm_customers',
        help: 'Customers in the customer_summary read model.',
        type: 'gauge',
        samples: [{ value: Number(status?.customers ?? 0) }],
      },
      {
        name: 'crm_customer_status_evaluated',
        help: 'Customers with an evaluated status row (customer_status).',
        type: 'gauge',
        samples: [{ value: Number(status?.evaluated ?? 0) }],
      },
      {
        name: 'crm_segmentation_latest_run_timestamp_seconds',
        help: 'When the latest segmentation run was made (0 before the first).',
        type: 'gauge',
        samples: [{ value: status?.run_at ? Math.floor(new Date(status.run_at).getTime() / 1000) : 0 }],
      },
      {
        name: 'crm_store_info',
        help: 'The event store this process uses.',
        type: 'gauge',
        samples: [{ labels: { kind: this.store.kind }, value: 1 }],
      },
      {
        name: 'process_resident_memory_bytes',
        help: 'Resident set size of this process.',
        type: 'gauge',
        samples: [{ value: memory.rss }],
      },
      {
        name: 'process_uptime_seconds',
        help: 'Seconds since this process started.',
        type: 'gauge',
        samples: [{ value: Math.round(process.uptime()) }],
      },
    ]);
  }
}
