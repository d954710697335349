import { describe, expect, test } from "bun:test";
import { checkSrm, srmPValue } from "./srm.ts";

describe("sample ratio mismatch", () => {
  test("balanced traffic: no mismatch", () => {
    const r = checkSrm([5012, 4988], [0.5, 0.5]);
    expect(r.chiSquare).toBeCloseTo(0.0576, 10);
    expect(r.degreesOfFreedom).toBe(1);
    expect(r.mismatch).toBe(false);
  });

  test("flags p < 0.001", () => {
    // χ² = (1000 − 1100)²/1100 + (1200 − 1100)²/1100 = 18.18…, p ≈ 2.0e-5
    const r = checkSrm([1000, 1200], [0.5, 0.5]);
    expect(r.pValue).toBeLessThan(0.001);
    expect(r.mismatch).toBe(true);
  });

  test("p just above the threshold is not flagged; the threshold can be changed", () => {
    // χ² = 2·100²/2000 = 10, survival of χ²₁ at 10 is 0.00157
    const users = [2000 - 100, 2000 + 100, 0];
    const weights = [0.5, 0.5, 0];
    expect(checkSrm(users, weights).mismatch).toBe(false);
    expect(checkSrm(users, weights, 0.01).mismatch).toBe(true);
  });

  test("weights need not sum to 1", () => {
    expect(srmPValue([310, 98], [3, 1])).toBeCloseTo(srmPValue([310, 98], [0.75, 0.25]), 14);
  });

  test("an extreme imbalance keeps its tiny p-value instead of rounding to 0", () => {
    // χ² = 2·1000²/2000 = 1000; 1 − CDF would be exactly 0 in double precision
    const p = srmPValue([3000, 1000], [0.5, 0.5]);
    expect(p).toBeGreaterThan(1e-220);
    expect(p).toBeLessThan(1e-210);
  });

  test("fewer than two valid arms or no users: p = 1", () => {
    expect(srmPValue([10], [1])).toBe(1);
    expect(srmPValue([0, 0], [0.5, 0.5])).toBe(1);
    expect(srmPValue([10, 10], [1, 0])).toBe(1);
  });
});
