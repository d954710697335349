/**
 * Bayesian effect test with a Gaussian posterior on the effect (relative lift or absolute difference).
 *
 * Port of gbstats 0.8.0 `EffectBayesianABTest` (`gbstats/bayesian/tests.py`, MIT): the data likelihood is
 * N(estimate, SE²) from `effectMoments`; with a proper prior N(μ₀, σ₀²) the posterior precision is
 * 1/SE² + 1/σ₀² and the posterior mean the precision-weighted average; an improper (flat) prior leaves the data
 * untouched. Outputs: chance to win P(effect > 0), equal-tailed credible interval, and the expected losses
 * ("risk") of choosing control, E[max(effect, 0)], and of choosing treatment, E[max(−effect, 0)], from the
 * truncated-normal means.
 */

import type { ArmStatistic } from "./moments.ts";
import type { DifferenceType, EffectMoments } from "./effect.ts";
import { BASELINE_VARIATION_ZERO_MESSAGE, effectMoments } from "./effect.ts";
import { normalCdf, normalPdf, normalQuantile } from "./distributions.ts";

export interface GaussianPrior {
  readonly mean: number;
  readonly variance: number;
  /** false = flat (improper) prior: the posterior is the likelihood. */
  readonly proper: boolean;
}

export interface BayesianConfig {
  readonly alpha?: number;
  readonly differenceType?: DifferenceType;
  /** Default: flat prior. */
  readonly prior?: GaussianPrior;
  /** Scale in which the prior is expressed; default "relative" (a prior on the lift). */
  readonly priorType?: DifferenceType;
  /** For metrics where lower is better: swaps chance to win and the two risks. */
  readonly inverse?: boolean;
}

export interface BayesianResult {
  readonly expected: number;
  readonly ci: readonly [number, number];
  readonly chanceToWin: number;
  /** [risk of choosing control, risk of choosing treatment]. */
  readonly risk: readonly [number, number];
  readonly uplift: { readonly mean: number; readonly stddev: number };
  readonly errorMessage: string | null;
  readonly moments: EffectMoments;
}

/** Expected losses [E max(X, 0), E max(−X, 0)] for X ~ N(mu, sigma²). */
export function gaussianRisk(mu: number, sigma: number): [number, number] {
  const z = -mu / sigma;
  const probNegative = normalCdf(z);
  const density = sigma * normalPdf(z);
  // (1 − Φ)·E[X | X > 0] = (1 − Φ)·μ + σφ  and  −Φ·E[X | X < 0] = −Φ·μ + σφ
  return [(1 - probNegative) * mu + density, -probNegative * mu + density];
}

/** Bayesian effect test of `treatment` against `control`. */
export function bayesianTest(
  control: ArmStatistic,
  treatment: ArmStatistic,
  config: BayesianConfig = {},
): BayesianResult {
  const alpha = config.alpha ?? 0.05;
  const differenceType = config.differenceType ?? "relative";
  const moments = effectMoments(control, treatment, differenceType);
  const fail = (errorMessage: string): BayesianResult => ({
    expected: 0,
    ci: [0, 0],
    chanceToWin: 0.5,
    risk: [0, 0],
    uplift: { mean: 0, stddev: 0 },
    errorMessage,
    moments,
  });
  if (moments.errorMessage !== null) return fail(moments.errorMessage);

  let prior = config.prior ?? { mean: 0, variance: 1, proper: false };
  const priorType = config.priorType ?? "relative";
  const baseline = moments.control.unadjustedMean;
  if (differenceType === "relative" && priorType === "absolute") {
    prior = { ...prior, mean: prior.mean / Math.abs(baseline), variance: prior.variance / baseline ** 2 };
  } else if (differenceType === "absolute" && priorType === "relative") {
    if (prior.proper && baseline === 0) return fail(BASELINE_VARIATION_ZERO_MESSAGE);
    prior = { ...prior, mean: prior.mean * Math.abs(baseline), variance: prior.variance * baseline ** 2 };
  }

  const dataVariance = moments.standardError ** 2;
  const priorPrecision = prior.proper ? 1 / prior.variance : 0;
  const posteriorPrecision = dataVariance > 0 ? 1 / dataVariance + priorPrecision : priorPrecision;
  if (posteriorPrecision === 0) return fail(BASELINE_VARIATION_ZERO_MESSAGE);
  let mean: number;
  if (dataVariance > 0) {
    mean = prior.proper
      ? (moments.pointEstimate / dataVariance + prior.mean / prior.variance) / posteriorPrecision
      : moments.pointEstimate;
  } else {
    mean = prior.proper ? prior.mean : 0;
  }
  const sd = Math.sqrt(1 / posteriorPrecision);

  const probPositive = normalCdf(mean / sd);
  let risk = gaussianRisk(mean, sd);
  if (config.inverse) risk = [risk[1], risk[0]];
  return {
    expected: mean,
    ci: [normalQuantile(alpha / 2, mean, sd), normalQuantile(1 - alpha / 2, mean, sd)],
    chanceToWin: config.inverse ? 1 - probPositive : probPositive,
    risk,
    uplift: { mean, stddev: sd },
    errorMessage: null,
    moments,
  };
}
