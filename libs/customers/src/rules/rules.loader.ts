import { readFileSync } from 'node:fs';
import { Logger, type Provider } from '@nestjs/common';
import { ConfigError } from '@crm/platform';
import { DEFAULT_COMPLAINT_SLA_RULES } from '../domain/complaint-sla';
import { DEFAULT_CRM_RULES, type CrmRules } from '../domain/rules/crm-rules';
import { useComplaintSlaRules } from '../projections/complaints/complaints.projection';

/** The environment variable naming the operator's rules file. */
export const CRM_RULES_FILE = 'CRM_RULES_FILE';

/** Injection token of the rules in force (CrmRules). */
export const CRM_RULES = Symbol('CRM_RULES');

/** Keys whose values may be fractions; every other number is a whole number. */
const FRACTIONAL_KEYS: ReadonlySet<string> = new Set([
  'lifecycle.decliningGapMultiple',
  'lifecycle.spendDropRatio',
  'lifecycle.churnedGapMultiple',
  'segmentation.abcACumulativeShare',
  'segmentation.abcBCumulativeShare',
  'segmentation.pyramidVipShare',
  'segmentation.pyramidMajorShare',
  'segmentation.pyramidOrdinaryShare',
  'segmentation.quadrantThresholdPercentile',
  'churnRisk.rhythmGapMultiple',
  'churnRisk.probabilityAliveBelow',
  'clv.monthlyDiscountRate',
  'crossSell.minSupport',
  'crossSell.minConfidence',
  'crossSell.minSequenceSupport',
]);

/** Keys the file may not change, with the reason. */
const NOT_CONFIGURABLE: Readonly<Record<string, string>> = {};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

/** Merges `override` over `base` (same shape), refusing unknown keys and wrong types with the key's path. */
function mergeSection(base: Record<string, unknown>, override: unknown, path: string): Record<string, unknown> {
  if (!isObject(override))
    throw new ConfigError(CRM_RULES_FILE, `${path}: must be an object, got ${describe(override)}`);
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const keyPath = path ? `${path}.${key}` : key;
    if (!Object.prototype.hasOwnProperty.call(base, key)) {
      throw new ConfigError(CRM_RULES_FILE, `${keyPath}: unknown key (known here: ${Object.keys(base).join(', ')})`);
    }
    const notConfigurable = NOT_CONFIGURABLE[keyPath];
    if (notConfigurable) throw new ConfigError(CRM_RULES_FILE, `${keyPath}: ${notConfigurable}`);
    const current = base[key];
    if (isObject(current)) {
      merged[key] = mergeSection(current, value, keyPath);
    } else if (typeof current === 'number') {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new ConfigError(CRM_RULES_FILE, `${keyPath}: must be a number ≥ 0, got ${describe(value)}`);
      }
      if (!FRACTIONAL_KEYS.has(keyPath) && !Number.isInteger(value)) {
        throw new ConfigError(CRM_RULES_FILE, `${keyPath}: must be a whole number, got ${value}`);
      }
      merged[key] = value;
    } else if (typeof current === 'string') {
      if (typeof value !== 'string' || value.trim() === '') {
        throw new ConfigError(CRM_RULES_FILE, `${keyPath}: must be a non-empty string, got ${describe(value)}`);
      }
      merged[key] = value;
    } else {
      throw new ConfigError(CRM_RULES_FILE, `${keyPath}: cannot be set`);
    }
  }
  return merged;
}

function check(condition: boolean, path: string, message: string): void {
  if (!condition) throw new ConfigError(CRM_RULES_FILE, `${path}: ${message}`);
}

