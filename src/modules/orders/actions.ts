// Order actions that move money or goods: capture, refund, cancel, fulfill. Provider calls run before the
// transaction that records them and never inside it; one action per order at a time (a per-order lock), so two
// refunds cannot both pass the "not above captured" check with the provider answering in between.
import { and, eq, sql } from "drizzle-orm";
import { createHash } from "node:crypto";
import { actorScope, IDEMPOTENCY_TTL_MS, type Ctx } from "../../kernel/context.ts";
import { AppError, Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { KeyedLock } from "../../kernel/lock.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { formatMoney } from "../../kernel/money.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { insertRow, updateById } from "../../db/prepared.ts";
import { addOutbox } from "../../jobs/index.ts";
import { recordAudit } from "../audit/index.ts";
import { adjustInTx } from "../inventory/index.ts";
import { capturedOf, getPaymentSettings, getProvider, paymentEvents, paymentRow, recordPaymentEvent, type PaymentRow, type ProviderContext } from "../payments/index.ts";
import { fulfillments, orderLines, orders, refunds, returns } from "./orders.tables.ts";
import { addPaidTimeline, addTimeline, orderLinesOf, type OrderLineRow, type OrderRow } from "./place.ts";
import { baseView } from "./view.ts";
import { deriveStatus, fulfillmentStatus, getOrderRow, isPaid } from "./orders.ts";
import { refundEmailData, shippingEmailData } from "./emails.ts";
import { recordedRefunds, unsettledRefunds } from "./refund-attempts.ts";

export interface OrderDeps {
  masterKey: Uint8Array;
  outbox?: { kick(storeId: string): void };
}

const orderLock = new KeyedLock();

/** Test seam: runs after the provider accepted a refund and before it is recorded (a crash or disk error there). */
export const orderFaults: { afterRefundProvider: ((orderId: string) => void | Promise<void>) | null } = { afterRefundProvider: null };
const pcOf = (ctx: Ctx, deps: OrderDeps): ProviderContext => ({ storeId: ctx.storeId, masterKey: deps.masterKey });
export const eventOf = (o: OrderRow) => ({ orderId: o.id, number: o.number, email: o.email, total: { amount: o.total, currency: o.currency } });

/** Re-derives the status after a change and writes it; returns the updated row. */
async function restatus(tx: StoreTx, o: OrderRow, p: PaymentRow, patch: Partial<OrderRow>, now: number, lines?: OrderLineRow[]): Promise<OrderRow> {
  lines ??= await orderLinesOf(tx, o.id);
  const next = { ...o, ...patch, updatedAt: now };
  next.status = deriveStatus(next, p, lines);
  await updateById(tx, orders, o.id, { ...patch, status: next.status, updatedAt: now });
  return next;
}

/** Runs an action of one order under its lock, then kicks the outbox relay. */
export function runOrderAction<T>(ctx: Ctx, orderId: string, deps: OrderDeps, fn: () => Promise<T>): Promise<T> {
  // The kick starts the relay and is not waited for: a finally callback that returned its promise made every
  // order action (the checkout's capture included) wait for a whole relay pass and its fsyncs.
  return orderLock.run(`${ctx.storeId}:${orderId}`, fn).finally(() => {
    deps.outbox?.kick(ctx.storeId);
  });
}

/** Captures the authorized amount (manual capture, or right after checkout on automatic capture). */
export function capturePayment(ctx: Ctx, orderId: string, deps: OrderDeps): Promise<OrderRow> {
  return runOrderAction(ctx, orderId, deps, async () => {
    const o = await getOrderRow(ctx.store.db, orderId);
    const p = await paymentRow(ctx.store.db, o.paymentId);
    if (isPaid(p)) return o;
    if (o.cancelledAt !== null) throw new Conflict("order.cancelled", "This order is cancelled");
    if (p.status === "voided") throw authorizationGone(p.id, p.failureReason);
    // Captured with no amount known (a provider that captured at once without saying how much): asked again.
    if (p.status !== "authorized" && p.status !== "captured") throw new Conflict("payment.not_authorized", `A ${p.status} payment cannot be captured`, { paymentId: p.id });
    // A test authorization (sandbox) of a store that takes real payments now moves no money: it must not mark the order paid.
    const enabled = (await getPaymentSettings(ctx)).provider;
    if (p.provider === "sandbox" && enabled !== "sandbox") {
      throw new Conflict("payment.provider_not_enabled", `This order's payment was a test payment (sandbox) and the store now takes payments with "${enabled}"; cancel the order`, { paymentId: p.id, enabled });
    }
    const s = await getProvider(p.provider).capture(pcOf(ctx, deps), p.providerRef, { amount: p.amount, currency: p.currency });
    if (s.status === "voided") {
      // Canceled at the provider and its news not here yet (Stripe's payment_intent.canceled): recorded now, as
      // that event would, which then finds the payment voided and adds nothing.
      await withTx(ctx, async (tx) => {
        const fresh = await paymentRow(tx, p.id);
        if (fresh.status !== "authorized") return;
        await recordPaymentEvent(tx, ctx, fresh, { status: "voided", failureReason: s.failureReason }, { type: "authorization_canceled", amount: p.amount, reference: s.providerRef, detail: s.failureReason });
        await authorizationCanceledInTx(tx, ctx, fresh, s.failureReason);
      });
      throw authorizationGone(p.id, s.failureReason);
    }
    if (s.status !== "captured") {
      await withTx(ctx, async (tx) => {
        await recordPaymentEvent(tx, ctx, p, {}, { type: "capture_failed", amount: p.amount, reference: s.providerRef, detail: s.failureReason });
        await addTimeline(tx, ctx.clock.now(), o.id, "capture_failed", "Capturing the payment failed", { reason: s.failureReason });
      });
      throw new AppError("PAYMENT_FAILED", "payment.capture_failed", "The provider refused to capture this payment", { paymentId: p.id, failureReason: s.failureReason });
    }
    // What the provider captured: the whole authorization, unless it was captured elsewhere in part (the Stripe
    // dashboard); refunds are then capped by what was really captured.
    const captured = capturedOf(s, p.amount);
    return withTx(ctx, async (tx) => {
      const now = ctx.clock.now();
      const paid = await recordPaymentEvent(tx, ctx, p, { status: "captured", providerRef: s.providerRef, capturedAmount: captured }, { type: "captured", amount: captured, reference: s.providerRef });
      const lines = await orderLinesOf(tx, o.id);
      const next = await restatus(tx, o, paid, {}, now, lines);
      await addPaidTimeline(tx, now, o.id, captured, p.amount, p.currency);
      await recordAudit(tx, ctx, { action: "order.paid", targetType: "order", targetId: o.id, before: { status: o.status }, after: { status: next.status } });
      // Paid is when a warehouse may ship: the whole order rides along, as on order.placed.
      await addOutbox(tx, now, { topic: "event", key: `order.paid:${o.id}`, payload: { type: "order.paid", ...eventOf(next), order: baseView(next, lines) } });
      return next;
    });
  });
}

const authorizationGone = (paymentId: string, reason: string | null) =>
  new Conflict("payment.authorization_canceled", "This order's payment authorization was canceled at the payment provider (it expired, or was canceled there), so it cannot be captured; cancel the order to put its stock back, and ask the buyer to order again", { paymentId, reason });

/**
 * The authorization of an order's payment was canceled at the provider before it was captured: Stripe cancels an
 * uncaptured authorization on its own after about 7 days, and the merchant can cancel it in Stripe's dashboard. The
 * caller has recorded the payment as voided (once: only an authorized payment becomes voided, so a redelivery or a
 * later event adds nothing); the order says so on its timeline, in the audit log and in an
 * `order.authorization_canceled` event.
 *
 * The order is not cancelled here, as on Shopify, where such an order stays open with its payment shown expired: an
 * expiry decides nothing about the goods. The merchant may take the money another way or ask the buyer to order
 * again before giving the stock back, and cancelling tells every integration the order is off. The order stays
 * pending, it cannot be captured (409 payment.authorization_canceled) nor shipped (not paid), and cancelling it from
 * Trafi voids nothing more (the payment is voided already) and puts its stock back.
 */
export async function authorizationCanceledInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, reason: string | null): Promise<void> {
  if (p.orderId === null) return;
  const o = await getOrderRow(tx, p.orderId);
  if (o.cancelledAt !== null) return;
  const now = ctx.clock.now();
  const why = reason === "automatic" || reason === "expired" ? "it expired before it was captured" : `reason: ${reason ?? "none given"}`;
  await addTimeline(tx, now, o.id, "authorization_canceled", `Payment authorization canceled at ${p.provider === "stripe" ? "Stripe" : p.provider} (${why}): it can no longer be captured. Cancel the order to put its stock back.`, { paymentId: p.id, reason });
  await recordAudit(tx, ctx, { action: "order.authorization_canceled", targetType: "order", targetId: o.id, before: { status: o.status, paymentStatus: "authorized" }, after: { status: o.status, paymentStatus: "voided", reason } });
  await addOutbox(tx, now, { topic: "event", key: `order.authorization_canceled:${o.id}`, payload: { type: "order.authorization_canceled", ...eventOf(o), paymentId: p.id, reason } });
}

