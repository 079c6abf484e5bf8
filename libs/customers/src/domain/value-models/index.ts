export { hyp2f1 } from './hypergeometric';
export { type Minimum, type MinimiseOptions, nelderMead } from './nelder-mead';
export {
  aggregateFrequencyRecency,
  type BgNbdFit,
  type BgNbdFitOptions,
  type BgNbdParameters,
  bgNbdConditionalExpectedPurchases,
  bgNbdCustomerLogLikelihood,
  bgNbdExpectedPurchases,
  bgNbdLogLikelihood,
  bgNbdProbabilityAlive,
  fitBgNbd,
  type FrequencyRecency,
  type WeightedFrequencyRecency,
} from './bg-nbd';
export {
  fitGammaGamma,
  type GammaGammaFit,
  type GammaGammaFitOptions,
  type GammaGammaParameters,
  gammaGammaCustomerLogLikelihood,
  gammaGammaExpectedSpend,
  gammaGammaLogLikelihood,
  type SpendSummary,
} from './gamma-gamma';
export { customerLifetimeValue, type LifetimeValueOptions, WEEKS_PER_MONTH } from './lifetime-value';
export { type PurchaseDay, type PurchaseSummary, summarisePurchases } from './purchase-summary';
