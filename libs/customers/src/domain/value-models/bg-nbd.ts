import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import { hyp2f1 } from './hypergeometric';
import { type MinimiseOptions, nelderMead } from './nelder-mead';

/**
 * BG/NBD, the beta-geometric / negative binomial distribution model of
 * repeat buying (Fader, Hardie & Lee 2005, "Counting your customers the
 * easy way"). While alive, a customer buys at Poisson rate λ ~ Gamma(r, α);
 * after each purchase they drop out with probability p ~ Beta(a, b).
 *
 * A customer is summarised by x (repeat purchases in the calibration
 * period), t_x (time of the last purchase) and T (length of the
 * observation), both measured from the first purchase in the same unit
 * (weeks in this product; see purchase-summary.ts). α is in that unit too.
 */
export interface BgNbdParameters {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface FrequencyRecency {
  /** Repeat purchases: a whole number ≥ 0. */
  readonly x: number;
  /** Time from the first to the last purchase (0 when x = 0). */
  readonly tx: number;
  /** Time from the first purchase to the end of the calibration period, ≥ t_x. */
  readonly T: number;
}

/** A summary standing for `weight` customers with the same (x, t_x, T). */
export interface WeightedFrequencyRecency extends FrequencyRecency {
  readonly weight: number;
}

/**
 * Merges customers with identical (x, t_x, T) into one row whose weight is
 * their count (or the sum of their weights). The likelihood of a data set
 * is the weighted sum over rows, so fitting the merged rows gives the same
 * estimates at a fraction of the cost: x = 0 customers collapse to one row
 * per T.
 */
export function aggregateFrequencyRecency(
  customers: readonly (FrequencyRecency & { readonly weight?: number })[],
): WeightedFrequencyRecency[] {
  const rows = new Map<string, { x: number; tx: number; T: number; weight: number }>();
  for (const customer of customers) {
    checkCustomer(customer);
    const weight = customer.weight ?? 1;
    if (!(Number.isFinite(weight) && weight >= 0)) throw new RangeError(`weight must be finite and ≥ 0, got ${weight}`);
    // t_x is irrelevant when x = 0: those rows merge on T alone.
    const tx = customer.x === 0 ? 0 : customer.tx;
    const key = `${customer.x}|${tx}|${customer.T}`;
    const row = rows.get(key);
    if (row) row.weight += weight;
    else rows.set(key, { x: customer.x, tx, T: customer.T, weight });
  }
  return [...rows.values()];
}

/** log L of one customer (Fader, Hardie & Lee 2005, equation 6). */
export function bgNbdCustomerLogLikelihood(parameters: BgNbdParameters, customer: FrequencyRecency): number {
  checkParameters(parameters);
  checkCustomer(customer);
  return logLikelihoodOf(bgNbdRows([{ ...customer, weight: 1 }]), parameters);
}

/**
 * Σ weight · log L over the customers (weight 1 when absent):
 *   log L = ln Γ(r+x) − ln Γ(r) + r ln α + ln B(a, b+x) − ln B(a, b)
 *         + ln[(α+T)^−(r+x) + 1{x>0} · a/(b+x−1) · (α+t_x)^−(r+x)],
 * the last term summed as log-sum-exp.
 */
export function bgNbdLogLikelihood(
  parameters: BgNbdParameters,
  customers: readonly (FrequencyRecency & { readonly weight?: number })[],
): number {
  checkParameters(parameters);
  return logLikelihoodOf(bgNbdRows(aggregateFrequencyRecency(customers)), parameters);
}

export interface BgNbdFit {
  readonly parameters: BgNbdParameters;
  readonly logLikelihood: number;
  /** Likelihood evaluations the optimiser used. */
  readonly evaluations: number;
  readonly converged: boolean;
  /** Distinct (x, t_x, T) rows the likelihood was summed over. */
  readonly distinctRows: number;
}

export interface BgNbdFitOptions extends MinimiseOptions {
  /** Starting point (default r = a = b = 1, α = the mean T, or 1 when that is 0). */
  readonly start?: BgNbdParameters;
}

/**
 * Maximum-likelihood estimates of r, α, a, b: Nelder–Mead with restarts
 * (nelder-mead.ts) on (ln r, ln α, ln a, ln b), over the rows aggregated by
 * (x, t_x, T). Each evaluation computes the Γ and B terms once per distinct
 * x and ln(α + T), ln(α + t_x) once per distinct T and t_x, leaving one
 * log-sum-exp per row.
 */
export function fitBgNbd(
  customers: readonly (FrequencyRecency & { readonly weight?: number })[],
  options: BgNbdFitOptions = {},
): BgNbdFit {
  const aggregated = aggregateFrequencyRecency(customers);
  if (aggregated.length === 0) throw new RangeError('fitBgNbd needs at least one customer');
  const rows = bgNbdRows(aggregated);
  let start = options.start;
  if (start === undefined) {
    const total = aggregated.reduce((s, row) => s + row.weight, 0);
    const meanT = aggregated.reduce((s, row) => s + row.weight * row.T, 0) / total;
    start = { r: 1, alpha: meanT > 0 ? meanT : 1, a: 1, b: 1 };
  }
  checkParameters(start);
  const fromLog = (p: readonly number[]): BgNbdParameters => ({
    r: Math.exp(p[0]),
    alpha: Math.exp(p[1]),
    a: Math.exp(p[2]),
    b: Math.exp(p[3]),
  });
  const minimum = nelderMead(
    (p) => -logLikelihoodOf(rows, fromLog(p)),
    [Math.log(start.r), Math.log(start.alpha), Math.log(start.a), Math.log(start.b)],
    options,
  );
  return {
    parameters: fromLog(minimum.point),
    logLikelihood: -minimum.value,
    evaluations: minimum.evaluations,
    converged: minimum.converged,
    distinctRows: aggregated.length,
  };
}

/**
 * P(alive | x, t_x, T) = 1 / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x))
 * (Fader, Hardie & Lee 2005, equation 11). A customer without repeat
 * purchases is alive with probability 1: in this model a customer can
 * only drop out right after a purchase, and the first one does not count.
 */
export function bgNbdProbabilityAlive(parameters: BgNbdParameters, customer: FrequencyRecency): number {
  checkParameters(parameters);
  checkCustomer(customer);
  const { r, alpha, a, b } = parameters;
  const { x, tx, T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[X(t)], the expected number of purchases in (0, t] of a customer who
 * arrives at 0 (Fader, Hardie & Lee 2005, equation 9):
 *   (a+b−1)/(a−1) · [1 − (α/(α+t))^r · 2F1(r, b; a+b−1; t/(α+t))].
 */
export function bgNbdExpectedPurchases(parameters: BgNbdParameters, t: number): number {
  checkParameters(parameters);
  checkTime(t);
  return expectationTerm(parameters, 0, parameters.alpha, t);
}

/**
 * E[Y(t) | x, t_x, T], the expected purchases in (T, T + t] of a customer
 * with that history (Fader, Hardie & Lee 2005, equation 10):
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) · 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / (1 + 1{x>0} · a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 */
export function bgNbdConditionalExpectedPurchases(
  parameters: BgNbdParameters,
  customer: FrequencyRecency,
  t: number,
): number {
  checkTime(t);
  const alive = bgNbdProbabilityAlive(parameters, customer);
  return expectationTerm(parameters, customer.x, parameters.alpha + customer.T, t) * alive;
}

/**
 * (a+b+x−1)/(a−1) · [1 − (1−z)^(r+x) · 2F1(r+x, b+x; a+b+x−1; z)] with
 * z = t/(α+T+t), evaluated through Euler's transformation
 * 2F1(A, B; C; z) = (1−z)^(C−A−B) 2F1(C−A, C−B; C; z), which turns the
 * bracket into 1 − (1−z)^(a−1) · 2F1(a+b−1−r, a−1; a+b+x−1; z): no
 * factor that over- or underflows for large x, and a series whose terms
 * shrink faster as x grows. At a = 1 the quotient is 0/0; within 1e-6 of it
 * the value is interpolated linearly between a = 1 ± 1e-6 (the function is
 * smooth in a; this costs about 1e-10 relative).
 */
function expectationTerm(parameters: BgNbdParameters, x: number, alphaPlusT: number, t: number): number {
  if (t === 0) return 0;
  const { r, b } = parameters;
  const at = (a: number): number => {
    const oneMinusZ = alphaPlusT / (alphaPlusT + t);
    const z = t / (alphaPlusT + t);
    const c = a + b + x - 1;
    return (c / (a - 1)) * (1 - Math.pow(oneMinusZ, a - 1) * hyp2f1(a + b - 1 - r, a - 1, c, z));
  };
  const near = 1e-6;
  const { a } = parameters;
  if (Math.abs(a - 1) >= near) return at(a);
  const low = at(1 - near);
  const high = at(1 + near);
  return low + ((a - (1 - near)) / (2 * near)) * (high - low);
}

/** Rows indexed by their distinct x, T and t_x, for a cheap likelihood. */
interface BgNbdRows {
  readonly xs: Float64Array;
  readonly Ts: Float64Array;
  readonly txs: Float64Array;
  readonly xIndex: Int32Array;
  readonly TIndex: Int32Array;
  readonly txIndex: Int32Array;
  readonly weight: Float64Array;
}

function bgNbdRows(rows: readonly WeightedFrequencyRecency[]): BgNbdRows {
  const index = (values: readonly number[]): { distinct: Float64Array; of: Map<number, number> } => {
    const distinct = [...new Set(values)].sort((u, v) => u - v);
    return { distinct: Float64Array.from(distinct), of: new Map(distinct.map((v, i) => [v, i])) };
  };
  const xs = index(rows.map((row) => row.x));
  const Ts = index(rows.map((row) => row.T));
  const txs = index(rows.map((row) => row.tx));
  return {
    xs: xs.distinct,
    Ts: Ts.distinct,
    txs: txs.distinct,
    xIndex: Int32Array.from(rows, (row) => xs.of.get(row.x) ?? -1),
    TIndex: Int32Array.from(rows, (row) => Ts.of.get(row.T) ?? -1),
    txIndex: Int32Array.from(rows, (row) => txs.of.get(row.tx) ?? -1),
    weight: Float64Array.from(rows, (row) => row.weight),
  };
}

function logLikelihoodOf(rows: BgNbdRows, { r, alpha, a, b }: BgNbdParameters): number {
  const lnAlpha = Math.log(alpha);
  const lnA = Math.log(a);
  const lnGammaR = gammaln(r);
  const betaAB = betaln(a, b);
  // Per distinct x: the Γ and B terms, and ln(a/(b+x−1)) for the second term.
  const constant = new Float64Array(rows.xs.length);
  const dropout = new Float64Array(rows.xs.length);
  for (let i = 0; i < rows.xs.length; i++) {
    const x = rows.xs[i];
    constant[i] = gammaln(r + x) - lnGammaR + r * lnAlpha + betaln(a, b + x) - betaAB;
    dropout[i] = x > 0 ? lnA - Math.log(b + x - 1) : -Infinity;
  }
  const lnAlphaT = rows.Ts.map((T) => Math.log(alpha + T));
  const lnAlphaTx = rows.txs.map((tx) => Math.log(alpha + tx));
  let sum = 0;
  for (let k = 0; k < rows.weight.length; k++) {
    const i = rows.xIndex[k];
    const rx = r + rows.xs[i];
    const stayed = -rx * lnAlphaT[rows.TIndex[k]];
    const left = dropout[i] - rx * lnAlphaTx[rows.txIndex[k]];
    const high = stayed > left ? stayed : left;
    const low = stayed > left ? left : stayed;
    sum += rows.weight[k] * (constant[i] + high + Math.log1p(Math.exp(low - high)));
  }
  return sum;
}

function checkParameters({ r, alpha, a, b }: BgNbdParameters): void {
  for (const [name, value] of [
    ['r', r],
    ['alpha', alpha],
    ['a', a],
    ['b', b],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0))
      throw new RangeError(`BG/NBD ${name} must be finite and > 0, got ${value}`);
  }
}

function checkCustomer({ x, tx, T }: FrequencyRecency): void {
  if (!(Number.isInteger(x) && x >= 0)) throw new RangeError(`x must be a whole number ≥ 0, got ${x}`);
  if (!(Number.isFinite(T) && T >= 0)) throw new RangeError(`T must be finite and ≥ 0, got ${T}`);
  if (!(Number.isFinite(tx) && tx >= 0 && tx <= T))
    throw new RangeError(`t_x must lie in [0, T], got ${tx} (T = ${T})`);
}

function checkTime(t: number): void {
  if (!(Number.isFinite(t) && t >= 0)) throw new RangeError(`t must be finite and ≥ 0, got ${t}`);
}
