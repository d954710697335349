/**
 * Pre-experiment power and minimum detectable effect (MDE) for a relative lift, frequentist engine.
 *
 * Port of GrowthBook's `powerEstFrequentist`, `findMdeFrequentist` and helpers (packages/shared/src/power, MIT):
 * - arms have equal size n/k (k variations incl. control) and equal variance σ² (mean metric) or p(1 − p)
 *   (binomial); the treatment mean is μ·(1 + effect); SE of the lift by the delta method (`frequentistVariance`);
 * - power = 1 − Φ(z* − effect/SE) [+ Φ(−z* − effect/SE) two-tailed], z* = Φ⁻¹(1 − α/2) (or 1 − α one-tailed);
 * - sequential testing inflates the variance to the confidence sequence's width at 2n/k units:
 *   σ²_seq = σ²·(z_seq/z*)² with z_seq = sqrt(N)·sqrt(2(Nρ² + 1)/(Nρ)²·ln(sqrt(Nρ² + 1)/α));
 * - MDE solves power = target in closed form (quadratic in the treatment mean), two-tailed.
 *
 * Bayesian engine (`powerEstBayesian`, `findMdeBayesian`; GrowthBook's model of the same names): the probability
 * that the posterior interval excludes 0 under a fixed true lift, with a normal prior on the lift; MDE by search.
 */

import { frequentistVariance } from "./effect.ts";
import { normalCdf, normalQuantile } from "./distributions.ts";
import { sequentialRho } from "./sequential.ts";

export type PowerMetric =
  | { readonly type: "mean"; readonly mean: number; readonly standardDeviation: number; readonly effectSize: number }
  | { readonly type: "binomial"; readonly conversionRate: number; readonly effectSize: number };

export type MdeResult =
  | { readonly type: "success"; readonly mde: number }
  | { readonly type: "error"; readonly description: string };

export interface PowerOptions {
  readonly alpha?: number;
  readonly twoTailed?: boolean;
  /** Sequential testing tuning parameter N*, or false/undefined for a fixed-horizon test. */
  readonly sequentialTuningParameter?: number | false;
}

function metricMean(metric: PowerMetric): number {
  return metric.type === "mean" ? metric.mean : metric.conversionRate;
}

function metricVariance(metric: PowerMetric): number {
  return metric.type === "mean" ? metric.standardDeviation ** 2 : metric.conversionRate * (1 - metric.conversionRate);
}

/** Variance inflation of the sequential test at n units (returns n times the per-unit sequential variance). */
export function sequentialPowerVariance(variance: number, n: number, alpha: number, tuningParameter: number): number {
  const standardErrorMean = Math.sqrt(variance / n);
  const rho = sequentialRho(alpha, tuningParameter);
  const v = n * rho * rho + 1;
  const underRadical = (2 * v * Math.log(Math.sqrt(v) / alpha)) / (n * rho) ** 2;
  const zSequential = Math.sqrt(n) * Math.sqrt(underRadical);
  const zStar = normalQuantile(1 - 0.5 * alpha);
  return n * ((standardErrorMean * zSequential) / zStar) ** 2;
}

/** SE of the relative lift with n/k units per arm. */
export function powerStandardError(metric: PowerMetric, nPerVariation: number): number {
  const m = metricMean(metric);
  const v = metricVariance(metric);
  return Math.sqrt(frequentistVariance(v, m, nPerVariation, v, m * (1 + metric.effectSize), nPerVariation, true));
}

/** Power of a z-test to detect `effectSize` given its standard error. */
export function powerFrequentist(effectSize: number, standardError: number, alpha = 0.05, twoTailed = true): number {
  const zStar = normalQuantile(twoTailed ? 1 - 0.5 * alpha : 1 - alpha);
  const standardized = effectSize / standardError;
  let power = 1 - normalCdf(zStar - standardized);
  if (twoTailed) power += normalCdf(-zStar - standardized);
  return power;
}

/** Power to detect the metric's relative `effectSize` with n users split over nVariations arms. */
export function powerEstFrequentist(
  metric: PowerMetric,
  n: number,
  nVariations: number,
  options: PowerOptions = {},
): number {
  const alpha = options.alpha ?? 0.05;
  const twoTailed = options.twoTailed ?? true;
  const tuning = options.sequentialTuningParameter || 0;
  let standardError: number;
  if (tuning > 0) {
    const m = metricMean(metric);
    const v = metricVariance(metric);
    const perArm = n / nVariations;
    const vRelative = frequentistVariance(v, m, perArm, v, m * (1 + metric.effectSize), perArm, true);
    standardError = Math.sqrt(sequentialPowerVariance(vRelative, (2 * n) / nVariations, alpha, tuning));
  } else {
    standardError = powerStandardError(metric, n / nVariations);
  }
  return powerFrequentist(metric.effectSize, standardError, alpha, twoTailed);
}

