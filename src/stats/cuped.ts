/**
 * CUPED regression adjustment (Deng, Xu, Kohavi & Walker 2013), exactly as GrowthBook gbstats 0.8.0 does it
 * (`RegressionAdjustedStatistic`, `RegressionAdjustedRatioStatistic`, `compute_theta*` in
 * `gbstats/models/statistics.py` and the relative-effect variances in `gbstats/models/tests.py`, MIT):
 *
 * - mean metrics: θ = cov(Y, X)/var(X) estimated on the pooled arms; adjusted mean Ȳ − θ·X̄,
 *   per-unit variance var(Y) + θ²·var(X) − 2θ·cov(Y, X). If θ = 0 (no pre-period variance) the test silently
 *   falls back to the unadjusted metric.
 * - ratio metrics: adjusted ratio (ΣM/ΣD)_post − θ·(ΣM/ΣD)_pre with a 4×4 delta-method covariance Λ over
 *   (M_post, D_post, M_pre, D_pre); θ = −Σ_arms ∇_pre·Λ_pre,post·∇_post / Σ_arms ∇_pre·Λ_pre·∇_pre evaluated with
 *   θ = 1 in the gradient. |θ| < 1e-8 falls back to the unadjusted ratio.
 * - relative effects keep the UNADJUSTED control mean in the denominator, with gbstats' own delta-method variance.
 */

import type { ArmStatistic, CupedRatioStatistic, CupedStatistic, RatioStatistic, UnitStatistic } from "./moments.ts";
import { poolUnitStatistics, unitCovariance, unitMean, unitVariance } from "./moments.ts";

function thetaOf(s: { readonly theta?: number | null }): number {
  return s.theta ? s.theta : 0;
}

// ---------------------------------------------------------------------------------------------------------------
// Mean metrics

export function cupedCovariance(s: CupedStatistic): number {
  return unitCovariance(s.n, s.post, s.pre, s.postPreSumOfProducts);
}

/** Adjusted mean Ȳ − θ·X̄ (θ from the statistic; 0 when unset). */
export function cupedMean(s: CupedStatistic): number {
  return unitMean(s.post) - thetaOf(s) * unitMean(s.pre);
}

/** Per-unit variance of the adjusted metric. */
export function cupedVariance(s: CupedStatistic): number {
  if (s.n <= 1) return 0;
  const theta = thetaOf(s);
  return unitVariance(s.post) + theta * theta * unitVariance(s.pre) - 2 * theta * cupedCovariance(s);
}

/** θ = cov(Y, X)/var(X) on the union of both arms; 0 when either pooled variance is 0. */
export function computeTheta(a: CupedStatistic, b: CupedStatistic): number {
  const n = a.n + b.n;
  const post = poolUnitStatistics(a.post, b.post);
  const pre = poolUnitStatistics(a.pre, b.pre);
  const preVariance = unitVariance(pre);
  if (preVariance === 0 || unitVariance(post) === 0) return 0;
  return unitCovariance(n, post, pre, a.postPreSumOfProducts + b.postPreSumOfProducts) / preVariance;
}

/** gbstats `frequentist_variance_relative_cuped`: variance of (adjusted B − adjusted A)/unadjusted Ā. */
export function cupedRelativeVariance(a: CupedStatistic, b: CupedStatistic): number {
  const meanA = unitMean(a.post);
  const denTreatment = b.n * meanA * meanA;
  const denControl = a.n * meanA * meanA;
  if (denTreatment === 0 || denControl === 0) return 0;
  const theta = thetaOf(a);
  const vTreatment =
    (unitVariance(b.post) + theta * theta * unitVariance(b.pre) - 2 * theta * cupedCovariance(b)) / denTreatment;
  const c = -unitMean(b.post);
  const numA = (unitVariance(a.post) * c * c) / (meanA * meanA);
  const numB = (2 * theta * cupedCovariance(a) * c) / meanA;
  const numC = theta * theta * unitVariance(a.pre);
  return vTreatment + (numA + numB + numC) / denControl;
}

