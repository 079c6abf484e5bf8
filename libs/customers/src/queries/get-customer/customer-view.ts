import { lifecycleStageAt, type LifecycleFacts, type LifecycleStage } from '../../domain/lifecycle';
import { csatSatisfiedPercent, npsCategory, type CrmRules, type NpsCategory } from '../../domain/rules/crm-rules';
import type { CustomerSummaryWithFacts } from '../../projections/customer-summary/customer-summary.entity';
import type { CustomerSegmentation } from '../../segmentation/segmentation.service';

/** What the lifecycle rules read from a customer_summary row. */
export function lifecycleFactsOf(row: CustomerSummaryWithFacts): LifecycleFacts {
  return {
    registeredAtMs: row.registeredAt.getTime(),
    purchaseDays: row.purchaseDays,
    purchaseDayCounts: row.purchaseDayCounts,
    spendDays: row.spendDays,
    spendDayNetMinor: row.spendDayNetMinor,
    terminatedAtMs: row.terminatedAt ? row.terminatedAt.getTime() : null,
    reactivatedAtMs: row.reactivatedAt ? row.reactivatedAt.getTime() : null,
  };
}

export interface CustomerLifecycle {
  readonly stage: LifecycleStage;
  readonly since: string;
  readonly reason: string;
  /** The instant the stage was evaluated for: the request time, or `asOf`. */
  readonly evaluatedAt: string;
  readonly rulesVersion: string;
}

/** Survey scores read with the rules in force. */
export interface CustomerSatisfaction {
  /** Share of CSAT answers counted as satisfied, in percent; null without answers. */
  readonly csatSatisfiedPercent: number | null;
  readonly lastNpsCategory: NpsCategory | null;
  readonly rulesVersion: string;
}

export type CustomerView = CustomerSummaryWithFacts & {
  readonly satisfaction: CustomerSatisfaction;
  readonly lifecycle: CustomerLifecycle;
  /** The customer's segment in the latest segmentation run; null without a run that scored the customer. */
  readonly segmentation: CustomerSegmentation | null;
};

/**
 * The stored row plus what depends on the clock and the rules, computed now:
 * the lifecycle stage as of `at` and the satisfaction categories. Nothing of
 * it is stored, so it is never stale.
 */
export function customerView(
  row: CustomerSummaryWithFacts,
  at: Date,
  rules: CrmRules,
  segmentation: CustomerSegmentation | null = null,
): CustomerView {
  const lifecycle = lifecycleStageAt(lifecycleFactsOf(row), at.getTime(), rules.lifecycle);
  return {
    ...row,
    satisfaction: {
      csatSatisfiedPercent: csatSatisfiedPercent(row.csatScoreCounts, rules.satisfaction),
      lastNpsCategory: row.lastNps === null ? null : npsCategory(row.lastNps, rules.satisfaction),
      rulesVersion: rules.version,
    },
    lifecycle: {
      stage: lifecycle.stage,
      since: new Date(lifecycle.sinceMs).toISOString(),
      reason: lifecycle.reason,
      evaluatedAt: at.toISOString(),
      rulesVersion: rules.version,
    },
    segmentation,
  };
}
