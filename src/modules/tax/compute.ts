// Tax computation: a pure function, no I/O.
//
// ROUNDING RULE (documented in the README too): tax is computed PER LINE on the line amount (unit price × quantity),
// rounded HALF-EVEN to the currency's minor unit; shipping is one more line. The tax total is the sum of the
// rounded line taxes, so lines and totals always agree to the cent.
//   - Tax-exclusive prices: lineTax = roundHalfEven(net × rate); gross = net + lineTax.
//   - Tax-inclusive prices: lineTax = roundHalfEven(gross × rate / (1 + rate)); net = gross − lineTax.
// Consequence (tested): a line's exclusive gross, priced inclusive, gives back exactly the same net and tax.
// The other way round, an inclusive net re-taxed exclusively lands within one minor unit of the gross.
//
// Which rate: the zone of the destination (country + region beats country only), then the line's tax category.
// Inclusive prices are gross at the destination's rate (the buyer pays the shelf price everywhere). When a line
// gets no tax (no zone for the destination, no rate for the category) the whole amount is net.
// EU B2B reverse charge: a buyer VAT number that passes its country's format check, issued by the destination member
// state, for an EU destination other than the store's own country (when the store set one) → every line is taxed
// at 0% with REVERSE_CHARGE_NOTE to print on the order. In inclusive mode the buyer pays the net (the gross minus
// the VAT the destination rate would have included).
import {
  add, assertRate, extractRate, applyRate, money, multiply, ppmToPercent, subtract, sum, zero, type Money,
} from "../../kernel/money.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import { subdivisionOf } from "../../kernel/country.ts";
import { REVERSE_CHARGE_NOTE, checkVatNumber, isEuCountry, type TaxCategory } from "./vat.ts";

export interface ZoneRate {
  name: string;
  ratePpm: number;
}

export interface TaxZoneRates {
  id: string;
  name: string;
  countryCode: string;
  region: string | null;
  rates: Partial<Record<TaxCategory, ZoneRate>>;
}

export interface TaxableLine {
  id: string;
  unitPrice: Money;
  quantity: number;
  taxCategory: TaxCategory;
}

export interface TaxInput {
  lines: readonly TaxableLine[];
  shippingAmount?: Money;
  /** The category shipping is taxed under (EU: it follows the goods; Trafi uses one category, "standard" by default). */
  shippingTaxCategory?: TaxCategory;
  address: { countryCode: string; region?: string | null };
  vatNumber?: string | null;
  pricesIncludeTax: boolean;
  zones: readonly TaxZoneRates[];
  /** The store's own country: a domestic B2B sale is never reverse charged. */
  originCountry?: string | null;
}

export interface TaxLine {
  code: string; // "FR:standard", "reverse_charge"
  name: string;
  ratePpm: number;
  rate: string; // percent, exact
  amount: Money;
}

export interface TaxedLine {
  id: string;
  /** unit price × quantity, as priced (gross when prices include tax). */
  amount: Money;
  net: Money;
  tax: Money;
  gross: Money;
  taxLines: TaxLine[];
}

export interface TaxResult {
  currency: string;
  pricesIncludeTax: boolean;
  zone: { id: string; name: string } | null;
  reverseCharge: boolean;
  /** Why reverse charge did not apply although a VAT number was given (for the storefront to explain). */
  vatNumberStatus: "none" | "applied" | "malformed" | "not_eu" | "country_mismatch" | "domestic";
  note: string | null;
  lines: TaxedLine[];
  shipping: TaxedLine | null;
  netTotal: Money;
  taxTotal: Money;
  grossTotal: Money;
}

export function findZone(zones: readonly TaxZoneRates[], address: TaxInput["address"]): TaxZoneRates | null {
  const country = address.countryCode.toUpperCase();
  // "ES-CN" and "CN" are the same subdivision (buyers' addresses carry either; zones store the bare code).
  const region = subdivisionOf(country, address.region);
  let countryOnly: TaxZoneRates | null = null;
  for (const z of zones) {
    if (z.countryCode !== country) continue;
    if (z.region === null) countryOnly ??= z;
    else if (region !== null && z.region.toUpperCase() === region) return z;
  }
  return countryOnly;
}

