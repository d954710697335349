/** Behaviour of the test engine beyond the golden vectors: error paths, fallbacks and internal consistency. */

import { describe, expect, test } from "bun:test";
import {
  ALPHA_TOO_LARGE_FOR_ONE_SIDED_MESSAGE,
  BASELINE_VARIATION_ZERO_MESSAGE,
  MISMATCHED_ARM_TYPES_MESSAGE,
  ZERO_NEGATIVE_VARIANCE_MESSAGE,
  bayesianTest,
  computeTheta,
  cuped,
  effectMoments,
  findMdeFrequentist,
  powerEstFrequentist,
  proportion,
  ratio,
  sampleMean,
  sampleMeanFromValues,
  sequentialTest,
  sumOfProducts,
  tTest,
} from "./index.ts";

const control = sampleMean(3000, 1396.87, 52377.9767);
const treatment = sampleMean(3461, 2422.7, 134698.29);

describe("error paths return gbstats' uninformative result", () => {
  test("zero variance", () => {
    const r = tTest(sampleMean(10, 50, 250), sampleMean(10, 60, 400));
    expect(r.errorMessage).toBe(ZERO_NEGATIVE_VARIANCE_MESSAGE);
    expect(r).toMatchObject({ expected: 0, ci: [0, 0], pValue: 1 });
  });

  test("zero baseline", () => {
    expect(tTest(proportion(100, 0), proportion(100, 5)).errorMessage).toBe(ZERO_NEGATIVE_VARIANCE_MESSAGE);
    const r = tTest(sampleMean(10, 0, 10), sampleMean(10, 5, 20));
    expect(r.errorMessage).toBe(BASELINE_VARIATION_ZERO_MESSAGE);
  });

  test("arms of different metric kinds", () => {
    const c = cuped(sampleMean(10, 5, 20), sampleMean(10, 4, 9), 7);
    expect(tTest(c, sampleMean(10, 6, 20)).errorMessage).toBe(MISMATCHED_ARM_TYPES_MESSAGE);
  });

  test("one-sided sequential test with α ≥ 0.5", () => {
    const r = sequentialTest(control, treatment, { alternative: "greater", alpha: 0.5 });
    expect(r.errorMessage).toBe(ALPHA_TOO_LARGE_FOR_ONE_SIDED_MESSAGE);
  });
});

