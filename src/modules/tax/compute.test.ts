// Acceptance 1 (issue 3): property tests over random carts of lines, rates and currencies.
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { CURRENCIES } from "../../kernel/currency.ts";
import { RATE_SCALE, money } from "../../kernel/money.ts";
import { computeTaxes, findZone, type TaxInput, type TaxZoneRates } from "./compute.ts";
import { TAX_CATEGORIES, type TaxCategory } from "./vat.ts";

const RUNS = { seed: 424242, numRuns: 400 };

const rate = fc.oneof(fc.constantFrom(0, 55_000, 70_000, 100_000, 190_000, 200_000, 210_000, 220_000), fc.integer({ min: 0, max: RATE_SCALE }));
const cart = fc.record({
  currency: fc.constantFrom(...Object.keys(CURRENCIES)),
  rates: fc.record({ standard: rate, reduced: rate, zero: fc.constant(0) }),
  lines: fc.array(
    fc.record({
      unit: fc.integer({ min: 0, max: 10_000_000 }),
      quantity: fc.integer({ min: 0, max: 500 }),
      taxCategory: fc.constantFrom<TaxCategory>(...TAX_CATEGORIES),
    }),
    { minLength: 1, maxLength: 25 },
  ),
  shipping: fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
});
type Cart = typeof cart extends fc.Arbitrary<infer T> ? T : never;

const zoneOf = (c: Cart): TaxZoneRates => ({
  id: "txz_x",
  name: "X",
  countryCode: "XX",
  region: null,
  rates: Object.fromEntries(TAX_CATEGORIES.map((k) => [k, { name: k, ratePpm: c.rates[k] }])),
});

function input(c: Cart, pricesIncludeTax: boolean): TaxInput {
  return {
    lines: c.lines.map((l, i) => ({ id: `l${i}`, unitPrice: money(l.unit, c.currency), quantity: l.quantity, taxCategory: l.taxCategory })),
    shippingAmount: c.shipping === undefined ? undefined : money(c.shipping, c.currency),
    address: { countryCode: "XX" },
    pricesIncludeTax,
    zones: [zoneOf(c)],
  };
}

describe("computeTaxes properties", () => {
  test("money never drifts: every amount is an integer and each line's tax is within half a minor unit of exact", () => {
    fc.assert(
      fc.property(cart, fc.boolean(), (c, inclusive) => {
        const r = computeTaxes(input(c, inclusive));
        const all = r.shipping ? [...r.lines, r.shipping] : r.lines;
        const cats = [...c.lines.map((l) => l.taxCategory), "standard" as const];
        return all.every((l, i) => {
          const ints = [l.amount, l.net, l.tax, l.gross].every((m) => Number.isSafeInteger(m.amount) && m.currency === c.currency);
          const ppm = BigInt(c.rates[cats[i]!]);
          const amt = BigInt(l.amount.amount);
          // exact tax as a fraction num/den; |tax·den − num| ≤ den/2  ⇔  |2·tax·den − 2·num| ≤ den
          const [num, den] = inclusive ? [amt * ppm, BigInt(RATE_SCALE) + ppm] : [amt * ppm, BigInt(RATE_SCALE)];
          const diff = 2n * BigInt(l.tax.amount) * den - 2n * num;
          return ints && (diff < 0n ? -diff : diff) <= den;
        });
      }),
      RUNS,
    );
  });

  test("the sum of line taxes equals the tax total, and net + tax = gross on every line and in total", () => {
    fc.assert(
      fc.property(cart, fc.boolean(), (c, inclusive) => {
        const r = computeTaxes(input(c, inclusive));
        const all = r.shipping ? [...r.lines, r.shipping] : r.lines;
        const taxSum = all.reduce((s, l) => s + l.tax.amount, 0);
        const lineTaxLines = all.reduce((s, l) => s + l.taxLines.reduce((x, t) => x + t.amount.amount, 0), 0);
        return (
          taxSum === r.taxTotal.amount &&
          lineTaxLines === r.taxTotal.amount &&
          r.netTotal.amount + r.taxTotal.amount === r.grossTotal.amount &&
          all.every((l) => l.net.amount + l.tax.amount === l.gross.amount) &&
          all.every((l) => (inclusive ? l.gross.amount : l.net.amount) === l.amount.amount)
        );
      }),
      RUNS,
    );
  });

  test("inclusive and exclusive modes agree on the net: exclusive gross priced inclusive gives the same net exactly", () => {
    fc.assert(
      fc.property(cart, (c) => {
        const ex = computeTaxes(input(c, false));
        // Price each line at its exclusive gross, inclusive of tax (quantity 1: the gross of a line need not divide).
        const back = computeTaxes({
          ...input(c, true),
          lines: ex.lines.map((l, i) => ({ id: l.id, unitPrice: l.gross, quantity: 1, taxCategory: c.lines[i]!.taxCategory })),
          shippingAmount: ex.shipping?.gross,
        });
        return back.netTotal.amount === ex.netTotal.amount && back.taxTotal.amount === ex.taxTotal.amount;
      }),
      RUNS,
    );
  });

  test("and an inclusive net re-taxed exclusive lands within one minor unit per line of the original gross", () => {
    fc.assert(
      fc.property(cart, (c) => {
        const inc = computeTaxes(input(c, true));
        const again = computeTaxes({
          ...input(c, false),
          lines: inc.lines.map((l, i) => ({ id: l.id, unitPrice: l.net, quantity: 1, taxCategory: c.lines[i]!.taxCategory })),
          shippingAmount: inc.shipping?.net,
        });
        const all = inc.shipping ? [...inc.lines, inc.shipping] : inc.lines;
        const allAgain = again.shipping ? [...again.lines, again.shipping] : again.lines;
        return all.every((l, i) => Math.abs(allAgain[i]!.gross.amount - l.gross.amount) <= 1);
      }),
      RUNS,
    );
  });
});

