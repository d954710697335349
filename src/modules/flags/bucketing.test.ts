import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import type { BucketRange, Namespace } from "./bucketing.ts";
import {
  chooseVariation,
  evaluateAssignment,
  fnv1a32,
  getBucketRanges,
  getEqualWeights,
  hash,
  inNamespace,
} from "./bucketing.ts";

const FIXTURE_URL = new URL("./testdata/growthbook-bucketing-cases.json", import.meta.url);
const fixture: unknown = await Bun.file(FIXTURE_URL).json();

// Hashes are k/1000 or k/10000 computed exactly as the SDK does, so they are compared exactly. Ranges and
// weights are sums of floats: compared after rounding to 6 decimals (ranges; "0.9999" cases) and 8 decimals
// (weights; the fixture stores 1/3 as 0.33333333), like GrowthBook's SDK tests round before comparing.
const RANGE_DECIMALS = 6;
const WEIGHT_DECIMALS = 8;

function round(x: number, decimals: number): number {
  return Math.round(x * 10 ** decimals) / 10 ** decimals;
}

function group(name: string): unknown[] {
  if (typeof fixture !== "object" || fixture === null || !(name in fixture)) throw new Error(`fixture: no ${name}`);
  const value: unknown = (fixture as Record<string, unknown>)[name];
  if (!Array.isArray(value)) throw new Error(`fixture: ${name} is not an array`);
  return value;
}

function tuple(value: unknown, length: number): unknown[] {
  if (!Array.isArray(value) || value.length !== length) throw new Error(`fixture: expected a ${length}-tuple`);
  return value;
}

function numberOf(value: unknown): number {
  if (typeof value !== "number") throw new Error(`fixture: ${JSON.stringify(value)} is not a number`);
  return value;
}

function numbersOf(value: unknown): number[] {
  if (!Array.isArray(value)) throw new Error("fixture: not an array");
  return value.map(numberOf);
}

function rangesOf(value: unknown): BucketRange[] {
  if (!Array.isArray(value)) throw new Error("fixture: ranges are not an array");
  return value.map((r) => {
    const [start, end] = numbersOf(r);
    if (start === undefined || end === undefined) throw new Error("fixture: bad range");
    return [start, end] as const;
  });
}

describe("hash", () => {
  for (const raw of group("hash")) {
    const [seed, value, version, expected] = tuple(raw, 4);
    test(`hash(${JSON.stringify(seed)}, ${JSON.stringify(value)}, v${String(version)}) = ${String(expected)}`, () => {
      expect(hash(String(seed), String(value), numberOf(version))).toBe(expected === null ? null : numberOf(expected));
    });
  }

  test("FNV-1a reference vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  test("hashes UTF-16 code units, like the JS SDK", () => {
    // "é" is one code unit (0xE9); "😀" is two (surrogate pair). Reference: the same FNV loop over charCodeAt.
    const reference = (s: string) => {
      let h = 0x811c9dc5;
      for (let i = 0; i < s.length; i++) {
        h ^= s.charCodeAt(i);
        h += (h << 1) + (h << 4) + (h << 7) + (h << 8) + (h << 24);
      }
      return h >>> 0;
    };
    for (const s of ["é", "😀", "naïve-😀-user", "日本語"]) expect(fnv1a32(s)).toBe(reference(s));
  });

  test("property: v2 equals the SDK's string-based formula, v1 too, and both lie in [0, 1)", () => {
    // Any UTF-16 code units, lone surrogates included: the hash is defined on code units, not characters.
    const utf16 = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    fc.assert(
      fc.property(utf16, utf16, (seed, value) => {
        const v1 = hash(seed, value, 1);
        const v2 = hash(seed, value, 2);
        return (
          v1 === (fnv1a32(value + seed) % 1000) / 1000 &&
          v2 === (fnv1a32(String(fnv1a32(seed + value))) % 10000) / 10000 &&
          v2 !== null &&
          v2 >= 0 &&
          v2 < 1
        );
      }),
      { numRuns: 2000 },
    );
  });
});