describe("consistency", () => {
  test("one-sided p is half the two-sided p in the direction of the estimate", () => {
    const two = tTest(control, treatment, { differenceType: "absolute" });
    const greater = tTest(control, treatment, { differenceType: "absolute", alternative: "greater" });
    const less = tTest(control, treatment, { differenceType: "absolute", alternative: "less" });
    expect(greater.pValue ?? NaN).toBeCloseTo((two.pValue ?? NaN) / 2, 14);
    expect((greater.pValue ?? NaN) + (less.pValue ?? NaN)).toBeCloseTo(1, 14);
  });

  test("the confidence sequence is wider than the fixed-horizon interval", () => {
    const fixed = tTest(control, treatment);
    const seq = sequentialTest(control, treatment, { tuningParameter: 5000 });
    expect(seq.expected).toBe(fixed.expected);
    expect(seq.ci[1] - seq.ci[0]).toBeGreaterThan(fixed.ci[1] - fixed.ci[0]);
    expect(seq.pValue ?? NaN).toBeGreaterThanOrEqual(fixed.pValue ?? NaN);
  });

  test("a ratio metric with denominator 1 per unit is the plain mean", () => {
    const m = sampleMean(200, 530, 2100);
    const d = sampleMean(200, 200, 200);
    const m2 = sampleMean(220, 600, 2500);
    const d2 = sampleMean(220, 220, 220);
    const asRatio = tTest(ratio(m, d, 530), ratio(m2, d2, 600));
    const asMean = tTest(m, m2);
    expect(asRatio.expected).toBeCloseTo(asMean.expected, 14);
    expect(asRatio.uplift.stddev).toBeCloseTo(asMean.uplift.stddev, 14);
    expect(asRatio.pValue ?? NaN).toBeCloseTo(asMean.pValue ?? NaN, 12);
  });

  test("CUPED with a constant pre-period falls back to the unadjusted test", () => {
    const pre = sampleMean(3000, 3000, 3000);
    const preB = sampleMean(3461, 3461, 3461);
    const r = tTest(cuped(control, pre, control.sum), cuped(treatment, preB, treatment.sum));
    expect(r.moments.theta).toBeNull();
    expect(r.expected).toBe(tTest(control, treatment).expected);
    expect(r.pValue).toBe(tTest(control, treatment).pValue);
  });

  test("θ equals the pooled least-squares slope of post on pre", () => {
    const pre = [1, 2, 3, 4, 5, 6, 7, 8];
    const post = [2.1, 3.9, 6.2, 8.1, 9.7, 12.2, 14.1, 15.8];
    const arm = (from: number, to: number) =>
      cuped(
        sampleMeanFromValues(post.slice(from, to)),
        sampleMeanFromValues(pre.slice(from, to)),
        sumOfProducts(post.slice(from, to), pre.slice(from, to)),
      );
    const n = pre.length;
    const mx = pre.reduce((s, v) => s + v, 0) / n;
    const my = post.reduce((s, v) => s + v, 0) / n;
    let sxy = 0;
    let sxx = 0;
    for (let i = 0; i < n; i++) {
      sxy += ((pre[i] ?? 0) - mx) * ((post[i] ?? 0) - my);
      sxx += ((pre[i] ?? 0) - mx) ** 2;
    }
    const a = arm(0, 4);
    const b = arm(4, 8);
    if (a.type !== "cuped" || b.type !== "cuped") throw new Error("unreachable");
    expect(computeTheta(a, b)).toBeCloseTo(sxy / sxx, 12);
  });

  test("relative effect divides by the unadjusted control mean", () => {
    const m = effectMoments(control, treatment, "relative");
    expect(m.pointEstimate).toBeCloseTo((0.7 - 1396.87 / 3000) / (1396.87 / 3000), 14);
  });

  test("Bayesian flat prior reproduces the frequentist z-interval", () => {
    const b = bayesianTest(control, treatment);
    const m = effectMoments(control, treatment);
    expect(b.expected).toBe(m.pointEstimate);
    expect(b.ci[1] - b.expected).toBeCloseTo(1.959963984540054 * m.standardError, 12);
    expect(b.chanceToWin).toBeGreaterThan(0.9);
  });
});

describe("pre-experiment power", () => {
  const metric = { type: "binomial", conversionRate: 0.05, effectSize: 0.1 } as const;

  test("power grows with traffic and the MDE shrinks", () => {
    expect(powerEstFrequentist(metric, 200_000, 2)).toBeGreaterThan(powerEstFrequentist(metric, 50_000, 2));
    const small = findMdeFrequentist(metric, 0.8, 50_000, 2);
    const big = findMdeFrequentist(metric, 0.8, 200_000, 2);
    if (small.type !== "success" || big.type !== "success") throw new Error("MDE not found");
    expect(big.mde).toBeLessThan(small.mde);
  });

  test("power at the MDE is the requested power", () => {
    const mde = findMdeFrequentist(metric, 0.8, 100_000, 2);
    if (mde.type !== "success") throw new Error(mde.description);
    // two-tailed power ignores the far tail in the MDE closed form, hence the 1e-3 tolerance
    expect(powerEstFrequentist({ ...metric, effectSize: mde.mde }, 100_000, 2)).toBeCloseTo(0.8, 3);
  });

  test("too little traffic is reported, not computed", () => {
    expect(findMdeFrequentist(metric, 0.8, 100, 2).type).toBe("error");
    expect(findMdeFrequentist(metric, 0.01, 100_000, 2).type).toBe("error");
  });
});
