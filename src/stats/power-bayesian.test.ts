// Bayesian pre-experiment power and MDE against the values GrowthBook publishes for the same model
// (testdata/growthbook-power-bayesian.json), plus the properties they must have.
import { describe, expect, test } from "bun:test";
import { findMdeBayesian, powerEstBayesian, type LiftPrior, type PowerMetric } from "./power.ts";
import golden from "./testdata/growthbook-power-bayesian.json";

type Raw = { type: string; conversionRate?: number; mean?: number; variance?: number; effectSize?: number };
const metricOf = (r: Raw, effectSize = r.effectSize ?? 0): PowerMetric =>
  r.type === "binomial"
    ? { type: "binomial", conversionRate: r.conversionRate!, effectSize }
    : { type: "mean", mean: r.mean!, standardDeviation: Math.sqrt(r.variance!), effectSize };
const priorOf = (p: { liftMean: number; liftVariance: number; proper: boolean }): LiftPrior => ({
  liftMean: p.liftMean, liftStandardDeviation: Math.sqrt(p.liftVariance), proper: p.proper,
});

describe("Bayesian power (GrowthBook's published values)", () => {
  const w = golden.weeks;
  const prior = priorOf(w.prior);
  const cells = Array.from({ length: 9 }, (_, week) => w.metrics.map((m, k) => ({ week: week + 1, m, i: week * w.metrics.length + k }))).flat();

  test("power for 9 weeks of 4,500 users, two metrics, three arms: every value to 5 decimals", () => {
    const got = cells.map(({ week, m }) => powerEstBayesian(metricOf(m), prior, w.usersPerWeek * week, w.nVariations, { alpha: w.alpha }));
    expect(got.map((p) => Number(p.toFixed(5)))).toEqual(w.power);
  });

  test("MDE at 80% power for the same weeks: within the 1e-5 grid GrowthBook searches", () => {
    for (const { week, m, i } of cells) {
      const r = findMdeBayesian(metricOf(m), prior, w.targetPower, w.usersPerWeek * week, w.nVariations, { alpha: w.alpha });
      if (r.type !== "success") throw new Error(`week ${week} ${m.key}: ${r.description}`);
      // GrowthBook returns the first point of a 1e-5 grid reaching the power; ours is the crossing itself.
      expect(Math.abs(r.mde - w.mde[i]!)).toBeLessThanOrEqual(1.5e-5);
    }
  });

  test("round trip, relative and absolute: the MDE at 80% is the published lift, and the power at that lift is 0.8", () => {
    const rt = golden.roundTrip;
    const p = priorOf(rt.prior);
    for (const [mode, relative] of [["relative", true], ["absolute", false]] as const) {
      const lift = rt[mode].effectSize;
      const mde = findMdeBayesian(metricOf(rt.metric, 0), p, rt.power, rt.n, rt.nVariations, { alpha: rt.alpha, relative });
      if (mde.type !== "success") throw new Error(mde.description);
      // The published lift is GrowthBook's MDE, a point of its 1e-5 grid: ours is the crossing, at most a step below.
      expect(Math.abs(mde.mde - lift)).toBeLessThanOrEqual(1.5e-5);
      expect(Number(powerEstBayesian(metricOf(rt.metric, lift), p, rt.n, rt.nVariations, { alpha: rt.alpha, relative }).toFixed(3))).toBe(rt.power);
    }
  });
});

describe("Bayesian power: properties", () => {
  const metric: PowerMetric = { type: "binomial", conversionRate: 0.05, effectSize: 0.1 };
  const flat: LiftPrior = { liftMean: 0, liftStandardDeviation: 1, proper: false };

  test("a flat prior is the frequentist two-tailed z-test", async () => {
    const { powerEstFrequentist } = await import("./power.ts");
    expect(powerEstBayesian(metric, flat, 100_000, 2)).toBeCloseTo(powerEstFrequentist(metric, 100_000, 2), 12);
  });

  test("more users, more power; the MDE reaches its power and shrinks with users", () => {
    const prior: LiftPrior = { liftMean: 0, liftStandardDeviation: 0.3, proper: true };
    expect(powerEstBayesian(metric, prior, 200_000, 2)).toBeGreaterThan(powerEstBayesian(metric, prior, 50_000, 2));
    const small = findMdeBayesian(metric, prior, 0.8, 50_000, 2);
    const big = findMdeBayesian(metric, prior, 0.8, 200_000, 2);
    if (small.type !== "success" || big.type !== "success") throw new Error("no MDE");
    expect(big.mde).toBeLessThan(small.mde);
    expect(powerEstBayesian({ ...metric, effectSize: big.mde }, prior, 200_000, 2)).toBeCloseTo(0.8, 9);
    expect(powerEstBayesian({ ...metric, effectSize: big.mde - 1e-6 }, prior, 200_000, 2)).toBeLessThan(0.8);
  });

  test("a confident prior far from 0 (here a -500% lift) makes a lift of 0 'detected' already: the MDE is 0", () => {
    const confident: LiftPrior = { liftMean: -5, liftStandardDeviation: 0.01, proper: true };
    expect(findMdeBayesian(metric, confident, 0.8, 100_000, 2)).toEqual({ type: "success", mde: 0 });
  });

  test("errors: power not above alpha, no lift up to 500% enough, a proper prior with no spread", () => {
    expect(findMdeBayesian(metric, flat, 0.05, 100_000, 2).type).toBe("error");
    expect(findMdeBayesian(metric, flat, 0.8, 20, 2)).toMatchObject({ type: "error", description: expect.stringContaining("500%") });
    expect(() => powerEstBayesian(metric, { liftMean: 0, liftStandardDeviation: 0, proper: true }, 1_000, 2)).toThrow(RangeError);
  });
});
