// Returns (RMA) of shipped lines: request (authorize) → receive (stock back, if wanted) or cancel. Refunds stay
// their own action (the merchant decides the amount after inspecting the parcel) and may name the return they pay.
// Every change runs under the order's lock with its timeline entry, audit entry and event in the same transaction.
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import type { StoreDb } from "../../db/client.ts";
import { addOutbox } from "../../jobs/index.ts";
import { recordAudit } from "../audit/index.ts";
import { adjustInTx, resolveLocation } from "../inventory/index.ts";
import { stockPoliciesIn } from "../catalog/index.ts";
import { checkLineQuantities, eventOf, runOrderAction, type OrderDeps } from "./actions.ts";
import { buyerOrderRow, getOrderRow, returnRefundsOf, returnsOf, returnView, type ReturnRow, type ReturnView } from "./orders.ts";
import { addTimeline, orderLinesOf, type OrderLineRow, type OrderRow } from "./place.ts";
import { fulfillments, returns } from "./orders.tables.ts";
import { returnEmailData } from "./emails.ts";
import { getSettings } from "../settings/settings.ts";

type Db = StoreDb | StoreTx;
export interface ReturnLineInput {
  lineId: string;
  quantity: number;
}

async function returnRow(db: Db, orderId: string, id: string): Promise<ReturnRow> {
  const r = isId("ret", id) ? (await db.select().from(returns).where(and(eq(returns.id, id), eq(returns.orderId, orderId))))[0] : undefined;
  if (!r) throw new NotFound("return", id);
  return r;
}

/** Per line, the quantity under returns that still stand (requested or received). */
function returnedByLine(rows: ReturnRow[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) if (r.status !== "cancelled") for (const l of r.lines) m.set(l.lineId, (m.get(l.lineId) ?? 0) + l.quantity);
  return m;
}

/** What an event or a webhook says of a return's lines: enough for a warehouse to expect the parcel. */
const eventLines = (r: ReturnRow, lines: OrderLineRow[]) =>
  returnView(r, lines).lines.map((l) => ({ lineId: l.lineId, variantId: l.variantId, sku: l.sku, title: l.title, quantity: l.quantity }));

/**
 * Authorizes the return of shipped lines. Each line's quantity must be shipped and not already under another
 * return that stands; a line may appear once.
 */
export function requestReturn(ctx: Ctx, orderId: string, input: { lines: ReturnLineInput[]; reason: string; note?: string | null }, deps: OrderDeps): Promise<ReturnView> {
  return runOrderAction(ctx, orderId, deps, () => withTx(ctx, async (tx) => (await requestInTx(tx, ctx, await getOrderRow(tx, orderId), input, "merchant")).view));
}

/**
 * A buyer starts a return from the storefront (order id + token): only when the store offers it
 * (`returnWindowDays`), and only for units shipped within that many days: a later shipment of a line opens the
 * window for its own units, not again for the ones shipped before.
 */
export async function requestReturnAsBuyer(ctx: Ctx, orderId: string, token: string, input: { lines: ReturnLineInput[]; reason: string }, deps: OrderDeps) {
  const o = await buyerOrderRow(ctx.store.db, orderId, token);
  const days = (await getSettings(ctx)).returnWindowDays;
  if (days === null) throw new Conflict("return.not_offered", "This store does not take returns online; contact the store");
  return runOrderAction(ctx, o.id, deps, () => withTx(ctx, async (tx) => {
    const now = ctx.clock.now();
    const since = now - days * DAY_MS;
    // Per line: units shipped inside the window, and when the last shipment's window closed (for the message).
    const recent = new Map<string, number>();
    const lastShipped = new Map<string, number>();
    for (const f of await tx.select({ lines: fulfillments.lines, createdAt: fulfillments.createdAt }).from(fulfillments).where(eq(fulfillments.orderId, o.id))) {
      for (const l of f.lines) {
        lastShipped.set(l.lineId, Math.max(lastShipped.get(l.lineId) ?? 0, f.createdAt));
        if (f.createdAt >= since) recent.set(l.lineId, (recent.get(l.lineId) ?? 0) + l.quantity);
      }
    }
    // Units under returns that stand count against the recent ones first (which units a return holds is not known;
    // this way the window never grows).
    const standing = returnedByLine(await returnsOf(tx, o.id));
    const lines = new Map((await orderLinesOf(tx, o.id)).map((l) => [l.id, l]));
    for (const w of input.lines) {
      const l = lines.get(w.lineId);
      const shippedAt = lastShipped.get(w.lineId);
      if (!l || shippedAt === undefined) continue; // unknown or unshipped: requestInTx says so
      const inWindow = Math.max(0, (recent.get(w.lineId) ?? 0) - (standing.get(w.lineId) ?? 0));
      if (w.quantity > inWindow) {
        throw new Conflict("return.window_closed", `Returns are accepted for ${days} days after shipping`, {
          lineId: w.lineId, returnable: inWindow, ...(inWindow === 0 && { closedAt: new Date(shippedAt + days * DAY_MS).toISOString() }),
        });
      }
    }
    const { row } = await requestInTx(tx, ctx, await getOrderRow(tx, o.id), { lines: input.lines, reason: input.reason, note: null }, "buyer");
    return { number: row.number, status: row.status, lines: row.lines, createdAt: new Date(row.createdAt).toISOString(), receivedAt: null };
  }));
}

