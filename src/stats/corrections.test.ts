import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { benjaminiHochberg, holmBonferroni } from "./corrections.ts";

function rounded(values: readonly number[], decimals = 10): number[] {
  return values.map((v) => Math.round(v * 10 ** decimals) / 10 ** decimals);
}

describe("Holm–Bonferroni", () => {
  test("textbook example", () => {
    // sorted 0.01, 0.02, 0.03, 0.04 → ×4, ×3, ×2, ×1 = 0.04, 0.06, 0.06, 0.04 → running max 0.04, 0.06, 0.06, 0.06
    expect(rounded(holmBonferroni([0.04, 0.01, 0.03, 0.02]))).toEqual([0.06, 0.04, 0.06, 0.06]);
  });

  test("single p-value and empty family are unchanged", () => {
    expect(holmBonferroni([0.03])).toEqual([0.03]);
    expect(holmBonferroni([])).toEqual([]);
  });

  test("caps at 1", () => {
    expect(holmBonferroni([0.5, 0.6, 0.9])).toEqual([1, 1, 1]);
  });
});

describe("Benjamini–Hochberg", () => {
  test("textbook example", () => {
    // sorted 0.01, 0.02, 0.03, 0.04 (m = 4) → ×4/1, ×4/2, ×4/3, ×4/4 = 0.04 each
    expect(rounded(benjaminiHochberg([0.04, 0.01, 0.03, 0.02]))).toEqual([0.04, 0.04, 0.04, 0.04]);
  });

  test("ties share one adjusted value", () => {
    expect(rounded(benjaminiHochberg([0.02, 0.02, 0.5]))).toEqual([0.03, 0.03, 0.5]);
  });
});

describe("properties", () => {
  const family = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 40 });

  test("raw ≤ BH ≤ Holm ≤ 1, and adjustment preserves the order of raw p-values", () => {
    fc.assert(
      fc.property(family, (p) => {
        const holm = holmBonferroni(p);
        const bh = benjaminiHochberg(p);
        for (let i = 0; i < p.length; i++) {
          const raw = p[i] ?? 0;
          const h = holm[i] ?? 0;
          const b = bh[i] ?? 0;
          if (!(raw <= b + 1e-15 && b <= h + 1e-15 && h <= 1)) return false;
          for (let j = 0; j < p.length; j++) {
            if (raw < (p[j] ?? 0) && (h > (holm[j] ?? 0) || b > (bh[j] ?? 0))) return false;
          }
        }
        return true;
      }),
    );
  });
});
