// Creating an order inside the checkout's transaction: number, lines, stock (one sale per line, so the
// per-store lock makes "check then take" atomic), customer, timeline, audit, outbox. Nothing here calls the network.
import { eq, sql } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import type { Ctx } from "../../kernel/context.ts";
import { newId } from "../../kernel/ids.ts";
import { formatMoney } from "../../kernel/money.ts";
import type { StoreTx } from "../../db/tx.ts";
import { insertRow } from "../../db/prepared.ts";
import { addOutbox } from "../../jobs/index.ts";
import { baseView } from "./view.ts";
import { recordAudit } from "../audit/index.ts";
import { sellInTx, type StockPolicy } from "../inventory/index.ts";
import { customerForOrderInTx } from "../customers/index.ts";
import type { AddressRow, ShippingMethodRow } from "../cart/cart.tables.ts";
import { orderCounter, orderEvents, orderLines, orders, type OrderStatus, type TaxLineRow } from "./orders.tables.ts";
import { orderEmailData } from "./emails.ts";
import { dbOf } from "../../db/tx.ts";
import { prepared } from "../../db/prepared.ts";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
type AuditCtx = Pick<Ctx, "actor" | "requestId" | "clock">;

export interface PlaceOrderInput {
  cartId: string;
  paymentId: string;
  status: Extract<OrderStatus, "pending" | "paid">;
  /** When placed paid: what was captured (less than the total when captured in part outside Trafi). */
  paidAmount?: number;
  email: string;
  currency: string;
  shippingAddress: AddressRow;
  billingAddress: AddressRow;
  shippingMethod: ShippingMethodRow;
  lines: Array<{ variantId: string; title: string; sku: string | null; quantity: number; unitPrice: number; total: number; taxTotal: number; taxLines: TaxLineRow[]; policy: StockPolicy }>;
  totals: { subtotal: number; discountTotal: number; shippingTotal: number; taxTotal: number; total: number };
  taxNote: string | null;
  /** The store's storefront address (settings): the confirmation e-mail links to the buyer's order page there. */
  storefrontUrl?: string | null;
}

/** Next order number: a counter row bumped in the caller's transaction, so numbers are dense and never reused. */
async function nextNumber(tx: StoreTx): Promise<number> {
  const [row] = await prepared(dbOf(tx), "order.nextNumber", (db) =>
    db
      .insert(orderCounter).values({ id: 1, last: 1001 })
      .onConflictDoUpdate({ target: orderCounter.id, set: { last: sql`${orderCounter.last} + 1` } })
      .returning({ last: orderCounter.last })
      .prepare(),
  ).all();
  return row!.last;
}

/** The order's "paid" entry: what was captured, and of what when it was only part (captured outside Trafi). */
export async function addPaidTimeline(tx: StoreTx, now: number, orderId: string, captured: number, of: number, currency: string): Promise<void> {
  const part = captured < of ? ` (${formatMoney({ amount: captured, currency })} of ${formatMoney({ amount: of, currency })})` : "";
  await addTimeline(tx, now, orderId, "paid", `Payment captured${part}`, { amount: captured });
}

export async function addTimeline(tx: StoreTx, now: number, orderId: string, type: string, message: string, data: Record<string, unknown> | null = null): Promise<void> {
  await insertRow(tx, orderEvents, { id: newId("oev", now), orderId, type, message, data, createdAt: now });
}

/** Throws InsufficientStock (inventory) when a line's stock is gone: the caller's transaction then rolls back whole. */
export async function placeOrderInTx(tx: StoreTx, ctx: AuditCtx, input: PlaceOrderInput): Promise<OrderRow> {
  const now = ctx.clock.now();
  const id = newId("ord", now);
  // Where each line's stock came from; null when none was taken (an untracked variant): a cancellation returns none.
  const taken: Array<string | null> = [];
  for (const l of input.lines) {
    const sale = await sellInTx(tx, ctx, { variantId: l.variantId, quantity: l.quantity, reference: id }, l.policy);
    taken.push(sale?.reservation.locationId ?? null);
  }
  const customer = await customerForOrderInTx(tx, ctx, { email: input.email, firstName: input.shippingAddress.firstName, lastName: input.shippingAddress.lastName });
  const number = await nextNumber(tx);
  const order: OrderRow = {
    id, number, token: randomBytes(24).toString("base64url"), cartId: input.cartId, customerId: customer.id, paymentId: input.paymentId,
    status: input.status, email: input.email, currency: input.currency, shippingAddress: input.shippingAddress, billingAddress: input.billingAddress,
    shippingMethod: input.shippingMethod, ...input.totals, refundedTotal: 0, taxNote: input.taxNote, cancelledAt: null, createdAt: now, updatedAt: now,
  };
  await insertRow(tx, orders, order);
  const lineRows: OrderLineRow[] = input.lines.map((l, i) => ({
    id: newId("line", now), orderId: id, variantId: l.variantId, title: l.title, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice,
    total: l.total, taxTotal: l.taxTotal, taxLines: l.taxLines, fulfilledQuantity: 0, locationId: taken[i] ?? null, position: i,
  }));
  for (const l of lineRows) await insertRow(tx, orderLines, l);
  await addTimeline(tx, now, id, "placed", `Order ${number} placed`, { total: input.totals.total, currency: input.currency });
  if (input.status === "paid") {
    const paid = input.paidAmount ?? input.totals.total;
    await addPaidTimeline(tx, now, id, paid, input.totals.total, input.currency);
  }
  await recordAudit(tx, ctx, { action: "order.placed", targetType: "order", targetId: id, after: { number, email: input.email, total: input.totals.total, currency: input.currency, status: input.status, paymentId: input.paymentId } });
  await addOutbox(tx, now, { topic: "email.send", key: `receipt:${id}`, payload: { template: "order_confirmation", to: input.email, data: orderEmailData(order, lineRows, input.storefrontUrl ?? null) } });
  // The whole order rides along (the API's shape): a warehouse or ERP needs the lines and the address to act on it,
  // without a read back that could see a later state.
  const event = { orderId: id, number, email: input.email, total: { amount: order.total, currency: order.currency }, order: baseView(order, lineRows) };
  await addOutbox(tx, now, { topic: "event", key: `order.placed:${id}`, payload: { type: "order.placed", ...event } });
  if (input.status === "paid") await addOutbox(tx, now, { topic: "event", key: `order.paid:${id}`, payload: { type: "order.paid", ...event } });
  return order;
}

export async function orderLinesOf(tx: StoreTx | Ctx["store"]["db"], orderId: string): Promise<OrderLineRow[]> {
  return prepared(dbOf(tx), "order.lines", (d) => d.select().from(orderLines).where(eq(orderLines.orderId, sql.placeholder("orderId"))).orderBy(orderLines.position).prepare()).all({ orderId });
}
