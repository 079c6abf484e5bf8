import {
  DAY_MS,
  evaluateLifecycle,
  lifecycleHistory,
  lifecycleStageAt,
  type LifecycleFacts,
  type LifecycleStage,
} from './lifecycle';
import { DEFAULT_CRM_RULES } from './rules/crm-rules';

const RULES = DEFAULT_CRM_RULES.lifecycle;
/** Day 0 of every scenario: 2025-01-01 (UTC). */
const BASE_DAY = Date.parse('2025-01-01T00:00:00.000Z') / DAY_MS;
const REGISTERED_AT = (BASE_DAY - 10) * DAY_MS + 9 * 3_600_000;
/** Noon of scenario day n. */
const at = (n: number): number => (BASE_DAY + n) * DAY_MS + 12 * 3_600_000;
const dayStart = (n: number): number => (BASE_DAY + n) * DAY_MS;

interface Scenario {
  /** [scenario day, amount in minor units] per purchase. */
  purchases?: ReadonlyArray<readonly [number, number]>;
  refunds?: ReadonlyArray<readonly [number, number]>;
  terminatedOn?: number;
  reactivatedOn?: number;
}

function factsOf({ purchases = [], refunds = [], terminatedOn, reactivatedOn }: Scenario): LifecycleFacts {
  const counts = new Map<number, number>();
  const spend = new Map<number, number>();
  for (const [n, amount] of purchases) {
    counts.set(BASE_DAY + n, (counts.get(BASE_DAY + n) ?? 0) + 1);
    spend.set(BASE_DAY + n, (spend.get(BASE_DAY + n) ?? 0) + amount);
  }
  for (const [n, amount] of refunds) spend.set(BASE_DAY + n, (spend.get(BASE_DAY + n) ?? 0) - amount);
  const purchaseDays = [...counts.keys()].sort((a, b) => a - b);
  const spendDays = [...spend.keys()].sort((a, b) => a - b);
  return {
    registeredAtMs: REGISTERED_AT,
    purchaseDays,
    purchaseDayCounts: purchaseDays.map((d) => counts.get(d)!),
    spendDays,
    spendDayNetMinor: spendDays.map((d) => spend.get(d)!),
    terminatedAtMs: terminatedOn === undefined ? null : at(terminatedOn),
    reactivatedAtMs: reactivatedOn === undefined ? null : at(reactivatedOn),
  };
}

/** given(history).when(evaluated on scenario day n).then(stage, reason pattern). */
function given(scenario: Scenario) {
  const facts = factsOf(scenario);
  return {
    when(atMs: number) {
      const result = lifecycleStageAt(facts, atMs, RULES);
      return {
        then(stage: LifecycleStage, reason?: RegExp, sinceMs?: number): void {
          expect(result.stage).toBe(stage);
          if (reason) expect(result.reason).toMatch(reason);
          if (sinceMs !== undefined) expect(result.sinceMs).toBe(sinceMs);
        },
      };
    },
  };
}

/** Purchases every `gap` days from day 0, `count` of them, 1000 each. */
const rhythm = (gap: number, count: number): Array<[number, number]> =>
  Array.from({ length: count }, (_, i) => [i * gap, 1000]);

