import gammaln from '@stdlib/math-base-special-gammaln';

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) for real a, b, c and real
 * z ≤ 1, the range the BG/NBD expectations need (their argument is
 * t / (α + T + t), in [0, 1)).
 *
 * Method, by the value of z:
 *
 * - |z| ≤ 1/2: the defining series Σ (a)ₙ(b)ₙ / ((c)ₙ n!) zⁿ, summed until
 *   two terms in a row fall below one ulp of the sum. Terms shrink at least
 *   like 2⁻ⁿ once n passes |a|, |b| and |c|.
 * - 1/2 < z < 1: analytic continuation along the real axis. The series
 *   above gives F and F′ at z₀ = 1/2; from there F is re-expanded in a
 *   Taylor series around each point zₖ, whose coefficients follow from the
 *   hypergeometric equation z(1−z)F″ + [c − (a+b+1)z]F′ − abF = 0 by a
 *   three-term recurrence, and summed at the step h = min(z − zₖ, (1 − zₖ)/2).
 *   The nearest singular point of that equation is 1, at distance 2h, and 0
 *   is further away, so every step's series converges like 2⁻ⁿ; reaching
 *   z = 1 − 10⁻ᵏ takes about 3.3·k steps. Unlike the 1 − z transformation
 *   (Abramowitz & Stegun 15.3.6), this needs no separate digamma series
 *   when c − a − b is an integer and loses no digits when it is close to
 *   one. The continued solution is the dominant one as z → 1 (F carries
 *   the singular part at 1, or tends to a finite limit that the other
 *   solution's perturbations cannot swamp), so the recurrence is stable.
 * - z < −1/2: Pfaff's transformation
 *   2F1(a, b; c; z) = (1 − z)^(−a) 2F1(a, c − b; c; z / (z − 1)) maps z to
 *   w = z / (z − 1) in (1/3, 1), handled by the two cases above.
 * - z = 1: Gauss's summation Γ(c)Γ(c−a−b) / (Γ(c−a)Γ(c−b)) when
 *   c − a − b > 0 (the series diverges otherwise).
 * - a or b a non-positive integer: the series is a polynomial, summed
 *   directly for −1/2 ≤ z ≤ 1 (after Pfaff for z < −1/2, keeping the
 *   terminating parameter first so the transformed series terminates too).
 * - c − a or c − b a non-positive integer: Euler's transformation
 *   2F1(a, b; c; z) = (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z) makes it a
 *   polynomial times a power. (F then has no part regular at 1, and the
 *   continuation would have to recover a value that shrinks towards 0 from
 *   starting values of order 1.)
 *
 * Accuracy: about 1e-15 relative for moderate parameters (|a|, |b|, |c|
 * up to a few hundred) and z up to 1 − 1e-12, checked in the spec against
 * closed forms and against the series summed with 45-digit integer
 * arithmetic; each continuation step adds a few ulps. Two conditioning
 * limits remain: for z < −1/2 the rounding of w = z/(z − 1) costs about
 * |z|·1e-16 relative when F is singular at 1 (1e-12 at z = −10⁶); and when
 * c − a or c − b lies within δ of a non-positive integer (not exactly on
 * it), F(z) falls to about δ·F(1/2) near z = 1 and the continuation keeps
 * only an absolute accuracy of about 1e-16·F(1/2). The BG/NBD expectations
 * use c − a = r + x and c − b = b + x, both positive, so neither applies.
 *
 * Throws RangeError for z > 1 (the value is complex there), for z = 1 with
 * c − a − b ≤ 0, and for c a non-positive integer unless the series stops
 * before its pole.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  for (const [name, value] of [
    ['a', a],
    ['b', b],
    ['c', c],
    ['z', z],
  ] as const) {
    if (!Number.isFinite(value)) throw new RangeError(`hyp2f1: ${name} must be finite, got ${value}`);
  }
  if (z > 1) throw new RangeError(`hyp2f1: z must be at most 1, got ${z}`);
  // Put a terminating parameter first: Pfaff keeps the first parameter.
  if (isNonPositiveInteger(b) && !(isNonPositiveInteger(a) && a >= b)) [a, b] = [b, a];
  const terminates = isNonPositiveInteger(a);
  if (isNonPositiveInteger(c) && !(terminates && a > c)) {
    throw new RangeError(`hyp2f1: c = ${c} is a pole (a non-positive integer)`);
  }
  if (z === 0 || a === 0 || b === 0) return 1;
  if (z < -0.5) return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
  if (terminates) return series(a, b, c, z).value;
  if (z === 1) return gaussSum(a, b, c);
  if (isNonPositiveInteger(c - a) || isNonPositiveInteger(c - b)) {
    return Math.pow(1 - z, c - a - b) * hyp2f1(c - a, c - b, c, z);
  }
  if (z <= 0.5) return series(a, b, c, z).value;
  return continueTo(a, b, c, z);
}