type RefundRow = typeof refunds.$inferSelect;

/**
 * Refund attempts. Before the provider is asked, the attempt is written and synced as a `requested` refund row
 * holding what is asked; its id is the provider's idempotency key. A retry (after a crash, a failed recording, an
 * answer lost before the idempotency layer stored it) finds the attempt by its request key and asks again with
 * the same key and the same amount and reason, so the provider answers with the same refund: the money moves once.
 * A refusal deletes the attempt (the money did not move; the key is free for a new try). A call that threw leaves
 * it requested: whether the money moved is unknown until the retry asks again.
 */
async function attemptRefund(ctx: Ctx, o: OrderRow, p: PaymentRow, amount: number, reason: string, requestKey: string | null, returnId: string | null = null): Promise<RefundRow> {
  const now = ctx.clock.now();
  const row: RefundRow = {
    id: newId("ref", now), orderId: o.id, paymentId: p.id, amount, currency: o.currency, reason, providerRef: "", status: "requested",
    createdAt: now, requestKey, failedAt: null, returnId,
  };
  await withTx(ctx, async (tx) => {
    await tx.insert(refunds).values(row);
    // If this attempt is still requested after SETTLE_AFTER_MS (the call threw, the process stopped), a job asks
    // the provider what became of it.
    await addOutbox(tx, now, { topic: "refund.settle", key: `refund.settle:${row.id}`, payload: { orderId: o.id, refundId: row.id } });
  });
  return row;
}

/**
 * How long an attempt stays requested before the settle job asks the provider about it: longer than any provider
 * call lasts (the Stripe client gives up after 80 s), so the request that made it is over.
 */
export const SETTLE_AFTER_MS = 10 * 60_000;

/** The attempt with this request key on this order, if one was made. */
async function attemptOf(ctx: Ctx, orderId: string, requestKey: string): Promise<RefundRow | undefined> {
  return (await ctx.store.db.select().from(refunds).where(and(eq(refunds.orderId, orderId), eq(refunds.requestKey, requestKey))))[0];
}

/** Provider answers that say no refund was made (a request refused as invalid, a decline): the attempt can go. */
const DEFINITE_REFUSALS = new Set(["payment.provider_rejected", "payment.declined", "payment.amount_not_representable"]);

async function refundInProvider(ctx: Ctx, deps: OrderDeps, p: PaymentRow, attempt: RefundRow) {
  let r;
  try {
    r = await getProvider(p.provider).refund(pcOf(ctx, deps), p.providerRef, { amount: attempt.amount, currency: p.currency }, attempt.reason, attempt.id);
  } catch (e) {
    // Refused outright: nothing moved, and the amount must not stay locked until the settle job. Anything else
    // (a timeout, a 5xx) is an unknown outcome: the attempt stays for a retry or the settle job.
    if (e instanceof AppError && DEFINITE_REFUSALS.has(e.reason)) {
      await withTx(ctx, async (tx) => {
        await tx.delete(refunds).where(and(eq(refunds.id, attempt.id), eq(refunds.status, "requested")));
        await recordPaymentEvent(tx, ctx, p, {}, { type: "refund_failed", amount: attempt.amount, reference: null, detail: `${e.reason} (${attempt.reason})` });
      });
    }
    throw e;
  }
  if (r.status === "failed") return refused(ctx, p, attempt, r.refundRef);
  await orderFaults.afterRefundProvider?.(attempt.orderId);
  return { refundRef: r.refundRef, status: r.status };
}

