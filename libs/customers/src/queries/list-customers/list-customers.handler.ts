import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { CustomerStatusService, latestSegmentationRunId } from '../../customer-status/customer-status.service';
import type { CrmRules } from '../../domain/rules/crm-rules';
import { CRM_RULES } from '../../rules/rules.loader';
import {
  encodeCustomersCursor,
  ListCustomersQuery,
  type CustomerListItem,
  type CustomerSortKey,
  type CustomersPage,
} from './list-customers.query';

/** Each sort key's expression and the type its cursor value is read back as. */
const SORTS: Readonly<Record<CustomerSortKey, { expression: string; type: string }>> = {
  customerId: { expression: 's.customer_id', type: 'text' },
  name: { expression: 's.name', type: 'text' },
  registeredAt: { expression: 's.registered_at', type: 'timestamptz' },
  lastPurchaseAt: { expression: "coalesce(s.last_purchase_at, '-infinity'::timestamptz)", type: 'timestamptz' },
  netSpend: { expression: 's.net_spend_minor', type: 'bigint' },
  currentValue: { expression: 'st.current_value_minor', type: 'bigint' },
  predictedValue: { expression: 'coalesce(st.predicted_value_minor, -1)', type: 'bigint' },
  probabilityAlive: { expression: 'coalesce(st.probability_alive, -1)', type: 'double precision' },
  loyaltyScore: { expression: 'st.loyalty_score::integer', type: 'integer' },
};

const COLUMNS = `
  s.customer_id              AS "customerId",
  s.name                     AS "name",
  s.kind                     AS "kind",
  s.region                   AS "region",
  s.account_manager_id       AS "accountManagerId",
  s.status                   AS "status",
  s.registered_at            AS "registeredAt",
  s.first_purchase_at        AS "firstPurchaseAt",
  s.last_purchase_at         AS "lastPurchaseAt",
  s.purchase_count           AS "purchaseCount",
  s.currency                 AS "currency",
  s.net_spend_minor          AS "netSpendMinor",
  st.current_value_minor     AS "currentValueMinor",
  st.predicted_value_minor   AS "predictedValueMinor",
  st.probability_alive       AS "probabilityAlive",
  st.stage                   AS "stage",
  st.stage_since             AS "stageSince",
  st.segment                 AS "segment",
  st.rfm_segment             AS "rfmSegment",
  st.abc_class               AS "abcClass",
  st.pyramid_tier            AS "pyramidTier",
  st.value_quadrant          AS "valueQuadrant",
  st.loyalty_score           AS "loyaltyScore",
  st.loyalty_tier            AS "loyaltyTier",
  st.churn_risk              AS "churnRisk",
  st.churn_reasons           AS "churnReasons"`;

type RawItem = Record<string, unknown> & { sortValue: string };

const TIMES = ['registeredAt', 'firstPurchaseAt', 'lastPurchaseAt', 'stageSince'] as const;
const NUMBERS = ['netSpendMinor', 'currentValueMinor', 'predictedValueMinor', 'probabilityAlive'] as const;

function toItem(raw: RawItem): CustomerListItem {
  const { sortValue: _sortValue, ...item } = raw;
  for (const field of TIMES) {
    const value = item[field];
    item[field] = value === null || value === undefined ? null : new Date(value as string | Date);
  }
  for (const field of NUMBERS) {
    const value = item[field];
    item[field] = value === null || value === undefined ? null : Number(value);
  }
  return item as unknown as CustomerListItem;
}

/**
 * A page of customers: customer_summary joined with customer_status, after
 * the statuses due have been re-evaluated, filtered and sorted in SQL with
 * keyset pagination on (sort value, customer id).
 */
@QueryHandler(ListCustomersQuery)
export class ListCustomersHandler implements IQueryHandler<ListCustomersQuery, CustomersPage> {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
    private readonly statuses: CustomerStatusService,
  ) {}

  async execute({ filter, now }: ListCustomersQuery): Promise<CustomersPage> {
    await this.statuses.refresh(now);
    const params: unknown[] = [];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const where: string[] = [];
    const equals: Array<[string, unknown]> = [
      ['st.stage', filter.stage],
      ['st.segment', filter.segment],
      ['st.rfm_segment', filter.rfmSegment],
      ['st.abc_class', filter.abcClass],
      ['st.pyramid_tier', filter.pyramidTier],
      ['st.value_quadrant', filter.quadrant],
      ['st.loyalty_tier', filter.loyaltyTier],
      ['st.churn_risk', filter.churnRisk],
      ['s.account_manager_id', filter.accountManagerId],
      ['s.region', filter.region],
    ];
    for (const [column, value] of equals) if (value !== null) where.push(`${column} = ${param(value)}`);
    if (filter.probabilityAliveBelow !== null) {
      where.push(`st.probability_alive < ${param(filter.probabilityAliveBelow)}::double precision`);
    }
    const sort = SORTS[filter.sort.key];
    const direction = filter.sort.descending ? 'DESC' : 'ASC';
    if (filter.after) {
      const value = `${param(filter.after.value)}::${sort.type}`;
      const id = param(filter.after.customerId);
      where.push(
        `(${sort.expression} ${filter.sort.descending ? '<' : '>'} ${value}
          OR (${sort.expression} = ${value} AND s.customer_id > ${id}))`,
      );
    }
    const rows: RawItem[] = await this.dataSource.query(
      `SELECT ${COLUMNS}, (${sort.expression})::text AS "sortValue"
         FROM customer_summary s
         JOIN customer_status st ON st.customer_id = s.customer_id
        ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY ${sort.expression} ${direction}, s.customer_id ASC
        LIMIT ${param(filter.limit + 1)}`,
      params,
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    const sortText = `${filter.sort.descending ? '-' : ''}${filter.sort.key}`;
    return {
      evaluatedAt: now,
      rulesVersion: this.rules.version,
      segmentationRunId: await latestSegmentationRunId(this.dataSource),
      items: page.map(toItem),
      nextCursor:
        rows.length > filter.limit && last
          ? encodeCustomersCursor({ sort: sortText, value: last.sortValue, customerId: String(last.customerId) })
          : null,
    };
  }
}
