import { Inject, NotFoundException } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import {
  encodeTimelineCursor,
  GetCustomerTimelineQuery,
  type CustomerTimelinePage,
  type TimelineItem,
} from './get-customer-timeline.query';

const ITEM_COLUMNS = `
  event_id::text      AS "eventId",
  stream_revision     AS "streamRevision",
  global_checkpoint   AS "globalCheckpoint",
  event_type          AS "eventType",
  schema_version      AS "schemaVersion",
  occurred_at         AS "occurredAt",
  recorded_at         AS "recordedAt",
  actor               AS "actor",
  command_id          AS "commandId",
  correlation_id      AS "correlationId",
  summary             AS "summary",
  data                AS "data"`;

/**
 * A page of a customer's timeline, read from the customer_timeline read
 * model by business time then stream revision (keyset pagination on the
 * (customer_id, occurred_at, stream_revision) index).
 */
@QueryHandler(GetCustomerTimelineQuery)
export class GetCustomerTimelineHandler implements IQueryHandler<GetCustomerTimelineQuery, CustomerTimelinePage> {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async execute({ customerId, filter }: GetCustomerTimelineQuery): Promise<CustomerTimelinePage> {
    const params: unknown[] = [customerId];
    const where = ['customer_id = $1'];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.from) where.push(`occurred_at >= ${param(filter.from)}`);
    if (filter.to) where.push(`occurred_at < ${param(filter.to)}`);
    if (filter.types) where.push(`event_type = ANY (${param(filter.types)}::text[])`);
    const direction = filter.order === 'desc' ? 'DESC' : 'ASC';
    if (filter.after) {
      const comparison = filter.order === 'desc' ? '<' : '>';
      where.push(
        `(occurred_at, stream_revision) ${comparison} (${param(filter.after.occurredAt)}::timestamptz, ${param(filter.after.streamRevision)}::integer)`,
      );
    }
    const rows: TimelineItem[] = await this.dataSource.query(
      `SELECT ${ITEM_COLUMNS}
         FROM customer_timeline
        WHERE ${where.join(' AND ')}
        ORDER BY occurred_at ${direction}, stream_revision ${direction}
        LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const items = rows
      .slice(0, filter.limit)
      .map((row) => ({ ...row, occurredAt: new Date(row.occurredAt), recordedAt: new Date(row.recordedAt) }));
    if (items.length === 0 && !(await this.customerExists(customerId))) {
      throw new NotFoundException({
        code: 'CUSTOMER_NOT_FOUND',
        message: `customer ${customerId} not found`,
        customerId,
      });
    }
    const last = items[items.length - 1];
    return {
      customerId,
      items,
      nextCursor: rows.length > filter.limit && last ? encodeTimelineCursor(last) : null,
    };
  }

  private async customerExists(customerId: string): Promise<boolean> {
    const [row]: Array<{ exists: boolean }> = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM customer_summary WHERE customer_id = $1)
           OR EXISTS (SELECT 1 FROM customer_timeline WHERE customer_id = $1) AS "exists"`,
      [customerId],
    );
    return row?.exists === true;
  }
}