const EPS = Number.EPSILON;
const MAX_TERMS = 1_000_000;

function isNonPositiveInteger(v: number): boolean {
  return v <= 0 && Number.isInteger(v);
}

/** The defining series with its derivative: value = F(z), slope = F′(z). */
function series(a: number, b: number, c: number, z: number): { value: number; slope: number } {
  let term = 1;
  let sum = 1;
  let slope = 0; // Σ n·termₙ, divided by z at the end
  let small = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
    slope += (n + 1) * term;
    if (term === 0) return { value: sum, slope: slope / z };
    if (Math.abs(term) <= EPS * Math.abs(sum) && Math.abs((n + 1) * term) <= EPS * Math.abs(slope)) {
      if (++small === 2) return { value: sum, slope: slope / z };
    } else {
      small = 0;
    }
  }
  throw new RangeError(`hyp2f1: series did not converge for a=${a}, b=${b}, c=${c}, z=${z}`);
}

/**
 * Continues F from z₀ = 1/2 to z in (1/2, 1). With dₙ = cₙhⁿ the Taylor
 * terms at step h around zₖ, P(h) = zₖ(1−zₖ) + (1−2zₖ)h − h² and
 * Q(h) = c − (a+b+1)zₖ − (a+b+1)h, the equation gives
 *   d₍ₙ₊₂₎ = [(n+a)(n+b)h²·dₙ − ((1−2zₖ)n + Q(0))(n+1)h·d₍ₙ₊₁₎] / (P(0)(n+1)(n+2)).
 */
function continueTo(a: number, b: number, c: number, z: number): number {
  let at = 0.5;
  let { value, slope } = series(a, b, c, at);
  while (at < z) {
    const h = Math.min(z - at, (1 - at) / 2);
    const p0 = at * (1 - at);
    const p1 = 1 - 2 * at;
    const q0 = c - (a + b + 1) * at;
    let previous = value; // d₀
    let current = slope * h; // d₁
    let sum = previous + current;
    let dsum = current; // Σ n·dₙ
    let small = 0;
    let n = 0;
    for (; n < MAX_TERMS; n++) {
      const next =
        ((n + a) * (n + b) * h * h * previous - (p1 * n + q0) * (n + 1) * h * current) / (p0 * (n + 1) * (n + 2));
      sum += next;
      dsum += (n + 2) * next;
      if (Math.abs(next) <= EPS * Math.abs(sum) && Math.abs((n + 2) * next) <= EPS * Math.abs(dsum)) {
        if (++small === 2) break;
      } else {
        small = 0;
      }
      previous = current;
      current = next;
    }
    if (n === MAX_TERMS) {
      throw new RangeError(`hyp2f1: continuation did not converge for a=${a}, b=${b}, c=${c}, z=${z}`);
    }
    value = sum;
    slope = dsum / h;
    at += h;
  }
  return value;
}

/** Gauss: 2F1(a, b; c; 1) = Γ(c)Γ(c−a−b) / (Γ(c−a)Γ(c−b)), for c − a − b > 0. */
function gaussSum(a: number, b: number, c: number): number {
  const m = c - a - b;
  if (m <= 0) throw new RangeError(`hyp2f1: the series diverges at z = 1 when c − a − b ≤ 0 (got ${m})`);
  // 1/Γ vanishes at the poles.
  if (isNonPositiveInteger(c - a) || isNonPositiveInteger(c - b)) return 0;
  const sign = gammaSign(c) * gammaSign(m) * gammaSign(c - a) * gammaSign(c - b);
  return sign * Math.exp(gammaln(c) + gammaln(m) - gammaln(c - a) - gammaln(c - b));
}

/** Sign of Γ(x) for x not a pole: positive for x > 0, alternating between the negative poles. */
function gammaSign(x: number): number {
  if (x > 0) return 1;
  return Math.floor(x) % 2 === 0 ? 1 : -1;
}
