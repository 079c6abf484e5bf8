import { segmentLabel, statusPartsAt, type RunScores, type ValueQuadrant } from '../../customer-status/customer-status';
import type { ChurnRisk } from '../../domain/churn-risk';
import type { LifecycleStage } from '../../domain/lifecycle';
import type { Loyalty } from '../../domain/loyalty';
import { csatSatisfiedPercent, npsCategory, type CrmRules, type NpsCategory } from '../../domain/rules/crm-rules';
import type { CustomerSummaryWithFacts } from '../../projections/customer-summary/customer-summary.entity';
import type { CustomerSegmentation } from '../../segmentation/segmentation.service';

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
  /** Loyalty score 0–100, its tier and the points of each part (docs/rules.md, "Loyalty"). */
  readonly loyalty: Loyalty & { readonly rulesVersion: string };
  /** Whether the customer is at risk of churning, and why (docs/rules.md, "Churn risk"). */
  readonly churnRisk: ChurnRisk & { readonly rulesVersion: string };
  /** Net spend of the current-value window ending at the instant evaluated (minor units of `currency`). */
  readonly currentValueMinor: number;
  /** The single dashboard label (docs/read-models.md, "customer_status"). */
  readonly segment: string;
  /** The customer's segment in the latest segmentation run; null without a run that scored the customer. */
  readonly segmentation: CustomerSegmentation | null;
};

function runScoresOf(segmentation: CustomerSegmentation | null): RunScores | null {
  if (!segmentation) return null;
  return {
    runId: segmentation.runId,
    rfmSegment: segmentation.rfmSegment,
    abcClass: segmentation.abcClass,
    pyramidTier: segmentation.pyramidTier,
    valueQuadrant: segmentation.valueQuadrant as ValueQuadrant | null,
    probabilityAlive: segmentation.probabilityAlive,
    predictedValueMinor: segmentation.predictedValueMinor,
  };
}

/**
 * The stored row plus what depends on the clock and the rules, computed now:
 * the lifecycle stage, loyalty, churn risk and current value as of `at` and
 * the satisfaction categories — the same functions that fill customer_status.
 */
export function customerView(
  row: CustomerSummaryWithFacts,
  at: Date,
  rules: CrmRules,
  segmentation: CustomerSegmentation | null = null,
): CustomerView {
  const scores = runScoresOf(segmentation);
  const parts = statusPartsAt(row, at, rules, scores?.probabilityAlive ?? null);
  const { lifecycle } = parts;
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
    loyalty: { ...parts.loyalty, rulesVersion: rules.version },
    churnRisk: { ...parts.churnRisk, rulesVersion: rules.version },
    currentValueMinor: parts.currentValueMinor,
    segment: segmentLabel(lifecycle.stage, scores),
    segmentation,
  };
}