/** Refused (or failed at the provider): the money did not move. The attempt goes (its request key with it); the event log keeps the refusal. */
async function refused(ctx: Ctx, p: PaymentRow, attempt: RefundRow, refundRef: string): Promise<never> {
  await withTx(ctx, async (tx) => {
    await tx.delete(refunds).where(and(eq(refunds.id, attempt.id), eq(refunds.status, "requested")));
    await recordPaymentEvent(tx, ctx, p, {}, { type: "refund_failed", amount: attempt.amount, reference: refundRef, detail: attempt.reason });
  });
  throw new AppError("PAYMENT_FAILED", "refund.failed", "The provider refused the refund", { paymentId: p.id });
}

/**
 * An attempt made earlier (a retry): the refund the provider made for it, if it has one; otherwise it is asked
 * again with the same key. Finding first matters once the provider forgot the key (Stripe: after 24 h), when
 * asking again would refund a second time.
 */
async function resumeInProvider(ctx: Ctx, deps: OrderDeps, p: PaymentRow, attempt: RefundRow) {
  const found = await getProvider(p.provider).findRefund(pcOf(ctx, deps), p.providerRef, attempt.id);
  // Made and then failed (a refund can fail after it was accepted): final. Asking again under the same key would
  // only replay the first answer (pending, succeeded), and that would be recorded.
  if (found?.status === "failed") return refused(ctx, p, attempt, found.refundRef);
  if (found) {
    await orderFaults.afterRefundProvider?.(attempt.orderId);
    return { refundRef: found.refundRef, status: found.status };
  }
  return refundInProvider(ctx, deps, p, attempt);
}

/**
 * Records a refund the provider accepted: the attempt becomes the refund, then payment, order status, timeline,
 * audit, e-mail and event.
 */
async function recordRefundInTx(
  tx: StoreTx, ctx: Ctx, o: OrderRow, p: PaymentRow, attempt: RefundRow,
  answer: { refundRef: string; status: "succeeded" | "pending" },
  patch: Partial<OrderRow> = {},
) {
  const now = ctx.clock.now();
  const r = { id: attempt.id, amount: attempt.amount, reason: attempt.reason, ref: answer.refundRef };
  const refunded = p.refundedAmount + r.amount;
  const settled = await tx.update(refunds).set({ providerRef: r.ref, status: answer.status }).where(and(eq(refunds.id, r.id), eq(refunds.status, "requested")));
  if (settled.rowsAffected !== 1) throw new Error(`refund attempt ${r.id} is not requested any more`);
  const p2 = await recordPaymentEvent(tx, ctx, p, { refundedAmount: refunded, status: refunded >= p.capturedAmount ? "refunded" : "partially_refunded" }, { type: "refunded", amount: r.amount, reference: r.ref, detail: r.reason });
  const next = await restatus(tx, o, p2, { refundedTotal: o.refundedTotal + r.amount, ...patch }, now);
  await addTimeline(tx, now, o.id, "refunded", `Refunded ${formatMoney({ amount: r.amount, currency: o.currency })}`, { refundId: r.id, amount: r.amount, reason: r.reason, ...(attempt.returnId ? { returnId: attempt.returnId } : {}) });
  await recordAudit(tx, ctx, { action: "order.refunded", targetType: "order", targetId: o.id, before: { status: o.status, refundedTotal: o.refundedTotal }, after: { status: next.status, refundedTotal: next.refundedTotal, refundId: r.id, reason: r.reason } });
  await addOutbox(tx, now, { topic: "email.send", key: `refund:${r.id}`, payload: { template: "refund", to: o.email, data: refundEmailData(o, r.amount, r.reason) } });
  await addOutbox(tx, now, { topic: "event", key: `order.refunded:${r.id}`, payload: { type: "order.refunded", ...eventOf(next), refundId: r.id, returnId: attempt.returnId, amount: { amount: r.amount, currency: o.currency }, refundedTotal: { amount: next.refundedTotal, currency: o.currency } } });
  return next;
}

/** What the provider says later about a refund it made (Stripe: refund.updated, refund.failed, charge.refund.updated). */
export interface RefundNews {
  refundRef: string;
  /** Our attempt's id, when the provider carries it (Stripe: metadata.trafi_refund). */
  attemptId: string | null;
  status: "succeeded" | "pending" | "failed";
  failureReason: string | null;
  /** The refund's amount in minor units of the payment's currency (a refund made outside Trafi has no row to say it). */
  amount: number | null;
  /** When the provider reported it (its event's time, ms). */
  at: number;
}

export type RefundNewsOutcome = "untracked" | "unrecorded" | "unchanged" | "succeeded" | "reversed";

/**
 * A refund changes at the provider after it was recorded (pending or succeeded). Pending → succeeded is noted. A
 * failure, which can come after "succeeded" too (a closed card), means the buyer was not paid back and the provider
 * returned the money to the merchant's balance: the refund becomes `failed` and leaves the order's refunded total
 * and the payment's refunded amount, the order status follows, and the timeline, audit log and an
 * `order.refund_failed` event say so. Runs in the caller's transaction; the caller records the payment event with
 * `paymentPatch`. Idempotent: the refund's own status is the state, so the same news twice (Stripe sends
 * refund.failed and charge.refund.updated for one failure) changes things once.
 * - An attempt not recorded yet ("unrecorded"): the caller must not acknowledge the news (Stripe redelivers), or the
 *   recording that follows would write the provider's first answer over it.
 * - A refund made outside Trafi (the Stripe dashboard) that fails: counted on the payment only (charge.refunded), so
 *   it comes off the payment, and a failed refund row keeps it from coming off twice.
 */