const DAY_MS = 86_400_000;

async function requestInTx(tx: StoreTx, ctx: Ctx, o: OrderRow, input: { lines: ReturnLineInput[]; reason: string; note?: string | null }, by: "merchant" | "buyer") {
  // As the routes' schemas, for every other caller: a negative quantity would free units for another return.
  checkLineQuantities("return", input.lines);
  if (o.cancelledAt !== null) throw new Conflict("order.cancelled", "This order is cancelled");
  const [lines, earlier] = await Promise.all([orderLinesOf(tx, o.id), returnsOf(tx, o.id)]);
  const byId = new Map(lines.map((l) => [l.id, l]));
  const taken = returnedByLine(earlier);
  const seen = new Set<string>();
  for (const w of input.lines) {
    const l = byId.get(w.lineId);
    if (!l) throw new ValidationFailed("return.unknown_line", "This line is not part of the order", { lineId: w.lineId });
    if (seen.has(w.lineId)) throw new ValidationFailed("return.duplicate_line", "A line is listed twice", { lineId: w.lineId });
    seen.add(w.lineId);
    const returnable = l.fulfilledQuantity - (taken.get(l.id) ?? 0);
    if (w.quantity > returnable) {
      throw new Conflict("return.exceeds_shipped", "Only shipped units not already under a return can be returned", { lineId: l.id, returnable: Math.max(0, returnable) });
    }
  }
  const now = ctx.clock.now();
  const row: ReturnRow = {
    id: newId("ret", now), orderId: o.id, number: earlier.length + 1, status: "requested", lines: input.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
    reason: input.reason, note: input.note ?? null, restocked: false, createdAt: now, receivedAt: null, cancelledAt: null, updatedAt: now,
  };
  await tx.insert(returns).values(row);
  const units = row.lines.reduce((s, l) => s + l.quantity, 0);
  const who = by === "buyer" ? " by the buyer" : "";
  await addTimeline(tx, now, o.id, "return_requested", `Return ${returnLabel(o, row)} authorized${who} (${units} ${units === 1 ? "unit" : "units"}): ${input.reason}`, { returnId: row.id, lines: row.lines, by });
  await recordAudit(tx, ctx, { action: "order.return_requested", targetType: "order", targetId: o.id, after: { returnId: row.id, lines: row.lines, reason: row.reason, by } });
  const evLines = eventLines(row, lines);
  await addOutbox(tx, now, { topic: "email.send", key: `return:${row.id}`, payload: { template: "return_authorized", to: o.email, data: returnEmailData(o, returnLabel(o, row), evLines) } });
  await addOutbox(tx, now, {
    topic: "event", key: `order.return_requested:${row.id}`,
    payload: { type: "order.return_requested", ...eventOf(o), returnId: row.id, returnNumber: returnLabel(o, row), reason: row.reason, by, lines: evLines, shippingAddress: o.shippingAddress },
  });
  return { row, view: returnView(row, lines) };
}

/** "#1042-R1": the order's number and the return's, for the parcel and the timeline. */
const returnLabel = (o: OrderRow, r: ReturnRow) => `#${o.number}-R${r.number}`;

/**
 * The parcel arrived. With `restock` (the default) each returned unit of a tracked line goes back to stock, where
 * the sale took it from or at `locationId`; lines that took no stock (untracked variants) and variants deleted since
 * are left alone, and `restocked` says whether any stock moved. The buyer is told by e-mail.
 */
