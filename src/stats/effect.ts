/**
 * Effect moments: point estimate and standard error of the treatment effect, for every metric kind
 * (mean, proportion, ratio, CUPED mean, CUPED ratio), absolute (B − A) or relative ((B − A)/Ā).
 *
 * Port of gbstats 0.8.0 `EffectMoments` (`gbstats/models/tests.py`, MIT) with `frequentist_diff` and
 * `frequentist_variance` (`gbstats/utils.py`): the relative variance is the delta method
 * var(B̄)/Ā² + var(Ā)·B̄²/Ā⁴ (independent arms), except for CUPED where gbstats' own formulas apply (cuped.ts).
 * The relative effect divides by the control arm's UNADJUSTED mean, signed as in gbstats.
 */

import type { ArmStatistic } from "./moments.ts";
import { ratioMean, ratioVariance, unitMean, unitVariance } from "./moments.ts";
import {
  applyCuped,
  cupedMean,
  cupedRatioMean,
  cupedRatioMeanPost,
  cupedRatioRelativeVariance,
  cupedRatioVariance,
  cupedRelativeVariance,
  cupedVariance,
} from "./cuped.ts";

export type DifferenceType = "relative" | "absolute";

export const ZERO_NEGATIVE_VARIANCE_MESSAGE = "ZERO_NEGATIVE_VARIANCE";
export const BASELINE_VARIATION_ZERO_MESSAGE = "BASELINE_VARIATION_ZERO";
export const MISMATCHED_ARM_TYPES_MESSAGE = "MISMATCHED_ARM_TYPES";

/** Mean of an arm's metric, CUPED-adjusted when the statistic carries θ. */
export function armMean(s: ArmStatistic): number {
  switch (s.type) {
    case "mean":
    case "proportion":
      return unitMean(s);
    case "ratio":
      return ratioMean(s);
    case "cuped":
      return cupedMean(s);
    case "cuped_ratio":
      return cupedRatioMean(s);
  }
}

/** Mean without regression adjustment (the relative-lift denominator). */
export function armUnadjustedMean(s: ArmStatistic): number {
  switch (s.type) {
    case "cuped":
      return unitMean(s.post);
    case "cuped_ratio":
      return cupedRatioMeanPost(s);
    default:
      return armMean(s);
  }
}

/** Per-unit variance of an arm's (adjusted) metric; the variance of its mean is this / n. */
export function armVariance(s: ArmStatistic): number {
  switch (s.type) {
    case "mean":
    case "proportion":
      return unitVariance(s);
    case "ratio":
      return ratioVariance(s);
    case "cuped":
      return cupedVariance(s);
    case "cuped_ratio":
      return cupedRatioVariance(s);
  }
}

/** gbstats `frequentist_variance`: variance of the absolute or relative difference of two independent means. */
export function frequentistVariance(
  varA: number,
  meanA: number,
  nA: number,
  varB: number,
  meanB: number,
  nB: number,
  relative: boolean,
): number {
  if (!relative) return varB / nB + varA / nA;
  return varB / (meanA * meanA * nB) + (varA * meanB * meanB) / (meanA ** 4 * nA);
}

export interface ArmSummary {
  readonly n: number;
  /** CUPED-adjusted mean (equal to the unadjusted mean without CUPED). */
  readonly mean: number;
  readonly unadjustedMean: number;
  /** Per-unit variance of the (adjusted) metric. */
  readonly variance: number;
}

export interface EffectMoments {
  readonly pointEstimate: number;
  readonly standardError: number;
  /** null when the effect could be estimated; otherwise one of the *_MESSAGE constants. */
  readonly errorMessage: string | null;
  readonly differenceType: DifferenceType;
  /** θ used for CUPED, null when unadjusted (including the silent fallback when θ = 0). */
  readonly theta: number | null;
  readonly control: ArmSummary;
  readonly treatment: ArmSummary;
  /** The arms after θ estimation (what the tests' degrees of freedom are computed from). */
  readonly adjusted: { readonly control: ArmStatistic; readonly treatment: ArmStatistic };
}

function summarize(s: ArmStatistic): ArmSummary {
  return { n: s.n, mean: armMean(s), unadjustedMean: armUnadjustedMean(s), variance: armVariance(s) };
}

function effectVariance(a: ArmStatistic, b: ArmStatistic, relative: boolean): number {
  if (relative && a.type === "cuped" && b.type === "cuped") return cupedRelativeVariance(a, b);
  if (relative && a.type === "cuped_ratio" && b.type === "cuped_ratio") return cupedRatioRelativeVariance(a, b);
  return frequentistVariance(
    armVariance(a),
    armUnadjustedMean(a),
    a.n,
    armVariance(b),
    armUnadjustedMean(b),
    b.n,
    relative,
  );
}

/** Point estimate and standard error of the effect of `treatment` over `control`. */
export function effectMoments(
  control: ArmStatistic,
  treatment: ArmStatistic,
  differenceType: DifferenceType = "relative",
): EffectMoments {
  const relative = differenceType === "relative";
  const pair = applyCuped(control, treatment);
  const a = pair.control;
  const b = pair.treatment;
  const base = {
    differenceType,
    theta: pair.theta,
    control: summarize(a),
    treatment: summarize(b),
    adjusted: { control: a, treatment: b },
  };
  const fail = (errorMessage: string): EffectMoments => ({ ...base, pointEstimate: 0, standardError: 0, errorMessage });

  // Arms of different metric kinds cannot be compared (gbstats raises/defaults for CUPED vs non-CUPED).
  if (a.type !== b.type) return fail(MISMATCHED_ARM_TYPES_MESSAGE);
  const variance = effectVariance(a, b, relative);
  if (base.control.variance <= 0 || base.treatment.variance <= 0 || !(variance > 0)) {
    return fail(ZERO_NEGATIVE_VARIANCE_MESSAGE);
  }
  if (base.control.mean === 0 || base.control.unadjustedMean === 0) return fail(BASELINE_VARIATION_ZERO_MESSAGE);

  const diff = base.treatment.mean - base.control.mean;
  return {
    ...base,
    pointEstimate: relative ? diff / base.control.unadjustedMean : diff,
    standardError: Math.sqrt(variance),
    errorMessage: null,
  };
}
