// A cart's priced view: totals from the LINE SNAPSHOTS (not today's catalog), taxes through the tax module, the
// shipping method re-priced for the current lines and address, and the price changes the catalog has made since.
//
// PRICE RULE: a line keeps the unit price it was added at. When the catalog price differs, the cart reports
// `priceChanges: [{ lineId, variantId, old, new }]` (new = null when the variant is no longer for sale) and keeps
// charging the snapshot until the buyer accepts (POST /carts/:id/accept-prices) or adds the variant again (a
// re-add refreshes the line's price). Starting a payment with pending changes is refused (409 cart.prices_changed),
// so nobody pays a price they were not shown; a change after the payment session does not block completion: the
// buyer authorized the snapshot total.
import type { Ctx } from "../../kernel/context.ts";
import { money, sum, zero, type Money } from "../../kernel/money.ts";
import { getVariants, type VariantInfo } from "../catalog/index.ts";
import { computeTaxes, getTaxSettings, loadTaxZones, type TaxLine } from "../tax/index.ts";
import { shippingOptions } from "../shipping/index.ts";
import type { carts, cartLines, ShippingMethodRow } from "./cart.tables.ts";

type CartRow = typeof carts.$inferSelect;
type LineRow = typeof cartLines.$inferSelect;

export interface PricedCartLine {
  id: string;
  variantId: string;
  title: string;
  sku: string | null;
  quantity: number;
  unitPrice: Money;
  total: Money;
  taxLines: Array<{ code: string; name: string; rate: string; amount: Money }>;
}

export interface PriceChange {
  lineId: string;
  variantId: string;
  old: Money;
  new: Money | null;
}

export interface PricedCart {
  lines: PricedCartLine[];
  shippingMethod: { optionId: string; name: string; carrier: string; price: Money } | null;
  /** The tax on shipping, by rate (an invoice shows it apart from the lines'). */
  shippingTaxLines: Array<ReturnType<typeof taxLineView>>;
  subtotal: Money;
  discountTotal: Money;
  shippingTotal: Money;
  taxTotal: Money;
  total: Money;
  taxEstimated: boolean;
  taxNote: string | null;
  priceChanges: PriceChange[];
  weightGrams: number;
  variants: Map<string, VariantInfo>;
}

/** Today's price of a variant in a currency, or null when it is not for sale. */
export function currentPrice(v: VariantInfo | undefined, currency: string): Money | null {
  if (!v || v.productStatus !== "active") return null;
  const amount = v.prices[currency];
  return amount === undefined ? null : money(amount, currency);
}

const taxLineView = (l: TaxLine) => ({ code: l.code, name: l.name, rate: l.rate, amount: l.amount });

async function repriceShipping(ctx: Pick<Ctx, "store">, cart: CartRow, subtotal: Money, weightGrams: number): Promise<ShippingMethodRow | null> {
  const m = cart.shippingMethod;
  if (!m || !cart.shippingAddress) return null;
  const options = await shippingOptions(ctx, { address: cart.shippingAddress, subtotal, weightGrams });
  const o = options.find((x) => x.id === m.optionId);
  return o ? { optionId: o.id, name: o.name, carrier: o.carrier, amount: o.price.amount, currency: o.price.currency } : null;
}

export async function priceCartRows(ctx: Pick<Ctx, "store">, cart: CartRow, lines: readonly LineRow[]): Promise<PricedCart> {
  const currency = cart.currency;
  const [variantList, settings, zones] = await Promise.all([getVariants(ctx, lines.map((l) => l.variantId)), getTaxSettings(ctx), loadTaxZones(ctx)]);
  const variants = new Map(variantList.map((v) => [v.id, v]));
  const priceChanges: PriceChange[] = [];
  for (const l of lines) {
    const now = currentPrice(variants.get(l.variantId), currency);
    if (!now || now.amount !== l.unitPrice) priceChanges.push({ lineId: l.id, variantId: l.variantId, old: money(l.unitPrice, currency), new: now });
  }
  const subtotal = sum(lines.map((l) => money(l.unitPrice * l.quantity, currency)), currency);
  const weightGrams = lines.reduce((s, l) => s + (variants.get(l.variantId)?.weightGrams ?? 0) * l.quantity, 0);
  const method = await repriceShipping(ctx, cart, subtotal, weightGrams);
  const shipping = method ? money(method.amount, currency) : undefined;
  const address = cart.shippingAddress ?? (settings.originCountry ? { countryCode: settings.originCountry } : { countryCode: "--" });
  const taxed = lines.length === 0 && !shipping ? null : computeTaxes({
    lines: lines.map((l) => ({ id: l.id, unitPrice: money(l.unitPrice, currency), quantity: l.quantity, taxCategory: variants.get(l.variantId)?.taxCategory ?? "standard" })),
    shippingAmount: shipping,
    shippingTaxCategory: settings.shippingTaxCategory,
    address,
    pricesIncludeTax: settings.pricesIncludeTax,
    originCountry: settings.originCountry,
    zones,
  });
  return {
    lines: lines.map((l, k) => ({
      id: l.id, variantId: l.variantId, title: l.title, sku: l.sku, quantity: l.quantity, unitPrice: money(l.unitPrice, currency),
      total: money(l.unitPrice * l.quantity, currency), taxLines: (taxed?.lines[k]?.taxLines ?? []).map(taxLineView),
    })),
    shippingMethod: method ? { optionId: method.optionId, name: method.name, carrier: method.carrier, price: money(method.amount, currency) } : null,
    shippingTaxLines: (taxed?.shipping?.taxLines ?? []).map(taxLineView),
    subtotal,
    discountTotal: zero(currency),
    shippingTotal: shipping ?? zero(currency),
    taxTotal: taxed?.taxTotal ?? zero(currency),
    total: taxed?.grossTotal ?? zero(currency),
    taxEstimated: !cart.shippingAddress,
    taxNote: taxed?.note ?? null,
    priceChanges,
    weightGrams,
    variants,
  };
}
