import {
  fitGammaGamma,
  type GammaGammaParameters,
  gammaGammaCustomerLogLikelihood,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
} from './gamma-gamma';
import { cdnowWithSpend } from './testing/cdnow';

/** Published estimates on the CDNOW customers with repeat purchases (Fader & Hardie 2013). */
const PUBLISHED: GammaGammaParameters = { p: 6.25, q: 3.74, gamma: 15.44 };

describe('Gamma-Gamma spend model', () => {
  describe('given the 946 CDNOW customers with repeat purchases', () => {
    const repeaters = cdnowWithSpend().filter((c) => c.x > 0);
    const fit = fitGammaGamma(repeaters);

    it('when fitted by maximum likelihood then it reaches the published p, q, γ', () => {
      expect(repeaters).toHaveLength(946);
      expect(fit.converged).toBe(true);
      expect(Math.abs(fit.parameters.p - 6.25)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(fit.parameters.q - 3.74)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(fit.parameters.gamma - 15.44)).toBeLessThanOrEqual(0.01);
      expect(fit.logLikelihood).toBeCloseTo(gammaGammaLogLikelihood(fit.parameters, repeaters), 8);
    });

    it('when the fit is moved off its optimum in any direction then the likelihood drops', () => {
      for (const key of ['p', 'q', 'gamma'] as const) {
        for (const factor of [0.99, 1.01]) {
          const moved = { ...fit.parameters, [key]: fit.parameters[key] * factor };
          expect(gammaGammaLogLikelihood(moved, repeaters)).toBeLessThan(fit.logLikelihood);
        }
      }
    });

    it('when the expected spend is averaged over them then it is close to their mean spend', () => {
      const mean = repeaters.reduce((s, c) => s + c.zbar, 0) / repeaters.length;
      const expected = repeaters.reduce((s, c) => s + gammaGammaExpectedSpend(fit.parameters, c), 0) / repeaters.length;
      expect(Math.abs(expected - mean) / mean).toBeLessThan(0.05);
    });
  });

  describe('given the density of one customer', () => {
    it('when x = 1 then it is the Gamma(p, ν) density mixed over ν ~ Gamma(q, γ), in closed form', () => {
      const { p, q, gamma } = { p: 2, q: 3, gamma: 10 };
      // ∫ z^(p−1) ν^p e^(−νz)/Γ(p) · γ^q ν^(q−1) e^(−γν)/Γ(q) dν = Γ(p+q)/(Γ(p)Γ(q)) · γ^q z^(p−1) / (γ+z)^(p+q).
      const z = 7;
      const density = (24 / (1 * 2)) * Math.pow(gamma, q) * Math.pow(z, p - 1) * Math.pow(gamma + z, -(p + q));
      expect(gammaGammaCustomerLogLikelihood({ p, q, gamma }, { x: 1, zbar: z })).toBeCloseTo(Math.log(density), 12);
    });

    it('when customers repeat then weights count them', () => {
      const a = { x: 2, zbar: 20 };
      const b = { x: 5, zbar: 12.5 };
      const plain = gammaGammaLogLikelihood(PUBLISHED, [a, a, a, b]);
      expect(gammaGammaLogLikelihood(PUBLISHED, [{ ...a, weight: 3 }, b])).toBeCloseTo(plain, 10);
    });

    it('when a customer has no repeat purchase or no spend then it throws RangeError', () => {
      expect(() => gammaGammaLogLikelihood(PUBLISHED, [{ x: 0, zbar: 10 }])).toThrow(RangeError);
      expect(() => gammaGammaLogLikelihood(PUBLISHED, [{ x: 2, zbar: 0 }])).toThrow(RangeError);
      expect(() => fitGammaGamma([])).toThrow(RangeError);
    });
  });

  describe('given the expected spend per purchase', () => {
    it('when x = 0 then it is the population mean pγ/(q−1)', () => {
      expect(gammaGammaExpectedSpend(PUBLISHED, { x: 0, zbar: null })).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
    });

    it('when the customer buys more often then it moves from the population mean towards their own mean', () => {
      const population = gammaGammaExpectedSpend(PUBLISHED, { x: 0, zbar: null });
      const own = 100;
      const values = [1, 3, 10, 100].map((x) => gammaGammaExpectedSpend(PUBLISHED, { x, zbar: own }));
      for (let i = 0; i < values.length; i++) {
        expect(values[i]).toBeGreaterThan(population);
        expect(values[i]).toBeLessThan(own);
        if (i > 0) expect(values[i]).toBeGreaterThan(values[i - 1]);
      }
    });

    it('when q ≤ 1 then the mean does not exist and it throws RangeError', () => {
      expect(() => gammaGammaExpectedSpend({ ...PUBLISHED, q: 1 }, { x: 2, zbar: 10 })).toThrow(RangeError);
    });
  });
});