describe('lifecycle stage as of an instant', () => {
  describe('prospect', () => {
    it('given a registration and no purchase, then prospect since the registration', () => {
      given({})
        .when(at(500))
        .then('prospect', /no purchase/, REGISTERED_AT);
    });
    it('given a purchase after the instant, then it is not counted (prospect)', () => {
      given({ purchases: [[30, 1000]] })
        .when(at(29))
        .then('prospect');
    });
  });

  describe('new: one purchase, within 90 days', () => {
    it('89 days after the purchase: new', () => {
      given({ purchases: [[0, 1000]] })
        .when(at(89))
        .then('new', /one purchase, 89 days ago/, dayStart(0));
    });
    it('90 days after: still new', () => {
      given({ purchases: [[0, 1000]] })
        .when(at(90))
        .then('new');
    });
    it('91 days after: no longer new, and silent past the 60-day floor, so declining', () => {
      given({ purchases: [[0, 1000]] })
        .when(at(91))
        .then('declining', /silent 91 days \(> 60 days\)/, dayStart(91));
    });
  });

  describe('growth', () => {
    it('given two purchases 30 days apart, 10 days later: growth', () => {
      given({ purchases: rhythm(30, 2) })
        .when(at(40))
        .then('growth', /2 purchases, not yet mature/, dayStart(30));
    });
    it('given two purchases on one day: two purchases, so growth, not new', () => {
      given({
        purchases: [
          [0, 1000],
          [0, 500],
        ],
      })
        .when(at(5))
        .then('growth');
    });
  });

  describe('mature: at least 5 purchases and at least 365 days since the first', () => {
    const purchases = [...rhythm(40, 9), [364, 1000] as [number, number]];
    it('365 days after the first purchase: mature', () => {
      given({ purchases })
        .when(at(365))
        .then('mature', /10 purchases, 365 days since the first/, dayStart(365));
    });
    it('364 days after the first purchase: growth', () => {
      given({ purchases }).when(at(364)).then('growth');
    });
    it('4 purchases over more than a year: growth', () => {
      given({ purchases: rhythm(100, 4) })
        .when(at(370))
        .then('growth');
    });
  });

  describe('declining by silence: more than 2 × own mean gap, at least 60 days', () => {
    // Mean gap 40 days: threshold 80 days.
    it('80 days silent with a 40-day rhythm: not declining', () => {
      given({ purchases: rhythm(40, 3) })
        .when(at(80 + 80))
        .then('growth');
    });
    it('81 days silent with a 40-day rhythm: declining (2 × gap above the floor)', () => {
      given({ purchases: rhythm(40, 3) })
        .when(at(80 + 81))
        .then('declining', /silent 81 days \(> 2 × own mean gap of 40 days/, dayStart(80 + 81));
    });
    // Mean gap 20 days: 2 × gap = 40 < the 60-day floor.
    it('60 days silent with a 20-day rhythm: not declining (the floor holds)', () => {
      given({ purchases: rhythm(20, 3) })
        .when(at(40 + 60))
        .then('growth');
    });
    it('61 days silent with a 20-day rhythm: declining', () => {
      given({ purchases: rhythm(20, 3) })
        .when(at(40 + 61))
        .then('declining', /at least 60 days/);
    });
  });

  describe('declining by spend: the last 180 days below 50% of the 180 days before', () => {
    // Purchases every 30 days from day 0 to day 360; evaluated on day 370:
    // the last window (190, 370] holds days 210…360, the one before (10, 190] days 30…180.
    const spendScenario = (recentAmount: number): Scenario => ({
      purchases: rhythm(30, 13).map(([d]) => [d, d > 190 ? recentAmount : 1000] as [number, number]),
    });
    it('exactly 50% (3000 of 6000): not declining (mature)', () => {
      given(spendScenario(500)).when(at(370)).then('mature');
    });
    it('just below 50% (2994 of 6000): declining', () => {
      given(spendScenario(499))
        .when(at(370))
        .then('declining', /spend of the last 180 days \(2994\) < 50% of the 180 days before \(6000\)/);
    });
    it('refunds count against the window they fall in', () => {
      given({ ...spendScenario(500), refunds: [[365, 1]] })
        .when(at(370))
        .then('declining');
    });
  });

  describe('churned', () => {
    it('365 days silent with no rhythm to compare: declining', () => {
      given({ purchases: [[0, 1000]] })
        .when(at(365))
        .then('declining');
    });
    it('366 days silent: churned', () => {
      given({ purchases: [[0, 1000]] })
        .when(at(366))
        .then('churned', /silent 366 days \(> 365 days\)/, dayStart(366));
    });
    it('365 days silent with a 100-day rhythm (4 × gap = 400): declining; 366: churned by the 365-day rule', () => {
      given({ purchases: rhythm(100, 3) })
        .when(at(200 + 365))
        .then('declining');
      given({ purchases: rhythm(100, 3) })
        .when(at(200 + 366))
        .then('churned', /> 365 days/);
    });
    it('160 days silent with a 40-day rhythm (4 × gap): declining; 161: churned', () => {
      given({ purchases: rhythm(40, 3) })
        .when(at(80 + 160))
        .then('declining');
      given({ purchases: rhythm(40, 3) })
        .when(at(80 + 161))
        .then('churned', /silent 161 days \(> 4 × own mean gap of 40 days\)/, dayStart(80 + 161));
    });
    it('given a termination, from its instant: churned, whatever the purchases', () => {
      const scenario = { purchases: rhythm(10, 6), terminatedOn: 55 };
      given(scenario)
        .when(at(55) - 1)
        .then('growth');
      given(scenario)
        .when(at(55))
        .then('churned', /terminated/, at(55));
    });
  });

  describe('win-back: a purchase after churn reactivates into growth', () => {
    it('given a churn by silence, the next purchase: growth since that purchase, not new, not mature', () => {
      const purchases = [...rhythm(40, 10), [360 + 400, 1000] as [number, number]];
      given({ purchases })
        .when(at(360 + 399))
        .then('churned');
      given({ purchases })
        .when(at(360 + 410))
        .then('growth', /win-back/, dayStart(360 + 400));
    });
    it('given a win-back, the relationship restarts: silence past the floor declines again', () => {
      const purchases = [...rhythm(40, 10), [760, 1000] as [number, number]];
      given({ purchases })
        .when(at(760 + 61))
        .then('declining', /silent 61 days \(> 60 days\)/);
    });
    it('given a termination, a purchase after the reactivation: growth', () => {
      const scenario = {
        purchases: [...rhythm(30, 3), [200, 1000] as [number, number]],
        terminatedOn: 100,
        reactivatedOn: 200,
      };
      given(scenario)
        .when(at(150))
        .then('churned', /terminated/);
      given(scenario)
        .when(at(210))
        .then('growth', /win-back/);
    });
  });
});

describe('lifecycle history', () => {
  it('given a customer who bought once, went silent and came back, then the stages follow with entered and left times', () => {
    const facts = factsOf({
      purchases: [
        [0, 1000],
        [500, 1000],
      ],
    });
    const history = lifecycleHistory(facts, at(520), RULES);
    expect(history.map((s) => [s.stage, s.enteredAtMs, s.leftAtMs])).toEqual([
      ['prospect', REGISTERED_AT, dayStart(0)],
      ['new', dayStart(0), dayStart(91)],
      ['declining', dayStart(91), dayStart(366)],
      ['churned', dayStart(366), dayStart(500)],
      ['growth', dayStart(500), null],
    ]);
    expect(history.at(-1)!.reason).toMatch(/win-back/);
  });

  it('given no purchase, then one open prospect stage', () => {
    expect(lifecycleHistory(factsOf({}), at(10), RULES)).toEqual([
      { stage: 'prospect', enteredAtMs: REGISTERED_AT, leftAtMs: null, reason: 'registered, no purchase yet' },
    ]);
  });

  it('given an instant before the registration, then no stage', () => {
    expect(lifecycleHistory(factsOf({}), REGISTERED_AT - 1, RULES)).toEqual([]);
  });

  it('agrees, day by day, with the stage the rules give at that day (random histories)', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let run = 0; run < 40; run++) {
      const purchases: Array<[number, number]> = [];
      let d = random(30);
      while (d < 1200 && purchases.length < 25) {
        purchases.push([d, 100 + random(2000)]);
        d += 1 + random(run % 2 === 0 ? 120 : 450);
      }
      const refunds: Array<[number, number]> = purchases.length > 3 ? [[purchases[2]![0] + random(30), 50]] : [];
      const scenario: Scenario = { purchases, refunds };
      if (run % 5 === 0) Object.assign(scenario, { terminatedOn: 300 + random(200), reactivatedOn: 600 + random(100) });
      const facts = factsOf(scenario);
      const end = at(1500);
      const history = lifecycleHistory(facts, end, RULES);
      for (let n = -5; n <= 1500; n++) {
        const t = at(n);
        if (t < REGISTERED_AT) continue;
        const segment = history.find((s) => s.enteredAtMs <= t && (s.leftAtMs === null || t < s.leftAtMs));
        expect({ run, n, stage: segment?.stage }).toEqual({ run, n, stage: evaluateLifecycle(facts, t, RULES).stage });
      }
    }
  });
});
