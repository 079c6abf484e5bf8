import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import {
  encodeComplaintsCursor,
  ListComplaintsQuery,
  type ComplaintItem,
  type ComplaintsPage,
} from './list-complaints.query';

/** The start of the current handling cycle: the latest reopening, else the filing. */
const CYCLE_START = 'COALESCE(last_reopened_at, filed_at)';
const ASSESS_DUE = `(${CYCLE_START} + assess_target_minutes * interval '1 minute')`;
const RESOLVE_DUE = `(${CYCLE_START} + resolve_target_minutes * interval '1 minute')`;
/** The current cycle still waits for its assessment. */
const ASSESSMENT_OPEN = 'assessed_at IS NULL';
/** The current cycle still waits for its resolution (a complaint judged not valid needs none). */
const RESOLUTION_OPEN = `(resolved_at IS NULL AND verdict IS DISTINCT FROM 'rejected')`;

/** Missed a target, or has an open step past its due time as of `asOf` (a timestamptz parameter). */
function breachedAsOf(asOf: string): string {
  return `(assess_breached OR resolve_breached
           OR (${ASSESSMENT_OPEN} AND ${ASSESS_DUE} < ${asOf})
           OR (${RESOLUTION_OPEN} AND ${RESOLVE_DUE} < ${asOf}))`;
}

const ROW_COLUMNS = `
  key                     AS "key",
  customer_id             AS "customerId",
  complaint_id            AS "complaintId",
  state                   AS "state",
  category                AS "category",
  severity                AS "severity",
  channel                 AS "channel",
  filed_at                AS "filedAt",
  assessed_at             AS "assessedAt",
  verdict                 AS "verdict",
  resolved_at             AS "resolvedAt",
  followed_up_at          AS "followedUpAt",
  closed_at               AS "closedAt",
  reopened_count          AS "reopenedCount",
  last_reopened_at        AS "lastReopenedAt",
  satisfaction            AS "satisfaction",
  minutes_to_assess       AS "minutesToAssess",
  minutes_to_resolve      AS "minutesToResolve",
  assess_target_minutes   AS "assessTargetMinutes",
  resolve_target_minutes  AS "resolveTargetMinutes",
  sla_rules_version       AS "slaRulesVersion",
  assess_breached         AS "assessBreached",
  resolve_breached        AS "resolveBreached",
  revision                AS "revision",
  last_checkpoint         AS "lastCheckpoint"`;

const TIME_FIELDS = [
  'filedAt',
  'assessedAt',
  'resolvedAt',
  'followedUpAt',
  'closedAt',
  'lastReopenedAt',
  'assessDueAt',
  'resolveDueAt',
] as const;

type RawItem = Record<string, unknown>;

/** Drivers answer timestamps as Date or as text: answer Date (or null) always. */
function toItem(raw: RawItem): ComplaintItem {
  const item: RawItem = { ...raw };
  for (const field of TIME_FIELDS) {
    const value = raw[field];
    item[field] = value === null || value === undefined ? null : new Date(value as string | Date);
  }
  return item as unknown as ComplaintItem;
}

/**
 * A page of the complaints read model, newest filing first then by key
 * (keyset pagination on the (filed_at DESC, key) indexes). Breaches of open
 * steps are judged in SQL against the request time, never stored.
 */
@QueryHandler(ListComplaintsQuery)
export class ListComplaintsHandler implements IQueryHandler<ListComplaintsQuery, ComplaintsPage> {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  async execute({ filter, asOf }: ListComplaintsQuery): Promise<ComplaintsPage> {
    const params: unknown[] = [asOf];
    const now = '$1::timestamptz';
    const where: string[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.state) where.push(`state = ${param(filter.state)}`);
    if (filter.category) where.push(`category = ${param(filter.category)}`);
    if (filter.severity) where.push(`severity = ${param(filter.severity)}`);
    if (filter.customerId) where.push(`customer_id = ${param(filter.customerId)}`);
    if (filter.slaBreached === true) where.push(breachedAsOf(now));
    if (filter.slaBreached === false) where.push(`NOT ${breachedAsOf(now)}`);
    if (filter.after) {
      const filedAt = `${param(filter.after.filedAt)}::timestamptz`;
      where.push(`(filed_at < ${filedAt} OR (filed_at = ${filedAt} AND key > ${param(filter.after.key)}))`);
    }
    const rows: RawItem[] = await this.dataSource.query(
      `SELECT ${ROW_COLUMNS},
              ${ASSESS_DUE} AS "assessDueAt",
              CASE WHEN verdict = 'rejected' THEN NULL ELSE ${RESOLVE_DUE} END AS "resolveDueAt",
              ${breachedAsOf(now)} AS "breached"
         FROM complaints
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY filed_at DESC, key ASC
        LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, filter.limit).map(toItem);
    const last = items[items.length - 1];
    return {
      asOf,
      items,
      nextCursor: rows.length > filter.limit && last ? encodeComplaintsCursor(last) : null,
    };
  }
}
