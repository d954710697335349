/**
 * Public API of the statistics engine: pure functions over sufficient statistics, no I/O.
 * Behaviour matches GrowthBook gbstats 0.8.0 (golden vectors in stats.golden.test.ts); see SKIPPED.md for the
 * fixture cases not covered.
 *
 * Typical use by the measurement job, per metric and variation:
 *   const control = cuped(sampleMean(n, sum, sumSq), sampleMean(n, preSum, preSumSq), sumPostPre);
 *   const treatment = …same for the treatment arm…;
 *   const result = sequentialTest(control, treatment, { alpha: 0.05, tuningParameter: 5000 });
 *   // result.expected, result.ci, result.pValue, result.errorMessage
 * then holmBonferroni / benjaminiHochberg over the family of p-values and checkSrm on the users per arm.
 */

export type {
  ArmStatistic,
  CupedRatioStatistic,
  CupedStatistic,
  ProportionStatistic,
  RatioStatistic,
  SampleMeanStatistic,
  UnitStatistic,
} from "./moments.ts";
export {
  cuped,
  proportion,
  ratio,
  ratioMean,
  ratioVariance,
  sampleMean,
  sampleMeanFromValues,
  sumOfProducts,
  unitCovariance,
  unitMean,
  unitVariance,
  varianceOfRatios,
} from "./moments.ts";

export type { AdjustedPair } from "./cuped.ts";
export { applyCuped, computeTheta, computeThetaRatio } from "./cuped.ts";

export type { ArmSummary, DifferenceType, EffectMoments } from "./effect.ts";
export {
  armMean,
  armUnadjustedMean,
  armVariance,
  BASELINE_VARIATION_ZERO_MESSAGE,
  effectMoments,
  frequentistVariance,
  MISMATCHED_ARM_TYPES_MESSAGE,
  ZERO_NEGATIVE_VARIANCE_MESSAGE,
} from "./effect.ts";

export type { Alternative, TestConfig, TestResult } from "./frequentist.ts";
export { tTest, welchDof } from "./frequentist.ts";

export type { SequentialConfig } from "./sequential.ts";
export {
  ALPHA_TOO_LARGE_FOR_ONE_SIDED_MESSAGE,
  PVALUE_NOT_CONVERGED_MESSAGE,
  sequentialHalfwidth,
  sequentialHalfwidthOneSided,
  sequentialRho,
  sequentialTest,
} from "./sequential.ts";

export type { BayesianConfig, BayesianResult, GaussianPrior } from "./bayesian.ts";
export { bayesianTest, gaussianRisk } from "./bayesian.ts";

export type { SrmResult } from "./srm.ts";
export { checkSrm, SRM_THRESHOLD, srmPValue } from "./srm.ts";

export { benjaminiHochberg, holmBonferroni } from "./corrections.ts";

export type { BayesianPowerOptions, LiftPrior, MdeResult, PowerMetric, PowerOptions } from "./power.ts";
export { findMdeBayesian, findMdeFrequentist, powerEstBayesian, powerEstFrequentist, powerFrequentist, powerStandardError } from "./power.ts";

export type { MidExperimentPowerInput, MidExperimentPowerResult } from "./mid-experiment-power.ts";
export { midExperimentPower, midExperimentPowerAt } from "./mid-experiment-power.ts";

export {
  chiSquareCdf,
  chiSquareSf,
  normalCdf,
  normalPdf,
  normalQuantile,
  normalSf,
  studentTCdf,
  studentTPdf,
  studentTQuantile,
  studentTSf,
} from "./distributions.ts";
