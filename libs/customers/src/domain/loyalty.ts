import { epochDay, type LifecycleFacts } from './lifecycle';
import { csatSatisfiedPercent, npsCategory, type SatisfactionRules } from './rules/crm-rules';

/** domain.md, "Loyalty". */
export type LoyaltyTier = 'loyal' | 'potentially-loyal' | 'not-loyal';

export const LOYALTY_TIERS: readonly LoyaltyTier[] = ['loyal', 'potentially-loyal', 'not-loyal'];

/**
 * The most points each part of the loyalty score can give. Behavioural
 * loyalty (repeat purchases, tenure, recency, regularity) and attitudinal
 * loyalty (NPS, CSAT, complaints) add up to at most 100.
 */
export interface LoyaltyWeights {
  readonly repeat: number;
  readonly tenure: number;
  readonly recency: number;
  readonly regularity: number;
  readonly nps: number;
  readonly csat: number;
  readonly complaints: number;
}

export interface LoyaltyRules {
  readonly weights: LoyaltyWeights;
  /** Repeat purchase days (distinct purchase days after the first) that earn the full repeat points. */
  readonly repeatDaysForFull: number;
  /** Days since the first purchase that earn the full tenure points. */
  readonly tenureDaysForFull: number;
  /** Full recency points while the last purchase is at most this many days old … */
  readonly recencyFullWithinDays: number;
  /** … falling linearly to none at this many days. */
  readonly recencyNoneAfterDays: number;
  /** Complaint points lost per open complaint. */
  readonly complaintPenaltyPerOpen: number;
  /** Score at or above which a customer is loyal … */
  readonly loyalMin: number;
  /** … and potentially loyal; below it, not loyal. */
  readonly potentiallyLoyalMin: number;
}

/** What the attitudinal part reads from the customer_summary row. */
export interface AttitudeFacts {
  /** CSAT answers per score, index 0 = score 1. */
  readonly csatScoreCounts: readonly number[];
  readonly lastNps: number | null;
  readonly complaintsOpen: number;
}

export interface LoyaltyPart {
  readonly points: number;
  readonly of: number;
  readonly why: string;
}

export interface Loyalty {
  /** 0–100, a whole number: the parts' points added and rounded. */
  readonly score: number;
  readonly tier: LoyaltyTier;
  readonly parts: {
    readonly repeat: LoyaltyPart;
    readonly tenure: LoyaltyPart;
    readonly recency: LoyaltyPart;
    readonly regularity: LoyaltyPart;
    readonly nps: LoyaltyPart;
    readonly csat: LoyaltyPart;
    readonly complaints: LoyaltyPart;
  };
}

const clamp01 = (value: number): number => Math.min(1, Math.max(0, value));
const round1 = (value: number): number => Math.round(value * 10) / 10;

function part(share: number, of: number, why: string): LoyaltyPart {
  return { points: round1(clamp01(share) * of), of, why };
}

/** The tier of a score under the rules. */
export function loyaltyTier(score: number, rules: LoyaltyRules): LoyaltyTier {
  if (score >= rules.loyalMin) return 'loyal';
  if (score >= rules.potentiallyLoyalMin) return 'potentially-loyal';
  return 'not-loyal';
}

/** Coefficient of variation (standard deviation / mean) of the gaps between consecutive days. */
function gapVariation(days: readonly number[]): number {
  const gaps: number[] = [];
  for (let i = 1; i < days.length; i++) gaps.push(days[i]! - days[i - 1]!);
  const mean = gaps.reduce((sum, gap) => sum + gap, 0) / gaps.length;
  const variance = gaps.reduce((sum, gap) => sum + (gap - mean) ** 2, 0) / gaps.length;
  return Math.sqrt(variance) / mean;
}

