/**
 * Sufficient statistics of one experiment arm, and their means, variances and covariances.
 *
 * Mirrors the statistic classes of GrowthBook gbstats 0.8.0 (`gbstats/models/statistics.py`, MIT):
 * - sample mean:  mean = Σx/n, var = (Σx² − (Σx)²/n)/(n − 1)                       (0 when n ≤ 1)
 * - proportion:   mean = Σx/n, var = mean·(1 − mean)                                 (no n/(n − 1) correction)
 * - covariance:   (Σxy − Σx·Σy/n)/(n − 1); both proportions: Σxy/n − Σx·Σy/n²      (population form)
 * - ratio M/D:    mean = ΣM/ΣD, var by the delta method (`varianceOfRatios`)
 * CUPED statistics (pre-period covariates) are declared here and computed in `cuped.ts`.
 */

/** n, Σx and Σx² of a per-unit numeric metric (revenue per visitor, items per order, …). */
export interface SampleMeanStatistic {
  readonly type: "mean";
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/** n and Σx of a 0/1 metric (conversion). Σx² = Σx. */
export interface ProportionStatistic {
  readonly type: "proportion";
  readonly n: number;
  readonly sum: number;
}

export type UnitStatistic = SampleMeanStatistic | ProportionStatistic;

/** A ratio metric ΣM/ΣD over units (e.g. revenue per session with users randomised). */
export interface RatioStatistic {
  readonly type: "ratio";
  readonly n: number;
  readonly numerator: UnitStatistic;
  readonly denominator: UnitStatistic;
  /** Σ M·D over units. */
  readonly numeratorDenominatorSumOfProducts: number;
}

/** A metric with its pre-experiment value as covariate (CUPED). */
export interface CupedStatistic {
  readonly type: "cuped";
  readonly n: number;
  readonly post: UnitStatistic;
  readonly pre: UnitStatistic;
  /** Σ post·pre over units. */
  readonly postPreSumOfProducts: number;
  /** Fixed θ; leave undefined/null to estimate it pooled over both arms (the normal case). */
  readonly theta?: number | null;
}

/** A ratio metric with pre-period numerator and denominator as covariates (CUPED ratio). */
export interface CupedRatioStatistic {
  readonly type: "cuped_ratio";
  readonly n: number;
  readonly numeratorPost: UnitStatistic;
  readonly denominatorPost: UnitStatistic;
  readonly numeratorPre: UnitStatistic;
  readonly denominatorPre: UnitStatistic;
  readonly numeratorPostNumeratorPreSumOfProducts: number;
  readonly denominatorPostDenominatorPreSumOfProducts: number;
  readonly numeratorPreDenominatorPreSumOfProducts: number;
  readonly numeratorPostDenominatorPostSumOfProducts: number;
  readonly numeratorPostDenominatorPreSumOfProducts: number;
  readonly numeratorPreDenominatorPostSumOfProducts: number;
  readonly theta?: number | null;
}

export type ArmStatistic = UnitStatistic | RatioStatistic | CupedStatistic | CupedRatioStatistic;

export function sampleMean(n: number, sum: number, sumSquares: number): SampleMeanStatistic {
  return { type: "mean", n, sum, sumSquares };
}

export function proportion(n: number, sum: number): ProportionStatistic {
  return { type: "proportion", n, sum };
}

export function ratio(
  numerator: UnitStatistic,
  denominator: UnitStatistic,
  numeratorDenominatorSumOfProducts: number,
): RatioStatistic {
  return { type: "ratio", n: numerator.n, numerator, denominator, numeratorDenominatorSumOfProducts };
}

/** A CUPED metric; θ is estimated pooled over the arms unless given. */
export function cuped(
  post: UnitStatistic,
  pre: UnitStatistic,
  postPreSumOfProducts: number,
  theta: number | null = null,
): CupedStatistic {
  if (post.type !== pre.type) throw new TypeError("cuped: post and pre statistics must be of the same type");
  return { type: "cuped", n: post.n, post, pre, postPreSumOfProducts, theta };
}

/** Sufficient statistics of raw per-unit values (for tests, imports and small in-memory analyses). */
export function sampleMeanFromValues(values: readonly number[]): SampleMeanStatistic {
  let sum = 0;
  let sumSquares = 0;
  for (const v of values) {
    sum += v;
    sumSquares += v * v;
  }
  return sampleMean(values.length, sum, sumSquares);
}

/** Σxy of two equally long value lists. */
export function sumOfProducts(x: readonly number[], y: readonly number[]): number {
  if (x.length !== y.length) throw new RangeError("sumOfProducts: lists differ in length");
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] ?? 0) * (y[i] ?? 0);
  return s;
}

export function unitSumSquares(s: UnitStatistic): number {
  return s.type === "mean" ? s.sumSquares : s.sum;
}

export function unitMean(s: UnitStatistic): number {
  return s.n === 0 ? 0 : s.sum / s.n;
}

export function unitVariance(s: UnitStatistic): number {
  if (s.type === "proportion") {
    const m = unitMean(s);
    return m * (1 - m);
  }
  if (s.n <= 1) return 0;
  return (s.sumSquares - (s.sum * s.sum) / s.n) / (s.n - 1);
}

/** Covariance of two metrics measured on the same n units, from Σx, Σy and Σxy. */
export function unitCovariance(n: number, a: UnitStatistic, b: UnitStatistic, sumOfProductsAB: number): number {
  if (n <= 1) return 0;
  if (a.type === "proportion" && b.type === "proportion") return sumOfProductsAB / n - (a.sum * b.sum) / (n * n);
  return (sumOfProductsAB - (a.sum * b.sum) / n) / (n - 1);
}

/** Pools two arms' statistics of the same metric (used for θ). Proportions stay proportions. */
export function poolUnitStatistics(a: UnitStatistic, b: UnitStatistic): UnitStatistic {
  if (a.type === "proportion" && b.type === "proportion") return proportion(a.n + b.n, a.sum + b.sum);
  if (a.type !== b.type) throw new TypeError("poolUnitStatistics: metric types differ between arms");
  return sampleMean(a.n + b.n, a.sum + b.sum, unitSumSquares(a) + unitSumSquares(b));
}

/**
 * Delta-method variance of M/D given the moments of M and D (gbstats `variance_of_ratios`):
 * var(M)/μD² + var(D)·μM²/μD⁴ − 2·cov(M, D)·μM/μD³.
 */
export function varianceOfRatios(meanM: number, varM: number, meanD: number, varD: number, covMD: number): number {
  return varM / meanD ** 2 + (varD * meanM ** 2) / meanD ** 4 - (2 * covMD * meanM) / meanD ** 3;
}

export function ratioMean(s: RatioStatistic): number {
  return s.denominator.sum === 0 ? 0 : s.numerator.sum / s.denominator.sum;
}

export function ratioCovariance(s: RatioStatistic): number {
  return unitCovariance(s.n, s.numerator, s.denominator, s.numeratorDenominatorSumOfProducts);
}

/** Per-unit variance of the ratio estimator (divide by n for the variance of the mean). */
export function ratioVariance(s: RatioStatistic): number {
  const meanD = unitMean(s.denominator);
  if (meanD === 0 || s.n <= 1) return 0;
  return varianceOfRatios(
    unitMean(s.numerator),
    unitVariance(s.numerator),
    meanD,
    unitVariance(s.denominator),
    ratioCovariance(s),
  );
}
