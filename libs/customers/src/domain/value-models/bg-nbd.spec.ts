import {
  aggregateFrequencyRecency,
  type BgNbdParameters,
  bgNbdConditionalExpectedPurchases,
  bgNbdCustomerLogLikelihood,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
} from './bg-nbd';
import { hyp2f1 } from './hypergeometric';
import { cdnowFrequencyRecency } from './testing/cdnow';

/** Published estimates on the CDNOW sample (Fader, Hardie & Lee 2005). */
const PUBLISHED: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD', () => {
  describe('given the 2,357 CDNOW customers', () => {
    const customers = cdnowFrequencyRecency();
    const fit = fitBgNbd(customers);

    it('when fitted by maximum likelihood then it reaches the published r, α, a, b and log-likelihood', () => {
      expect(customers).toHaveLength(2357);
      expect(fit.converged).toBe(true);
      const { r, alpha, a, b } = fit.parameters;
      expect(Math.abs(r - 0.243)).toBeLessThanOrEqual(0.001);
      expect(Math.abs(alpha - 4.414)).toBeLessThanOrEqual(0.001);
      expect(Math.abs(a - 0.793)).toBeLessThanOrEqual(0.001);
      expect(Math.abs(b - 2.426)).toBeLessThanOrEqual(0.001);
      expect(Math.abs(fit.logLikelihood - -9582.43)).toBeLessThanOrEqual(0.05);
      expect(fit.logLikelihood).toBeCloseTo(bgNbdLogLikelihood(fit.parameters, customers), 8);
    });

    it('when the fit is moved off its optimum in any direction then the likelihood drops', () => {
      for (const key of ['r', 'alpha', 'a', 'b'] as const) {
        for (const factor of [0.99, 1.01]) {
          const moved = { ...fit.parameters, [key]: fit.parameters[key] * factor };
          expect(bgNbdLogLikelihood(moved, customers)).toBeLessThan(fit.logLikelihood);
        }
      }
    });

    it('when customer 1 (x = 2, t_x = 30.43, T = 38.86) is projected 39 weeks on then 1.226 purchases are expected', () => {
      const expected = bgNbdConditionalExpectedPurchases(fit.parameters, { x: 2, tx: 30.43, T: 38.86 }, 39);
      expect(Math.abs(expected - 1.226)).toBeLessThanOrEqual(0.001);
    });

    it.each([
      [0.1429, 0.0078],
      [1, 0.0532],
      [3, 0.1506],
      [31.8571, 1.0405],
      [32, 1.0437],
      [78, 1.8576],
    ])('when a new customer is projected %p weeks then %p purchases are expected', (t, published) => {
      expect(Math.abs(bgNbdExpectedPurchases(fit.parameters, t) - published)).toBeLessThanOrEqual(0.001);
    });
  });

  describe('given the log-likelihood', () => {
    it('when identical customers are merged into weighted rows then the total is unchanged', () => {
      const customers = [
        { x: 0, tx: 0, T: 30 },
        { x: 0, tx: 0, T: 30 },
        { x: 3, tx: 12.5, T: 30 },
        { x: 3, tx: 12.5, T: 30 },
        { x: 3, tx: 12.5, T: 30 },
        { x: 1, tx: 2, T: 20 },
      ];
      const rows = aggregateFrequencyRecency(customers);
      expect(rows).toHaveLength(3);
      expect(rows.find((row) => row.x === 3)?.weight).toBe(3);
      const one = customers.reduce((sum, c) => sum + bgNbdCustomerLogLikelihood(PUBLISHED, c), 0);
      expect(bgNbdLogLikelihood(PUBLISHED, rows)).toBeCloseTo(one, 10);
      expect(bgNbdLogLikelihood(PUBLISHED, customers)).toBeCloseTo(one, 10);
    });

    it('when a customer has no repeat purchase then the likelihood is the NBD’s P(X(T) = 0) = (α/(α+T))^r', () => {
      const { r, alpha } = PUBLISHED;
      expect(bgNbdCustomerLogLikelihood(PUBLISHED, { x: 0, tx: 0, T: 38 })).toBeCloseTo(
        r * Math.log(alpha / (alpha + 38)),
        12,
      );
    });

    it('when a customer is given by the formula’s parts then it matches equation 6 term by term', () => {
      const { r, alpha, a, b } = PUBLISHED;
      const [x, tx, T] = [3, 20, 38];
      // Γ(r+3)/Γ(r) = r(r+1)(r+2); B(a, b+3)/B(a, b) = b(b+1)(b+2)/((a+b)(a+b+1)(a+b+2)).
      const gammaRatio = r * (r + 1) * (r + 2);
      const betaRatio = (b * (b + 1) * (b + 2)) / ((a + b) * (a + b + 1) * (a + b + 2));
      const likelihood =
        gammaRatio *
        Math.pow(alpha, r) *
        betaRatio *
        (Math.pow(alpha + T, -(r + x)) + (a / (b + x - 1)) * Math.pow(alpha + tx, -(r + x)));
      expect(bgNbdCustomerLogLikelihood(PUBLISHED, { x, tx, T })).toBeCloseTo(Math.log(likelihood), 12);
    });

    it('when an input is out of range then it throws RangeError', () => {
      expect(() => bgNbdLogLikelihood({ ...PUBLISHED, r: 0 }, [{ x: 1, tx: 1, T: 2 }])).toThrow(RangeError);
      expect(() => bgNbdLogLikelihood(PUBLISHED, [{ x: 1.5, tx: 1, T: 2 }])).toThrow(RangeError);
      expect(() => bgNbdLogLikelihood(PUBLISHED, [{ x: 1, tx: 3, T: 2 }])).toThrow(RangeError);
      expect(() => fitBgNbd([])).toThrow(RangeError);
    });
  });

  describe('given the probability that a customer is alive', () => {
    it('when the customer has no repeat purchase then it is 1 (dropout only follows a purchase)', () => {
      expect(bgNbdProbabilityAlive(PUBLISHED, { x: 0, tx: 0, T: 38.86 })).toBe(1);
    });

    it('when the last purchase was at the end of the observation then it is 1/(1 + a/(b+x−1))', () => {
      const { a, b } = PUBLISHED;
      expect(bgNbdProbabilityAlive(PUBLISHED, { x: 23, tx: 39, T: 39 })).toBeCloseTo(1 / (1 + a / (b + 22)), 12);
    });

    it('when the observation grows longer after the last purchase then it falls', () => {
      const values = [31, 35, 39, 52, 78].map((T) => bgNbdProbabilityAlive(PUBLISHED, { x: 4, tx: 30, T }));
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThan(values[i - 1]);
    });

    it('when the last purchase is more recent then it rises', () => {
      const values = [5, 15, 25, 35].map((tx) => bgNbdProbabilityAlive(PUBLISHED, { x: 4, tx, T: 39 }));
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    });

    it('when a frequent buyer has been silent a long time then it is lower than for a rare one (the frequency paradox)', () => {
      const frequent = bgNbdProbabilityAlive(PUBLISHED, { x: 20, tx: 10, T: 39 });
      const rare = bgNbdProbabilityAlive(PUBLISHED, { x: 2, tx: 10, T: 39 });
      expect(frequent).toBeLessThan(rare);
      expect(frequent).toBeGreaterThanOrEqual(0);
    });
  });

  describe('given the expected purchases', () => {
    it('when computed through Euler’s transformation then they equal equation 9 and 10 as printed', () => {
      const { r, alpha, a, b } = PUBLISHED;
      const t = 52;
      const printed9 =
        ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * hyp2f1(r, b, a + b - 1, t / (alpha + t)));
      expect(bgNbdExpectedPurchases(PUBLISHED, t)).toBeCloseTo(printed9, 12);
      const [x, tx, T] = [3, 25, 38];
      const printed10 =
        (((a + b + x - 1) / (a - 1)) *
          (1 -
            Math.pow((alpha + T) / (alpha + T + t), r + x) *
              hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))) /
        (1 + (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + tx), r + x));
      expect(bgNbdConditionalExpectedPurchases(PUBLISHED, { x, tx, T }, t)).toBeCloseTo(printed10, 12);
    });

    it('when the horizon is 0 then none are expected, and more are expected over longer horizons', () => {
      expect(bgNbdExpectedPurchases(PUBLISHED, 0)).toBe(0);
      const customer = { x: 5, tx: 30, T: 39 };
      const values = [1, 4, 13, 52, 260, 5200].map((t) => bgNbdConditionalExpectedPurchases(PUBLISHED, customer, t));
      for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThan(values[i - 1]);
    });

    it('when a customer has bought many times then the expectation stays finite and grows with x', () => {
      const few = bgNbdConditionalExpectedPurchases(PUBLISHED, { x: 10, tx: 38, T: 39 }, 52);
      const many = bgNbdConditionalExpectedPurchases(PUBLISHED, { x: 400, tx: 38, T: 39 }, 52);
      expect(Number.isFinite(many)).toBe(true);
      expect(many).toBeGreaterThan(few);
      // A long-lived heavy buyer buys at about (r+x)/(α+T) a week.
      expect(many / 52).toBeLessThan((PUBLISHED.r + 400) / (PUBLISHED.alpha + 39));
    });

    it('when a is at or next to 1 then the expectation is continuous there', () => {
      const at = (a: number) => bgNbdConditionalExpectedPurchases({ ...PUBLISHED, a }, { x: 3, tx: 25, T: 38 }, 52);
      const exact = at(1);
      expect(Number.isFinite(exact)).toBe(true);
      // Smooth in a: the midpoint of a ± h matches a = 1 to O(h²), on both sides of the 1e-6 band.
      for (const h of [1e-4, 1e-5, 5e-7]) expect((at(1 + h) + at(1 - h)) / 2).toBeCloseTo(exact, 7);
      expect(at(1 + 1e-7)).toBeCloseTo(exact, 6);
    });
  });
});
