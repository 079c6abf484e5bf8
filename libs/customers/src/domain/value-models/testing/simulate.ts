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
function gammaVariate(uniform: () => number, shape: number): number {
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
