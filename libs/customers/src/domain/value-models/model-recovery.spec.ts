import { type BgNbdParameters, bgNbdExpectedPurchases, fitBgNbd } from './bg-nbd';
import { fitGammaGamma, type GammaGammaParameters, gammaGammaExpectedSpend } from './gamma-gamma';
import { type PurchaseSummary, summarisePurchases } from './purchase-summary';
import { simulatePurchaseHistories } from './testing/simulate';

const BG_NBD: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const GAMMA_GAMMA: GammaGammaParameters = { p: 6.25, q: 3.74, gamma: 15.44 };

/**
 * The whole path, purchase days → summaries → fits, on 10,000 customers
 * drawn from known parameters. The bounds are about twice the spread seen
 * over a dozen seeds: a and b alone are poorly identified at this size, so
 * they are checked through the mean dropout probability a/(a+b).
 */
describe('given purchase histories simulated from the published CDNOW parameters', () => {
  const summaries = simulatePurchaseHistories(BG_NBD, GAMMA_GAMMA, {
    customers: 10_000,
    arrivalDays: 84,
    endDay: 272,
    seed: 7,
  })
    .map((history) => summarisePurchases(history, 272))
    .filter((summary): summary is PurchaseSummary => summary !== null);
  const near = (actual: number, expected: number, relative: number) =>
    expect(Math.abs(actual / expected - 1)).toBeLessThanOrEqual(relative);

  it('when summarised and fitted with BG/NBD then the known parameters come back', () => {
    expect(summaries).toHaveLength(10_000);
    const { parameters, converged } = fitBgNbd(summaries);
    expect(converged).toBe(true);
    near(parameters.r, BG_NBD.r, 0.1);
    near(parameters.alpha, BG_NBD.alpha, 0.2);
    near(parameters.a / (parameters.a + parameters.b), BG_NBD.a / (BG_NBD.a + BG_NBD.b), 0.15);
    for (const t of [39, 78]) near(bgNbdExpectedPurchases(parameters, t), bgNbdExpectedPurchases(BG_NBD, t), 0.06);
  });

  it('when the repeat buyers’ spend is fitted with Gamma-Gamma then the known parameters come back', () => {
    const repeaters = summaries.flatMap(({ x, zbar }) => (zbar === null ? [] : [{ x, zbar }]));
    const { parameters, converged } = fitGammaGamma(repeaters);
    expect(converged).toBe(true);
    near(parameters.p, GAMMA_GAMMA.p, 0.15);
    near(parameters.q, GAMMA_GAMMA.q, 0.15);
    near(parameters.gamma, GAMMA_GAMMA.gamma, 0.15);
    const population = { x: 0, zbar: null };
    near(gammaGammaExpectedSpend(parameters, population), gammaGammaExpectedSpend(GAMMA_GAMMA, population), 0.05);
  });
});