/** Smallest relative lift detected with probability `power` (two-tailed), or why there is none. */
export function findMdeFrequentist(
  metric: PowerMetric,
  power: number,
  n: number,
  nVariations: number,
  options: Omit<PowerOptions, "twoTailed"> = {},
): MdeResult {
  const alpha = options.alpha ?? 0.05;
  if (power <= alpha) return { type: "error", description: "power must be greater than alpha." };
  const nA = n / nVariations;
  const z = normalQuantile(1 - 0.5 * alpha) - normalQuantile(1 - power);
  const m = metricMean(metric);
  let v = metricVariance(metric);
  const tuning = options.sequentialTuningParameter || 0;
  if (tuning > 0) v = sequentialPowerVariance(v, 2 * nA, alpha, tuning);
  if (nA <= (v * z * z) / (m * m)) {
    return { type: "error", description: "need to increase number of users or reduce number of variations." };
  }
  const sigma2 = v / nA;
  const a = 1 - (z * z * sigma2) / (m * m);
  const b = -2 * m;
  const c = m * m - z * z * sigma2;
  const root = (-b + Math.sqrt(b * b - 4 * a * c)) / (2 * a);
  return { type: "success", mde: (root - m) / m };
}

/**
 * The prior on the relative lift used by the Bayesian engine. `proper: false` is a flat prior: the posterior is the
 * data's, and the mean and standard deviation are unused.
 */
export interface LiftPrior {
  readonly liftMean: number;
  readonly liftStandardDeviation: number;
  readonly proper: boolean;
}

export interface BayesianPowerOptions {
  readonly alpha?: number;
  /** Inference on the relative lift (default) or on the absolute difference (the effect and prior scaled by |μ|). */
  readonly relative?: boolean;
}

/**
 * Upper and lower cut-points, in standard units of the estimate τ̂ ~ N(τ, σ²), past which the Bayesian engine calls
 * a winner or a loser. It does when the (1 − α) posterior interval excludes 0: with posterior precision
 * P = 1/σ² + 1/s₀² (the second term only for a proper prior) and mean (τ̂/σ² + μ₀/s₀²)/P, that is
 * τ̂ > σ²(z*·√P − μ₀/s₀²) or τ̂ < σ²(−z*·√P − μ₀/s₀²). The true effect τ is the metric's lift, held fixed.
 * σ² is the delta-method variance at that lift; in absolute mode lift, prior mean and prior sd scale by |μ|.
 */
function bayesianCutpoints(metric: PowerMetric, prior: LiftPrior, nPerVariation: number, alpha: number, relative: boolean): [number, number] {
  const m = metricMean(metric);
  const v = metricVariance(metric);
  const scale = relative ? 1 : Math.abs(m);
  const sigma2 = frequentistVariance(v, m, nPerVariation, v, m * (1 + metric.effectSize), nPerVariation, relative);
  const trueEffect = metric.effectSize * scale;
  const priorVariance = (prior.liftStandardDeviation * scale) ** 2;
  const precision = 1 / sigma2 + (prior.proper ? 1 / priorVariance : 0);
  const pull = prior.proper ? (sigma2 * prior.liftMean * scale) / priorVariance : 0;
  const reach = sigma2 * Math.sqrt(precision) * normalQuantile(1 - 0.5 * alpha);
  const sd = Math.sqrt(sigma2);
  return [(reach - pull - trueEffect) / sd, (-reach - pull - trueEffect) / sd];
}

function checkPrior(prior: LiftPrior): void {
  if (prior.proper && !(prior.liftStandardDeviation > 0)) throw new RangeError("a proper prior needs a positive standard deviation");
}

/**
 * Bayesian engine, before the experiment: the probability that its (1 − α) posterior interval excludes 0 when the
 * true lift is the metric's `effectSize` (fixed), with n users split over nVariations arms. Same model as
 * GrowthBook's `powerEstBayesian` (packages/shared/src/power, MIT), checked against its published test values.
 */
export function powerEstBayesian(metric: PowerMetric, prior: LiftPrior, n: number, nVariations: number, options: BayesianPowerOptions = {}): number {
  checkPrior(prior);
  const [upper, lower] = bayesianCutpoints(metric, prior, n / nVariations, options.alpha ?? 0.05, options.relative ?? true);
  return 1 - normalCdf(upper) + normalCdf(lower);
}

/** Largest lift searched for a Bayesian MDE: 500%. */
const MAX_BAYESIAN_MDE = 5;

/**
 * Bayesian engine: the smallest non-negative lift reaching `power` (powerEstBayesian), or why there is none. There is
 * no closed form (the prior pulls the estimate): the lift is scanned in steps of 0.001 up to 500% for the first that
 * reaches the power, then narrowed by bisection to 1e-12. A prior leaning towards a positive lift can make a lift of
 * 0 "reach" the power: the MDE is then 0.
 */
export function findMdeBayesian(
  metric: PowerMetric,
  prior: LiftPrior,
  power: number,
  n: number,
  nVariations: number,
  options: BayesianPowerOptions = {},
): MdeResult {
  const alpha = options.alpha ?? 0.05;
  if (power <= alpha) return { type: "error", description: "power must be greater than alpha." };
  const at = (lift: number) => powerEstBayesian({ ...metric, effectSize: lift }, prior, n, nVariations, options);
  if (at(0) >= power) return { type: "success", mde: 0 };
  const step = 1e-3;
  let below = 0;
  let reached = Number.NaN;
  for (let i = 1; i * step <= MAX_BAYESIAN_MDE + step / 2; i++) {
    if (at(i * step) >= power) {
      reached = i * step;
      break;
    }
    below = i * step;
  }
  if (Number.isNaN(reached)) return { type: "error", description: "no lift up to 500% reaches this power; add users or remove variations." };
  while (reached - below > 1e-12) {
    const mid = (below + reached) / 2;
    if (at(mid) >= power) reached = mid;
    else below = mid;
  }
  return { type: "success", mde: reached };
}
