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
