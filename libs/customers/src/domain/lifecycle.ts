import type { LifecycleRules } from './rules/crm-rules';

/** domain.md, "Lifecycle". */
export type LifecycleStage = 'prospect' | 'new' | 'growth' | 'mature' | 'declining' | 'churned';

export const LIFECYCLE_STAGES: readonly LifecycleStage[] = [
  'prospect',
  'new',
  'growth',
  'mature',
  'declining',
  'churned',
];

export const DAY_MS = 86_400_000;

/** The UTC calendar day of an instant, counted from 1970-01-01 (day 0). */
export function epochDay(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

/**
 * What the lifecycle is derived from: the customer_summary row's purchase
 * facts (docs/read-models.md). Purchases are known to the day: a purchase
 * counts from the start of its UTC day. Times are epoch milliseconds.
 */
export interface LifecycleFacts {
  readonly registeredAtMs: number;
  /** Distinct UTC days with a purchase (epoch days), ascending. */
  readonly purchaseDays: readonly number[];
  /** How many purchases each of those days had (same order). */
  readonly purchaseDayCounts: readonly number[];
  /** Days with spend in the customer's currency (purchases minus refunds, each on its own day), ascending. */
  readonly spendDays: readonly number[];
  /** Net spend of each of those days, in minor units (same order). */
  readonly spendDayNetMinor: readonly number[];
  /** The latest termination of the relationship, if any. */
  readonly terminatedAtMs: number | null;
  /** The latest reactivation, if any. */
  readonly reactivatedAtMs: number | null;
}

export interface LifecycleAt {
  readonly stage: LifecycleStage;
  /** When the customer entered this stage (epoch ms; a day start for stages the clock or a purchase brought). */
  readonly sinceMs: number;
  /** Which rule put the customer in this stage, in plain words. */
  readonly reason: string;
}

export interface LifecycleSegment {
  readonly stage: LifecycleStage;
  readonly enteredAtMs: number;
  /** When the next stage began; null for the stage the customer is in at the end of the period. */
  readonly leftAtMs: number | null;
  readonly reason: string;
}

export interface Evaluation {
  readonly stage: LifecycleStage;
  readonly reason: string;
}

const days = (n: number): string => `${Number.isInteger(n) ? n : n.toFixed(1)} day${n === 1 ? '' : 's'}`;

/** How many of the sorted days are on or before `day`. */
function countUpTo(sorted: readonly number[], day: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (sorted[mid]! <= day) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Mean gap in days between the distinct purchase days from..to (indices, inclusive); null with one day. */
function meanGap(purchaseDays: readonly number[], from: number, to: number): number | null {
  return to > from ? (purchaseDays[to]! - purchaseDays[from]!) / (to - from) : null;
}

function decliningThreshold(gap: number | null, rules: LifecycleRules): number {
  return Math.max(rules.decliningMinSilenceDays, gap === null ? 0 : rules.decliningGapMultiple * gap);
}

/** Churn by the customer's own rhythm never comes before the decline. */
function churnGapThreshold(gap: number, rules: LifecycleRules): number {
  return Math.max(rules.churnedGapMultiple * gap, decliningThreshold(gap, rules));
}

function churnedAfterSilence(silence: number, gap: number | null, rules: LifecycleRules): string | null {
  if (silence > rules.churnedSilenceDays) return `silent ${days(silence)} (> ${days(rules.churnedSilenceDays)})`;
  if (gap !== null && silence > churnGapThreshold(gap, rules)) {
    return `silent ${days(silence)} (> ${rules.churnedGapMultiple} × own mean gap of ${days(gap)})`;
  }
  return null;
}

/**
 * What evaluating the rules at many instants needs, computed once per
 * customer: prefix sums of purchases and spend, and where the current
 * relationship started for every prefix of the purchase days. With it an
 * evaluation costs O(log n), so the whole history costs O(n log n).
 */
interface LifecycleIndex {
  readonly facts: LifecycleFacts;
  readonly rules: LifecycleRules;
  /** purchasesBefore[k]: purchases on the first k purchase days. */
  readonly purchasesBefore: Float64Array;
  /** spendBefore[k]: net spend of the first k spend days. */
  readonly spendBefore: Float64Array;
  /** The relationship start of the first `count` purchase days, when the reactivation counts (index `count`). */
  readonly startsWithReactivation: Int32Array;
  /** … and when it does not (an instant before the reactivation). */
  readonly startsWithoutReactivation: Int32Array;
}

/**
 * Where the current relationship started, for every prefix of the purchase
 * days: after a win-back (a purchase that follows a churn, by silence or by
 * termination and reactivation) the relationship restarts at that purchase.
 * `reactivated` is the index of the first purchase day after the
 * reactivation's day, or -1.
 */
function relationshipStarts(facts: LifecycleFacts, reactivated: number, rules: LifecycleRules): Int32Array {
  const n = facts.purchaseDays.length;
  const starts = new Int32Array(n + 1);
  let start = 0;
  for (let i = 1; i < n; i++) {
    const silence = facts.purchaseDays[i]! - facts.purchaseDays[i - 1]!;
    if (i === reactivated || churnedAfterSilence(silence, meanGap(facts.purchaseDays, start, i - 1), rules) !== null) {
      start = i;
    }
    starts[i + 1] = start;
  }
  return starts;
}

function lifecycleIndex(facts: LifecycleFacts, rules: LifecycleRules): LifecycleIndex {
  const purchasesBefore = new Float64Array(facts.purchaseDays.length + 1);
  facts.purchaseDayCounts.forEach((count, i) => (purchasesBefore[i + 1] = purchasesBefore[i]! + count));
  const spendBefore = new Float64Array(facts.spendDays.length + 1);
  facts.spendDayNetMinor.forEach((net, i) => (spendBefore[i + 1] = spendBefore[i]! + net));
  const reactivated =
    facts.reactivatedAtMs !== null && facts.terminatedAtMs !== null
      ? countUpTo(facts.purchaseDays, epochDay(facts.reactivatedAtMs) - 1)
      : -1;
  return {
    facts,
    rules,
    purchasesBefore,
    spendBefore,
    startsWithReactivation: relationshipStarts(facts, reactivated, rules),
    startsWithoutReactivation: relationshipStarts(facts, -1, rules),
  };
}

/** Where the current relationship started among the first `count` purchase days, as seen at `atMs`. */
function relationshipStart(index: LifecycleIndex, count: number, atMs: number): number {
  const { reactivatedAtMs, terminatedAtMs } = index.facts;
  const counts = reactivatedAtMs !== null && reactivatedAtMs <= atMs && terminatedAtMs !== null;
  return (counts ? index.startsWithReactivation : index.startsWithoutReactivation)[count]!;
}

function terminatedAt(facts: LifecycleFacts, atMs: number): boolean {
  const { terminatedAtMs, reactivatedAtMs } = facts;
  if (terminatedAtMs === null || terminatedAtMs > atMs) return false;
  return reactivatedAtMs === null || reactivatedAtMs <= terminatedAtMs || reactivatedAtMs > atMs;
}

function spendBetween(index: LifecycleIndex, fromDayExclusive: number, toDayInclusive: number): number {
  const { spendDays } = index.facts;
  const from = countUpTo(spendDays, fromDayExclusive);
  const to = countUpTo(spendDays, toDayInclusive);
  return to > from ? index.spendBefore[to]! - index.spendBefore[from]! : 0;
}

/**
 * The stage at an instant and why, without when it began. The rules in
 * precedence order: terminated → churned; no purchase → prospect; silence
 * past the churn thresholds → churned; one purchase within the new period →
 * new; silence past the declining threshold, or the spend drop → declining;
 * enough purchases over enough time → mature; otherwise growth. After a
 * win-back the relationship restarts at the win-back purchase.
 */
export function evaluateLifecycle(facts: LifecycleFacts, atMs: number, rules: LifecycleRules): Evaluation {
  return evaluate(lifecycleIndex(facts, rules), atMs);
}

function evaluate(index: LifecycleIndex, atMs: number): Evaluation {
  const { facts, rules } = index;
  if (terminatedAt(facts, atMs)) return { stage: 'churned', reason: 'the relationship was terminated' };
  const today = epochDay(atMs);
  const count = countUpTo(facts.purchaseDays, today);
  if (count === 0) {
    return {
      stage: 'prospect',
      reason: atMs < facts.registeredAtMs ? 'not registered yet at this instant' : 'registered, no purchase yet',
    };
  }
  const start = relationshipStart(index, count, atMs);
  const last = facts.purchaseDays[count - 1]!;
  const first = facts.purchaseDays[start]!;
  const silence = today - last;
  const gap = meanGap(facts.purchaseDays, start, count - 1);
  const purchases = index.purchasesBefore[count]! - index.purchasesBefore[start]!;
  const winBack = start > 0;

  const churned = churnedAfterSilence(silence, gap, rules);
  if (churned) return { stage: 'churned', reason: churned };

  if (!winBack && purchases === 1 && silence <= rules.newWithinDays) {
    return { stage: 'new', reason: `one purchase, ${days(silence)} ago (new for ${days(rules.newWithinDays)})` };
  }

  const declining = decliningThreshold(gap, rules);
  if (silence > declining) {
    return {
      stage: 'declining',
      reason:
        gap === null
          ? `silent ${days(silence)} (> ${days(rules.decliningMinSilenceDays)})`
          : `silent ${days(silence)} (> ${rules.decliningGapMultiple} × own mean gap of ${days(gap)}, at least ${days(rules.decliningMinSilenceDays)})`,
    };
  }

  const window = rules.spendWindowDays;
  const windowStart = Math.max(today - 2 * window, first - 1);
  const previous = spendBetween(index, windowStart, today - window);
  const recent = spendBetween(index, Math.max(today - window, first - 1), today);
  if (previous > 0 && recent < rules.spendDropRatio * previous) {
    return {
      stage: 'declining',
      reason: `spend of the last ${days(window)} (${recent}) < ${rules.spendDropRatio * 100}% of the ${days(window)} before (${previous})`,
    };
  }

  if (purchases >= rules.matureMinPurchases && today - first >= rules.matureMinDaysSinceFirst) {
    return {
      stage: 'mature',
      reason: `${purchases} purchases, ${days(today - first)} since the first${winBack ? ' after the win-back' : ''}`,
    };
  }
  return {
    stage: 'growth',
    reason: winBack
      ? `win-back: buying again after churn (${purchases} purchase${purchases === 1 ? '' : 's'} since)`
      : `${purchases} purchases, not yet mature`,
  };
}

/**
 * Every instant at which the stage may change: registration, termination and
 * reactivation, purchase days, and the days on which silence or the spend
 * windows cross a threshold. Between two of them nothing the rules read
 * changes, so the stage is constant.
 */
function changeInstants(index: LifecycleIndex, fromMs: number, untilMs: number): number[] {
  const { facts, rules } = index;
  const dayCandidates: number[] = [];
  const { purchaseDays } = facts;
  for (let i = 0; i < purchaseDays.length; i++) {
    const day = purchaseDays[i]!;
    // The relationship start as the purchases up to i see it (the reactivation is a candidate of its own).
    const start = relationshipStart(index, i + 1, untilMs);
    const gap = meanGap(purchaseDays, start, i);
    dayCandidates.push(
      day,
      day + rules.newWithinDays + 1,
      day + Math.floor(decliningThreshold(gap, rules)) + 1,
      day + rules.churnedSilenceDays + 1,
      day + rules.matureMinDaysSinceFirst,
    );
    if (gap !== null) dayCandidates.push(day + Math.floor(churnGapThreshold(gap, rules)) + 1);
  }
  for (const day of facts.spendDays) {
    dayCandidates.push(day, day + rules.spendWindowDays, day + 2 * rules.spendWindowDays);
  }
  const instants = dayCandidates.map((day) => day * DAY_MS);
  instants.push(facts.registeredAtMs);
  if (facts.terminatedAtMs !== null) instants.push(facts.terminatedAtMs);
  if (facts.reactivatedAtMs !== null) instants.push(facts.reactivatedAtMs);
  // A typed array sorts numerically and fast; equal instants are then next to each other.
  const sorted = Float64Array.from(instants.filter((t) => t >= fromMs && t <= untilMs)).sort();
  const distinct: number[] = [];
  for (const t of sorted) if (distinct[distinct.length - 1] !== t) distinct.push(t);
  return distinct;
}

/** When the customer's history begins: the registration, or an earlier (imported) purchase's day. */
function historyStart(facts: LifecycleFacts): number {
  const firstPurchase = facts.purchaseDays[0];
  return firstPurchase === undefined ? facts.registeredAtMs : Math.min(facts.registeredAtMs, firstPurchase * DAY_MS);
}

/**
 * The stages the customer went through from the start of its history to
 * `untilMs`, each with when it was entered and left: stage changes at
 * purchases and at the instants where silence or the spend windows cross a
 * threshold. The last segment is open (leftAtMs null).
 */
export function lifecycleHistory(facts: LifecycleFacts, untilMs: number, rules: LifecycleRules): LifecycleSegment[] {
  const from = historyStart(facts);
  if (untilMs < from) return [];
  const index = lifecycleIndex(facts, rules);
  const segments: Array<{ stage: LifecycleStage; enteredAtMs: number; leftAtMs: number | null; reason: string }> = [];
  for (const at of changeInstants(index, from, untilMs)) {
    const { stage, reason } = evaluate(index, at);
    const current = segments[segments.length - 1];
    if (current && current.stage === stage) continue;
    if (current) current.leftAtMs = at;
    segments.push({ stage, enteredAtMs: at, leftAtMs: null, reason });
  }
  // The reason of the open stage is the one that holds at the end of the period.
  const open = segments[segments.length - 1];
  if (open) open.reason = evaluate(index, untilMs).reason;
  return segments;
}

/**
 * The lifecycle stage as of an instant, when the customer entered it, and why
 * (domain.md, "Lifecycle"): the open segment of lifecycleHistory, found by
 * walking the change instants back from the end only as far as the stage
 * stays the same.
 */
export function lifecycleStageAt(facts: LifecycleFacts, atMs: number, rules: LifecycleRules): LifecycleAt {
  const notRegistered: LifecycleAt = {
    stage: 'prospect',
    sinceMs: facts.registeredAtMs,
    reason: 'not registered yet at this instant',
  };
  const from = historyStart(facts);
  if (atMs < from) return notRegistered;
  const index = lifecycleIndex(facts, rules);
  const instants = changeInstants(index, from, atMs);
  const last = instants.length - 1;
  if (last < 0) return notRegistered;
  const { stage } = evaluate(index, instants[last]!);
  let sinceMs = instants[last]!;
  for (let i = last - 1; i >= 0 && evaluate(index, instants[i]!).stage === stage; i--) sinceMs = instants[i]!;
  return { stage, sinceMs, reason: evaluate(index, atMs).reason };
}
