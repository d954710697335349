/**
 * Monte-Carlo checks of the tests' operating characteristics with a seeded PRNG (mulberry32 + Box–Muller), so
 * every run draws the same numbers. Bounds are ≈ 3 binomial standard errors around the nominal rate.
 */

import { describe, expect, test } from "bun:test";
import type { SampleMeanStatistic } from "./moments.ts";
import { cuped, sampleMean } from "./moments.ts";
import { tTest } from "./frequentist.ts";
import { sequentialTest } from "./sequential.ts";

/** mulberry32: a tiny 32-bit PRNG with good statistical quality for simulations. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws by Box–Muller (both values of each pair used). */
function normalGenerator(seed: number): () => number {
  const uniform = mulberry32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  };
}

/** Running n, Σx, Σx² of one arm. */
class Accumulator {
  n = 0;
  sum = 0;
  sumSquares = 0;
  add(x: number): void {
    this.n++;
    this.sum += x;
    this.sumSquares += x * x;
  }
  stat(): SampleMeanStatistic {
    return sampleMean(this.n, this.sum, this.sumSquares);
  }
}

function armSample(normal: () => number, n: number, mean: number, sd: number): SampleMeanStatistic {
  const acc = new Accumulator();
  for (let i = 0; i < n; i++) acc.add(mean + sd * normal());
  return acc.stat();
}

describe("A/A simulations", () => {
  test("fixed-horizon Welch t-test: 2,000 A/A experiments reject at ≈ α = 5%", () => {
    const normal = normalGenerator(20240601);
    const experiments = 2000;
    let rejections = 0;
    for (let e = 0; e < experiments; e++) {
      const r = tTest(armSample(normal, 200, 10, 3), armSample(normal, 200, 10, 3), { alpha: 0.05 });
      if ((r.pValue ?? 1) < 0.05) rejections++;
    }
    const rate = rejections / experiments;
    expect(rate).toBeGreaterThanOrEqual(0.035);
    expect(rate).toBeLessThanOrEqual(0.065);
  });

  test("sequential test: 500 A/A experiments peeked 20 times stay ≤ 5.5% (naive peeking does not)", () => {
    const normal = normalGenerator(7);
    const experiments = 500;
    const peeks = 20;
    const batch = 50; // per arm per peek: 1,000 per arm at the last look
    let sequentialRejections = 0;
    let naiveRejections = 0;
    for (let e = 0; e < experiments; e++) {
      const a = new Accumulator();
      const b = new Accumulator();
      let sequentialRejected = false;
      let naiveRejected = false;
      for (let peek = 0; peek < peeks; peek++) {
        for (let i = 0; i < batch; i++) {
          a.add(10 + 3 * normal());
          b.add(10 + 3 * normal());
        }
        const seq = sequentialTest(a.stat(), b.stat(), { alpha: 0.05, tuningParameter: 2000 });
        if (seq.ci[0] > 0 || seq.ci[1] < 0) sequentialRejected = true;
        if ((tTest(a.stat(), b.stat(), { alpha: 0.05 }).pValue ?? 1) < 0.05) naiveRejected = true;
      }
      if (sequentialRejected) sequentialRejections++;
      if (naiveRejected) naiveRejections++;
    }
    expect(sequentialRejections / experiments).toBeLessThanOrEqual(0.055);
    // The same data with a fixed-horizon test at every peek: the inflation the sequence protects against.
    expect(naiveRejections / experiments).toBeGreaterThan(0.1);
  });
});

describe("CUPED variance reduction", () => {
  /** Mean ratio of CI widths (CUPED / unadjusted) over simulated experiments with corr(pre, post) = rho. */
  function widthRatio(rho: number, seed: number): number {
    const normal = normalGenerator(seed);
    const experiments = 100;
    const n = 1000;
    let total = 0;
    for (let e = 0; e < experiments; e++) {
      const arms = [0, 1].map(() => {
        const post = new Accumulator();
        const pre = new Accumulator();
        let sumPostPre = 0;
        for (let i = 0; i < n; i++) {
          const z1 = normal();
          const z2 = normal();
          const x = 20 + 5 * z1;
          const y = 25 + 6 * (rho * z1 + Math.sqrt(1 - rho * rho) * z2);
          pre.add(x);
          post.add(y);
          sumPostPre += x * y;
        }
        return { post: post.stat(), pre: pre.stat(), sumPostPre };
      });
      const [a, b] = arms;
      if (!a || !b) throw new Error("unreachable");
      const plain = tTest(a.post, b.post, { differenceType: "absolute" });
      const adjusted = tTest(cuped(a.post, a.pre, a.sumPostPre), cuped(b.post, b.pre, b.sumPostPre), {
        differenceType: "absolute",
      });
      total += (adjusted.ci[1] - adjusted.ci[0]) / (plain.ci[1] - plain.ci[0]);
    }
    return total / experiments;
  }

  test("ρ = 0.7 shrinks the CI by 1 − sqrt(1 − ρ²) ≈ 28.6%, as the theory says", () => {
    const shrink = 1 - widthRatio(0.7, 11);
    expect(shrink).toBeGreaterThan(0.27);
    expect(shrink).toBeLessThan(0.3);
  });

  test("ρ = 0.8 shrinks the CI by ≥ 30% (theory: 40%)", () => {
    const shrink = 1 - widthRatio(0.8, 12);
    expect(shrink).toBeGreaterThanOrEqual(0.3);
    expect(shrink).toBeGreaterThan(0.38);
    expect(shrink).toBeLessThan(0.42);
  });
});