export async function refundNewsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: RefundNews): Promise<{ outcome: RefundNewsOutcome; paymentPatch: Partial<PaymentRow> }> {
  const unchanged = { outcome: "unchanged" as const, paymentPatch: {} };
  const row = await refundRowOf(tx, p, news);
  if (!row && news.status === "failed" && p.orderId === null && news.attemptId?.startsWith("release:")) return releaseRefundFailed(tx, ctx, p, news);
  if (!row) return news.status === "failed" ? outsideRefundFailed(tx, ctx, p, news) : outsideRefundMade(tx, ctx, p, news);
  if (row.status === "requested") return { outcome: "unrecorded", paymentPatch: {} };
  if (row.status === "failed" || row.status === news.status || news.status === "pending") return unchanged;
  if (news.status === "succeeded") {
    await tx.update(refunds).set({ status: "succeeded" }).where(and(eq(refunds.id, row.id), eq(refunds.status, "pending")));
    return { outcome: "succeeded", paymentPatch: {} };
  }
  const moved = await tx.update(refunds).set({ status: "failed", failedAt: news.at }).where(and(eq(refunds.id, row.id), eq(refunds.status, row.status)));
  if (moved.rowsAffected !== 1) return unchanged;
  const paymentPatch = refundedPatch(p, Math.max(0, p.refundedAmount - row.amount));
  const o = await getOrderRow(tx, row.orderId);
  const now = ctx.clock.now();
  const next = await restatus(tx, o, { ...p, ...paymentPatch }, { refundedTotal: Math.max(0, o.refundedTotal - row.amount) }, now);
  const amount = formatMoney({ amount: row.amount, currency: row.currency });
  const why = news.failureReason ?? "no reason given";
  await addTimeline(tx, now, o.id, "refund_failed", `Refund of ${amount} failed at the payment provider (${why}): the buyer was not paid back. The amount can be refunded again.`, { refundId: row.id, amount: row.amount, failureReason: news.failureReason });
  await recordAudit(tx, ctx, {
    action: "order.refund_failed", targetType: "order", targetId: o.id,
    before: { status: o.status, refundedTotal: o.refundedTotal, refundStatus: row.status },
    after: { status: next.status, refundedTotal: next.refundedTotal, refundId: row.id, failureReason: news.failureReason },
  });
  await addOutbox(tx, now, {
    topic: "event", key: `order.refund_failed:${row.id}`,
    payload: { type: "order.refund_failed", ...eventOf(next), refundId: row.id, amount: { amount: row.amount, currency: row.currency }, failureReason: news.failureReason, refundedTotal: { amount: next.refundedTotal, currency: next.currency } },
  });
  return { outcome: "reversed", paymentPatch };
}

/** The row of the refund the provider reports on: by its provider id, or (an attempt of ours not recorded yet) by our attempt's id. */
async function refundRowOf(tx: StoreTx, p: PaymentRow, news: Pick<RefundNews, "refundRef" | "attemptId">): Promise<RefundRow | undefined> {
  const byRef = (await tx.select().from(refunds).where(and(eq(refunds.paymentId, p.id), eq(refunds.providerRef, news.refundRef))))[0];
  if (byRef || !news.attemptId) return byRef;
  // By our attempt's id only while it has no provider refund yet: a row holding another refund is not this one.
  return (await tx.select().from(refunds).where(and(eq(refunds.paymentId, p.id), eq(refunds.id, news.attemptId), eq(refunds.providerRef, ""))))[0];
}

const refundedPatch = (p: PaymentRow, refunded: number): Partial<PaymentRow> => ({
  refundedAmount: refunded,
  status: refunded === 0 ? "captured" : refunded >= p.capturedAmount ? "refunded" : "partially_refunded",
});

/**
 * A refund made outside Trafi (the Stripe dashboard; refund.created / refund.updated, or charge.refunded through
 * outsideRefundsInTx): it becomes a refund of the order, so the order's refunded total, status, timeline, e-mail and
 * `order.refunded` event say what the buyer got back. Its row holds the provider's refund id: the first news of it
 * records it, any later one finds the row. The payment takes the larger of its own count and the recorded refunds.
 */
async function outsideRefundMade(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: RefundNews): Promise<{ outcome: RefundNewsOutcome; paymentPatch: Partial<PaymentRow> }> {
  if (news.amount === null || news.amount <= 0 || p.orderId === null || news.status === "failed") return { outcome: "untracked", paymentPatch: {} };
  const now = ctx.clock.now();
  const id = newId("ref", now);
  await tx.insert(refunds).values({
    id, orderId: p.orderId, paymentId: p.id, amount: news.amount, currency: p.currency,
    reason: "made outside Trafi (Stripe dashboard)", providerRef: news.refundRef, status: news.status, createdAt: now, requestKey: null, failedAt: null,
  });
  const recorded = await recordedRefunds(tx, p.id);
  const refunded = Math.min(p.capturedAmount, Math.max(p.refundedAmount, recorded));
  const paymentPatch = refunded === p.refundedAmount ? {} : refundedPatch(p, refunded);
  const o = await getOrderRow(tx, p.orderId);
  const next = await restatus(tx, o, { ...p, ...paymentPatch }, { refundedTotal: Math.min(p.capturedAmount, o.refundedTotal + news.amount) }, now);
  const amount = formatMoney({ amount: news.amount, currency: p.currency });
  await addTimeline(tx, now, o.id, "refunded", `Refunded ${amount} outside Trafi (Stripe dashboard)`, { refundId: id, amount: news.amount, reason: "made outside Trafi" });
  await recordAudit(tx, ctx, { action: "order.refunded", targetType: "order", targetId: o.id, before: { status: o.status, refundedTotal: o.refundedTotal }, after: { status: next.status, refundedTotal: next.refundedTotal, refundId: id, reason: "made outside Trafi" } });
  // The buyer is told as for a refund made in Trafi: the merchant refunded the order, wherever the button was. No
  // reason line: Stripe holds none in the merchant's words, and "outside Trafi" means nothing to the buyer.
  await addOutbox(tx, now, { topic: "email.send", key: `refund:${id}`, payload: { template: "refund", to: o.email, data: refundEmailData(o, news.amount, "") } });
  await addOutbox(tx, now, { topic: "event", key: `order.refunded:${id}`, payload: { type: "order.refunded", ...eventOf(next), refundId: id, returnId: null, amount: { amount: news.amount, currency: p.currency }, refundedTotal: { amount: next.refundedTotal, currency: next.currency } } });
  return { outcome: "succeeded", paymentPatch };
}