// ---------------------------------------------------------------------------------------------------------------
// Ratio metrics

type Vector4 = readonly [number, number, number, number];
type Matrix4 = readonly [Vector4, Vector4, Vector4, Vector4];

/** Covariance matrix Λ of (M_post, D_post, M_pre, D_pre) per unit. */
export function cupedRatioLambda(s: CupedRatioStatistic): Matrix4 {
  const cov = (x: UnitStatistic, y: UnitStatistic, sp: number) => unitCovariance(s.n, x, y, sp);
  const mPostDPost = cov(s.numeratorPost, s.denominatorPost, s.numeratorPostDenominatorPostSumOfProducts);
  const mPostMPre = cov(s.numeratorPost, s.numeratorPre, s.numeratorPostNumeratorPreSumOfProducts);
  const mPostDPre = cov(s.numeratorPost, s.denominatorPre, s.numeratorPostDenominatorPreSumOfProducts);
  const dPostMPre = cov(s.denominatorPost, s.numeratorPre, s.numeratorPreDenominatorPostSumOfProducts);
  const dPostDPre = cov(s.denominatorPost, s.denominatorPre, s.denominatorPostDenominatorPreSumOfProducts);
  const mPreDPre = cov(s.numeratorPre, s.denominatorPre, s.numeratorPreDenominatorPreSumOfProducts);
  return [
    [unitVariance(s.numeratorPost), mPostDPost, mPostMPre, mPostDPre],
    [mPostDPost, unitVariance(s.denominatorPost), dPostMPre, dPostDPre],
    [mPostMPre, dPostMPre, unitVariance(s.numeratorPre), mPreDPre],
    [mPostDPre, dPostDPre, mPreDPre, unitVariance(s.denominatorPre)],
  ];
}

/** Gradient of the adjusted ratio w.r.t. (M̄_post, D̄_post, M̄_pre, D̄_pre) at the given θ. */
export function cupedRatioGradient(s: CupedRatioStatistic, theta: number = thetaOf(s)): Vector4 {
  const mPost = unitMean(s.numeratorPost);
  const dPost = unitMean(s.denominatorPost);
  const mPre = unitMean(s.numeratorPre);
  const dPre = unitMean(s.denominatorPre);
  if (dPost === 0 || dPre === 0) return [0, 0, 0, 0];
  return [1 / dPost, -mPost / (dPost * dPost), -theta / dPre, (theta * mPre) / (dPre * dPre)];
}

/** xᵀ·Λ[rows, cols]·y over index ranges. */
function quadratic(
  x: readonly number[],
  lambda: Matrix4,
  y: readonly number[],
  rows: readonly number[],
  cols: readonly number[],
): number {
  let total = 0;
  for (const i of rows) {
    const row = lambda[i] ?? [];
    for (const j of cols) total += (x[i] ?? 0) * (row[j] ?? 0) * (y[j] ?? 0);
  }
  return total;
}

const ALL = [0, 1, 2, 3] as const;
const POST = [0, 1] as const;
const PRE = [2, 3] as const;

export function cupedRatioMeanPost(s: CupedRatioStatistic): number {
  return s.denominatorPost.sum === 0 ? 0 : s.numeratorPost.sum / s.denominatorPost.sum;
}

export function cupedRatioMeanPre(s: CupedRatioStatistic): number {
  return s.denominatorPre.sum === 0 ? 0 : s.numeratorPre.sum / s.denominatorPre.sum;
}

export function cupedRatioMean(s: CupedRatioStatistic): number {
  if (s.denominatorPost.sum === 0 || s.denominatorPre.sum === 0) return 0;
  return cupedRatioMeanPost(s) - thetaOf(s) * cupedRatioMeanPre(s);
}

/** Per-unit delta-method variance ∇ᵀΛ∇ of the adjusted ratio. */
export function cupedRatioVariance(s: CupedRatioStatistic): number {
  const g = cupedRatioGradient(s);
  return quadratic(g, cupedRatioLambda(s), g, ALL, ALL);
}

