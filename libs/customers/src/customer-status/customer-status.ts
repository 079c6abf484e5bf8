import { churnRiskAt, type ChurnSignal } from '../domain/churn-risk';
import { epochDay, lifecycleStageAt, type LifecycleFacts, type LifecycleStage } from '../domain/lifecycle';
import { loyaltyAt, type AttitudeFacts, type Loyalty, type LoyaltyTier } from '../domain/loyalty';
import type { CrmRules } from '../domain/rules/crm-rules';
import type { CustomerSummaryWithFacts } from '../projections/customer-summary/customer-summary.entity';
import type { AbcClass, PyramidTier } from '../segmentation/segmentation.service';

/** domain.md, "Value quadrant": current × potential value, each high or low. */
export type ValueQuadrant = 'vip' | 'improve' | 'maintain' | 'abandon';

export const VALUE_QUADRANTS: readonly ValueQuadrant[] = ['vip', 'improve', 'maintain', 'abandon'];

/** The quadrant of a customer whose current and potential value are each above the run's threshold or not. */
export function valueQuadrant(currentHigh: boolean, potentialHigh: boolean): ValueQuadrant {
  if (currentHigh) return potentialHigh ? 'vip' : 'maintain';
  return potentialHigh ? 'improve' : 'abandon';
}

/** A customer's scores in one segmentation run (a row of customer_segments). */
export interface RunScores {
  readonly runId: string;
  readonly rfmSegment: string;
  readonly abcClass: AbcClass;
  readonly pyramidTier: PyramidTier;
  readonly valueQuadrant: ValueQuadrant | null;
  readonly probabilityAlive: number | null;
  readonly predictedValueMinor: number | null;
}

/**
 * What depends on the clock and the rules, for one customer and one instant
 * (a row of customer_status). `segment` is the one label dashboards show:
 * `prospect` without a purchase, `churned` once the lifecycle says so,
 * otherwise the named RFM segment of the latest segmentation run, or
 * `unscored` for a buyer that run did not score (it bought after the run, or
 * there is no run yet).
 */
export interface CustomerStatus {
  readonly customerId: string;
  readonly summaryRevision: number;
  readonly evaluatedDay: number;
  readonly evaluatedAt: Date;
  readonly rulesVersion: string;
  readonly segmentationRunId: string | null;
  readonly stage: LifecycleStage;
  readonly stageSince: Date;
  readonly stageReason: string;
  readonly loyaltyScore: number;
  readonly loyaltyTier: LoyaltyTier;
  readonly churnRisk: boolean;
  readonly churnSignals: readonly ChurnSignal[];
  readonly churnReasons: readonly string[];
  readonly currentValueMinor: number;
  readonly rfmSegment: string | null;
  readonly abcClass: AbcClass | null;
  readonly pyramidTier: PyramidTier | null;
  readonly valueQuadrant: ValueQuadrant | null;
  readonly probabilityAlive: number | null;
  readonly predictedValueMinor: number | null;
  readonly segment: string;
}

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

/** What the loyalty score and the churn risk read from the survey and complaint facts. */
export function attitudeFactsOf(row: CustomerSummaryWithFacts): AttitudeFacts {
  return { csatScoreCounts: row.csatScoreCounts, lastNps: row.lastNps, complaintsOpen: row.complaintsOpen };
}

/**
 * Current value: what the orders of the `windowDays` UTC days ending with
 * `today` brought in (in the summary's currency), less the refunds of those
 * orders made by `today`, whenever made. A refund belongs to its order's
 * period, so a late refund of an old order never makes the value negative
 * (accrual basis). The cash-basis view (refunds on their own day) is the
 * spend-day arrays (`cashNetSpendMinor`).
 */
