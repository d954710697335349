import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { CURRENCIES } from "./currency.ts";
import {
  MoneyError, add, allocate, applyRate, divRound, extractRate, formatMoney, money, multiply, parseDecimal,
  percentToPpm, ppmToPercent, roundHalfEven, roundHalfUp, subtract, sum, toDecimalString,
} from "./money.ts";

const SEED = { seed: 20260101, numRuns: 300 };
const currency = fc.constantFrom(...Object.keys(CURRENCIES));
const amount = fc.integer({ min: -1_000_000_000, max: 1_000_000_000 });

describe("money constructors", () => {
  test("reject floats, NaN, unsafe integers and unknown currencies", () => {
    expect(() => money(19.99, "EUR")).toThrow(MoneyError);
    expect(() => money(Number.NaN, "EUR")).toThrow(MoneyError);
    expect(() => money(2 ** 53, "EUR")).toThrow(MoneyError);
    expect(() => money(100, "XXX")).toThrow(MoneyError);
    expect(() => multiply(money(100, "EUR"), 1.5)).toThrow(MoneyError);
    expect(() => add(money(1, "EUR"), money(1, "USD"))).toThrow(MoneyError);
    expect(() => multiply(money(Number.MAX_SAFE_INTEGER, "EUR"), 2)).toThrow(MoneyError);
    expect(money(1999, "EUR")).toEqual({ amount: 1999, currency: "EUR" });
  });
});

describe("named rounding", () => {
  test("half-even and half-up differ only on exact ties", () => {
    expect([5n, 15n, 25n, -5n, -15n].map((n) => roundHalfEven(n, 10n))).toEqual([0n, 2n, 2n, 0n, -2n]);
    expect([5n, 15n, 25n, -5n, -15n].map((n) => roundHalfUp(n, 10n))).toEqual([1n, 2n, 3n, -1n, -2n]);
    expect(roundHalfEven(16n, 10n)).toBe(2n);
    expect(roundHalfEven(14n, 10n)).toBe(1n);
  });

  test("property: the rounded quotient is within half a unit of the exact one, for both rules", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), (n, d) => {
        for (const mode of ["halfEven", "halfUp"] as const) {
          const q = divRound(n, d, mode);
          const err = n * 2n - q * 2n * d; // 2·(n − q·d), compared to d
          if (err > d || -err > d) return false;
        }
        return true;
      }),
      SEED,
    );
  });
});

describe("arithmetic", () => {
  test("property: add and subtract are exact inverses and sum is order independent", () => {
    fc.assert(
      fc.property(currency, fc.array(amount, { minLength: 1, maxLength: 30 }), (cur, xs) => {
        const ms = xs.map((x) => money(x, cur));
        const total = sum(ms, cur);
        const reversed = sum([...ms].reverse(), cur);
        const back = ms.reduce((acc, m) => subtract(acc, m), total);
        return total.amount === xs.reduce((a, b) => a + b, 0) && reversed.amount === total.amount && back.amount === 0;
      }),
      SEED,
    );
  });

  test("property: allocate never loses or creates a minor unit and shares are within one unit of exact", () => {
    fc.assert(
      fc.property(currency, amount, fc.array(fc.integer({ min: 0, max: 10_000 }), { minLength: 1, maxLength: 12 }), (cur, a, ws) => {
        fc.pre(ws.some((w) => w > 0));
        const parts = allocate(money(a, cur), ws);
        const total = ws.reduce((x, y) => x + y, 0);
        if (sum(parts, cur).amount !== a) return false;
        return parts.every((p, i) => {
          const exact = (a * ws[i]!) / total;
          return Math.abs(p.amount - exact) < 1 + 1e-6;
        });
      }),
      SEED,
    );
    expect(allocate(money(100, "EUR"), [1, 1, 1]).map((m) => m.amount)).toEqual([34, 33, 33]);
    expect(allocate(money(-100, "EUR"), [1, 1, 1]).map((m) => m.amount)).toEqual([-34, -33, -33]);
    expect(() => allocate(money(100, "EUR"), [0, 0])).toThrow(MoneyError);
  });

  test("property: exclusive tax then extraction from the gross gives the net back exactly (rates ≤ 100%)", () => {
    fc.assert(
      fc.property(currency, fc.integer({ min: 0, max: 10 ** 11 }), fc.integer({ min: 0, max: 1_000_000 }), (cur, net, rate) => {
        const n = money(net, cur);
        const tax = applyRate(n, rate, "halfEven");
        const gross = add(n, tax);
        return extractRate(gross, rate, "halfEven").amount === tax.amount;
      }),
      SEED,
    );
  });
});

describe("decimal strings, rates and formatting", () => {
  test("exact decimal round-trip for every currency exponent", () => {
    fc.assert(
      fc.property(currency, amount, (cur, a) => parseDecimal(toDecimalString(money(a, cur)), cur).amount === a),
      SEED,
    );
    expect(toDecimalString(money(-5, "EUR"))).toBe("-0.05");
    expect(toDecimalString(money(12345, "KWD"))).toBe("12.345");
    expect(toDecimalString(money(500, "JPY"))).toBe("500");
    expect(() => parseDecimal("1.234", "EUR")).toThrow(MoneyError);
  });

  test("percentages convert to exact millionths and back", () => {
    expect(percentToPpm("20")).toBe(200_000);
    expect(percentToPpm("5.5")).toBe(55_000);
    expect(percentToPpm("0.0001")).toBe(1);
    expect(ppmToPercent(55_000)).toBe("5.5");
    expect(ppmToPercent(200_000)).toBe("20");
    expect(() => percentToPpm("5.55555")).toThrow(MoneyError);
    fc.assert(fc.property(fc.integer({ min: 0, max: 9_999_999 }), (p) => percentToPpm(ppmToPercent(p)) === p), SEED);
  });

  test("formatting is locale-aware and uses the currency's decimals", () => {
    expect(formatMoney(money(1999, "EUR"))).toBe("€19.99");
    expect(formatMoney(money(1999, "EUR"), "fr-FR").replace(/\s/g, " ")).toBe("19,99 €");
    expect(formatMoney(money(1999, "JPY"), "en")).toBe("¥1,999");
  });
});
