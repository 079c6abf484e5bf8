import { churnRiskAt, type ChurnSignal } from './churn-risk';
import { DAY_MS, lifecycleStageAt, type LifecycleFacts } from './lifecycle';
import { loyaltyAt, loyaltyTier, type AttitudeFacts, type LoyaltyTier } from './loyalty';
import { DEFAULT_CRM_RULES } from './rules/crm-rules';

const RULES = DEFAULT_CRM_RULES;
const BASE_DAY = Date.parse('2025-01-01T00:00:00.000Z') / DAY_MS;
const at = (n: number): number => (BASE_DAY + n) * DAY_MS + 12 * 3_600_000;

interface Scenario {
  /** Scenario days with a purchase (one purchase of 10.00 each). */
  purchaseDays?: readonly number[];
  csat?: readonly number[];
  lastNps?: number;
  openComplaints?: number;
}

function factsOf(purchaseDays: readonly number[]): LifecycleFacts {
  const days = [...new Set(purchaseDays)].sort((a, b) => a - b).map((n) => BASE_DAY + n);
  return {
    registeredAtMs: (BASE_DAY - 30) * DAY_MS,
    purchaseDays: days,
    purchaseDayCounts: days.map(() => 1),
    spendDays: days,
    spendDayNetMinor: days.map(() => 1000),
    terminatedAtMs: null,
    reactivatedAtMs: null,
  };
}

function attitudeOf({ csat = [], lastNps, openComplaints = 0 }: Scenario): AttitudeFacts {
  const counts = [0, 0, 0, 0, 0];
  for (const score of csat) counts[score - 1]! += 1;
  return { csatScoreCounts: counts, lastNps: lastNps ?? null, complaintsOpen: openComplaints };
}

function given(scenario: Scenario) {
  const facts = factsOf(scenario.purchaseDays ?? []);
  const attitude = attitudeOf(scenario);
  return {
    whenEvaluatedOnDay(n: number) {
      const loyalty = loyaltyAt(facts, attitude, at(n), RULES.loyalty, RULES.satisfaction);
      const stage = lifecycleStageAt(facts, at(n), RULES.lifecycle).stage;
      const risk = churnRiskAt(facts, attitude, stage, at(n), RULES.churnRisk, RULES.satisfaction);
      return {
        thenLoyalty(score: number, tier: LoyaltyTier): void {
          expect(loyalty.score).toBe(score);
          expect(loyalty.tier).toBe(tier);
        },
        thenParts(points: Partial<Record<keyof typeof loyalty.parts, number>>): void {
          for (const [name, expected] of Object.entries(points)) {
            expect([name, loyalty.parts[name as keyof typeof loyalty.parts].points]).toEqual([name, expected]);
          }
        },
        thenChurnRisk(signals: readonly ChurnSignal[], reason?: RegExp): void {
          expect(risk.signals).toEqual(signals);
          expect(risk.atRisk).toBe(signals.length > 0);
          if (reason) expect(risk.reasons.join('; ')).toMatch(reason);
        },
        probabilityAlive(p: number) {
          return churnRiskAt(facts, attitude, stage, at(n), RULES.churnRisk, RULES.satisfaction, p);
        },
      };
    },
  };
}