/**
 * `charge.refunded` says the provider refunded more than this payment's refunds hold: refunds made outside Trafi (the
 * Stripe dashboard) whose own news (refund.created) has not come yet, or never will (an endpoint subscribed to
 * charge.refunded alone). Each refund the provider lists (`listed`, oldest first) that has no row here becomes a
 * refund of the order exactly as refund.created would make it (outsideRefundMade): a row holding the provider's
 * refund id, so whichever of the two comes second finds that row and counts nothing. Our own refunds have rows (a
 * requested attempt is found by its id in the refund's metadata) and are never taken for outside ones.
 * `providerRefunded` is the snapshot's refunded amount less what it counts that is not to be added (attempts not
 * recorded yet, refunds that failed since): no more than its excess over the recorded refunds is added, so a refund
 * made after the snapshot (the list is read later) waits for its own news or the next snapshot.
 * Runs in the caller's transaction; the caller records the payment event with `paymentPatch`.
 */
export async function outsideRefundsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, listed: RefundNews[], providerRefunded: number): Promise<{ recorded: number; paymentPatch: Partial<PaymentRow> }> {
  if (p.orderId === null) return { recorded: 0, paymentPatch: {} };
  let excess = Math.min(p.capturedAmount, providerRefunded) - (await recordedRefunds(tx, p.id));
  let payment = p;
  let paymentPatch: Partial<PaymentRow> = {};
  let recorded = 0;
  for (const news of listed) {
    if (excess <= 0) break;
    if (news.status === "failed" || news.amount === null || news.amount <= 0 || (await refundRowOf(tx, p, news))) continue;
    // Older than the snapshot first: one that does not fit is newer than it, and so is every one after it.
    if (news.amount > excess) break;
    const made = await outsideRefundMade(tx, ctx, payment, news);
    payment = { ...payment, ...made.paymentPatch };
    paymentPatch = { ...paymentPatch, ...made.paymentPatch };
    excess -= news.amount;
    recorded++;
  }
  return { recorded, paymentPatch };
}

const MAX_RELEASE_ROUNDS = 3;

/**
 * The refund that gave back a payment no order used (checkout's releaseUnusedPayment) failed at the provider (a
 * closed card): the buyer was not paid back. The amount is owed again and the payment.void job refunds it once
 * more, as a new refund; after MAX_RELEASE_ROUNDS failures it stops and says so in the log, for the merchant.
 */
async function releaseRefundFailed(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: RefundNews): Promise<{ outcome: RefundNewsOutcome; paymentPatch: Partial<PaymentRow> }> {
  const amount = Math.min(p.refundedAmount, news.amount ?? p.refundedAmount);
  const failedRounds = (await tx.select({ n: sql<number>`count(*)` }).from(paymentEvents).where(and(eq(paymentEvents.paymentId, p.id), eq(paymentEvents.type, "release_refund_failed"))))[0];
  const round = Number(failedRounds?.n ?? 0) + 1;
  const now = ctx.clock.now();
  await insertRow(tx, paymentEvents, { id: newId("pev", now), paymentId: p.id, type: "release_refund_failed", amount, reference: news.refundRef, detail: news.failureReason, createdAt: now });
  if (round >= MAX_RELEASE_ROUNDS) {
    ctx.log.error("refunding a payment no order used failed again: refund it by hand", { paymentId: p.id, rounds: round, failureReason: news.failureReason });
  } else {
    await addOutbox(tx, now, { topic: "payment.void", key: `payment.void:${p.id}:${round}`, payload: { paymentId: p.id } });
  }
  return { outcome: "reversed", paymentPatch: { refundedAmount: p.refundedAmount - amount } };
}

/** A refund made outside Trafi failed: off the payment (never below ours), remembered as a failed row. */
async function outsideRefundFailed(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: RefundNews): Promise<{ outcome: RefundNewsOutcome; paymentPatch: Partial<PaymentRow> }> {
  if (news.amount === null || news.amount <= 0 || p.orderId === null) return { outcome: "untracked", paymentPatch: {} };
  const now = ctx.clock.now();
  await tx.insert(refunds).values({
    id: newId("ref", now), orderId: p.orderId, paymentId: p.id, amount: news.amount, currency: p.currency,
    reason: "made outside Trafi (Stripe dashboard)", providerRef: news.refundRef, status: "failed", createdAt: now, requestKey: null, failedAt: news.at,
  });
  const refunded = Math.max(await recordedRefunds(tx, p.id), p.refundedAmount - news.amount);
  return { outcome: "reversed", paymentPatch: refunded === p.refundedAmount ? {} : refundedPatch(p, refunded) };
}

/** A dispute (chargeback) the buyer's bank opened on an order's payment, as the provider reports it. */
export interface DisputeNews {
  kind: "created" | "closed" | "funds_withdrawn" | "funds_reinstated";
  disputeId: string;
  amount: number | null;
  reason: string | null;
  /** Stripe's dispute status (won, lost, needs_response, …). */
  status: string | null;
}

const DISPUTE_WORDS: Record<DisputeNews["kind"], string> = {
  created: "Dispute opened by the buyer's bank",
  closed: "Dispute closed",
  funds_withdrawn: "Dispute: funds withdrawn from your balance",
  funds_reinstated: "Dispute: funds reinstated to your balance",
};

/**
 * A dispute on an order's payment goes on the order: a timeline entry, an audit entry and an `order.disputed` event
 * (what the merchant must answer, at the provider). Amounts stay as they are: a dispute is not a refund, and its
 * outcome is the provider's to settle. Once per dispute and kind (the event keys dedupe a redelivery).
 */
export async function disputeNewsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: DisputeNews): Promise<boolean> {
  if (p.orderId === null) return false;
  const o = await getOrderRow(tx, p.orderId);
  const now = ctx.clock.now();
  const amount = news.amount === null ? "" : `: ${formatMoney({ amount: news.amount, currency: p.currency })}`;
  const detail = [news.reason, news.kind === "closed" ? news.status : null].filter(Boolean).join(", ");
  await addTimeline(tx, now, o.id, `dispute_${news.kind}`, `${DISPUTE_WORDS[news.kind]}${amount}${detail ? ` (${detail})` : ""}`, { disputeId: news.disputeId, amount: news.amount, reason: news.reason, status: news.status });
  await recordAudit(tx, ctx, { action: `order.dispute_${news.kind}`, targetType: "order", targetId: o.id, after: { disputeId: news.disputeId, amount: news.amount, reason: news.reason, status: news.status } });
  await addOutbox(tx, now, {
    topic: "event", key: `order.disputed:${news.disputeId}:${news.kind}`,
    payload: { type: "order.disputed", ...eventOf(o), disputeId: news.disputeId, stage: news.kind, amount: news.amount === null ? null : { amount: news.amount, currency: p.currency }, reason: news.reason, status: news.status },
  });
  return true;
}


