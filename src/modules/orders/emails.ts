// Payloads of the order e-mails, in the shapes the notifications templates validate (sku omitted when null).
import type { orders, orderLines } from "./orders.tables.ts";
import { taxIncluded } from "../../kernel/money.ts";

type OrderRow = typeof orders.$inferSelect;
type LineRow = typeof orderLines.$inferSelect;

const customerName = (o: OrderRow) => `${o.shippingAddress.firstName} ${o.shippingAddress.lastName}`.trim().slice(0, 200);

/** The buyer's order page on the store's storefront: the id and the order's read token (as the API takes them). */
export const orderPageUrl = (storefrontUrl: string, o: Pick<OrderRow, "id" | "token">) =>
  `${storefrontUrl}/orders/${encodeURIComponent(o.id)}?token=${encodeURIComponent(o.token)}`;

export function orderEmailData(o: OrderRow, lines: LineRow[], storefrontUrl: string | null = null) {
  const m = (amount: number) => ({ amount, currency: o.currency });
  return {
    ...(storefrontUrl ? { orderUrl: orderPageUrl(storefrontUrl, o) } : {}),
    orderNumber: String(o.number),
    customerName: customerName(o),
    lines: lines.map((l) => ({ title: l.title.slice(0, 200), ...(l.sku ? { sku: l.sku.slice(0, 80) } : {}), quantity: l.quantity, unitPrice: m(l.unitPrice), total: m(l.total) })),
    subtotal: m(o.subtotal),
    discountTotal: m(o.discountTotal),
    shippingTotal: m(o.shippingTotal),
    taxTotal: m(o.taxTotal),
    total: m(o.total),
    taxIncluded: taxIncluded(o),
  };
}

export const shippingEmailData = (o: OrderRow, f: { carrier: string; trackingNumber: string; trackingUrl: string }) => ({
  orderNumber: String(o.number), customerName: customerName(o), carrier: f.carrier.slice(0, 80), trackingNumber: f.trackingNumber, trackingUrl: f.trackingUrl,
});

export const refundEmailData = (o: OrderRow, amount: number, reason: string) => ({
  orderNumber: String(o.number), customerName: customerName(o), amount: { amount, currency: o.currency }, reason: reason.slice(0, 500),
});

export const returnEmailData = (o: OrderRow, label: string, lines: Array<{ title: string; quantity: number }>) => ({
  orderNumber: String(o.number), returnNumber: label, customerName: customerName(o), lines: lines.map((l) => ({ title: l.title.slice(0, 200), quantity: l.quantity })),
});