describe('Loyalty score (docs/rules.md, "Loyalty")', () => {
  it('given a prospect without surveys, then only the neutral survey halves and the complaint points count', () => {
    // nps 7.5 + csat 7.5 + complaints 10 = 25.
    given({}).whenEvaluatedOnDay(10).thenLoyalty(25, 'not-loyal');
  });

  it('given a regular monthly buyer of two years, a promoter, satisfied, then the score is 100 and loyal', () => {
    const monthly = Array.from({ length: 25 }, (_, i) => i * 30);
    given({ purchaseDays: monthly, csat: [5, 4], lastNps: 10 })
      .whenEvaluatedOnDay(725)
      .thenLoyalty(100, 'loyal');
  });

  it('given each behavioural part, then it earns its share of its weight', () => {
    // 3 purchase days 0, 10, 30: gaps 10 and 20, mean 15, sd 5 → variation 1/3.
    given({ purchaseDays: [0, 10, 30] })
      .whenEvaluatedOnDay(60)
      .thenParts({
        repeat: 8, // 2 of 5 repeat days × 20
        tenure: 0.8, // 60 of 730 days × 10
        recency: 15, // silent 30 days: full
        regularity: 10, // (1 − 1/3) × 15
      });
  });

  it('given silence past the full-recency window, then recency falls linearly to none at 365 days', () => {
    const scenario = given({ purchaseDays: [0] });
    scenario.whenEvaluatedOnDay(197).thenParts({ recency: 7.5 }); // (197 − 30) / 335 of the way
    scenario.whenEvaluatedOnDay(365).thenParts({ recency: 0 });
    scenario.whenEvaluatedOnDay(500).thenParts({ recency: 0 });
  });

  it('given a detractor with open complaints and dissatisfied answers, then the attitudinal part is lost', () => {
    given({ purchaseDays: [0, 30, 60], csat: [1, 2], lastNps: 3, openComplaints: 2 })
      .whenEvaluatedOnDay(70)
      .thenParts({ nps: 0, csat: 0, complaints: 0 });
  });

  it('given a passive and one satisfied answer of two, then half of the NPS and CSAT points', () => {
    given({ purchaseDays: [0], csat: [5, 2], lastNps: 8, openComplaints: 1 })
      .whenEvaluatedOnDay(1)
      .thenParts({ nps: 7.5, csat: 7.5, complaints: 5 });
  });

  it('given purchases after the instant asked about, then they do not count', () => {
    given({ purchaseDays: [0, 10, 20, 400] })
      .whenEvaluatedOnDay(25)
      .thenParts({ repeat: 8, tenure: 0.3 });
  });

  it.each([
    [100, 'loyal'],
    [70, 'loyal'],
    [69, 'potentially-loyal'],
    [40, 'potentially-loyal'],
    [39, 'not-loyal'],
    [0, 'not-loyal'],
  ] as const)('given a score of %i, then the tier is %s', (score, tier) => {
    expect(loyaltyTier(score, RULES.loyalty)).toBe(tier);
  });
});

describe('Churn risk (docs/rules.md, "Churn risk")', () => {
  it('given a buyer silent for more than twice the own mean gap, then at risk by rhythm', () => {
    // Mean gap 20 days; silent 41 > 40.
    given({ purchaseDays: [0, 20, 40] })
      .whenEvaluatedOnDay(81)
      .thenChurnRisk(['rhythm'], /silent 41 days \(> 2 × own mean gap of 20 days/);
  });

  it('given the same buyer one day earlier, then not at risk', () => {
    given({ purchaseDays: [0, 20, 40] })
      .whenEvaluatedOnDay(80)
      .thenChurnRisk([]);
  });

  it('given a fast buyer, then the silence must still reach the 30-day floor', () => {
    // Mean gap 2 days: 2 × 2 = 4, but the floor is 30.
    given({ purchaseDays: [0, 2, 4] })
      .whenEvaluatedOnDay(34)
      .thenChurnRisk([]);
    given({ purchaseDays: [0, 2, 4] })
      .whenEvaluatedOnDay(35)
      .thenChurnRisk(['rhythm']);
  });

  it('given a single purchase day, then at risk after 90 silent days', () => {
    given({ purchaseDays: [0] })
      .whenEvaluatedOnDay(90)
      .thenChurnRisk([]);
    given({ purchaseDays: [0] })
      .whenEvaluatedOnDay(91)
      .thenChurnRisk(['rhythm'], /one purchase day, silent 91 days/);
  });

  it('given an open complaint and a detractor answer, then both are signals while buying on rhythm', () => {
    given({ purchaseDays: [0, 10, 20], lastNps: 2, openComplaints: 1 })
      .whenEvaluatedOnDay(21)
      .thenChurnRisk(['complaints', 'detractor'], /1 unresolved complaint; latest NPS 2 is a detractor's/);
  });

  it('given a churned customer (silent over a year), then not in the at-risk list: already lost', () => {
    given({ purchaseDays: [0, 10], openComplaints: 1 })
      .whenEvaluatedOnDay(400)
      .thenChurnRisk([]);
  });

  it('given a prospect with an open complaint, then not at risk: there is no purchase rhythm to lose', () => {
    given({ openComplaints: 1 }).whenEvaluatedOnDay(10).thenChurnRisk([]);
  });

  it('given a low model probability of being alive, then the model signal fires', () => {
    const when = given({ purchaseDays: [0, 10, 20] }).whenEvaluatedOnDay(25);
    expect(when.probabilityAlive(0.2)).toEqual({
      atRisk: true,
      signals: ['model'],
      reasons: ['probability alive 20% (< 30%)'],
    });
    expect(when.probabilityAlive(0.6).atRisk).toBe(false);
  });
});
