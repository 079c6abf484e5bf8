import type { ComplaintSeverity } from './customer.events';

/**
 * Complaint service-level targets (domain.md, "Satisfaction and
 * complaints"): how long a complaint may wait for its assessment (step 2)
 * and for its resolution (step 3), by severity. Both are counted in minutes
 * of business time from the start of the complaint's current handling cycle:
 * its filing, or its latest reopening.
 *
 * These are the product's defaults. They are plain data with a version, so
 * they can move into a rules configuration unchanged; the complaints read
 * model records the version it measured each complaint against. Change a
 * target only together with the version.
 */
export const COMPLAINT_SLA_RULES_VERSION = 'complaint-sla-defaults-1';

export interface ComplaintSlaTarget {
  /** Most minutes from filing (or reopening) to the assessment. */
  readonly assessWithinMinutes: number;
  /** Most minutes from filing (or reopening) to the resolution. */
  readonly resolveWithinMinutes: number;
}

export interface ComplaintSlaRules {
  readonly version: string;
  readonly targets: Readonly<Record<ComplaintSeverity, ComplaintSlaTarget>>;
}

const HOURS = 60;

/**
 * | severity | assess within | resolve within |
 * |---|---|---|
 * | critical | 4 h | 24 h |
 * | high | 24 h | 72 h |
 * | medium | 48 h | 120 h |
 * | low | 72 h | 240 h |
 */
export const DEFAULT_COMPLAINT_SLA_RULES: ComplaintSlaRules = {
  version: COMPLAINT_SLA_RULES_VERSION,
  targets: {
    critical: { assessWithinMinutes: 4 * HOURS, resolveWithinMinutes: 24 * HOURS },
    high: { assessWithinMinutes: 24 * HOURS, resolveWithinMinutes: 72 * HOURS },
    medium: { assessWithinMinutes: 48 * HOURS, resolveWithinMinutes: 120 * HOURS },
    low: { assessWithinMinutes: 72 * HOURS, resolveWithinMinutes: 240 * HOURS },
  },
};

/** The targets of a complaint of this severity under the given rules (the defaults unless told). */
export function complaintSlaTargets(
  severity: ComplaintSeverity,
  rules: ComplaintSlaRules = DEFAULT_COMPLAINT_SLA_RULES,
): ComplaintSlaTarget {
  return rules.targets[severity];
}

/**
 * Whole minutes from one business time to another (epoch milliseconds),
 * rounded up, so that "more minutes than the target" and "later than the
 * due time" always agree. A step dated before its cycle started (a
 * backdated correction) counts as 0.
 */
export function elapsedMinutes(fromMs: number, toMs: number): number {
  return Math.max(0, Math.ceil((toMs - fromMs) / 60_000));
}

/** Whether a step that took `minutes` missed a target of `targetMinutes`. */
export function targetMissed(minutes: number, targetMinutes: number): boolean {
  return minutes > targetMinutes;
}