/** The request key of an admin refund: the caller and its Idempotency-Key (as the idempotency layer scopes them), hashed. */
const refundRequestKey = (actor: Ctx["actor"], key: string): string => createHash("sha256").update(`${actorScope(actor)}\n${key}`).digest("hex").slice(0, 32);

/**
 * A refund of `amount` (default: all that is left), never above what was captured and not yet refunded.
 * With the admin request's Idempotency-Key (`requestKey`), a retry is the same refund: the provider gets the same
 * idempotency key (a provider refund whose recording failed is not made twice), and a refund already recorded for
 * that key is returned as it is (its answer was lost before the idempotency layer stored it).
 */
export function refundOrder(ctx: Ctx, orderId: string, input: { amount?: number; reason: string; returnId?: string; requestKey?: string | null }, deps: OrderDeps): Promise<OrderRow> {
  // The route's schema says this too; checked here for every other caller (jobs, overrides): a fraction of a cent
  // would be refunded by the provider, then make the order unreadable (its refunded total no longer an integer).
  if (input.amount !== undefined && !isUnits(input.amount)) {
    throw new ValidationFailed("refund.invalid_amount", "amount must be a whole number of minor units, at least 1", { field: "amount" });
  }
  const requestKey = input.requestKey ? refundRequestKey(ctx.actor, input.requestKey) : null;
  return runOrderAction(ctx, orderId, deps, async () => {
    const o = await getOrderRow(ctx.store.db, orderId);
    const p = await paymentRow(ctx.store.db, o.paymentId);
    let attempt = requestKey === null ? undefined : await attemptOf(ctx, o.id, requestKey);
    const resumed = attempt !== undefined;
    if (attempt) {
      // Past 24 h the idempotency layer has forgotten the key, but the refund has not: a recorded refund's key never
      // makes another one (an honest late retry would refund twice), and a plain 201 would read as a new refund.
      if (attempt.status !== "requested" && attempt.createdAt + IDEMPOTENCY_TTL_MS <= ctx.clock.now()) {
        throw new Conflict("refund.key_expired", "This Idempotency-Key made a refund more than 24 hours ago; use a new key for a new refund", { refundId: attempt.id });
      }
      // The same key must mean the same refund (the idempotency layer answers this only once it stored an answer).
      if ((input.amount !== undefined && input.amount !== attempt.amount) || input.reason !== attempt.reason || (input.returnId ?? null) !== attempt.returnId) {
        throw new Conflict("idempotency.key_reused", "This Idempotency-Key was used with another request; use a new key for a new request", { refundId: attempt.id });
      }
      if (attempt.status !== "requested") return o; // recorded; its answer was lost
    } else {
      const refundable = p.capturedAmount - p.refundedAmount - (await unsettledRefunds(ctx.store.db, p.id));
      // A cancelled order stays refundable while money is still held (a cancellation's refund that failed at the
      // provider later); once it all went back (or was never taken), the reason is the cancellation, not the amount.
      if (o.cancelledAt !== null && p.capturedAmount - p.refundedAmount <= 0) {
        throw new Conflict("order.cancelled", "This order is cancelled and its payment was voided or refunded in full: there is nothing left to refund", { orderId });
      }
      if (p.capturedAmount === 0) throw new Conflict("refund.not_captured", "Nothing was captured on this order; cancel it to void the authorization", { orderId });
      const amount = input.amount ?? refundable;
      if (amount <= 0 || amount > refundable) {
        throw new Conflict("refund.exceeds_captured", "A refund cannot exceed what was captured and not yet refunded", {
          requested: { amount, currency: o.currency }, refundable: { amount: refundable, currency: o.currency },
        });
      }
      if (input.returnId !== undefined) await requireRefundableReturn(ctx, o.id, input.returnId);
      attempt = await attemptRefund(ctx, o, p, amount, input.reason, requestKey, input.returnId ?? null);
    }
    const asked = attempt;
    const answer = resumed ? await resumeInProvider(ctx, deps, p, asked) : await refundInProvider(ctx, deps, p, asked);
    return withTx(ctx, async (tx) => recordRefundInTx(tx, ctx, await getOrderRow(tx, orderId), await paymentRow(tx, p.id), asked, answer));
  });
}

/** A refund may name a return of its order that stands (requested: refunded on request; or received). */
async function requireRefundableReturn(ctx: Ctx, orderId: string, returnId: string): Promise<void> {
  const r = isId("ret", returnId) ? (await ctx.store.db.select({ status: returns.status }).from(returns).where(and(eq(returns.id, returnId), eq(returns.orderId, orderId))))[0] : undefined;
  if (!r) throw new NotFound("return", returnId);
  if (r.status === "cancelled") throw new Conflict("return.cancelled", "This return was cancelled", { returnId });
}

/** Cancels an unfulfilled order: stock goes back where it came from; the authorization is voided or the capture refunded. */
export function cancelOrder(ctx: Ctx, orderId: string, input: { reason: string }, deps: OrderDeps): Promise<OrderRow> {
  return runOrderAction(ctx, orderId, deps, () => cancelOrderNow(ctx, orderId, input, deps));
}

