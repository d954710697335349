/**
 * Sample ratio mismatch (SRM): Pearson χ² goodness-of-fit of the observed users per arm against the configured
 * traffic weights, p = P(χ²_{k−1} > x). An SRM is flagged when p < 0.001 (GrowthBook's default threshold).
 *
 * Follows GrowthBook's `checkSrm` (packages/back-end/src/util/stats.ts, MIT), the implementation behind its UI:
 * arms with a zero/missing weight or a missing user count are dropped together with their users, at least two
 * valid arms are required, and no users at all gives p = 1. (gbstats' Python `check_srm` differs: it keeps the
 * users of zero-weight arms in the total and uses df = len(users) − 1.) The survival function is computed
 * directly, so tiny p-values keep their precision instead of rounding 1 − CDF to 0.
 */

import { chiSquareSf } from "./distributions.ts";

export const SRM_THRESHOLD = 0.001;

export interface SrmResult {
  readonly pValue: number;
  /** Pearson statistic over the valid arms (0 when skipped). */
  readonly chiSquare: number;
  /** Degrees of freedom: valid arms − 1 (0 when skipped). */
  readonly degreesOfFreedom: number;
  /** true when pValue < threshold. */
  readonly mismatch: boolean;
}

/** SRM p-value for `users[i]` observed in arm i configured at `weights[i]` (weights need not sum to 1). */
export function srmPValue(users: readonly number[], weights: readonly number[]): number {
  return checkSrm(users, weights).pValue;
}

export function checkSrm(
  users: readonly number[],
  weights: readonly number[],
  threshold: number = SRM_THRESHOLD,
): SrmResult {
  const observed: number[] = [];
  const weight: number[] = [];
  let totalUsers = 0;
  let totalWeight = 0;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    const u = users[i];
    if (!w || u === undefined) continue;
    observed.push(u);
    weight.push(w);
    totalUsers += u;
    totalWeight += w;
  }
  if (observed.length < 2 || totalUsers === 0) {
    return { pValue: 1, chiSquare: 0, degreesOfFreedom: 0, mismatch: false };
  }
  let x = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = ((weight[i] ?? 0) / totalWeight) * totalUsers;
    x += ((observed[i] ?? 0) - expected) ** 2 / expected;
  }
  const degreesOfFreedom = observed.length - 1;
  const pValue = chiSquareSf(x, degreesOfFreedom);
  return { pValue, chiSquare: x, degreesOfFreedom, mismatch: pValue < threshold };
}
