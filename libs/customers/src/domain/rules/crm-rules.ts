import type { ChurnRiskRules } from '../churn-risk';
import type { CrossSellRules } from '../cross-sell/cross-sell';
import { DEFAULT_COMPLAINT_SLA_RULES, type ComplaintSlaRules } from '../complaint-sla';
import type { LoyaltyRules } from '../loyalty';

/**
 * The lifecycle thresholds (domain.md, "Lifecycle"). Days are whole UTC
 * calendar days; see lifecycle.ts for how each rule is applied.
 */
export interface LifecycleRules {
  /** new: exactly one purchase, made at most this many days ago. */
  readonly newWithinDays: number;
  /** mature: at least this many purchases … */
  readonly matureMinPurchases: number;
  /** … and at least this many days since the first purchase. */
  readonly matureMinDaysSinceFirst: number;
  /** declining: days since the last purchase exceed this multiple of the customer's own mean gap … */
  readonly decliningGapMultiple: number;
  /** … and never fewer days than this (the floor, also used while there is no gap yet). */
  readonly decliningMinSilenceDays: number;
  /** declining: the spend of the last window of this many days … */
  readonly spendWindowDays: number;
  /** … is below this share of the spend of the window before it. */
  readonly spendDropRatio: number;
  /** churned: more days than this since the last purchase … */
  readonly churnedSilenceDays: number;
  /** … or more than this multiple of the customer's own mean gap (never before the declining threshold). */
  readonly churnedGapMultiple: number;
}

/** How survey scores are read (domain.md, "Satisfaction and complaints"). */
export interface SatisfactionRules {
  /** CSAT 1–5: a score at or above this is "satisfied". */
  readonly csatSatisfiedMin: number;
  /** NPS 0–10: at or above this, a promoter. */
  readonly npsPromoterMin: number;
  /** NPS 0–10: at or above this (and below the promoter minimum), a passive; below it, a detractor. */
  readonly npsPassiveMin: number;
}

/**
 * The population-relative segmentation (domain.md, "Telling customers
 * apart"), computed by a segmentation run over every customer who bought.
 * Shares are fractions of 1. RFM scores are quintiles (1–5) and are not
 * configurable; rfm-segments.ts names the R × FM grid.
 */
export interface SegmentationRules {
  /** ABC: a customer is A while the cumulative net spend before them is below this share of the total … */
  readonly abcACumulativeShare: number;
  /** … B while it is below this share, C after. */
  readonly abcBCumulativeShare: number;
  /** Pyramid: the top this share of buyers by net spend are VIP … */
  readonly pyramidVipShare: number;
  /** … the next this share major … */
  readonly pyramidMajorShare: number;
  /** … the next this share ordinary; the rest small. */
  readonly pyramidOrdinaryShare: number;
  /** Value quadrant: current value is the net spend of this many days up to the instant evaluated. */
  readonly currentValueWindowDays: number;
  /** Value quadrant: current and potential value are "high" above this percentile of the buyers' values (0.5: the median). */
  readonly quadrantThresholdPercentile: number;
}

/**
 * Customer lifetime value (docs/read-models.md, "Customer lifetime value"):
 * the predicted value is the expected discounted spend of the coming months.
 */
export interface ClvRules {
  /** Months of future purchases the predicted value counts (monthly periods of 365.25 / 12 days). */
  readonly horizonMonths: number;
  /** Discount rate per month, a fraction (0.01 = 1 % a month); a purchase counts at the end of its month. */
  readonly monthlyDiscountRate: number;
}

/**
 * Every rule with a number in it, in one versioned object. Operators change
 * them with a JSON file (CRM_RULES_FILE, docs/rules.md) that carries its own
 * version; answers computed with rules report the version they used.
 */
export interface CrmRules {
  readonly version: string;
  readonly lifecycle: LifecycleRules;
  readonly satisfaction: SatisfactionRules;
  readonly complaintSla: ComplaintSlaRules;
  readonly segmentation: SegmentationRules;
  readonly loyalty: LoyaltyRules;
  readonly churnRisk: ChurnRiskRules;
  readonly clv: ClvRules;
  /** Defaults of the cross-selling thresholds; a query may give its own (docs/rules.md). */
  readonly crossSell: CrossSellRules;
}

export const CRM_RULES_VERSION = 'crm-rules-defaults-1';

/** The product's defaults (docs/rules.md lists them). */
export const DEFAULT_CRM_RULES: CrmRules = {
  version: CRM_RULES_VERSION,
  lifecycle: {
    newWithinDays: 90,
    matureMinPurchases: 5,
    matureMinDaysSinceFirst: 365,
    decliningGapMultiple: 2,
    decliningMinSilenceDays: 60,
    spendWindowDays: 180,
    spendDropRatio: 0.5,
    churnedSilenceDays: 365,
    churnedGapMultiple: 4,
  },
  satisfaction: {
    csatSatisfiedMin: 4,
    npsPromoterMin: 9,
    npsPassiveMin: 7,
  },
  complaintSla: DEFAULT_COMPLAINT_SLA_RULES,
  segmentation: {
    abcACumulativeShare: 0.8,
    abcBCumulativeShare: 0.95,
    pyramidVipShare: 0.01,
    pyramidMajorShare: 0.04,
    pyramidOrdinaryShare: 0.15,
    currentValueWindowDays: 365,
    quadrantThresholdPercentile: 0.5,
  },
  loyalty: {
    weights: { repeat: 20, tenure: 10, recency: 15, regularity: 15, nps: 15, csat: 15, complaints: 10 },
    repeatDaysForFull: 5,
    tenureDaysForFull: 730,
    recencyFullWithinDays: 30,
    recencyNoneAfterDays: 365,
    complaintPenaltyPerOpen: 5,
    loyalMin: 70,
    potentiallyLoyalMin: 40,
  },
  churnRisk: {
    rhythmGapMultiple: 2,
    rhythmMinSilenceDays: 30,
    singlePurchaseSilenceDays: 90,
    probabilityAliveBelow: 0.3,
    openComplaintsAtLeast: 1,
    npsDetractorSignal: 1,
  },
  clv: {
    horizonMonths: 12,
    monthlyDiscountRate: 0.01,
  },
  crossSell: {
    minSupport: 0.01,
    minConfidence: 0.2,
    minSequenceSupport: 0.01,
    maxItemsetSize: 3,
  },
};

export type NpsCategory = 'promoter' | 'passive' | 'detractor';

export function npsCategory(score: number, rules: SatisfactionRules): NpsCategory {
  if (score >= rules.npsPromoterMin) return 'promoter';
  if (score >= rules.npsPassiveMin) return 'passive';
  return 'detractor';
}

/**
 * Share of CSAT answers (in percent, one decimal) at or above the satisfied
 * minimum, from the count of answers per score (index 0 = score 1); null
 * without answers.
 */
export function csatSatisfiedPercent(countsByScore: readonly number[], rules: SatisfactionRules): number | null {
  const total = countsByScore.reduce((sum, n) => sum + n, 0);
  if (total === 0) return null;
  const satisfied = countsByScore.reduce((sum, n, index) => (index + 1 >= rules.csatSatisfiedMin ? sum + n : sum), 0);
  return Math.round((satisfied / total) * 1000) / 10;
}
