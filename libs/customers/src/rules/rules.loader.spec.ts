import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@crm/platform';
import { DEFAULT_COMPLAINT_SLA_RULES } from '../domain/complaint-sla';
import { DEFAULT_CRM_RULES } from '../domain/rules/crm-rules';
import { CRM_RULES_FILE, loadCrmRules, mergeCrmRules } from './rules.loader';

describe('CRM rules configuration', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'crm-rules-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  function file(name: string, content: string): string {
    const path = join(folder, name);
    writeFileSync(path, content);
    return path;
  }

  it('given no CRM_RULES_FILE, then the defaults, which embed the complaint SLA rules', () => {
    const rules = loadCrmRules({});
    expect(rules).toBe(DEFAULT_CRM_RULES);
    expect(rules.complaintSla).toBe(DEFAULT_COMPLAINT_SLA_RULES);
    expect(rules.lifecycle).toEqual({
      newWithinDays: 90,
      matureMinPurchases: 5,
      matureMinDaysSinceFirst: 365,
      decliningGapMultiple: 2,
      decliningMinSilenceDays: 60,
      spendWindowDays: 180,
      spendDropRatio: 0.5,
      churnedSilenceDays: 365,
      churnedGapMultiple: 4,
    });
    expect(rules.satisfaction).toEqual({ csatSatisfiedMin: 4, npsPromoterMin: 9, npsPassiveMin: 7 });
  });

  it('given a file with a version and some thresholds, then they are merged over the defaults', () => {
    const path = file(
      'ok.json',
      JSON.stringify({ version: 'ops-2026-06', lifecycle: { newWithinDays: 60, spendDropRatio: 0.4 } }),
    );
    const rules = loadCrmRules({ [CRM_RULES_FILE]: path });
    expect(rules.version).toBe('ops-2026-06');
    expect(rules.lifecycle).toEqual({ ...DEFAULT_CRM_RULES.lifecycle, newWithinDays: 60, spendDropRatio: 0.4 });
    expect(rules.satisfaction).toEqual(DEFAULT_CRM_RULES.satisfaction);
    expect(rules.complaintSla).toEqual(DEFAULT_COMPLAINT_SLA_RULES);
    expect(DEFAULT_CRM_RULES.lifecycle.newWithinDays).toBe(90);
  });

  it('given segmentation shares, then they are merged over the defaults as fractions', () => {
    const rules = mergeCrmRules({ version: 'v', segmentation: { abcACumulativeShare: 0.7, pyramidVipShare: 0.02 } });
    expect(rules.segmentation).toEqual({
      ...DEFAULT_CRM_RULES.segmentation,
      abcACumulativeShare: 0.7,
      pyramidVipShare: 0.02,
    });
    expect(DEFAULT_CRM_RULES.segmentation).toEqual({
      abcACumulativeShare: 0.8,
      abcBCumulativeShare: 0.95,
      pyramidVipShare: 0.01,
      pyramidMajorShare: 0.04,
      pyramidOrdinaryShare: 0.15,
      currentValueWindowDays: 365,
      quadrantThresholdPercentile: 0.5,
    });
  });

  const refusals: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['no version', { lifecycle: { newWithinDays: 60 } }, /CRM_RULES_FILE version: missing/],
    ['an empty version', { version: ' ' }, /CRM_RULES_FILE version: must be a non-empty string/],
    [
      'an unknown key',
      { version: 'v', lifecycle: { newWithin: 60 } },
      /CRM_RULES_FILE lifecycle\.newWithin: unknown key/,
    ],
    ['an unknown section', { version: 'v', rewards: {} }, /CRM_RULES_FILE rewards: unknown key/],
    [
      'a wrong type',
      { version: 'v', lifecycle: { churnedSilenceDays: '365' } },
      /lifecycle\.churnedSilenceDays: must be a number/,
    ],
    [
      'a negative number',
      { version: 'v', satisfaction: { npsPassiveMin: -1 } },
      /satisfaction\.npsPassiveMin: must be a number ≥ 0/,
    ],
    [
      'a fraction of days',
      { version: 'v', lifecycle: { newWithinDays: 90.5 } },
      /lifecycle\.newWithinDays: must be a whole number/,
    ],
    ['a section that is not an object', { version: 'v', lifecycle: 5 }, /lifecycle: must be an object/],
    [
      'a ratio above 1',
      { version: 'v', lifecycle: { spendDropRatio: 1.5 } },
      /lifecycle\.spendDropRatio: must be between 0 and 1/,
    ],
    ['passive above promoter', { version: 'v', satisfaction: { npsPassiveMin: 10 } }, /npsPassiveMin: must not exceed/],
    [
      'a CSAT threshold out of the scale',
      { version: 'v', satisfaction: { csatSatisfiedMin: 6 } },
      /csatSatisfiedMin: must be a CSAT score/,
    ],
    [
      'new SLA targets under the default SLA version',
      { version: 'v', complaintSla: { targets: { high: { assessWithinMinutes: 60 } } } },
      /complaintSla\.version: must name the new targets/,
    ],
    [
      'a resolution target shorter than the assessment target',
      { version: 'v', complaintSla: { version: 'sla-2', targets: { low: { resolveWithinMinutes: 10 } } } },
      /complaintSla\.targets\.low\.resolveWithinMinutes: must not be below/,
    ],
    [
      'an unknown severity',
      { version: 'v', complaintSla: { version: 'sla-2', targets: { urgent: { assessWithinMinutes: 10 } } } },
      /complaintSla\.targets\.urgent: unknown key/,
    ],
    ['an array', [], /must hold a JSON object/],
    [
      'ABC class B below class A',
      { version: 'v', segmentation: { abcACumulativeShare: 0.9, abcBCumulativeShare: 0.85 } },
      /segmentation\.abcBCumulativeShare: must be between/,
    ],
    [
      'an ABC share of 0',
      { version: 'v', segmentation: { abcACumulativeShare: 0 } },
      /segmentation\.abcACumulativeShare: must be above 0/,
    ],
    [
      'pyramid shares above 1 together',
      { version: 'v', segmentation: { pyramidOrdinaryShare: 0.96 } },
      /segmentation\.pyramidOrdinaryShare: the VIP, major and ordinary shares together/,
    ],
    [
      'loyalty weights that do not add up to 100',
      { version: 'v', loyalty: { weights: { repeat: 30 } } },
      /loyalty\.weights: must add up to 100, they add up to 110/,
    ],
    [
      'a potentially-loyal threshold above the loyal one',
      { version: 'v', loyalty: { potentiallyLoyalMin: 80 } },
      /loyalty\.potentiallyLoyalMin: must not exceed loyalty\.loyalMin/,
    ],
    [
      'a probability threshold above 1',
      { version: 'v', churnRisk: { probabilityAliveBelow: 1.2 } },
      /churnRisk\.probabilityAliveBelow: must be between 0 and 1/,
    ],
    [
      'a fractional day count for churn risk',
      { version: 'v', churnRisk: { rhythmMinSilenceDays: 2.5 } },
      /churnRisk\.rhythmMinSilenceDays: must be a whole number/,
    ],
    [
      'an unknown segmentation key',
      { version: 'v', segmentation: { rfmQuintiles: 4 } },
      /segmentation\.rfmQuintiles: unknown key/,
    ],
  ];
  it('given loyalty weights that still add up to 100, then they are merged over the defaults', () => {
    const rules = mergeCrmRules({ version: 'v', loyalty: { weights: { repeat: 25, tenure: 5 }, loyalMin: 75 } });
    expect(rules.loyalty.weights).toEqual({ ...DEFAULT_CRM_RULES.loyalty.weights, repeat: 25, tenure: 5 });
    expect(rules.loyalty.loyalMin).toBe(75);
    expect(rules.churnRisk).toEqual(DEFAULT_CRM_RULES.churnRisk);
  });

  it('given new complaint SLA targets with their own version, then they are merged over the defaults', () => {
    const rules = mergeCrmRules({
      version: 'v',
      complaintSla: {
        version: 'sla-ops-2',
        targets: { critical: { assessWithinMinutes: 60, resolveWithinMinutes: 480 } },
      },
    });
    expect(rules.complaintSla).toEqual({
      version: 'sla-ops-2',
      targets: {
        ...DEFAULT_COMPLAINT_SLA_RULES.targets,
        critical: { assessWithinMinutes: 60, resolveWithinMinutes: 480 },
      },
    });
  });

  it.each(refusals)('given a file with %s, then the start is refused naming the path', (_label, content, message) => {
    expect(() => mergeCrmRules(content)).toThrow(ConfigError);
    expect(() => mergeCrmRules(content)).toThrow(message);
  });

  it('given a file that is not JSON or cannot be read, then the start is refused naming the variable', () => {
    expect(() => loadCrmRules({ [CRM_RULES_FILE]: file('bad.json', '{ version: ') })).toThrow(
      /CRM_RULES_FILE .* is not valid JSON/,
    );
    expect(() => loadCrmRules({ [CRM_RULES_FILE]: join(folder, 'missing.json') })).toThrow(
      /CRM_RULES_FILE cannot read .*ENOENT/,
    );
  });
});
