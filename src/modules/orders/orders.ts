// Reading orders: rows, the derived status, the admin and buyer views, the admin list with filters.
export { fulfillmentStatus };
import { and, asc, desc, eq, gte, inArray, isNotNull, lt, lte, ne, sql } from "drizzle-orm";
import { timingSafeEqual } from "node:crypto";
import type { Ctx } from "../../kernel/context.ts";
import { NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId } from "../../kernel/ids.ts";
import { decodeCursor, toPage } from "../../kernel/pagination.ts";
import type { StoreTx } from "../../db/tx.ts";
import type { StoreDb } from "../../db/client.ts";
import { paymentRow, paymentView, type PaymentRow } from "../payments/index.ts";
import { fulfillments, orderEvents, orderLines, orders, refunds, returns, type OrderStatus } from "./orders.tables.ts";

type RefundRow = typeof refunds.$inferSelect;
import { orderLinesOf, type OrderLineRow, type OrderRow } from "./place.ts";
import { prepared } from "../../db/prepared.ts";
import { baseView, fulfillmentStatus } from "./view.ts";
import { dbOf } from "../../db/tx.ts";

type Db = StoreDb | StoreTx;
const iso = (ms: number) => new Date(ms).toISOString();

export async function getOrderRow(db: Db, id: string): Promise<OrderRow> {
  const o = isId("ord", id) ? (await prepared(dbOf(db), "order.row", (d) => d.select().from(orders).where(eq(orders.id, sql.placeholder("id"))).prepare()).all({ id }))[0] : undefined;
  if (!o) throw new NotFound("order", id);
  return o;
}

/**
 * The status follows from the facts, so no transition can leave it inconsistent:
 * cancelled > refunded > partially_refunded > fulfilled > partially_fulfilled > paid > pending.
 */
/**
 * Paid: something was captured, or a payment of nothing (a free order: a 0 total) went through capture. An amount
 * captured of 0 alone cannot tell "captured nothing" from "not captured yet".
 */
export function isPaid(p: Pick<PaymentRow, "capturedAmount"> & Partial<Pick<PaymentRow, "amount" | "status">>): boolean {
  return p.capturedAmount > 0 || (p.amount === 0 && (p.status === "captured" || p.status === "refunded" || p.status === "partially_refunded"));
}

export function deriveStatus(o: Pick<OrderRow, "cancelledAt" | "refundedTotal">, p: Pick<PaymentRow, "capturedAmount"> & Partial<Pick<PaymentRow, "amount" | "status">>, lines: Pick<OrderLineRow, "quantity" | "fulfilledQuantity">[]): OrderStatus {
  if (o.cancelledAt !== null) return "cancelled";
  if (o.refundedTotal > 0) return o.refundedTotal >= p.capturedAmount ? "refunded" : "partially_refunded";
  const shipped = lines.reduce((s, l) => s + l.fulfilledQuantity, 0);
  const total = lines.reduce((s, l) => s + l.quantity, 0);
  if (total > 0 && shipped === total) return "fulfilled";
  if (shipped > 0) return "partially_fulfilled";
  return isPaid(p) ? "paid" : "pending";
}

export type ReturnRow = typeof returns.$inferSelect;
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export async function returnsOf(db: Db, orderId: string): Promise<ReturnRow[]> {
  // Prepared: the buyer's order view (every completion) reads it.
  return prepared(dbOf(db), "order.returns", (d) => d.select().from(returns).where(eq(returns.orderId, sql.placeholder("orderId"))).orderBy(asc(returns.number)).prepare()).all({ orderId });
}

/** A return with its lines named, and the refunds (recorded, not failed) made for it. */
export function returnView(r: ReturnRow, lines: OrderLineRow[], paid: Array<Pick<RefundRow, "id" | "returnId" | "status">> = []) {
  const byId = new Map(lines.map((l) => [l.id, l]));
  return {
    id: r.id, orderId: r.orderId, number: r.number, status: r.status, reason: r.reason, note: r.note, restocked: r.restocked,
    lines: r.lines.map((rl) => {
      const l = byId.get(rl.lineId);
      return { lineId: rl.lineId, quantity: rl.quantity, variantId: l?.variantId ?? null, title: l?.title ?? "", sku: l?.sku ?? null };
    }),
    refundIds: paid.filter((p) => p.returnId === r.id && p.status !== "requested" && p.status !== "failed").map((p) => p.id),
    createdAt: iso(r.createdAt), receivedAt: isoOrNull(r.receivedAt), cancelledAt: isoOrNull(r.cancelledAt), updatedAt: iso(r.updatedAt),
  };
}
export type ReturnView = ReturnType<typeof returnView>;

/** The refunds of an order that name a return. */
export const returnRefundsOf = (db: Db, orderId: string) =>
  db.select({ id: refunds.id, returnId: refunds.returnId, status: refunds.status }).from(refunds).where(and(eq(refunds.orderId, orderId), isNotNull(refunds.returnId))).orderBy(refunds.id);

async function fulfillmentViews(db: Db, orderId: string) {
  const rows = await prepared(dbOf(db), "order.fulfillments", (d) =>
    d.select().from(fulfillments).where(eq(fulfillments.orderId, sql.placeholder("orderId"))).orderBy(fulfillments.id).prepare(),
  ).all({ orderId });
  return rows.map((f) => ({ id: f.id, carrier: f.carrier, trackingNumber: f.trackingNumber, trackingUrl: f.trackingUrl, lines: f.lines, createdAt: iso(f.createdAt) }));
}

const linesOf = (db: Db, orderId: string) => orderLinesOf(db, orderId);