function reverseChargeStatus(input: TaxInput): TaxResult["vatNumberStatus"] {
  if (!input.vatNumber) return "none";
  const check = checkVatNumber(input.vatNumber);
  const dest = input.address.countryCode.toUpperCase();
  if (!check.valid) return "malformed";
  if (!isEuCountry(dest)) return "not_eu";
  if (check.countryCode !== dest) return "country_mismatch";
  if (input.originCountry && input.originCountry.toUpperCase() === dest) return "domestic";
  return "applied";
}

function taxLine(
  id: string, amount: Money, category: TaxCategory, zone: TaxZoneRates | null, inclusive: boolean, reverse: boolean,
): TaxedLine {
  const rate = zone?.rates[category];
  if (rate) assertRate(rate.ratePpm);
  if (!rate) return { id, amount, net: amount, tax: zero(amount.currency), gross: amount, taxLines: [] };
  if (reverse) {
    const net = inclusive ? subtract(amount, extractRate(amount, rate.ratePpm, "halfEven")) : amount;
    const rc: TaxLine = { code: "reverse_charge", name: "VAT reverse charge", ratePpm: 0, rate: "0", amount: zero(amount.currency) };
    return { id, amount, net, tax: zero(amount.currency), gross: net, taxLines: [rc] };
  }
  const tax = inclusive ? extractRate(amount, rate.ratePpm, "halfEven") : applyRate(amount, rate.ratePpm, "halfEven");
  const net = inclusive ? subtract(amount, tax) : amount;
  const gross = inclusive ? amount : add(amount, tax);
  // A regional zone's rate has a code of its own (FR-COR:standard): a VAT report groups by code, and Corsica's 13%
  // is not the mainland's 20%.
  const where = zone!.region ? `${zone!.countryCode}-${zone!.region.toUpperCase()}` : zone!.countryCode;
  const line: TaxLine = { code: `${where}:${category}`, name: rate.name, ratePpm: rate.ratePpm, rate: ppmToPercent(rate.ratePpm), amount: tax };
  return { id, amount, net, tax, gross, taxLines: [line] };
}

export function computeTaxes(input: TaxInput): TaxResult {
  const currency = input.lines[0]?.unitPrice.currency ?? input.shippingAmount?.currency;
  if (!currency) throw new ValidationFailed("tax.empty", "Nothing to tax: give at least one line or a shipping amount");
  for (const l of input.lines) {
    if (l.unitPrice.currency !== currency) {
      throw new ValidationFailed("tax.currency_mismatch", "Every line must be priced in the same currency", { lineId: l.id });
    }
    if (!Number.isSafeInteger(l.quantity) || l.quantity < 0) {
      throw new ValidationFailed("tax.invalid_quantity", "Quantities must be non-negative integers", { lineId: l.id });
    }
  }
  if (input.shippingAmount && input.shippingAmount.currency !== currency) {
    throw new ValidationFailed("tax.currency_mismatch", "Shipping must be priced in the cart's currency");
  }
  const zone = findZone(input.zones, input.address);
  const status = reverseChargeStatus(input);
  const reverse = status === "applied";
  const inclusive = input.pricesIncludeTax;
  const lines = input.lines.map((l) =>
    taxLine(l.id, multiply(money(l.unitPrice.amount, currency), l.quantity), l.taxCategory, zone, inclusive, reverse),
  );
  const shipping = input.shippingAmount
    ? taxLine("shipping", input.shippingAmount, input.shippingTaxCategory ?? "standard", zone, inclusive, reverse)
    : null;
  const all = shipping ? [...lines, shipping] : lines;
  return {
    currency,
    pricesIncludeTax: inclusive,
    zone: zone ? { id: zone.id, name: zone.name } : null,
    reverseCharge: reverse,
    vatNumberStatus: status,
    note: reverse ? REVERSE_CHARGE_NOTE : null,
    lines,
    shipping,
    netTotal: sum(all.map((l) => l.net), currency),
    taxTotal: sum(all.map((l) => l.tax), currency),
    grossTotal: sum(all.map((l) => l.gross), currency),
  };
}
