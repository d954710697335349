// Acceptance 2 (issue 3): VAT table tests with cents derived by hand, both modes, and reverse charge only with a
// well-formed VAT number.
import { describe, expect, test } from "bun:test";
import { money, percentToPpm } from "../../kernel/money.ts";
import { computeTaxes, type TaxZoneRates } from "./compute.ts";
import { EU_SEED_RATES, REVERSE_CHARGE_NOTE, checkVatNumber } from "./vat.ts";
import type { TaxCategory } from "./vat.ts";

const zones: TaxZoneRates[] = EU_SEED_RATES.map((c) => ({
  id: `txz_${c.countryCode}`,
  name: c.name,
  countryCode: c.countryCode,
  region: null,
  rates: {
    standard: { name: `${c.countryCode} VAT`, ratePpm: percentToPpm(c.standard) },
    reduced: { name: `${c.countryCode} reduced VAT`, ratePpm: percentToPpm(c.reduced) },
    zero: { name: `${c.countryCode} zero VAT`, ratePpm: 0 },
  },
}));

function one(countryCode: string, category: TaxCategory, pricesIncludeTax: boolean, amount = 1999, quantity = 1, vatNumber?: string) {
  const r = computeTaxes({
    lines: [{ id: "l1", unitPrice: money(amount, "EUR"), quantity, taxCategory: category }],
    address: { countryCode },
    pricesIncludeTax,
    zones,
    vatNumber,
    originCountry: "FR",
  });
  return { net: r.netTotal.amount, tax: r.taxTotal.amount, gross: r.grossTotal.amount, r };
}

describe("VAT on a €19.99 product, by hand", () => {
  // Exclusive: tax = round_half_even(1999 × rate). Inclusive: tax = round_half_even(1999 × rate / (1 + rate)).
  const cases: [string, TaxCategory, string, { net: number; tax: number; gross: number }, { net: number; tax: number; gross: number }][] = [
    // country, category, rate, exclusive (1999 × r), inclusive (1999 × r / (1 + r))
    ["FR", "standard", "20", { net: 1999, tax: 400, gross: 2399 }, { net: 1666, tax: 333, gross: 1999 }], // 399.8 | 333.17
    ["FR", "reduced", "5.5", { net: 1999, tax: 110, gross: 2109 }, { net: 1895, tax: 104, gross: 1999 }], // 109.945 | 104.21
    ["DE", "standard", "19", { net: 1999, tax: 380, gross: 2379 }, { net: 1680, tax: 319, gross: 1999 }], // 379.81 | 319.17
    ["DE", "reduced", "7", { net: 1999, tax: 140, gross: 2139 }, { net: 1868, tax: 131, gross: 1999 }], // 139.93 | 130.78
    ["IT", "standard", "22", { net: 1999, tax: 440, gross: 2439 }, { net: 1639, tax: 360, gross: 1999 }], // 439.78 | 360.48
    ["IT", "reduced", "10", { net: 1999, tax: 200, gross: 2199 }, { net: 1817, tax: 182, gross: 1999 }], // 199.9 | 181.73
    ["ES", "standard", "21", { net: 1999, tax: 420, gross: 2419 }, { net: 1652, tax: 347, gross: 1999 }], // 419.79 | 346.93
    ["ES", "reduced", "10", { net: 1999, tax: 200, gross: 2199 }, { net: 1817, tax: 182, gross: 1999 }],
    ["NL", "standard", "21", { net: 1999, tax: 420, gross: 2419 }, { net: 1652, tax: 347, gross: 1999 }],
    ["NL", "reduced", "9", { net: 1999, tax: 180, gross: 2179 }, { net: 1834, tax: 165, gross: 1999 }], // 179.91 | 165.06
    ["BE", "standard", "21", { net: 1999, tax: 420, gross: 2419 }, { net: 1652, tax: 347, gross: 1999 }],
    ["BE", "reduced", "6", { net: 1999, tax: 120, gross: 2119 }, { net: 1886, tax: 113, gross: 1999 }], // 119.94 | 113.15
    ["FR", "zero", "0", { net: 1999, tax: 0, gross: 1999 }, { net: 1999, tax: 0, gross: 1999 }],
  ];
  for (const [country, category, rate, exclusive, inclusive] of cases) {
    test(`${country} ${category} ${rate}%: exclusive and inclusive`, () => {
      const ex = one(country, category, false);
      expect({ net: ex.net, tax: ex.tax, gross: ex.gross }).toEqual(exclusive);
      expect(ex.r.lines[0]!.taxLines[0]!.rate).toBe(rate);
      const inc = one(country, category, true);
      expect({ net: inc.net, tax: inc.tax, gross: inc.gross }).toEqual(inclusive);
    });
  }

  test("the rule is per line, not per unit: 3 × €19.99 in FR exclusive is 5997 × 20% = 1199.4 → 1199 (not 3 × 400)", () => {
    expect(one("FR", "standard", false, 1999, 3).tax).toBe(1199);
  });

  test("exact ties round half-even: €10.25 at IT 10% → 102.5 → 102; €10.35 → 103.5 → 104", () => {
    expect(one("IT", "reduced", false, 1025).tax).toBe(102);
    expect(one("IT", "reduced", false, 1035).tax).toBe(104);
  });

  test("a destination without a zone gets no tax: the whole amount is net", () => {
    const us = one("US", "standard", false);
    expect([us.net, us.tax, us.gross]).toEqual([1999, 0, 1999]);
    expect(us.r.zone).toBeNull();
  });
});

