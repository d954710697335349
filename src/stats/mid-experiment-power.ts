/**
 * Mid-experiment power: how much more traffic a running experiment needs to detect a target effect.
 *
 * Port of gbstats 0.8.0 `MidExperimentPower` (`gbstats/power/midexperimentpower.py`, MIT). With the current
 * effect variance σ̂²_Δ (SE² from `effectMoments`) over N units, collecting s·N more units shrinks it to
 * σ̂²_Δ/(1 + s). Power at s for target MDE δ:
 * - frequentist: 1 − Φ((h − δ)/σ) + Φ(−(h + δ)/σ), σ² = σ̂²_Δ/(1 + s), h = z_{1−α/(2m)}·σ, or for sequential
 *   testing the confidence-sequence half-width at N(1 + s) units with per-unit variance N·σ̂²_Δ;
 * - Bayesian with a proper prior N(μ₀, σ₀²): the same with h = σ²·sqrt(1/σ₀² + 1/σ²)·z and the prior pull
 *   σ²·μ₀/σ₀² subtracted.
 * m = (variations − 1)·goal metrics when p-values are corrected, else 1; the target power is spread over the goal
 * metrics as power^(1/metrics). s is found by doubling (up to 2²⁷) then bisection to |power − target| < 1e-5.
 */

import type { GaussianPrior } from "./bayesian.ts";
import { normalCdf, normalQuantile } from "./distributions.ts";
import { sequentialHalfwidth, sequentialRho } from "./sequential.ts";

export interface MidExperimentPowerInput {
  /** σ̂²_Δ: squared standard error of the current effect estimate (0 when the test errored). */
  readonly effectVariance: number;
  /** Units in the two arms compared (n_A + n_B). */
  readonly pairwiseSampleSize: number;
  readonly alpha?: number;
  readonly targetPower: number;
  readonly targetMde: number;
  readonly numGoalMetrics?: number;
  readonly numVariations?: number;
  readonly pValueCorrected?: boolean;
  readonly sequential?: boolean;
  readonly sequentialTuningParameter?: number;
  readonly prior?: GaussianPrior | null;
}

export interface MidExperimentPowerResult {
  /** Additional traffic as a multiple of the current pairwise sample size; null if not found. */
  readonly scalingFactor: number | null;
  readonly powerAtScalingFactor: number | null;
  readonly converged: boolean;
  readonly upperBoundAchieved: boolean;
  readonly error: string | null;
}

/** Power at scaling factor s (additional units = s·pairwiseSampleSize). */
export function midExperimentPowerAt(input: MidExperimentPowerInput, scalingFactor: number): number {
  const alpha = input.alpha ?? 0.05;
  const numTests = input.pValueCorrected ? ((input.numVariations ?? 2) - 1) * (input.numGoalMetrics ?? 1) : 1;
  const multiplier = normalQuantile(1 - alpha / (2 * numTests));
  const mde = Math.abs(input.targetMde);
  const variance = input.effectVariance / (1 + scalingFactor);
  const sd = Math.sqrt(variance);
  const prior = input.prior;
  if (prior && prior.proper) {
    const posteriorPrecision = 1 / prior.variance + 1 / variance;
    const num1 = variance * Math.sqrt(posteriorPrecision) * multiplier;
    const num2 = (variance * prior.mean) / prior.variance;
    return 1 - normalCdf((num1 - num2 - mde) / sd) + normalCdf(-(num1 + num2 + mde) / sd);
  }
  let halfwidth: number;
  if (input.sequential) {
    const a = alpha / numTests;
    const n = input.pairwiseSampleSize;
    const rho = sequentialRho(a, input.sequentialTuningParameter ?? 5000);
    halfwidth = sequentialHalfwidth(n * input.effectVariance, n * (1 + scalingFactor), a, rho);
  } else {
    halfwidth = multiplier * sd;
  }
  return 1 - normalCdf((halfwidth - mde) / sd) + normalCdf(-(halfwidth + mde) / sd);
}

/** Scaling factor s at which the experiment reaches the target power for the target MDE. */
export function midExperimentPower(input: MidExperimentPowerInput): MidExperimentPowerResult {
  const target = input.targetPower ** (1 / (input.numGoalMetrics ?? 1));
  const power = (s: number) => midExperimentPowerAt(input, s);
  const atZero = power(0);
  if (atZero > target) {
    return { scalingFactor: 0, powerAtScalingFactor: atZero, converged: true, upperBoundAchieved: false, error: null };
  }
  let scalingFactor = 1;
  let current = power(scalingFactor);
  for (let i = 0; i < 27 && current < target; i++) {
    scalingFactor *= 2;
    current = power(scalingFactor);
  }
  if (current < target) {
    return {
      scalingFactor: null,
      powerAtScalingFactor: null,
      converged: false,
      upperBoundAchieved: true,
      error: "could not find upper bound for scaling factor",
    };
  }
  const maxIterations = 100;
  let lower = 0;
  let upper = scalingFactor;
  let diff = current - target;
  let iteration = 0;
  for (; iteration < maxIterations; iteration++) {
    if (diff > 0) upper = scalingFactor;
    else lower = scalingFactor;
    scalingFactor = 0.5 * (lower + upper);
    current = power(scalingFactor);
    diff = current - target;
    if (Math.abs(diff) < 1e-5) break;
  }
  const converged = iteration < maxIterations - 1;
  return {
    scalingFactor,
    powerAtScalingFactor: current,
    converged,
    upperBoundAchieved: false,
    error: converged ? null : "bisection search did not converge",
  };
}
