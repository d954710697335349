// Cart-like totals from catalog variants: unit prices in the cart's currency, line totals, weight, taxes (through the
// tax module, with its documented per-line half-even rule) and the API's totals (API.md: subtotal, discountTotal,
// shippingTotal, taxTotal, total). The cart and checkout call this on every change; nothing here writes.
//   subtotal      = Σ unit price × quantity, as priced (gross when the store's prices include tax)
//   shippingTotal = the shipping amount, as priced
//   taxTotal      = Σ rounded line taxes (shipping included)
//   total         = what the buyer pays: Σ line gross (+ shipping gross)
// Without a destination yet, taxes are estimated for the store's origin country (none when it is not set).
import type { Ctx } from "../../kernel/context.ts";
import { NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isCurrency } from "../../kernel/currency.ts";
import { money, sum, zero, type Money } from "../../kernel/money.ts";
import { getVariants, type VariantInfo } from "../catalog/index.ts";
import { computeTaxes, getTaxSettings, loadTaxZones, type TaxLine } from "../tax/index.ts";

export interface PriceItem {
  /** The caller's line id (a cart line); defaults to the variant id. */
  id?: string;
  variantId: string;
  quantity: number;
}

export interface PriceCartInput {
  currency: string;
  items: readonly PriceItem[];
  address?: { countryCode: string; region?: string | null } | null;
  vatNumber?: string | null;
  shippingAmount?: Money | null;
}

export interface PricedLine {
  id: string;
  variantId: string;
  title: string;
  sku: string | null;
  quantity: number;
  unitPrice: Money;
  /** unit price × quantity, as priced. */
  total: Money;
  net: Money;
  tax: Money;
  gross: Money;
  taxLines: TaxLine[];
}

export interface CartTotals {
  currency: string;
  pricesIncludeTax: boolean;
  lines: PricedLine[];
  weightGrams: number;
  subtotal: Money;
  discountTotal: Money;
  shippingTotal: Money;
  taxTotal: Money;
  total: Money;
  reverseCharge: boolean;
  taxNote: string | null;
  /** True when no destination was given and taxes are an estimate for the origin country. */
  taxEstimated: boolean;
}

function unitPrice(v: VariantInfo, currency: string): Money {
  if (v.productStatus !== "active") {
    throw new ValidationFailed("pricing.variant_unavailable", "This variant's product is not for sale", { variantId: v.id });
  }
  const amount = v.prices[currency];
  if (amount === undefined) {
    throw new ValidationFailed("pricing.no_price", `This variant has no price in ${currency}`, { variantId: v.id, currency });
  }
  return money(amount, currency);
}

export async function priceCart(ctx: Pick<Ctx, "store">, input: PriceCartInput): Promise<CartTotals> {
  const { currency } = input;
  if (!isCurrency(currency)) throw new ValidationFailed("pricing.unknown_currency", "currency must be a supported ISO 4217 code", { field: "currency" });
  for (const it of input.items) {
    if (!Number.isSafeInteger(it.quantity) || it.quantity <= 0) {
      throw new ValidationFailed("pricing.invalid_quantity", "Quantities must be positive integers", { variantId: it.variantId });
    }
  }
  const [variants, settings, zones] = await Promise.all([
    getVariants(ctx, input.items.map((i) => i.variantId)),
    getTaxSettings(ctx),
    loadTaxZones(ctx),
  ]);
  const byId = new Map(variants.map((v) => [v.id, v]));
  const items = input.items.map((it) => {
    const v = byId.get(it.variantId);
    if (!v) throw new NotFound("variant", it.variantId);
    return { id: it.id ?? it.variantId, v, quantity: it.quantity, unitPrice: unitPrice(v, currency) };
  });
  const address = input.address ?? (settings.originCountry ? { countryCode: settings.originCountry } : null);
  const shipping = input.shippingAmount ?? undefined;
  const taxed = items.length === 0 && !shipping
    ? null
    : computeTaxes({
        lines: items.map((i) => ({ id: i.id, unitPrice: i.unitPrice, quantity: i.quantity, taxCategory: i.v.taxCategory })),
        shippingAmount: shipping,
        shippingTaxCategory: settings.shippingTaxCategory,
        // No destination and no origin: an address no zone matches, so nothing is taxed.
        address: address ?? { countryCode: "--" },
        vatNumber: input.address ? input.vatNumber : null,
        pricesIncludeTax: settings.pricesIncludeTax,
        originCountry: settings.originCountry,
        zones,
      });
  const lines: PricedLine[] = items.map((i, k) => {
    const t = taxed!.lines[k]!;
    return {
      id: i.id, variantId: i.v.id, title: i.v.title, sku: i.v.sku, quantity: i.quantity, unitPrice: i.unitPrice,
      total: t.amount, net: t.net, tax: t.tax, gross: t.gross, taxLines: t.taxLines,
    };
  });
  const subtotal = sum(lines.map((l) => l.total), currency);
  return {
    currency,
    pricesIncludeTax: settings.pricesIncludeTax,
    lines,
    weightGrams: items.reduce((s, i) => s + i.v.weightGrams * i.quantity, 0),
    subtotal,
    discountTotal: zero(currency),
    shippingTotal: shipping ?? zero(currency),
    taxTotal: taxed?.taxTotal ?? zero(currency),
    total: taxed?.grossTotal ?? zero(currency),
    reverseCharge: taxed?.reverseCharge ?? false,
    taxNote: taxed?.note ?? null,
    taxEstimated: !input.address,
  };
}
