/**
 * Fixed-horizon frequentist tests: Welch two-sample t-test on the effect moments, two-sided or one-sided.
 *
 * Port of gbstats 0.8.0 `TwoSidedTTest`, `OneSidedTreatmentGreaterTTest`, `OneSidedTreatmentLesserTTest`
 * (`gbstats/frequentist/tests.py`, MIT):
 * - t = estimate / SE, where SE comes from `effectMoments` (delta method for relative effects);
 * - degrees of freedom by Welch–Satterthwaite on the arms' raw (per-unit, CUPED-adjusted) variances, not on the
 *   lift's variance;
 * - two-sided: p = 2·P(T > |t|), CI = estimate ± t_{1−α/2}·SE;
 * - "greater" (H1: treatment > control): p = P(T > t), CI = [estimate − t_{1−α}·SE, +∞);
 * - "less"    (H1: treatment < control): p = P(T < t), CI = (−∞, estimate + t_{1−α}·SE].
 */

import type { ArmStatistic } from "./moments.ts";
import type { DifferenceType, EffectMoments } from "./effect.ts";
import { armVariance, effectMoments } from "./effect.ts";
import { studentTQuantile, studentTSf } from "./distributions.ts";

export type Alternative = "two-sided" | "greater" | "less";

export interface TestConfig {
  /** Significance level; default 0.05. */
  readonly alpha?: number;
  /** Default "relative". */
  readonly differenceType?: DifferenceType;
  /** Default "two-sided". */
  readonly alternative?: Alternative;
}

export interface TestResult {
  /** Point estimate of the effect (relative lift or absolute difference). */
  readonly expected: number;
  /** Confidence interval (or confidence sequence); open one-sided bounds are ±Infinity. */
  readonly ci: readonly [number, number];
  /** null only when a numerical search for it did not converge (see pValueErrorMessage). */
  readonly pValue: number | null;
  readonly uplift: { readonly mean: number; readonly stddev: number };
  readonly errorMessage: string | null;
  readonly pValueErrorMessage: string | null;
  /** Welch–Satterthwaite degrees of freedom. */
  readonly dof: number;
  /** Confidence-sequence mixing parameter ρ (sequential tests only). */
  readonly sequentialRho: number | null;
  readonly moments: EffectMoments;
}

/** Welch–Satterthwaite degrees of freedom from per-unit variances and sizes. */
export function welchDof(varA: number, nA: number, varB: number, nB: number): number {
  if (nA <= 1 || nB <= 1 || varA === 0 || varB === 0) return 1;
  const numerator = (varB / nB + varA / nA) ** 2;
  const denominator = (varB * varB) / (nB * nB * (nB - 1)) + (varA * varA) / (nA * nA * (nA - 1));
  return numerator / denominator;
}

export function momentsDof(m: EffectMoments): number {
  return welchDof(armVariance(m.adjusted.control), m.control.n, armVariance(m.adjusted.treatment), m.treatment.n);
}

/** gbstats' uninformative output when the test cannot be run. */
export function defaultTestResult(
  moments: EffectMoments,
  errorMessage: string | null,
  sequentialRho: number | null = null,
): TestResult {
  return {
    expected: 0,
    ci: [0, 0],
    pValue: 1,
    uplift: { mean: 0, stddev: 0 },
    errorMessage,
    pValueErrorMessage: null,
    dof: momentsDof(moments),
    sequentialRho,
    moments,
  };
}

/** Fixed-horizon Welch t-test of `treatment` against `control`. */
export function tTest(control: ArmStatistic, treatment: ArmStatistic, config: TestConfig = {}): TestResult {
  const alpha = config.alpha ?? 0.05;
  const alternative = config.alternative ?? "two-sided";
  const moments = effectMoments(control, treatment, config.differenceType ?? "relative");
  if (moments.errorMessage !== null) return defaultTestResult(moments, moments.errorMessage);

  const dof = momentsDof(moments);
  const estimate = moments.pointEstimate;
  const se = moments.standardError;
  const t = estimate / se;
  let ci: [number, number];
  let pValue: number;
  if (alternative === "two-sided") {
    const halfwidth = studentTQuantile(1 - alpha / 2, dof) * se;
    ci = [estimate - halfwidth, estimate + halfwidth];
    pValue = 2 * studentTSf(Math.abs(t), dof);
  } else {
    const halfwidth = studentTQuantile(1 - alpha, dof) * se;
    if (alternative === "greater") {
      ci = [estimate - halfwidth, Infinity];
      pValue = studentTSf(t, dof);
    } else {
      ci = [-Infinity, estimate + halfwidth];
      pValue = studentTSf(-t, dof);
    }
  }
  return {
    expected: estimate,
    ci,
    pValue,
    uplift: { mean: estimate, stddev: se },
    errorMessage: null,
    pValueErrorMessage: null,
    dof,
    sequentialRho: null,
    moments,
  };
}