/**
 * The loyalty score as of an instant (docs/rules.md, "Loyalty"), 0–100:
 *
 * - repeat: repeat purchase days up to the instant / repeatDaysForFull;
 * - tenure: days since the first purchase / tenureDaysForFull;
 * - recency: full within recencyFullWithinDays of the last purchase, falling
 *   linearly to none at recencyNoneAfterDays;
 * - regularity: 1 − the coefficient of variation of the gaps between purchase
 *   days, from three purchase days on (two gaps); none before;
 * - NPS: the latest answer — promoter full, passive half, detractor none;
 * - CSAT: the share of satisfied answers;
 * - complaints: full, less complaintPenaltyPerOpen per open complaint.
 *
 * Without any survey answer the NPS and CSAT parts give half their points: no
 * evidence either way. Purchases count by UTC day, as for the lifecycle.
 */
export function loyaltyAt(
  facts: LifecycleFacts,
  attitude: AttitudeFacts,
  atMs: number,
  rules: LoyaltyRules,
  satisfaction: SatisfactionRules,
): Loyalty {
  const today = epochDay(atMs);
  const days = facts.purchaseDays.filter((day) => day <= today);
  const { weights } = rules;
  const first = days[0];
  const last = days[days.length - 1];
  const repeatDays = Math.max(0, days.length - 1);

  const repeat = part(
    repeatDays / rules.repeatDaysForFull,
    weights.repeat,
    `${repeatDays} repeat purchase day${repeatDays === 1 ? '' : 's'} (full at ${rules.repeatDaysForFull})`,
  );
  const tenure =
    first === undefined
      ? part(0, weights.tenure, 'no purchase yet')
      : part(
          (today - first) / rules.tenureDaysForFull,
          weights.tenure,
          `${today - first} days since the first purchase (full at ${rules.tenureDaysForFull})`,
        );
  const silence = last === undefined ? null : today - last;
  const recencyWindow = rules.recencyNoneAfterDays - rules.recencyFullWithinDays;
  const recency =
    silence === null
      ? part(0, weights.recency, 'no purchase yet')
      : part(
          silence <= rules.recencyFullWithinDays
            ? 1
            : recencyWindow <= 0
              ? 0
              : 1 - (silence - rules.recencyFullWithinDays) / recencyWindow,
          weights.recency,
          `last purchase ${silence} days ago (full within ${rules.recencyFullWithinDays}, none after ${rules.recencyNoneAfterDays})`,
        );
  const regularity =
    days.length < 3
      ? part(0, weights.regularity, 'fewer than three purchase days')
      : ((): LoyaltyPart => {
          const variation = gapVariation(days);
          return part(1 - variation, weights.regularity, `gaps vary by ${Math.round(variation * 100)}% of their mean`);
        })();

  const category = attitude.lastNps === null ? null : npsCategory(attitude.lastNps, satisfaction);
  const nps =
    category === null
      ? part(0.5, weights.nps, 'no NPS answer (half points)')
      : part(
          category === 'promoter' ? 1 : category === 'passive' ? 0.5 : 0,
          weights.nps,
          `latest NPS ${attitude.lastNps} (${category})`,
        );
  const satisfied = csatSatisfiedPercent(attitude.csatScoreCounts, satisfaction);
  const csat =
    satisfied === null
      ? part(0.5, weights.csat, 'no CSAT answer (half points)')
      : part(satisfied / 100, weights.csat, `${satisfied}% of CSAT answers satisfied`);
  const complaints = part(
    weights.complaints === 0 ? 0 : 1 - (attitude.complaintsOpen * rules.complaintPenaltyPerOpen) / weights.complaints,
    weights.complaints,
    `${attitude.complaintsOpen} open complaint${attitude.complaintsOpen === 1 ? '' : 's'}`,
  );

  const parts = { repeat, tenure, recency, regularity, nps, csat, complaints };
  const score = Math.round(Object.values(parts).reduce((sum, p) => sum + p.points, 0));
  return { score, tier: loyaltyTier(score, rules), parts };
}
