import { hyp2f1 } from './hypergeometric';

/** A rational number num/den, for the exact reference series. */
type Rational = readonly [bigint, bigint];
const q = (num: number, den = 1): Rational => [BigInt(num), BigInt(den)];

/**
 * 2F1(a, b; c; z) for rational arguments and |z| < 1, summed term by term
 * in fixed point with 45 decimal digits (BigInt), until the terms vanish at
 * that precision: a slow reference that no floating-point rounding touches.
 */
function referenceHyp2f1(a: Rational, b: Rational, c: Rational, z: Rational): number {
  const scale = 10n ** 45n;
  let term = scale;
  let sum = scale;
  for (let n = 0n; n < 200_000n; n++) {
    const num = (a[0] + n * a[1]) * (b[0] + n * b[1]) * z[0] * c[1];
    const den = a[1] * b[1] * z[1] * (c[0] + n * c[1]) * (n + 1n);
    term = (term * num) / den;
    if (term === 0n) return Number((sum * 10n ** 15n) / scale) / 1e15;
    sum += term;
  }
  throw new Error('reference series did not converge');
}

const value = (r: Rational): number => Number(r[0]) / Number(r[1]);
const relativeError = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('hyp2f1, the Gauss hypergeometric function', () => {
  describe('given parameters with closed forms', () => {
    it.each([0.1, 0.5, 0.75, 0.9, 0.99, 0.999999, 1 - 1e-12, -0.3, -0.9, -10, -1000])(
      'when 2F1(1, 1; 2; %p) then it equals −ln(1 − z)/z (c − a − b = 0, the logarithmic case)',
      (z) => {
        expect(relativeError(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z)).toBeLessThan(1e-13);
      },
    );

    it.each([0.2, 0.6, 0.95, 0.9999, -0.7, -5, -100])('when 2F1(a, b; b; %p) then it equals (1 − z)^−a', (z) => {
      for (const [a, b] of [
        [0.3, 1.7],
        [-2.5, 4.25],
        [7.5, 0.4],
      ]) {
        expect(relativeError(hyp2f1(a, b, b, z), Math.pow(1 - z, -a))).toBeLessThan(1e-13);
      }
    });

    it.each([0.3, 0.8, 0.99, 0.99999])('when 2F1(1/2, 1/2; 3/2; x²) at x = %p then it equals asin(x)/x', (x) => {
      expect(relativeError(hyp2f1(0.5, 0.5, 1.5, x * x), Math.asin(x) / x)).toBeLessThan(1e-13);
    });

    it.each([0.5, 2, 50])('when 2F1(1/2, 1; 3/2; −x²) at x = %p then it equals atan(x)/x', (x) => {
      expect(relativeError(hyp2f1(0.5, 1, 1.5, -x * x), Math.atan(x) / x)).toBeLessThan(1e-13);
    });

    it('when z = 1 and c − a − b > 0 then it is Gauss’s sum Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b))', () => {
      // 2F1(1/2, 1/4; 2; 1) = Γ(2)Γ(5/4)/(Γ(3/2)Γ(7/4)); 2F1(−3, 1; 2; 1) = Γ(2)Γ(4)/(Γ(5)Γ(1)) = 1/4.
      const gamma54 = 0.9064024770554771;
      const gamma32 = Math.sqrt(Math.PI) / 2;
      const gamma74 = 0.9190625268488832;
      expect(relativeError(hyp2f1(0.5, 0.25, 2, 1), gamma54 / (gamma32 * gamma74))).toBeLessThan(1e-13);
      expect(hyp2f1(-3, 1, 2, 1)).toBeCloseTo(0.25, 14);
      // c − a = −1 is a pole of Γ(c − a): the sum vanishes.
      expect(hyp2f1(2.5, -1.25, 1.5, 1)).toBe(0);
    });
  });

  describe('given the series summed exactly to 45 digits', () => {
    const cases: [Rational, Rational, Rational, Rational][] = [
      [q(1, 3), q(5, 2), q(7, 4), q(1, 4)],
      [q(1, 3), q(5, 2), q(7, 4), q(-2, 5)],
      [q(1, 3), q(5, 2), q(7, 4), q(3, 5)],
      [q(1, 3), q(5, 2), q(7, 4), q(19, 20)],
      // The shapes the BG/NBD expectations use, 2F1(a+b−1−r, a−1; a+b+x−1; z) with a < 1.
      [q(2976, 1000), q(-207, 1000), q(3219, 1000), q(9, 10)],
      [q(2976, 1000), q(-207, 1000), q(13219, 1000), q(99, 100)],
      [q(243, 1000), q(2426, 1000), q(2219, 1000), q(78, 82)],
      // c − a − b an integer (0, 2, −1) and close to one (10⁻⁹ away).
      [q(3, 2), q(5, 2), q(4), q(9, 10)],
      [q(3, 2), q(5, 2), q(6), q(97, 100)],
      [q(3, 2), q(5, 2), q(3), q(9, 10)],
      [q(3, 2), q(5, 2), q(4_000_000_001, 1_000_000_000), q(9, 10)],
      // Large parameters, as for customers with many purchases.
      [q(1002, 10), q(1024, 10), q(2032, 10), q(3, 5)],
      [q(1002, 10), q(1024, 10), q(2032, 10), q(1, 2)],
    ];
    const show = ([num, den]: Rational): string => (den === 1n ? `${num}` : `${num}/${den}`);

    it('when the reference sums 2F1(1, 1; 2; 1/2) then it gives 2 ln 2 (the reference itself is sound)', () => {
      expect(relativeError(referenceHyp2f1(q(1), q(1), q(2), q(1, 2)), 2 * Math.LN2)).toBeLessThan(1e-15);
    });

    it.each(cases.map((args) => [args.map(show).join(', '), ...args] as const))(
      'when 2F1(%s) then it agrees to 1e-13',
      (_label, a, b, c, z) => {
        const expected = referenceHyp2f1(a, b, c, z);
        expect(relativeError(hyp2f1(value(a), value(b), value(c), value(z)), expected)).toBeLessThan(1e-13);
      },
    );
  });

  describe('given a terminating series', () => {
    it('when a is a non-positive integer then it is the polynomial, at any z ≤ 1', () => {
      // 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1)).
      const poly = (b: number, c: number, z: number) => 1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1));
      for (const z of [-50, -0.7, 0.3, 0.8, 1]) {
        expect(relativeError(hyp2f1(-2, 1.5, 3.25, z), poly(1.5, 3.25, z))).toBeLessThan(1e-13);
        expect(relativeError(hyp2f1(1.5, -2, 3.25, z), poly(1.5, 3.25, z))).toBeLessThan(1e-13);
      }
    });

    it('when c is a non-positive integer then it is a pole unless the series stops first', () => {
      expect(() => hyp2f1(1.5, 2, -3, 0.2)).toThrow(RangeError);
      expect(hyp2f1(-2, 1, -5, 0.5)).toBeCloseTo(1 - (2 * 0.5) / -5 + (2 * 0.25) / 20, 14);
    });
  });

  describe('given arguments outside its real domain', () => {
    it('when z > 1, z = 1 with c − a − b ≤ 0, or a value is not finite then it throws RangeError', () => {
      expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(RangeError);
      expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
      expect(() => hyp2f1(Number.NaN, 1, 2, 0.5)).toThrow(RangeError);
    });

    it('when z = 0 then it is 1', () => {
      expect(hyp2f1(3, 4, 5, 0)).toBe(1);
    });
  });
});