export function currentValueMinor(
  row: Pick<
    CustomerSummaryWithFacts,
    'spendDays' | 'spendDayNetMinor' | 'refundDays' | 'refundOrderDays' | 'refundAmountsMinor'
  >,
  today: number,
  windowDays: number,
): number {
  const inWindow = (day: number): boolean => day > today - windowDays && day <= today;
  // The spend-day arrays are cash basis: purchases on their day less refunds on theirs. Put the refunds made in the
  // window back, then take off those (made by today) of the window's orders.
  let sum = cashNetSpendMinor(row, today, windowDays);
  row.refundDays.forEach((refundDay, index) => {
    const amount = row.refundAmountsMinor[index]!;
    if (inWindow(refundDay)) sum += amount;
    if (refundDay <= today && inWindow(row.refundOrderDays[index]!)) sum -= amount;
  });
  return sum;
}

/** Cash-basis net spend of the `windowDays` UTC days ending with `today`: purchases and refunds each on their own day. */
export function cashNetSpendMinor(
  row: Pick<CustomerSummaryWithFacts, 'spendDays' | 'spendDayNetMinor'>,
  today: number,
  windowDays: number,
): number {
  let sum = 0;
  row.spendDays.forEach((day, index) => {
    if (day > today - windowDays && day <= today) sum += row.spendDayNetMinor[index]!;
  });
  return sum;
}

export interface StatusParts {
  readonly lifecycle: ReturnType<typeof lifecycleStageAt>;
  readonly loyalty: Loyalty;
  readonly churnRisk: ReturnType<typeof churnRiskAt>;
  readonly currentValueMinor: number;
}

/** The lifecycle, loyalty, churn risk and current value of a customer as of an instant. */
export function statusPartsAt(
  row: CustomerSummaryWithFacts,
  at: Date,
  rules: CrmRules,
  probabilityAlive: number | null,
): StatusParts {
  const facts = lifecycleFactsOf(row);
  const attitude = attitudeFactsOf(row);
  const atMs = at.getTime();
  const lifecycle = lifecycleStageAt(facts, atMs, rules.lifecycle);
  return {
    lifecycle,
    loyalty: loyaltyAt(facts, attitude, atMs, rules.loyalty, rules.satisfaction),
    churnRisk: churnRiskAt(
      facts,
      attitude,
      lifecycle.stage,
      atMs,
      rules.churnRisk,
      rules.satisfaction,
      probabilityAlive,
    ),
    currentValueMinor: currentValueMinor(row, epochDay(atMs), rules.segmentation.currentValueWindowDays),
  };
}

/** The single dashboard label (see CustomerStatus). */
export function segmentLabel(stage: LifecycleStage, scores: RunScores | null): string {
  if (stage === 'prospect' || stage === 'churned') return stage;
  return scores ? scores.rfmSegment : 'unscored';
}

/** The customer_status row of a customer as of an instant, from its summary and its latest run's scores. */
export function evaluateCustomerStatus(
  row: CustomerSummaryWithFacts,
  scores: RunScores | null,
  latestRunId: string | null,
  at: Date,
  rules: CrmRules,
): CustomerStatus {
  const parts = statusPartsAt(row, at, rules, scores?.probabilityAlive ?? null);
  return {
    customerId: row.customerId,
    summaryRevision: row.revision,
    evaluatedDay: epochDay(at.getTime()),
    evaluatedAt: at,
    rulesVersion: rules.version,
    segmentationRunId: latestRunId,
    stage: parts.lifecycle.stage,
    stageSince: new Date(parts.lifecycle.sinceMs),
    stageReason: parts.lifecycle.reason,
    loyaltyScore: parts.loyalty.score,
    loyaltyTier: parts.loyalty.tier,
    churnRisk: parts.churnRisk.atRisk,
    churnSignals: parts.churnRisk.signals,
    churnReasons: parts.churnRisk.reasons,
    currentValueMinor: parts.currentValueMinor,
    rfmSegment: scores?.rfmSegment ?? null,
    abcClass: scores?.abcClass ?? null,
    pyramidTier: scores?.pyramidTier ?? null,
    valueQuadrant: scores?.valueQuadrant ?? null,
    probabilityAlive: scores?.probabilityAlive ?? null,
    predictedValueMinor: scores?.predictedValueMinor ?? null,
    segment: segmentLabel(parts.lifecycle.stage, scores),
  };
}