export async function adminOrderView(db: Db, o: OrderRow) {
  const [lines, payment, timeline, refundRows, ful, returnRows] = await Promise.all([
    linesOf(db, o.id), paymentRow(db, o.paymentId),
    db.select().from(orderEvents).where(eq(orderEvents.orderId, o.id)).orderBy(orderEvents.id),
    db.select().from(refunds).where(and(eq(refunds.orderId, o.id), ne(refunds.status, "requested"))).orderBy(refunds.id),
    fulfillmentViews(db, o.id),
    returnsOf(db, o.id),
  ]);
  const p = paymentView(payment);
  return {
    ...baseView(o, lines), customerId: o.customerId, cartId: o.cartId, cancelledAt: o.cancelledAt === null ? null : iso(o.cancelledAt),
    payment: { id: p.id, provider: p.provider, status: p.status, captureMethod: p.captureMethod, amount: p.amount, capturedAmount: p.capturedAmount, refundedAmount: p.refundedAmount },
    fulfillments: ful,
    refunds: refundRows.map((r) => ({ id: r.id, amount: { amount: r.amount, currency: r.currency }, reason: r.reason, status: r.status, returnId: r.returnId, createdAt: iso(r.createdAt) })),
    returns: returnRows.map((r) => returnView(r, lines, refundRows)),
    timeline: timeline.map((e) => ({ id: e.id, type: e.type, message: e.message, data: e.data ?? null, createdAt: iso(e.createdAt) })),
  };
}

export async function storeOrderView(db: Db, o: OrderRow, withToken: string | null) {
  const [lines, ful, rets] = await Promise.all([linesOf(db, o.id), fulfillmentViews(db, o.id), returnsOf(db, o.id)]);
  return {
    ...baseView(o, lines), token: withToken, fulfillments: ful.map((f) => ({ carrier: f.carrier, trackingNumber: f.trackingNumber, trackingUrl: f.trackingUrl, createdAt: f.createdAt })),
    // The merchant's note stays in the dashboard.
    returns: rets.map((r) => ({ number: r.number, status: r.status, lines: r.lines, createdAt: iso(r.createdAt), receivedAt: isoOrNull(r.receivedAt) })),
  };
}

/** The order a buyer names by id and token; a wrong token answers like an unknown order (no oracle). */
export async function buyerOrderRow(db: Db, id: string, token: string): Promise<OrderRow> {
  const o = await getOrderRow(db, id);
  const a = Buffer.from(o.token);
  const b = Buffer.from(token);
  if (a.length !== b.length || !timingSafeEqual(a, b)) throw new NotFound("order", id);
  return o;
}

/** The buyer's view: the order id and its token. */
export async function getOrderForBuyer(ctx: Pick<Ctx, "store">, id: string, token: string) {
  return storeOrderView(ctx.store.db, await buyerOrderRow(ctx.store.db, id, token), null);
}

export interface OrderListQuery {
  limit?: number;
  cursor?: string;
  status?: OrderStatus[];
  email?: string;
  number?: number;
  customerId?: string;
  createdFrom?: string;
  createdTo?: string;
}

// A date, or a date and time (T or a space; seconds and fractions optional; Z, ±hh:mm or ±hhmm, or none for UTC).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$/;

/** A date or instant, strictly: Date.parse rolls 2026-02-30 over into March instead of refusing it. */
function instant(s: string | undefined, field: string): number | undefined {
  if (s === undefined) return undefined;
  const m = DATE_TIME.exec(s);
  const [y, mo, d, h, mi, se] = m ? m.slice(1, 7).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number] : [0, 0, 0, 0, 0, 0];
  const daysInMonth = m ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 0;
  // A date alone is midnight UTC; a time without an offset is UTC too (Date.parse would take it as local time).
  const iso = m && m[4] === undefined ? `${s}T00:00:00Z` : m && !/([Zz]|[+-]\d{2}:?\d{2})$/.test(s) ? `${s.replace(" ", "T")}Z` : s.replace(" ", "T");
  const ms = Date.parse(iso);
  if (!m || mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || se > 59 || Number.isNaN(ms)) {
    throw new ValidationFailed("orders.invalid_date", `${field} must be a real date, or date and time (RFC 3339)`, { field });
  }
  return ms;
}

export async function listOrders(ctx: Pick<Ctx, "store">, q: OrderListQuery) {
  const limit = q.limit ?? 20;
  const before = decodeCursor(q.cursor);
  const from = instant(q.createdFrom, "createdFrom");
  const to = instant(q.createdTo, "createdTo");
  const rows = await ctx.store.db.select().from(orders).where(and(
    before ? lt(orders.id, before) : undefined,
    q.status?.length ? inArray(orders.status, q.status) : undefined,
    q.email ? eq(orders.email, q.email.toLowerCase()) : undefined,
    q.number !== undefined ? eq(orders.number, q.number) : undefined,
    q.customerId ? eq(orders.customerId, q.customerId) : undefined,
    from !== undefined ? gte(orders.createdAt, from) : undefined,
    to !== undefined ? lte(orders.createdAt, to) : undefined,
  )).orderBy(desc(orders.id)).limit(limit + 1);
  const page = toPage(rows, limit);
  const m = (o: OrderRow, amount: number) => ({ amount, currency: o.currency });
  return {
    data: page.data.map((o) => ({
      id: o.id, number: o.number, status: o.status, email: o.email, customerId: o.customerId, total: m(o, o.total), refundedTotal: m(o, o.refundedTotal), createdAt: iso(o.createdAt),
    })),
    nextCursor: page.nextCursor,
  };
}
