import type { BgNbdParameters } from '../bg-nbd';
import type { GammaGammaParameters } from '../gamma-gamma';
import type { PurchaseDay } from '../purchase-summary';

/** A seeded uniform generator on (0, 1) (mulberry32), so simulated data sets are reproducible. */
export function seededUniform(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
}

/** Gamma(shape, 1) variates by Marsaglia & Tsang's method (with the shape + 1 boost below 1). */
export function gammaVariate(uniform: () => number, shape: number): number {
  if (shape < 1) return gammaVariate(uniform, shape + 1) * Math.pow(uniform(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    if (Math.log(uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

export interface SimulationOptions {
  readonly customers: number;
  /** First purchases fall uniformly on days [0, arrivalDays). */
  readonly arrivalDays: number;
  /** Last day simulated (the calibration end). */
  readonly endDay: number;
  readonly seed: number;
}

/**
 * Purchase histories drawn from the models themselves: λ ~ Gamma(r, α) per
 * week, dropout p ~ Beta(a, b) after each repeat purchase, and each
 * purchase worth Gamma(p, ν) with ν ~ Gamma(q, γ). Times are cut to whole
 * days, as real purchase days are.
 */
export function simulatePurchaseHistories(
  bgNbd: BgNbdParameters,
  gammaGamma: GammaGammaParameters,
  options: SimulationOptions,
): PurchaseDay[][] {
  const uniform = seededUniform(options.seed);
  const histories: PurchaseDay[][] = [];
  for (let i = 0; i < options.customers; i++) {
    const rate = gammaVariate(uniform, bgNbd.r) / bgNbd.alpha;
    const ga = gammaVariate(uniform, bgNbd.a);
    const dropout = ga / (ga + gammaVariate(uniform, bgNbd.b));
    const spendRate = gammaVariate(uniform, gammaGamma.q) / gammaGamma.gamma;
    const spend = () => gammaVariate(uniform, gammaGamma.p) / spendRate;
    const first = Math.floor(uniform() * options.arrivalDays);
    const history = [{ day: first, spend: spend() }];
    let weeks = first / 7;
    for (;;) {
      weeks += -Math.log(uniform()) / rate;
      const day = Math.floor(weeks * 7);
      if (day > options.endDay) break;
      history.push({ day, spend: spend() });
      if (uniform() < dropout) break;
    }
    histories.push(history);
  }
  return histories;
}

/** A customer's history as the models summarise it, and the horizon to simulate. */
export interface FutureSimulationOptions {
  /** Periods of the horizon (months), each `periodLength` weeks long. */
  readonly periods: number;
  readonly periodLength: number;
  /** Discount per period: a purchase in period k counts 1 / (1 + rate)^k. */
  readonly discountRate: number;
  readonly draws: number;
  readonly seed: number;
}

/** A Monte-Carlo mean with its standard error. */
export interface MonteCarloMean {
  readonly mean: number;
  readonly standardError: number;
}

export interface FutureSimulation {
  /** Purchases in the whole horizon (undiscounted). */
  readonly purchases: MonteCarloMean;
  /** Spend of those purchases, each discounted by its period. */
  readonly discountedSpend: MonteCarloMean;
}

/**
 * The future of one customer after T, drawn from the models' generative
 * story conditioned on the history (x, t_x, T, z̄) by Bayes' rule, without
 * any of the models' closed-form expectations:
 *
 * - Given the history, the customer is either still alive at T or dropped
 *   out right after their last purchase (t_x). The posterior odds of having
 *   dropped out are
 *   [B(a+1, b+x−1) / (α+t_x)^(r+x)] / [B(a, b+x) / (α+T)^(r+x)]
 *   = a/(b+x−1) · ((α+T)/(α+t_x))^(r+x), for x > 0 (0 for x = 0).
 * - Alive at T, the conjugate posteriors are λ ~ Gamma(r+x, rate α+T) and
 *   p ~ Beta(a, b+x): purchases then come at rate λ and, after each, the
 *   customer drops out with probability p.
 * - The spend rate ν has the posterior Gamma(px+q, rate γ + x z̄); each
 *   purchase is worth Gamma(p, rate ν), whose mean p/ν is what each one adds
 *   (the same expectation as drawing it, with less noise).
 *
 * A purchase at time t after T falls in period ⌈t / L⌉ and is discounted by
 * that period, so it matches a lifetime value that discounts each period's
 * purchases as if they fell at its end.
 */
export function simulateFuture(
  bgNbd: BgNbdParameters,
  gammaGamma: GammaGammaParameters,
  customer: { readonly x: number; readonly tx: number; readonly T: number; readonly zbar: number | null },
  options: FutureSimulationOptions,
): FutureSimulation {
  const { r, alpha, a, b } = bgNbd;
  const { x, tx, T } = customer;
  const zbar = customer.zbar ?? 0;
  const uniform = seededUniform(options.seed);
  const droppedOutOdds = x === 0 ? 0 : (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x);
  const aliveProbability = 1 / (1 + droppedOutOdds);
  const horizon = options.periods * options.periodLength;
  let purchasesSum = 0;
  let purchasesSquares = 0;
  let valueSum = 0;
  let valueSquares = 0;
  for (let draw = 0; draw < options.draws; draw++) {
    let purchases = 0;
    let value = 0;
    if (uniform() < aliveProbability) {
      const rate = gammaVariate(uniform, r + x) / (alpha + T);
      const ga = gammaVariate(uniform, a);
      const dropout = ga / (ga + gammaVariate(uniform, b + x));
      const spendRate = gammaVariate(uniform, gammaGamma.p * x + gammaGamma.q) / (gammaGamma.gamma + x * zbar);
      let t = 0;
      for (;;) {
        t += -Math.log(uniform()) / rate;
        if (t > horizon) break;
        const period = Math.max(1, Math.ceil(t / options.periodLength));
        purchases += 1;
        value += gammaGamma.p / spendRate / Math.pow(1 + options.discountRate, period);
        if (uniform() < dropout) break;
      }
    }
    purchasesSum += purchases;
    purchasesSquares += purchases * purchases;
    valueSum += value;
    valueSquares += value * value;
  }
  const n = options.draws;
  const meanOf = (sum: number, squares: number): MonteCarloMean => {
    const mean = sum / n;
    const variance = (squares - n * mean * mean) / (n - 1);
    return { mean, standardError: Math.sqrt(variance / n) };
  };
  return { purchases: meanOf(purchasesSum, purchasesSquares), discountedSpend: meanOf(valueSum, valueSquares) };
}
