import { Inject } from '@nestjs/common';
import { QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { DATA_SOURCE } from '@crm/platform/tokens';
import type { DataSource } from 'typeorm';
import { lifecycleHistory } from '../../domain/lifecycle';
import type { CrmRules } from '../../domain/rules/crm-rules';
import { CRM_RULES } from '../../rules/rules.loader';
import { lifecycleFactsOf } from '../../customer-status/customer-status';
import { findCustomerSummary } from '../get-customer/get-customer.handler';
import {
  GetCustomerLifecycleHistoryQuery,
  type CustomerLifecycleHistory,
} from './get-customer-lifecycle-history.query';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The stages a customer went through, computed from its summary row's facts
 * with the current rules (docs/read-models.md, "lifecycle history"): stage
 * changes at purchases, terminations and reactivations, and where silence or
 * the spend windows cross a threshold.
 */
@QueryHandler(GetCustomerLifecycleHistoryQuery)
export class GetCustomerLifecycleHistoryHandler implements IQueryHandler<
  GetCustomerLifecycleHistoryQuery,
  CustomerLifecycleHistory
> {
  constructor(
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(CRM_RULES) private readonly rules: CrmRules,
  ) {}

  async execute({ customerId, asOf }: GetCustomerLifecycleHistoryQuery): Promise<CustomerLifecycleHistory> {
    const row = await findCustomerSummary(this.dataSource, customerId);
    const segments = lifecycleHistory(lifecycleFactsOf(row), asOf.getTime(), this.rules.lifecycle);
    return {
      customerId,
      asOf: asOf.toISOString(),
      rulesVersion: this.rules.version,
      items: segments.map((segment) => ({
        stage: segment.stage,
        enteredAt: iso(segment.enteredAtMs),
        leftAt: segment.leftAtMs === null ? null : iso(segment.leftAtMs),
        reason: segment.reason,
      })),
    };
  }
}