/** Rules that only make sense together. */
function checkCoherent(rules: CrmRules): void {
  const { lifecycle, satisfaction, segmentation, loyalty, churnRisk, clv, crossSell } = rules;
  check(lifecycle.spendDropRatio <= 1, 'lifecycle.spendDropRatio', 'must be between 0 and 1');
  check(lifecycle.spendWindowDays >= 1, 'lifecycle.spendWindowDays', 'must be at least 1');
  check(lifecycle.matureMinPurchases >= 2, 'lifecycle.matureMinPurchases', 'must be at least 2');
  check(
    satisfaction.csatSatisfiedMin >= 1 && satisfaction.csatSatisfiedMin <= 5,
    'satisfaction.csatSatisfiedMin',
    'must be a CSAT score, 1 to 5',
  );
  check(satisfaction.npsPromoterMin <= 10, 'satisfaction.npsPromoterMin', 'must be an NPS score, 0 to 10');
  check(
    satisfaction.npsPassiveMin <= satisfaction.npsPromoterMin,
    'satisfaction.npsPassiveMin',
    'must not exceed satisfaction.npsPromoterMin',
  );
  check(
    segmentation.abcACumulativeShare > 0 && segmentation.abcACumulativeShare <= 1,
    'segmentation.abcACumulativeShare',
    'must be above 0 and at most 1',
  );
  check(
    segmentation.abcBCumulativeShare >= segmentation.abcACumulativeShare && segmentation.abcBCumulativeShare <= 1,
    'segmentation.abcBCumulativeShare',
    'must be between segmentation.abcACumulativeShare and 1',
  );
  check(
    segmentation.pyramidVipShare + segmentation.pyramidMajorShare + segmentation.pyramidOrdinaryShare <= 1,
    'segmentation.pyramidOrdinaryShare',
    'the VIP, major and ordinary shares together must not exceed 1',
  );
  check(
    segmentation.quadrantThresholdPercentile <= 1,
    'segmentation.quadrantThresholdPercentile',
    'must be between 0 and 1',
  );
  for (const [severity, target] of Object.entries(rules.complaintSla.targets)) {
    const path = `complaintSla.targets.${severity}`;
    check(target.assessWithinMinutes >= 1, `${path}.assessWithinMinutes`, 'must be at least 1 minute');
    check(
      target.resolveWithinMinutes >= target.assessWithinMinutes,
      `${path}.resolveWithinMinutes`,
      `must not be below ${path}.assessWithinMinutes`,
    );
  }
  check(
    JSON.stringify(rules.complaintSla.targets) === JSON.stringify(DEFAULT_COMPLAINT_SLA_RULES.targets) ||
      rules.complaintSla.version !== DEFAULT_COMPLAINT_SLA_RULES.version,
    'complaintSla.version',
    'must name the new targets (every complaint row records the SLA version it was measured against)',
  );
  check(segmentation.currentValueWindowDays >= 1, 'segmentation.currentValueWindowDays', 'must be at least 1');
  const weights = Object.values(loyalty.weights).reduce((sum, weight) => sum + weight, 0);
  check(weights === 100, 'loyalty.weights', `must add up to 100, they add up to ${weights}`);
  check(loyalty.repeatDaysForFull >= 1, 'loyalty.repeatDaysForFull', 'must be at least 1');
  check(loyalty.tenureDaysForFull >= 1, 'loyalty.tenureDaysForFull', 'must be at least 1');
  check(
    loyalty.recencyNoneAfterDays > loyalty.recencyFullWithinDays,
    'loyalty.recencyNoneAfterDays',
    'must be above loyalty.recencyFullWithinDays',
  );
  check(loyalty.loyalMin <= 100, 'loyalty.loyalMin', 'must be a score, 0 to 100');
  check(
    loyalty.potentiallyLoyalMin <= loyalty.loyalMin,
    'loyalty.potentiallyLoyalMin',
    'must not exceed loyalty.loyalMin',
  );
  check(churnRisk.probabilityAliveBelow <= 1, 'churnRisk.probabilityAliveBelow', 'must be between 0 and 1');
  check(churnRisk.npsDetractorSignal <= 1, 'churnRisk.npsDetractorSignal', 'must be 0 (off) or 1 (on)');
  check(clv.horizonMonths >= 1 && clv.horizonMonths <= 600, 'clv.horizonMonths', 'must be from 1 to 600 months');
  check(clv.monthlyDiscountRate < 1, 'clv.monthlyDiscountRate', 'must be a fraction below 1 (0.01 = 1 % a month)');
  check(crossSell.minSupport > 0 && crossSell.minSupport <= 1, 'crossSell.minSupport', 'must be above 0 and at most 1');
  check(crossSell.minConfidence <= 1, 'crossSell.minConfidence', 'must be between 0 and 1');
  check(
    crossSell.minSequenceSupport > 0 && crossSell.minSequenceSupport <= 1,
    'crossSell.minSequenceSupport',
    'must be above 0 and at most 1',
  );
  check(
    crossSell.maxItemsetSize >= 2 && crossSell.maxItemsetSize <= 4,
    'crossSell.maxItemsetSize',
    'must be from 2 to 4 items',
  );
}

/**
 * The rules an operator's file asks for: the file's values merged over the
 * defaults. The file is a JSON object shaped like DEFAULT_CRM_RULES, every
 * key optional except `version`, which it must carry.
 */
export function mergeCrmRules(file: unknown, defaults: CrmRules = DEFAULT_CRM_RULES): CrmRules {
  if (!isObject(file)) throw new ConfigError(CRM_RULES_FILE, `the file must hold a JSON object, got ${describe(file)}`);
  if (!('version' in file)) {
    throw new ConfigError(CRM_RULES_FILE, 'version: missing; the file must carry its own version');
  }
  const merged = mergeSection(defaults as unknown as Record<string, unknown>, file, '') as unknown as CrmRules;
  checkCoherent(merged);
  return merged;
}

/**
 * The rules in force: the defaults, or CRM_RULES_FILE merged over them.
 * Errors name the variable and the path of the bad key.
 */
export function loadCrmRules(env: Readonly<Record<string, string | undefined>> = process.env): CrmRules {
  const path = env[CRM_RULES_FILE]?.trim();
  if (!path) return DEFAULT_CRM_RULES;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(CRM_RULES_FILE, `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (error) {
    throw new ConfigError(CRM_RULES_FILE, `${path} is not valid JSON: ${(error as Error).message}`);
  }
  return mergeCrmRules(parsed);
}

/** The rules version last announced in the log: several modules provide the rules, the log says it once. */
let announced: string | undefined;

/** The rules in force, checked when the application starts. */
export const crmRulesProvider: Provider = {
  provide: CRM_RULES,
  useFactory: (): CrmRules => {
    const rules = loadCrmRules();
    useComplaintSlaRules(rules.complaintSla);
    const source = process.env[CRM_RULES_FILE]?.trim();
    const line = `rules version ${rules.version}${source ? ` (from ${source})` : ' (defaults)'}`;
    if (line !== announced) new Logger('Rules').log(line);
    announced = line;
    return rules;
  },
};