describe("zones and validation", () => {
  test("a regional zone's tax line has its own code; the country's keeps the country code", () => {
    const rate = (ppm: number) => ({ standard: { ratePpm: ppm, name: `VAT ${ppm / 10_000}%` } });
    const zones: TaxZoneRates[] = [
      { id: "fr", name: "France", countryCode: "FR", region: null, rates: rate(200_000) },
      { id: "cor", name: "Corse", countryCode: "FR", region: "cor", rates: rate(130_000) },
    ];
    const quote = (region: string | null) =>
      computeTaxes({ lines: [{ id: "l", unitPrice: money(1_000, "EUR"), quantity: 1, taxCategory: "standard" }], address: { countryCode: "FR", region }, pricesIncludeTax: false, shippingTaxCategory: "standard", originCountry: "FR", zones });
    expect(quote("cor").lines[0]!.taxLines[0]).toMatchObject({ code: "FR-COR:standard", ratePpm: 130_000 });
    expect(quote(null).lines[0]!.taxLines[0]).toMatchObject({ code: "FR:standard", ratePpm: 200_000 });
  });

  test("a region zone beats the country zone; other regions fall back to the country", () => {
    const z = (id: string, region: string | null): TaxZoneRates => ({ id, name: id, countryCode: "ES", region, rates: {} });
    const zones = [z("es", null), z("canarias", "CN")];
    expect(findZone(zones, { countryCode: "ES", region: "CN" })?.id).toBe("canarias");
    expect(findZone(zones, { countryCode: "es", region: "MD" })?.id).toBe("es");
    // The full ISO 3166-2 code is the same subdivision (buyers' addresses carry either form).
    expect(findZone(zones, { countryCode: "ES", region: "ES-CN" })?.id).toBe("canarias");
    expect(findZone(zones, { countryCode: "es", region: " es-cn " })?.id).toBe("canarias");
    expect(findZone(zones, { countryCode: "ES", region: "FR-CN" })?.id).toBe("es");
    expect(findZone(zones, { countryCode: "FR" })).toBeNull();
  });

  test("mixed currencies and empty carts are validation errors", () => {
    const base = { address: { countryCode: "FR" }, pricesIncludeTax: false, zones: [] };
    expect(() => computeTaxes({ ...base, lines: [] })).toThrow("Nothing to tax");
    expect(() =>
      computeTaxes({
        ...base,
        lines: [
          { id: "a", unitPrice: money(100, "EUR"), quantity: 1, taxCategory: "standard" },
          { id: "b", unitPrice: money(100, "USD"), quantity: 1, taxCategory: "standard" },
        ],
      }),
    ).toThrow("same currency");
  });
});
