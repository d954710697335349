/**
 * Sequential testing with asymptotic confidence sequences (Waudby-Smith, Arnold, Wu, Howard & Ramdas,
 * "Time-uniform central limit theory and asymptotic confidence sequences", arXiv:2103.06476), exactly as
 * GrowthBook gbstats 0.8.0 `SequentialTwoSidedTTest` / `SequentialOneSidedTreatment{Greater,Lesser}TTest` (MIT).
 *
 * With N = n_A + n_B units and s² = SE²·N (SE from `effectMoments`, so CUPED and relative effects carry over):
 * - mixing parameter ρ = sqrt((−2 ln a + ln(1 − 2 ln a))/N*), with a = α (two-sided) or 2α (one-sided) and N* the
 *   tuning parameter: the number of units at which the sequence is tightest (paper eq. 161);
 * - two-sided half-width  s·sqrt(2(Nρ² + 1)/(Nρ)² · ln(sqrt(Nρ² + 1)/α));
 * - one-sided half-width  s·sqrt(2(Nρ² + 1)/(Nρ)² · ln(1 + sqrt(Nρ² + 1)/(2α)))  (paper eq. 134);
 * - two-sided p-value = min(1, 1/E) with the mixture e-value E = exp(ρ²·N·t²/(2(Nρ² + 1)))/sqrt(Nρ² + 1),
 *   t = estimate/SE (paper eq. 155, reparameterised);
 * - one-sided p-value: the α at which the one-sided bound touches 0, found by bisection on α ∈ [1e-5, 0.4999]
 *   (clamped to those ends), with ρ held at its value for the configured α.
 * The sequence is valid under continuous monitoring: peeking at every batch keeps the type I error ≤ α.
 */

import type { ArmStatistic } from "./moments.ts";
import type { TestConfig, TestResult } from "./frequentist.ts";
import { defaultTestResult, momentsDof } from "./frequentist.ts";
import { effectMoments } from "./effect.ts";

export interface SequentialConfig extends TestConfig {
  /** N*: total units (both arms) at which the sequence is tightest; default 5000 as in GrowthBook. */
  readonly tuningParameter?: number;
}

export const ALPHA_TOO_LARGE_FOR_ONE_SIDED_MESSAGE = "ALPHA_GREATER_THAN_0.5_FOR_SEQUENTIAL_ONE_SIDED_TEST";
export const PVALUE_NOT_CONVERGED_MESSAGE = "NUMERICAL_PVALUE_NOT_CONVERGED";

/** ρ for tuning parameter N* (one-sided sequences use 2α inside). */
export function sequentialRho(alpha: number, tuningParameter: number, twoSided = true): number {
  const a = twoSided ? alpha : 2 * alpha;
  return Math.sqrt((-2 * Math.log(a) + Math.log(-2 * Math.log(a) + 1)) / tuningParameter);
}

/** Two-sided confidence-sequence half-width for N units with per-unit variance s2. */
export function sequentialHalfwidth(s2: number, n: number, alpha: number, rho: number): number {
  const v = n * rho * rho + 1;
  return Math.sqrt(s2) * Math.sqrt((2 * v * Math.log(Math.sqrt(v) / alpha)) / (n * rho) ** 2);
}

/** One-sided confidence-sequence half-width for N units with per-unit variance s2. */
export function sequentialHalfwidthOneSided(s2: number, n: number, alpha: number, rho: number): number {
  const v = n * rho * rho + 1;
  return Math.sqrt(((s2 * 2 * v) / (n * rho) ** 2) * Math.log(1 + Math.sqrt(v) / (2 * alpha)));
}

/** p-value of the one-sided sequence: bisection on α until the bound crosses 0 (gbstats' procedure). */
function oneSidedPValue(bound: (alpha: number) => number, greater: boolean): { p: number | null; error: string | null } {
  const tolerance = 1e-6;
  const maxIterations = 100;
  let minAlpha = 1e-5;
  let maxAlpha = 0.4999;
  // "greater" rejects when the lower bound is above 0, "less" when the upper bound is below 0.
  const rejects = (value: number) => (greater ? value > 0 : value < 0);
  if (rejects(bound(minAlpha))) return { p: minAlpha, error: null };
  const big = bound(maxAlpha);
  if (greater ? big < 0 : big > 0) return { p: maxAlpha, error: null };

  let alpha = 0.5 * (minAlpha + maxAlpha);
  let diff = 0;
  for (let i = 0; i < maxIterations; i++) {
    diff = bound(alpha);
    if (greater ? diff < 0 : diff > 0) minAlpha = alpha;
    else maxAlpha = alpha;
    alpha = 0.5 * (minAlpha + maxAlpha);
    if (Math.abs(diff) < tolerance) return { p: alpha, error: null };
  }
  return { p: null, error: PVALUE_NOT_CONVERGED_MESSAGE };
}

/** Sequential (always-valid) test of `treatment` against `control`. */
export function sequentialTest(
  control: ArmStatistic,
  treatment: ArmStatistic,
  config: SequentialConfig = {},
): TestResult {
  const alpha = config.alpha ?? 0.05;
  const alternative = config.alternative ?? "two-sided";
  const tuningParameter = config.tuningParameter ?? 5000;
  const twoSided = alternative === "two-sided";
  const rho = sequentialRho(alpha, tuningParameter, twoSided);
  const moments = effectMoments(control, treatment, config.differenceType ?? "relative");
  if (moments.errorMessage !== null) return defaultTestResult(moments, moments.errorMessage, rho);
  if (!twoSided && alpha >= 0.5) return defaultTestResult(moments, ALPHA_TOO_LARGE_FOR_ONE_SIDED_MESSAGE, rho);

  const n = moments.control.n + moments.treatment.n;
  const estimate = moments.pointEstimate;
  const se = moments.standardError;
  const s2 = se * se * n;
  const result = {
    expected: estimate,
    uplift: { mean: estimate, stddev: se },
    errorMessage: null,
    dof: momentsDof(moments),
    sequentialRho: rho,
    moments,
  };

  if (twoSided) {
    const halfwidth = sequentialHalfwidth(s2, n, alpha, rho);
    const v = n * rho * rho + 1;
    const st2 = (estimate * estimate * n) / (se * se);
    const eValue = Math.exp((rho * rho * st2) / (2 * v)) / Math.sqrt(v);
    return {
      ...result,
      ci: [estimate - halfwidth, estimate + halfwidth],
      pValue: Math.min(1 / eValue, 1),
      pValueErrorMessage: null,
    };
  }

  const greater = alternative === "greater";
  const bound = (a: number) => {
    const halfwidth = sequentialHalfwidthOneSided(s2, n, a, rho);
    return greater ? estimate - halfwidth : estimate + halfwidth;
  };
  const { p, error } = oneSidedPValue(bound, greater);
  const edge = bound(alpha);
  return {
    ...result,
    ci: greater ? [edge, Infinity] : [-Infinity, edge],
    pValue: p,
    pValueErrorMessage: error,
  };
}