describe("B2B reverse charge", () => {
  test("a well-formed VAT number of the destination member state → 0% with the note, both modes", () => {
    const ex = one("DE", "standard", false, 1999, 1, "DE 123 456 789");
    expect([ex.net, ex.tax, ex.gross]).toEqual([1999, 0, 1999]);
    expect(ex.r.reverseCharge).toBe(true);
    expect(ex.r.note).toBe(REVERSE_CHARGE_NOTE);
    expect(ex.r.lines[0]!.taxLines[0]!.code).toBe("reverse_charge");
    // Inclusive: the buyer pays the net, the gross minus the 19% the shelf price included (319, as above).
    const inc = one("DE", "standard", true, 1999, 1, "DE123456789");
    expect([inc.net, inc.tax, inc.gross]).toEqual([1680, 0, 1680]);
  });

  test("a malformed VAT number → normal destination VAT, no note", () => {
    for (const bad of ["DE12345678", "DE1234567890", "XX123456789", "123456789", "FRIO303265045"]) {
      const r = one(bad.startsWith("FR") ? "FR" : "DE", "standard", false, 1999, 1, bad);
      expect(r.r.reverseCharge, bad).toBe(false);
      expect(r.r.vatNumberStatus, bad).toBe("malformed");
      expect(r.tax, bad).toBe(bad.startsWith("FR") ? 400 : 380);
      expect(r.r.note).toBeNull();
    }
  });

  test("a well-formed number of another country, or a domestic sale, is not reverse charged", () => {
    const mismatch = one("DE", "standard", false, 1999, 1, "IT12345678901");
    expect([mismatch.tax, mismatch.r.vatNumberStatus]).toEqual([380, "country_mismatch"]);
    const domestic = one("FR", "standard", false, 1999, 1, "FR40303265045");
    expect([domestic.tax, domestic.r.vatNumberStatus]).toEqual([400, "domestic"]);
    const exportSale = one("CH", "standard", false, 1999, 1, "DE123456789");
    expect(exportSale.r.vatNumberStatus).toBe("not_eu");
  });

  test("VAT number formats of the member states", () => {
    const valid = [
      "FR40303265045", "FRA0303265045", "DE123456789", "IT12345678901", "ESX1234567X", "ES12345678Z", "NL123456789B01",
      "BE0123456789", "ATU12345678", "PL1234567890", "EL123456789", "PT123456789", "SE123456789001", "IE1234567WA",
      "IE1A23456W", "CZ12345678", "DK12345678", "FI12345678", "LU12345678", "RO1234567890", "SK1234567890", "HR12345678901",
    ];
    for (const v of valid) expect(checkVatNumber(v).valid, v).toBe(true);
    const invalid = [
      "FR4030326504", "DE12345678A", "IT1234567890", "ES123456789", "NL123456789A01", "BE2123456789", "AT12345678",
      "PL123456789", "GR123456789", "SE123456789002", "RO0123456", "", "DE",
    ];
    for (const v of invalid) expect(checkVatNumber(v).valid, v).toBe(false);
    expect(checkVatNumber("el 123.456.789")).toEqual({ valid: true, normalized: "EL123456789", countryCode: "GR" });
  });
});
