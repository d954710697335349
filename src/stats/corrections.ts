/**
 * Multiple-testing corrections of a family of p-values (e.g. goal metrics × variations).
 *
 * As in GrowthBook (`adjustPValuesHolmBonferroni`, `adjustPValuesBenjaminiHochberg` in
 * packages/shared/src/experiments, MIT):
 * - Holm (1979) step-down, controls the family-wise error rate: sort ascending, p_(i)·(m − i + 1) capped at 1,
 *   then a running maximum so adjusted values keep the order of the raw ones;
 * - Benjamini–Hochberg (1995) step-up, controls the false discovery rate: p_(i)·m/i capped at 1, then a running
 *   minimum from the largest p-value down.
 * Results come back in input order. Ties keep their input order (stable sort), which does not change the values.
 */

function ascendingOrder(pValues: readonly number[]): number[] {
  return pValues.map((_, i) => i).sort((i, j) => (pValues[i] ?? 0) - (pValues[j] ?? 0));
}

/** Holm–Bonferroni adjusted p-values (FWER). */
export function holmBonferroni(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const adjusted = new Array<number>(m).fill(1);
  let running = 0;
  ascendingOrder(pValues).forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (pValues[index] ?? 1) * (m - rank)));
    adjusted[index] = running;
  });
  return adjusted;
}

/** Benjamini–Hochberg adjusted p-values (FDR). */
export function benjaminiHochberg(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const adjusted = new Array<number>(m).fill(1);
  const order = ascendingOrder(pValues);
  let running = 1;
  for (let rank = m - 1; rank >= 0; rank--) {
    const index = order[rank] ?? 0;
    running = Math.min(running, Math.min(1, ((pValues[index] ?? 1) * m) / (rank + 1)));
    adjusted[index] = running;
  }
  return adjusted;
}