/** cancelOrder's work, for a caller already holding the order's lock. */
async function cancelOrderNow(ctx: Ctx, orderId: string, input: { reason: string }, deps: OrderDeps): Promise<OrderRow> {
  const o = await getOrderRow(ctx.store.db, orderId);
  if (o.cancelledAt !== null) return o;
  const lines = await orderLinesOf(ctx.store.db, o.id);
  if (lines.some((l) => l.fulfilledQuantity > 0)) throw new Conflict("order.already_fulfilled", "Lines of this order were shipped; refund instead of cancelling", { orderId });
  const p = await paymentRow(ctx.store.db, o.paymentId);
  let refund: { attempt: RefundRow; answer: { refundRef: string; status: "succeeded" | "pending" } } | null = null;
  let voided: PaymentRow | null = null;
  // An order is cancelled once: its refund attempt has the request key "cancel", and a retry resumes it.
  const earlier = await attemptOf(ctx, o.id, "cancel");
  const unsettled = await unsettledRefunds(ctx.store.db, p.id);
  // Another refund whose outcome is unknown (its provider call failed): cancelling now would refund only the rest,
  // and if that refund turns out never made, the cancelled order would keep its amount. Settle it first.
  if (unsettled - (earlier?.status === "requested" ? earlier.amount : 0) > 0) {
    throw new Conflict("refund.unsettled", "A refund of this order is still waiting for the payment provider's answer; retry it (with its Idempotency-Key, if it had one), or cancel once it has settled (within about 10 minutes)", { orderId });
  }
  const refundable = p.capturedAmount - p.refundedAmount - unsettled;
  if (earlier || refundable > 0) {
    const attempt = earlier ?? (await attemptRefund(ctx, o, p, refundable, input.reason, "cancel"));
    refund = { attempt, answer: earlier ? await resumeInProvider(ctx, deps, p, attempt) : await refundInProvider(ctx, deps, p, attempt) };
  } else if (p.status === "authorized") {
    const s = await getProvider(p.provider).void(pcOf(ctx, deps), p.providerRef);
    if (s.status !== "voided") throw new AppError("PAYMENT_FAILED", "payment.void_failed", "The provider refused to void the authorization", { paymentId: p.id });
    voided = { ...p, providerRef: s.providerRef };
  }
  return withTx(ctx, async (tx) => {
    const now = ctx.clock.now();
    for (const l of lines) {
      // No location: the sale took no stock (an untracked variant), so there is none to put back.
      if (l.locationId === null) continue;
      await adjustInTx(tx, ctx, { variantId: l.variantId, locationId: l.locationId, delta: l.quantity, reason: "returned", note: `order ${o.number} cancelled` });
    }
    let fresh = await getOrderRow(tx, orderId);
    if (voided) await recordPaymentEvent(tx, ctx, p, { status: "voided", providerRef: voided.providerRef }, { type: "voided", amount: p.amount, reference: voided.providerRef, detail: input.reason });
    if (refund) fresh = await recordRefundInTx(tx, ctx, fresh, await paymentRow(tx, p.id), refund.attempt, refund.answer);
    const next = await restatus(tx, fresh, await paymentRow(tx, p.id), { cancelledAt: now }, now);
    await addTimeline(tx, now, o.id, "cancelled", "Order cancelled", { reason: input.reason });
    await recordAudit(tx, ctx, { action: "order.cancelled", targetType: "order", targetId: o.id, before: { status: o.status }, after: { status: next.status, reason: input.reason } });
    await addOutbox(tx, now, { topic: "event", key: `order.cancelled:${o.id}`, payload: { type: "order.cancelled", ...eventOf(next), reason: input.reason } });
    return next;
  });
}

/**
 * Settles a refund attempt still requested SETTLE_AFTER_MS after it was made (the provider call threw, or the
 * process stopped between asking and recording), by asking the provider what it did; it never asks for a refund.
 * - made: recorded as the request would have (a cancellation's attempt finishes the cancellation);
 * - not made: the attempt is deleted and its amount is refundable again (a payment event says so); a cancellation
 *   stays undone, for the merchant to try again.
 */
export function settleRefundAttempt(ctx: Ctx, orderId: string, refundId: string, deps: OrderDeps): Promise<"settled" | "early" | "recorded" | "released"> {
  return runOrderAction(ctx, orderId, deps, async () => {
    const attempt = (await ctx.store.db.select().from(refunds).where(and(eq(refunds.id, refundId), eq(refunds.orderId, orderId))))[0];
    if (!attempt || attempt.status !== "requested") return "settled";
    if (ctx.clock.now() - attempt.createdAt < SETTLE_AFTER_MS) return "early";
    const p = await paymentRow(ctx.store.db, attempt.paymentId);
    const found = await getProvider(p.provider).findRefund(pcOf(ctx, deps), p.providerRef, attempt.id);
    if (!found || found.status === "failed") {
      await withTx(ctx, async (tx) => {
        const gone = await tx.delete(refunds).where(and(eq(refunds.id, attempt.id), eq(refunds.status, "requested")));
        if (gone.rowsAffected !== 1) return;
        await recordPaymentEvent(tx, ctx, p, {}, { type: "refund_failed", amount: attempt.amount, reference: found?.refundRef ?? null, detail: `not made by the provider; released (${attempt.reason})` });
        // On the order too: the merchant asked for this refund and must know it did not happen.
        const amount = formatMoney({ amount: attempt.amount, currency: attempt.currency });
        await addTimeline(tx, ctx.clock.now(), orderId, "refund_failed", `Refund of ${amount} was not made by the payment provider; the amount can be refunded again`, { refundId: attempt.id, amount: attempt.amount });
      });
      return "released";
    }
    const shipped = (await orderLinesOf(ctx.store.db, orderId)).some((l) => l.fulfilledQuantity > 0);
    if (attempt.requestKey === "cancel" && !shipped) {
      // The cancellation resumes: it finds the same refund (resumeInProvider) and puts the stock back.
      await cancelOrderNow(ctx, orderId, { reason: attempt.reason }, deps);
      return "recorded";
    }
    // A plain refund; or a cancellation that cannot finish any more (lines were shipped since: fulfillOrder refuses
    // that while a cancellation's attempt is requested, refund.unsettled, so only an order shipped before that check
    // existed gets here): the refund the provider made is recorded as a refund, and the order stays.
    await withTx(ctx, async (tx) => recordRefundInTx(tx, ctx, await getOrderRow(tx, orderId), await paymentRow(tx, p.id), attempt, { refundRef: found.refundRef, status: found.status as "succeeded" | "pending" }));
    return "recorded";
  });
}

export interface FulfillInput {
  lines?: Array<{ lineId: string; quantity: number }>;
  carrier: string;
  trackingNumber: string;
  trackingUrl: string;
}

/** A count of units or of minor units: a whole number, at least 1, that stays exact. */
const isUnits = (n: number): boolean => Number.isSafeInteger(n) && n >= 1;

