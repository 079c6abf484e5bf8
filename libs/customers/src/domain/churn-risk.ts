import { epochDay, type LifecycleFacts, type LifecycleStage } from './lifecycle';
import type { AttitudeFacts } from './loyalty';
import { npsCategory, type SatisfactionRules } from './rules/crm-rules';

/** When a customer who still buys is flagged at risk of churning (docs/rules.md, "Churn risk"). */
export interface ChurnRiskRules {
  /** Own rhythm: silent for more than this multiple of the customer's own mean gap between purchase days … */
  readonly rhythmGapMultiple: number;
  /** … and for at least this many days. */
  readonly rhythmMinSilenceDays: number;
  /** With a single purchase day (no rhythm yet): silent for more than this many days. */
  readonly singlePurchaseSilenceDays: number;
  /** Model: the probability of being alive from the latest lifetime-value fit is below this (0 turns it off). */
  readonly probabilityAliveBelow: number;
  /** At least this many open complaints (0 turns it off). */
  readonly openComplaintsAtLeast: number;
  /** 1: a latest NPS answer in the detractor range is a signal; 0: it is not. */
  readonly npsDetractorSignal: number;
}

export type ChurnSignal = 'rhythm' | 'model' | 'complaints' | 'detractor';

export interface ChurnRisk {
  readonly atRisk: boolean;
  /** Which signals fired (empty when not at risk). */
  readonly signals: readonly ChurnSignal[];
  /** Each fired signal in plain words, in the order of `signals`. */
  readonly reasons: readonly string[];
}

const NOT_AT_RISK: ChurnRisk = { atRisk: false, signals: [], reasons: [] };

/**
 * Is a customer who still buys at risk of churning, as of an instant?
 * Customers without a purchase (prospects) and customers already churned
 * are never "at risk": the list is for relationships that can still be
 * saved. Signals, any of which flags the customer:
 *
 * - rhythm: silence abnormal for the customer's own purchase rhythm;
 * - model: the BG/NBD probability of being alive is low (when a fit exists);
 * - complaints: unresolved complaints;
 * - detractor: the latest NPS answer is a detractor's.
 */
export function churnRiskAt(
  facts: LifecycleFacts,
  attitude: AttitudeFacts,
  stage: LifecycleStage,
  atMs: number,
  rules: ChurnRiskRules,
  satisfaction: SatisfactionRules,
  probabilityAlive: number | null = null,
): ChurnRisk {
  if (stage === 'prospect' || stage === 'churned') return NOT_AT_RISK;
  const today = epochDay(atMs);
  const days = facts.purchaseDays.filter((day) => day <= today);
  const last = days[days.length - 1];
  if (last === undefined) return NOT_AT_RISK;
  const signals: ChurnSignal[] = [];
  const reasons: string[] = [];
  const silence = today - last;

  if (days.length === 1) {
    if (silence > rules.singlePurchaseSilenceDays) {
      signals.push('rhythm');
      reasons.push(`one purchase day, silent ${silence} days (> ${rules.singlePurchaseSilenceDays})`);
    }
  } else {
    const gap = (last - days[0]!) / (days.length - 1);
    const threshold = Math.max(rules.rhythmMinSilenceDays, rules.rhythmGapMultiple * gap);
    if (silence > threshold) {
      signals.push('rhythm');
      reasons.push(
        `silent ${silence} days (> ${rules.rhythmGapMultiple} × own mean gap of ${Math.round(gap * 10) / 10} days, at least ${rules.rhythmMinSilenceDays})`,
      );
    }
  }
  if (probabilityAlive !== null && probabilityAlive < rules.probabilityAliveBelow) {
    signals.push('model');
    reasons.push(
      `probability alive ${Math.round(probabilityAlive * 1000) / 10}% (< ${rules.probabilityAliveBelow * 100}%)`,
    );
  }
  if (rules.openComplaintsAtLeast > 0 && attitude.complaintsOpen >= rules.openComplaintsAtLeast) {
    signals.push('complaints');
    reasons.push(`${attitude.complaintsOpen} unresolved complaint${attitude.complaintsOpen === 1 ? '' : 's'}`);
  }
  if (
    rules.npsDetractorSignal > 0 &&
    attitude.lastNps !== null &&
    npsCategory(attitude.lastNps, satisfaction) === 'detractor'
  ) {
    signals.push('detractor');
    reasons.push(`latest NPS ${attitude.lastNps} is a detractor's`);
  }
  return signals.length === 0 ? NOT_AT_RISK : { atRisk: true, signals, reasons };
}
