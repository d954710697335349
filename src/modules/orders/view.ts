// The order as the API shows it to everyone (buyer, admin, webhooks): a pure function of the row and its lines.
import { taxIncluded } from "../../kernel/money.ts";
import type { OrderLineRow, OrderRow } from "./place.ts";

const iso = (ms: number) => new Date(ms).toISOString();

export function fulfillmentStatus(lines: Pick<OrderLineRow, "quantity" | "fulfilledQuantity">[]): "unfulfilled" | "partially_fulfilled" | "fulfilled" {
  const shipped = lines.reduce((s, l) => s + l.fulfilledQuantity, 0);
  const total = lines.reduce((s, l) => s + l.quantity, 0);
  return shipped === 0 ? "unfulfilled" : shipped === total ? "fulfilled" : "partially_fulfilled";
}

export function baseView(o: OrderRow, lines: OrderLineRow[]) {
  const m = (amount: number) => ({ amount, currency: o.currency });
  return {
    id: o.id, number: o.number, status: o.status, email: o.email, currency: o.currency,
    lines: lines.map((l) => ({
      id: l.id, variantId: l.variantId, title: l.title, sku: l.sku, quantity: l.quantity, fulfilledQuantity: l.fulfilledQuantity,
      unitPrice: m(l.unitPrice), total: m(l.total), taxLines: l.taxLines.map((t) => ({ code: t.code, name: t.name, rate: t.rate, amount: m(t.amount) })),
    })),
    shippingAddress: o.shippingAddress, billingAddress: o.billingAddress,
    shippingMethod: {
      optionId: o.shippingMethod.optionId, name: o.shippingMethod.name, carrier: o.shippingMethod.carrier, price: m(o.shippingMethod.amount),
      taxLines: (o.shippingMethod.taxLines ?? []).map((t) => ({ code: t.code, name: t.name, rate: t.rate, amount: m(t.amount) })),
    },
    subtotal: m(o.subtotal), discountTotal: m(o.discountTotal), shippingTotal: m(o.shippingTotal), taxTotal: m(o.taxTotal), total: m(o.total),
    refundedTotal: m(o.refundedTotal), taxIncluded: taxIncluded(o), taxNote: o.taxNote, fulfillmentStatus: fulfillmentStatus(lines),
    createdAt: iso(o.createdAt), updatedAt: iso(o.updatedAt),
  };
}
