import gammaln from '@stdlib/math-base-special-gammaln';
import { type MinimiseOptions, nelderMead } from './nelder-mead';

/**
 * Gamma-Gamma model of spend per purchase (Fader & Hardie 2013, "The
 * Gamma-Gamma model of monetary value"). Each purchase of a customer is
 * worth Z ~ Gamma(p, ν), with ν ~ Gamma(q, γ) across customers; the mean
 * z̄ of x purchases is then Gamma(px, νx). Fitted on customers with x > 0
 * repeat purchases, z̄ being the mean spend of those repeat purchases.
 */
export interface GammaGammaParameters {
  readonly p: number;
  readonly q: number;
  readonly gamma: number;
}

export interface SpendSummary {
  /** Repeat purchases, a whole number (> 0 for fitting). */
  readonly x: number;
  /** Mean spend of the repeat purchases (> 0 for fitting). */
  readonly zbar: number;
}

/**
 * log f(z̄ | p, q, γ; x) for one customer (x > 0, z̄ > 0):
 *   ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln z̄ + px ln x − (px+q) ln(γ + x z̄).
 */
export function gammaGammaCustomerLogLikelihood(parameters: GammaGammaParameters, customer: SpendSummary): number {
  checkParameters(parameters);
  return logLikelihoodOf(gammaGammaRows([{ ...customer, weight: 1 }]), parameters);
}

/** Σ weight · log f over the customers (weight 1 when absent); every x must be > 0. */
export function gammaGammaLogLikelihood(
  parameters: GammaGammaParameters,
  customers: readonly (SpendSummary & { readonly weight?: number })[],
): number {
  checkParameters(parameters);
  return logLikelihoodOf(gammaGammaRows(customers), parameters);
}

export interface GammaGammaFit {
  readonly parameters: GammaGammaParameters;
  readonly logLikelihood: number;
  readonly evaluations: number;
  readonly converged: boolean;
}

export interface GammaGammaFitOptions extends MinimiseOptions {
  /** Starting point (default p = q = 1, γ = the mean z̄). */
  readonly start?: GammaGammaParameters;
}

/**
 * Maximum-likelihood estimates of p, q, γ: Nelder–Mead with restarts on
 * (ln p, ln q, ln γ). Customers with x = 0 carry no spend information and
 * must be left out by the caller (an error otherwise, so that a silent
 * filter cannot hide a data problem).
 */
export function fitGammaGamma(
  customers: readonly (SpendSummary & { readonly weight?: number })[],
  options: GammaGammaFitOptions = {},
): GammaGammaFit {
  const rows = gammaGammaRows(customers);
  if (rows.weight.length === 0) throw new RangeError('fitGammaGamma needs at least one customer');
  let start = options.start;
  if (start === undefined) {
    let total = 0;
    let spend = 0;
    for (let k = 0; k < rows.weight.length; k++) {
      total += rows.weight[k];
      spend += rows.weight[k] * Math.exp(rows.lnZbar[k]);
    }
    start = { p: 1, q: 1, gamma: spend / total };
  }
  checkParameters(start);
  const fromLog = (v: readonly number[]): GammaGammaParameters => ({
    p: Math.exp(v[0]),
    q: Math.exp(v[1]),
    gamma: Math.exp(v[2]),
  });
  const minimum = nelderMead(
    (v) => -logLikelihoodOf(rows, fromLog(v)),
    [Math.log(start.p), Math.log(start.q), Math.log(start.gamma)],
    options,
  );
  return {
    parameters: fromLog(minimum.point),
    logLikelihood: -minimum.value,
    evaluations: minimum.evaluations,
    converged: minimum.converged,
  };
}

/**
 * E[Z | x, z̄] = p(γ + x z̄) / (px + q − 1), the expected spend per future
 * purchase: a weighted mean of the population mean pγ/(q−1) and the
 * customer's own z̄, the latter weighing more as x grows. With x = 0 it is
 * the population mean (z̄ is then ignored and may be null). Needs q > 1.
 */
export function gammaGammaExpectedSpend(
  parameters: GammaGammaParameters,
  customer: { readonly x: number; readonly zbar: number | null },
): number {
  checkParameters(parameters);
  const { p, q, gamma } = parameters;
  if (q <= 1) throw new RangeError(`the expected spend is infinite when q ≤ 1 (got q = ${q})`);
  const { x } = customer;
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`x must be a whole number ≥ 0, got ${x}`);
  if (x === 0) return (p * gamma) / (q - 1);
  const zbar = customer.zbar;
  if (zbar === null || !(Number.isFinite(zbar) && zbar >= 0)) {
    throw new RangeError(`zbar must be finite and ≥ 0 when x > 0, got ${zbar}`);
  }
  return (p * (gamma + x * zbar)) / (p * x + q - 1);
}

/** Rows with ln z̄ precomputed and x indexed by its distinct values. */
interface GammaGammaRows {
  readonly xs: Float64Array;
  readonly lnXs: Float64Array;
  readonly xIndex: Int32Array;
  readonly zbar: Float64Array;
  readonly lnZbar: Float64Array;
  readonly weight: Float64Array;
}

function gammaGammaRows(customers: readonly (SpendSummary & { readonly weight?: number })[]): GammaGammaRows {
  for (const { x, zbar, weight } of customers) {
    if (!(Number.isInteger(x) && x > 0)) throw new RangeError(`Gamma-Gamma needs x a whole number > 0, got ${x}`);
    if (!(Number.isFinite(zbar) && zbar > 0)) throw new RangeError(`Gamma-Gamma needs zbar > 0, got ${zbar}`);
    if (weight !== undefined && !(Number.isFinite(weight) && weight >= 0)) {
      throw new RangeError(`weight must be finite and ≥ 0, got ${weight}`);
    }
  }
  const xs = [...new Set(customers.map((c) => c.x))].sort((u, v) => u - v);
  const of = new Map(xs.map((x, i) => [x, i]));
  return {
    xs: Float64Array.from(xs),
    lnXs: Float64Array.from(xs, (x) => Math.log(x)),
    xIndex: Int32Array.from(customers, (c) => of.get(c.x) ?? -1),
    zbar: Float64Array.from(customers, (c) => c.zbar),
    lnZbar: Float64Array.from(customers, (c) => Math.log(c.zbar)),
    weight: Float64Array.from(customers, (c) => c.weight ?? 1),
  };
}

function logLikelihoodOf(rows: GammaGammaRows, { p, q, gamma }: GammaGammaParameters): number {
  const base = -gammaln(q) + q * Math.log(gamma);
  const perX = rows.xs.map((x, i) => gammaln(p * x + q) - gammaln(p * x) + p * x * rows.lnXs[i]);
  let sum = 0;
  for (let k = 0; k < rows.weight.length; k++) {
    const i = rows.xIndex[k];
    const px = p * rows.xs[i];
    sum +=
      rows.weight[k] *
      (base + perX[i] + (px - 1) * rows.lnZbar[k] - (px + q) * Math.log(gamma + rows.xs[i] * rows.zbar[k]));
  }
  return sum;
}

function checkParameters({ p, q, gamma }: GammaGammaParameters): void {
  for (const [name, value] of [
    ['p', p],
    ['q', q],
    ['gamma', gamma],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`Gamma-Gamma ${name} must be finite and > 0, got ${value}`);
    }
  }
}