/** The lines of a fulfillment or a return, as given by a caller: at least one, each of at least one whole unit. */
export function checkLineQuantities(of: "fulfillment" | "return", lines: Array<{ lineId: string; quantity: number }> | undefined): void {
  if (lines === undefined) return;
  if (lines.length === 0) throw new ValidationFailed(`${of}.no_lines`, "List at least one line", { field: "lines" });
  for (const l of lines) {
    if (!isUnits(l.quantity)) throw new ValidationFailed(`${of}.invalid_quantity`, "A line's quantity must be a whole number, at least 1", { lineId: l.lineId });
  }
}

/** A link the buyer is sent to (page, e-mail, webhook): http(s) with a host, nothing that could split a line. */
function checkTrackingUrl(u: string): void {
  let url: URL | null = null;
  try {
    url = /[\s\x00-\x1f\x7f]/.test(u) ? null : new URL(u);
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.hostname === "") {
    throw new ValidationFailed("fulfillment.invalid_tracking_url", "trackingUrl must be an http(s) address with a host and no spaces", { field: "trackingUrl" });
  }
}

/** Ships lines (all that remain when `lines` is omitted); partial fulfillments add up to fulfilled. */
export function fulfillOrder(ctx: Ctx, orderId: string, input: FulfillInput, deps: OrderDeps): Promise<{ order: OrderRow; fulfillmentId: string }> {
  checkTrackingUrl(input.trackingUrl);
  // As the route's schema, for every other caller: a quantity of 0 or less (or a fraction) would lower a line's
  // shipped count, and an empty list is not "everything left" (that is `lines` omitted).
  checkLineQuantities("fulfillment", input.lines);
  return runOrderAction(ctx, orderId, deps, () => withTx(ctx, async (tx) => {
    const o = await getOrderRow(tx, orderId);
    if (o.cancelledAt !== null) throw new Conflict("order.cancelled", "This order is cancelled; a cancelled order cannot be shipped", { orderId });
    const p = await paymentRow(tx, o.paymentId);
    if (!isPaid(p)) {
      // "Capture first" would send the merchant to a button that answers 409 once the authorization is gone.
      const message = p.status === "voided" ? "This order was never paid: its payment authorization was canceled, so it cannot be shipped" : "Capture the payment before shipping";
      throw new Conflict("order.not_paid", message, { orderId });
    }
    // Refunded in full, here or at the provider (a charge.refunded from the Stripe dashboard moves the payment's
    // figure before the order's): the buyer has the money back, so shipping would give the goods away as well. A
    // partly refunded order still ships (a goodwill gesture, a late-delivery discount), as on Shopify or Medusa.
    const refunded = Math.max(o.refundedTotal, p.refundedAmount);
    if (refunded > 0 && refunded >= p.capturedAmount) {
      throw new Conflict("order.refunded", "This order was refunded in full, so it cannot be shipped", {
        orderId, refunded: { amount: refunded, currency: o.currency },
      });
    }
    // A refund (or a cancellation's) whose provider call failed may have been made: its attempt stays requested
    // until a retry or the refund.settle job finds out. If it covers all that is left, the order still reads paid
    // but shipping could send goods for money already returned, so wait for it. A partial one still leaves money
    // held for the goods, and ships as a recorded partial refund does.
    const unsettled = await unsettledRefunds(tx, p.id);
    if (unsettled > 0 && p.capturedAmount - refunded - unsettled <= 0) {
      throw new Conflict("refund.unsettled", "A refund of all that is left on this order is still waiting for the payment provider's answer; ship once it has settled (within about 10 minutes) and only if it was not made", {
        orderId, unsettled: { amount: unsettled, currency: o.currency },
      });
    }
    const lines = await orderLinesOf(tx, o.id);
    const byId = new Map(lines.map((l) => [l.id, l]));
    const wanted = input.lines ?? lines.filter((l) => l.quantity > l.fulfilledQuantity).map((l) => ({ lineId: l.id, quantity: l.quantity - l.fulfilledQuantity }));
    if (wanted.length === 0) throw new Conflict("fulfillment.nothing_left", "Every line is already fulfilled", { orderId });
    const seen = new Set<string>();
    for (const w of wanted) {
      const l = byId.get(w.lineId);
      if (!l) throw new ValidationFailed("fulfillment.unknown_line", "This line is not part of the order", { lineId: w.lineId });
      if (seen.has(w.lineId)) throw new ValidationFailed("fulfillment.duplicate_line", "A line is listed twice", { lineId: w.lineId });
      seen.add(w.lineId);
      if (l.fulfilledQuantity + w.quantity > l.quantity) {
        throw new Conflict("fulfillment.exceeds_quantity", "More than what is left to ship on this line", { lineId: w.lineId, remaining: l.quantity - l.fulfilledQuantity });
      }
    }
    const now = ctx.clock.now();
    const id = newId("ful", now);
    for (const w of wanted) {
      await tx.update(orderLines).set({ fulfilledQuantity: byId.get(w.lineId)!.fulfilledQuantity + w.quantity }).where(eq(orderLines.id, w.lineId));
    }
    await tx.insert(fulfillments).values({ id, orderId, carrier: input.carrier, trackingNumber: input.trackingNumber, trackingUrl: input.trackingUrl, lines: wanted, createdAt: now });
    const next = await restatus(tx, o, p, {}, now);
    await addTimeline(tx, now, o.id, "fulfilled", `Shipped with ${input.carrier} (${input.trackingNumber})`, { fulfillmentId: id, lines: wanted });
    await recordAudit(tx, ctx, { action: "order.fulfilled", targetType: "order", targetId: o.id, before: { status: o.status }, after: { status: next.status, fulfillmentId: id, lines: wanted } });
    await addOutbox(tx, now, { topic: "email.send", key: `shipping:${id}`, payload: { template: "shipping_notification", to: o.email, data: shippingEmailData(o, input) } });
    // Complete means every line shipped, whatever the status says (a partly refunded order stays partially_refunded).
    const complete = fulfillmentStatus(await orderLinesOf(tx, o.id)) === "fulfilled";
    await addOutbox(tx, now, { topic: "event", key: `order.fulfilled:${id}`, payload: { type: "order.fulfilled", ...eventOf(next), fulfillmentId: id, carrier: input.carrier, trackingNumber: input.trackingNumber, trackingUrl: input.trackingUrl, lines: wanted, complete } });
    return { order: next, fulfillmentId: id };
  }));
}