/** θ for ratio CUPED, pooled over the arms (gbstats `compute_theta_regression_adjusted_ratio`). */
export function computeThetaRatio(a: CupedRatioStatistic, b: CupedRatioStatistic): number {
  let varPre = 0;
  let covariance = 0;
  for (const s of [a, b]) {
    const g = cupedRatioGradient(s, 1);
    const lambda = cupedRatioLambda(s);
    varPre += quadratic(g, lambda, g, PRE, PRE);
    covariance += quadratic(g, lambda, g, PRE, POST);
  }
  if (varPre === 0) return 0;
  return -covariance / varPre;
}

/** gbstats `frequentist_variance_relative_cuped_ratio`. */
export function cupedRatioRelativeVariance(a: CupedRatioStatistic, b: CupedRatioStatistic): number {
  const unadjustedA = cupedRatioMeanPost(a);
  const dPostA = unitMean(a.denominatorPost);
  if (unadjustedA === 0 || dPostA === 0) return 0;
  const mPostA = unitMean(a.numeratorPost);
  const gAbs = cupedRatioMean(b) - cupedRatioMean(a);
  const den = Math.abs(unadjustedA);
  const gradA = cupedRatioGradient(a);
  const gradB = cupedRatioGradient(b);
  const nablaA: Vector4 = [
    -(den + gAbs) / dPostA / (den * den),
    ((mPostA * den) / (dPostA * dPostA) + (mPostA * gAbs) / (dPostA * dPostA)) / (den * den),
    -gradA[2] / den,
    -gradA[3] / den,
  ];
  const nablaB: Vector4 = [gradB[0] / den, gradB[1] / den, gradB[2] / den, gradB[3] / den];
  return (
    quadratic(nablaA, cupedRatioLambda(a), nablaA, ALL, ALL) / a.n +
    quadratic(nablaB, cupedRatioLambda(b), nablaB, ALL, ALL) / b.n
  );
}

function unadjustedRatio(s: CupedRatioStatistic): RatioStatistic {
  return {
    type: "ratio",
    n: s.n,
    numerator: s.numeratorPost,
    denominator: s.denominatorPost,
    numeratorDenominatorSumOfProducts: s.numeratorPostDenominatorPostSumOfProducts,
  };
}

/** The pair after θ estimation: CUPED arms carry θ, or were reduced to their unadjusted metric. */
export interface AdjustedPair {
  readonly control: ArmStatistic;
  readonly treatment: ArmStatistic;
  /** θ used (control arm's), or null when no adjustment applies. */
  readonly theta: number | null;
}

/**
 * gbstats `EffectMoments.initialize_theta`: estimate θ when either arm has none, set it on both arms, and fall
 * back to the unadjusted metric when θ vanishes. Arms that both carry θ are used as given.
 */
export function applyCuped(control: ArmStatistic, treatment: ArmStatistic): AdjustedPair {
  if (control.type === "cuped" && treatment.type === "cuped") {
    if (control.theta != null && treatment.theta != null) {
      return { control, treatment, theta: control.theta };
    }
    const theta = computeTheta(control, treatment);
    if (theta === 0) return { control: control.post, treatment: treatment.post, theta: null };
    return { control: { ...control, theta }, treatment: { ...treatment, theta }, theta };
  }
  if (control.type === "cuped_ratio" && treatment.type === "cuped_ratio") {
    if (control.theta != null && treatment.theta != null) {
      return { control, treatment, theta: control.theta };
    }
    const theta = computeThetaRatio(control, treatment);
    if (Math.abs(theta) < 1e-8) {
      return { control: unadjustedRatio(control), treatment: unadjustedRatio(treatment), theta: null };
    }
    return { control: { ...control, theta }, treatment: { ...treatment, theta }, theta };
  }
  return { control, treatment, theta: null };
}