describe("getBucketRanges", () => {
  for (const raw of group("getBucketRange")) {
    const [name, args, expected] = tuple(raw, 3);
    test(String(name), () => {
      const [numVariations, coverage, weights] = tuple(args, 3);
      const ranges = getBucketRanges(numberOf(numVariations), numberOf(coverage), weights === null ? null : numbersOf(weights));
      const roundRanges = (rs: readonly BucketRange[]) => rs.map((r) => [round(r[0], RANGE_DECIMALS), round(r[1], RANGE_DECIMALS)]);
      expect(roundRanges(ranges)).toEqual(roundRanges(rangesOf(expected)));
    });
  }
});

describe("chooseVariation", () => {
  for (const raw of group("chooseVariation")) {
    const [name, n, ranges, expected] = tuple(raw, 4);
    test(String(name), () => {
      expect(chooseVariation(numberOf(n), rangesOf(ranges))).toBe(numberOf(expected));
    });
  }
});

describe("inNamespace", () => {
  for (const raw of group("inNamespace")) {
    const [name, id, namespace, expected] = tuple(raw, 4);
    test(String(name), () => {
      const [ns, start, end] = tuple(namespace, 3);
      const parsed: Namespace = [String(ns), numberOf(start), numberOf(end)];
      expect(inNamespace(String(id), parsed)).toBe(expected === true);
    });
  }
});

describe("getEqualWeights", () => {
  for (const raw of group("getEqualWeights")) {
    const [n, expected] = tuple(raw, 2);
    test(`getEqualWeights(${String(n)})`, () => {
      const weights = getEqualWeights(numberOf(n)).map((w) => round(w, WEIGHT_DECIMALS));
      expect(weights).toEqual(numbersOf(expected).map((w) => round(w, WEIGHT_DECIMALS)));
    });
  }
});

describe("evaluateAssignment", () => {
  test("is hash + ranges + chooseVariation", () => {
    const n = hash("exp-checkout", "user-42", 2);
    if (n === null) throw new Error("unreachable");
    const expected = chooseVariation(n, getBucketRanges(3, 0.8, [0.2, 0.3, 0.5]));
    expect(
      evaluateAssignment({ seed: "exp-checkout", hashAttributeValue: "user-42", variations: 3, coverage: 0.8, weights: [0.2, 0.3, 0.5], hashVersion: 2 }),
    ).toBe(expected);
  });

  test("−1 outside coverage and for an unknown hash version", () => {
    expect(evaluateAssignment({ seed: "s", hashAttributeValue: "u", variations: 2, coverage: 0 })).toBe(-1);
    // @ts-expect-error: an unknown version, as could arrive from stored JSON
    expect(evaluateAssignment({ seed: "s", hashAttributeValue: "u", variations: 2, hashVersion: 3 })).toBe(-1);
  });

  test("splits traffic by the weights and is stable per user", () => {
    const counts = [0, 0];
    for (let i = 0; i < 20000; i++) {
      const v = evaluateAssignment({ seed: "split", hashAttributeValue: `user-${i}`, variations: 2, weights: [0.3, 0.7], hashVersion: 2 });
      counts[v] = (counts[v] ?? 0) + 1;
    }
    expect((counts[0] ?? 0) / 20000).toBeCloseTo(0.3, 1);
    const once = evaluateAssignment({ seed: "split", hashAttributeValue: "user-7", variations: 2, hashVersion: 2 });
    expect(evaluateAssignment({ seed: "split", hashAttributeValue: "user-7", variations: 2, hashVersion: 2 })).toBe(once);
  });

  test("lowering coverage never moves an included user to another variation", () => {
    for (let i = 0; i < 2000; i++) {
      const base = { seed: "cov", hashAttributeValue: `u${i}`, variations: 3, hashVersion: 2 } as const;
      const at50 = evaluateAssignment({ ...base, coverage: 0.5 });
      if (at50 !== -1) expect(evaluateAssignment({ ...base, coverage: 1 })).toBe(at50);
    }
  });
});