export function receiveReturn(ctx: Ctx, orderId: string, returnId: string, input: { restock?: boolean; locationId?: string }, deps: OrderDeps): Promise<ReturnView> {
  const restock = input.restock ?? true;
  if (!restock && input.locationId !== undefined) {
    throw new ValidationFailed("return.location_without_restock", "locationId says where units are restocked; it cannot go with restock: false", { field: "locationId" });
  }
  return runOrderAction(ctx, orderId, deps, () => withTx(ctx, async (tx) => {
    const o = await getOrderRow(tx, orderId);
    const r = await returnRow(tx, o.id, returnId);
    const lines = await orderLinesOf(tx, o.id);
    if (r.status === "received") return returnView(r, lines, await returnRefundsOf(tx, o.id)); // a retry: received once
    if (r.status === "cancelled") throw new Conflict("return.cancelled", "This return was cancelled", { returnId });
    const now = ctx.clock.now();
    // Checked even when nothing ends up restocked there (untracked lines only): a wrong id is the caller's mistake.
    const locationId = input.locationId === undefined ? undefined : await resolveLocation(tx, input.locationId, now);
    const byId = new Map(lines.map((l) => [l.id, l]));
    let moved = 0;
    const skipped: string[] = [];
    if (restock) {
      const existing = await stockPoliciesIn(tx, r.lines.map((rl) => byId.get(rl.lineId)!.variantId));
      for (const rl of r.lines) {
        const l = byId.get(rl.lineId)!;
        if (l.locationId === null) continue;
        // The inventory never holds stock for a variant the store no longer has.
        if (!existing.has(l.variantId)) {
          skipped.push(l.title);
          continue;
        }
        await adjustInTx(tx, ctx, { variantId: l.variantId, locationId: locationId ?? l.locationId, delta: rl.quantity, reason: "returned", note: `return ${returnLabel(o, r)}` });
        moved++;
      }
    }
    const restocked = moved > 0;
    const next: ReturnRow = { ...r, status: "received", restocked, receivedAt: now, updatedAt: now };
    const changed = await tx.update(returns).set({ status: "received", restocked, receivedAt: now, updatedAt: now }).where(and(eq(returns.id, r.id), eq(returns.status, "requested")));
    if (changed.rowsAffected !== 1) throw new Error(`return ${r.id} is not requested any more`);
    const how = restocked ? ", items restocked" : restock ? ", nothing to restock" : ", not restocked";
    const gone = skipped.length ? ` (not restocked, no longer in the catalog: ${skipped.join(", ")})` : "";
    await addTimeline(tx, now, o.id, "return_received", `Return ${returnLabel(o, r)} received${how}${gone}`, { returnId: r.id, restocked, ...(locationId && { locationId }) });
    await recordAudit(tx, ctx, { action: "order.return_received", targetType: "order", targetId: o.id, before: { returnStatus: r.status }, after: { returnId: r.id, returnStatus: "received", restocked } });
    const evLines = eventLines(r, lines);
    await addOutbox(tx, now, { topic: "email.send", key: `return_received:${r.id}`, payload: { template: "return_received", to: o.email, data: returnEmailData(o, returnLabel(o, r), evLines) } });
    await addOutbox(tx, now, {
      topic: "event", key: `order.return_received:${r.id}`,
      payload: { type: "order.return_received", ...eventOf(o), returnId: r.id, returnNumber: returnLabel(o, r), restocked, locationId: locationId ?? null, lines: evLines },
    });
    return returnView(next, lines, await returnRefundsOf(tx, o.id));
  }));
}

/** Withdraws an authorization whose parcel never came: its quantities can be returned again. */
export function cancelReturn(ctx: Ctx, orderId: string, returnId: string, deps: OrderDeps): Promise<ReturnView> {
  return runOrderAction(ctx, orderId, deps, () => withTx(ctx, async (tx) => {
    const o = await getOrderRow(tx, orderId);
    const r = await returnRow(tx, o.id, returnId);
    const lines = await orderLinesOf(tx, o.id);
    if (r.status === "cancelled") return returnView(r, lines, await returnRefundsOf(tx, o.id));
    if (r.status === "received") throw new Conflict("return.received", "This return was received; its items are back", { returnId });
    // Paid back already (refunded on request): cancelling would free its units for a second refund.
    const paid = (await returnRefundsOf(tx, o.id)).filter((p) => p.returnId === r.id && p.status !== "failed");
    if (paid.length > 0) throw new Conflict("return.refunded", "A refund was made for this return; it cannot be cancelled", { returnId, refundIds: paid.map((p) => p.id) });
    const now = ctx.clock.now();
    await tx.update(returns).set({ status: "cancelled", cancelledAt: now, updatedAt: now }).where(eq(returns.id, r.id));
    await addTimeline(tx, now, o.id, "return_cancelled", `Return ${returnLabel(o, r)} cancelled`, { returnId: r.id });
    await recordAudit(tx, ctx, { action: "order.return_cancelled", targetType: "order", targetId: o.id, before: { returnStatus: r.status }, after: { returnId: r.id, returnStatus: "cancelled" } });
    await addOutbox(tx, now, { topic: "event", key: `order.return_cancelled:${r.id}`, payload: { type: "order.return_cancelled", ...eventOf(o), returnId: r.id, returnNumber: returnLabel(o, r) } });
    return returnView({ ...r, status: "cancelled", cancelledAt: now, updatedAt: now }, lines, await returnRefundsOf(tx, o.id));
  }));
}

export async function getReturn(ctx: Pick<Ctx, "store">, orderId: string, returnId: string): Promise<ReturnView> {
  const o = await getOrderRow(ctx.store.db, orderId);
  const r = await returnRow(ctx.store.db, o.id, returnId);
  return returnView(r, await orderLinesOf(ctx.store.db, o.id), await returnRefundsOf(ctx.store.db, o.id));
}

export async function listReturns(ctx: Pick<Ctx, "store">, orderId: string): Promise<ReturnView[]> {
  const o = await getOrderRow(ctx.store.db, orderId);
  const [rows, lines, paid] = await Promise.all([returnsOf(ctx.store.db, o.id), orderLinesOf(ctx.store.db, o.id), returnRefundsOf(ctx.store.db, o.id)]);
  return rows.map((r) => returnView(r, lines, paid));
}
