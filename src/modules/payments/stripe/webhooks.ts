// Inbound Stripe events (POST /v1/hooks/stripe/:storeId). Verified with the SDK's async check on the raw body
// (the sync one throws under Bun), applied at most once per event id, and answered quickly.
//
// Order of work for an event that completes a cart: completeCart runs first, outside any transaction (it calls
// Stripe and takes its own), and only then is the event id written. A crash in between leaves the id unwritten, so
// Stripe's retry completes again — completeCart is idempotent, so that second run returns the same order.
import type Stripe from "stripe";
import { and, eq } from "drizzle-orm";
import type { Platform } from "../../../platform.ts";
import type { Ctx } from "../../../kernel/context.ts";
import { AppError, Unauthorized } from "../../../kernel/errors.ts";
import { withTx, type StoreTx } from "../../../db/tx.ts";
import type { StoreDb } from "../../../db/client.ts";
import { STORE_ID_RE, type StoreHandle } from "../../../tenancy/pool.ts";
import { requestMeta } from "../../../http/request.ts";
import { recordAudit } from "../../audit/index.ts";
import { payments } from "../payments.tables.ts";
import { recordPaymentEvent, type PaymentRow } from "../payments.ts";
import { captureOrder, completeCart, type CompletionDeps } from "./checkout-link.ts";
import { stripeClient, fromStripeAmount } from "./client.ts";
import { stripeCredentials } from "./settings.ts";
import { stripeEvents } from "./stripe.tables.ts";
import { failedSince, recordedRefunds, unsettledRefunds } from "../../orders/refund-attempts.ts";
import type { DisputeNews, RefundNews } from "../../orders/actions.ts";
import { authorizationCanceledInTx, disputeNewsInTx as disputeNewsLink, outsideRefundsInTx, refundNewsInTx, underOrderLock } from "./refund-link.ts";
import { listRefunds } from "./stripe-provider.ts";

export const MAX_WEBHOOK_BYTES = 512 * 1024;
/** Stripe's documented default: a signature older than 5 minutes is a replay. */
export const SIGNATURE_TOLERANCE_S = 300;

export interface WebhookAck {
  received: true;
  duplicate: boolean;
  outcome: string;
}

// One answer for every way an event can fail to prove itself: unknown store, Stripe not configured, no secret,
// bad or old signature. Telling them apart would tell a stranger which store ids exist.
const rejected = () => new Unauthorized("webhook.invalid_signature", "The Stripe signature could not be verified");

async function openStore(platform: Platform, storeId: string): Promise<StoreHandle> {
  if (!STORE_ID_RE.test(storeId)) throw rejected();
  try {
    return await platform.pool.get(storeId);
  } catch (e) {
    if (e instanceof AppError && e.code === "NOT_FOUND") throw rejected();
    throw e;
  }
}

export async function readRawBody(request: Request): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_WEBHOOK_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "webhook.too_large", "The event is larger than we accept");
  const raw = await request.text();
  if (raw.length > MAX_WEBHOOK_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "webhook.too_large", "The event is larger than we accept");
  return raw;
}

export async function receiveStripeWebhook(platform: Platform, request: Request, storeId: string, raw: string): Promise<WebhookAck> {
  const signature = request.headers.get("stripe-signature");
  if (!signature) throw rejected();
  const store = await openStore(platform, storeId);
  const creds = await stripeCredentials(store.db, platform.config.masterKey);
  if (!creds?.webhookSecret) throw rejected();
  const stripe = stripeClient(creds.secretKey, platform.config.stripeApiBase);
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(raw, signature, creds.webhookSecret, SIGNATURE_TOLERANCE_S, undefined, platform.clock.now());
  } catch {
    throw rejected();
  }
  const meta = requestMeta(request);
  meta.storeId = storeId;
  const ctx: Ctx = {
    storeId,
    store,
    actor: { type: "system", name: "stripe-webhook" },
    requestId: meta.requestId,
    clock: platform.clock,
    log: platform.log.child({ storeId, requestId: meta.requestId, stripeEvent: event.id }),
  };
  return applyEvent(ctx, event, { masterKey: platform.config.masterKey, outbox: platform.outbox });
}

const already = async (ctx: Ctx, id: string) =>
  (await ctx.store.db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, id))).length > 0;

interface Subject {
  intentId: string | null;
  cartId: string | null;
  ours: boolean;
  amount: number | null;
  currency: string | null;
}

/**
 * The PaymentIntent an event is about, and whether it is this store's (a Stripe account may serve several stores):
 * our intents carry metadata.storeId; objects without metadata (some charges) are ours when we recorded the intent.
 */
async function subjectOf(ctx: Ctx, event: Stripe.Event): Promise<Subject> {
  const obj = event.data.object as { object?: string; id?: string; metadata?: Record<string, string> | null; payment_intent?: unknown; amount?: number; currency?: string };
  const intentId = obj.object === "payment_intent" ? (obj.id ?? null) : typeof obj.payment_intent === "string" ? obj.payment_intent : null;
  const md = obj.metadata ?? {};
  const currency = typeof obj.currency === "string" ? obj.currency.toUpperCase() : null;
  const ours = md.storeId !== undefined ? md.storeId === ctx.storeId : (await paymentOf(ctx.store.db, intentId)) !== undefined;
  return {
    intentId,
    cartId: typeof md.cartId === "string" ? md.cartId : null,
    ours,
    amount: typeof obj.amount === "number" && currency ? amountOrNull(obj.amount, currency) : null,
    currency,
  };
}

/** An amount in a currency Trafi does not know (another store's event on a shared Stripe account) is not an error. */
function amountOrNull(amount: number, currency: string): number | null {
  try {
    return fromStripeAmount(amount, currency);
  } catch {
    return null;
  }
}

const COMPLETES = new Set(["payment_intent.succeeded", "payment_intent.amount_capturable_updated"]);

export async function applyEvent(ctx: Ctx, event: Stripe.Event, deps: CompletionDeps): Promise<WebhookAck> {
  if (await already(ctx, event.id)) return { received: true, duplicate: true, outcome: "duplicate" };
  const subject = await subjectOf(ctx, event);
  let outcome = subject.ours ? "recorded" : "ignored";
  let detail: string | null = subject.ours ? null : "not this store's payment";
  if (subject.ours && COMPLETES.has(event.type) && subject.cartId) {
    try {
      const order = await completeCart(ctx, subject.cartId, deps);
      outcome = "completed";
      detail = order.id;
    } catch (e) {
      // A business refusal (stock gone, a new payment session) will not change on retry: note it and acknowledge.
      // cart.changed will (an edit landed while completing; the session is kept): Stripe must send it again, as
      // for anything else, which propagates as a 5xx.
      if (e instanceof AppError && e.reason === "cart.changed") {
        throw new AppError("UNAVAILABLE", "webhook.retry_later", "The cart changed while it was being completed; send the event again");
      }
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      outcome = "rejected";
      detail = e.reason;
    }
  }
  if (subject.ours && event.type === "payment_intent.succeeded") {
    // Captured at Stripe for an order whose payment we hold as authorized (the merchant captured in the Stripe
    // dashboard; a capture whose answer was lost): the order's capture records it, asking Stripe, which says so.
    const p = await paymentOf(ctx.store.db, subject.intentId);
    if (p && p.orderId !== null && p.status === "authorized") {
      await captureOrder(ctx, p.orderId, deps);
      outcome = "captured";
      detail = p.orderId;
    }
  }
  // Outside any transaction: it may ask Stripe (never while holding the store's write lock).
  const listed = subject.ours && event.type === "charge.refunded" ? await refundsToAdd(ctx, event, subject, deps) : null;
  const record = () => withTx(ctx, async (tx) => {
    const row = await tx
      .insert(stripeEvents)
      .values({
        id: event.id,
        type: event.type,
        objectId: subject.intentId,
        cartId: subject.cartId,
        amount: subject.amount,
        currency: subject.currency,
        outcome,
        detail,
        livemode: event.livemode,
        createdAt: event.created * 1000,
        receivedAt: ctx.clock.now(),
      })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (row.length === 0) return false; // a concurrent delivery of the same event won
    await recordEffect(tx, ctx, event, subject, outcome, detail, listed);
    return true;
  });
  // A cancellation at Stripe is news only if Trafi did not ask for it: our own cancelOrder voids the intent (Stripe
  // then sends this event) and records the void, all under the order's lock. Taken here too, the event waits for that
  // recording and finds the payment voided already, instead of telling the order Stripe canceled it on its own.
  const lockedOrder = subject.ours && event.type === "payment_intent.canceled" ? ((await paymentOf(ctx.store.db, subject.intentId))?.orderId ?? null) : null;
  const inserted = lockedOrder ? await underOrderLock(ctx, lockedOrder, deps, record) : await record();
  ctx.log.info("stripe event", { type: event.type, outcome, duplicate: !inserted });
  return { received: true, duplicate: !inserted, outcome: inserted ? outcome : "duplicate" };
}

async function paymentOf(tx: StoreTx | StoreDb, intentId: string | null): Promise<PaymentRow | undefined> {
  if (!intentId) return undefined;
  return (await tx.select().from(payments).where(and(eq(payments.provider, "stripe"), eq(payments.providerRef, intentId))))[0];
}

/**
 * What a `charge.refunded` snapshot counts that is not to be added to the payment: our attempts not recorded yet
 * (recording them adds them), and refunds that failed since the snapshot was taken (events come in any order).
 */
async function uncountedOf(db: StoreTx | StoreDb, paymentId: string, event: Stripe.Event): Promise<number> {
  return (await unsettledRefunds(db, paymentId)) + (await failedSince(db, paymentId, event.created * 1000));
}

/** Stripe's refunded amount on the charge, in our minor units. */
const chargeRefunded = (ch: Stripe.Charge): number => fromStripeAmount(ch.amount_refunded, ch.currency.toUpperCase());

/**
 * The refunds a `charge.refunded` may add to its order (outsideRefundsInTx), oldest first: the ones the charge
 * embeds (older API versions), or else the intent's refunds read from Stripe, and only when the snapshot counts more
 * than this payment's refunds hold (a refund made in the Stripe dashboard). Null when there is nothing to add (not
 * an order's payment, or every refund counted is ours and known): Stripe is then not asked. Read before the
 * transaction, and checked again inside it; a failure to read answers 5xx, so Stripe sends the event again.
 */
async function refundsToAdd(ctx: Ctx, event: Stripe.Event, subject: Subject, deps: CompletionDeps): Promise<RefundNews[] | null> {
  const ch = event.data.object as Stripe.Charge;
  const p = await paymentOf(ctx.store.db, subject.intentId);
  if (!p || p.orderId === null || ch.object !== "charge") return null;
  const embedded = ch.refunds && Array.isArray(ch.refunds.data) && !ch.refunds.has_more ? ch.refunds.data : null;
  if (!embedded) {
    const excess = chargeRefunded(ch) - (await uncountedOf(ctx.store.db, p.id, event)) - (await recordedRefunds(ctx.store.db, p.id));
    if (excess <= 0) return null;
  }
  const newestFirst = embedded ?? (await listRefunds({ storeId: ctx.storeId, masterKey: deps.masterKey }, p.providerRef));
  // Stripe lists newest first; reversed, then sorted by creation (a stable sort keeps the list's order for ties).
  return [...newestFirst].reverse().sort((a, b) => (a.created ?? 0) - (b.created ?? 0)).map((r) => refundNews(r, (r.created ?? event.created) * 1000));
}

/** The state change the event carries, recorded on the payment (event row + audit) or, without one, audited alone. */
async function recordEffect(tx: StoreTx, ctx: Ctx, event: Stripe.Event, subject: Subject, outcome: string, detail: string | null, listed: RefundNews[] | null) {
  const payment = subject.ours ? await paymentOf(tx, subject.intentId) : undefined;
  if (!payment) {
    await recordAudit(tx, ctx, {
      action: "payment.stripe_event",
      targetType: "payment_intent",
      targetId: subject.intentId,
      after: { eventId: event.id, type: event.type, outcome, detail },
    });
    return;
  }
  const e = { type: `stripe.${event.type}`, amount: subject.amount, reference: event.id, detail: detail ?? outcome };
  const refund = refundOf(event, subject);
  if (refund) {
    // A refund's news: refund.updated / refund.failed, or charge.refund.updated (older integrations) for the same.
    const news = await refundNewsInTx(tx, ctx, payment, refund);
    if (news.outcome === "unrecorded") {
      // Its attempt is being recorded (or will be, by its settle job) with the provider's first answer: not
      // acknowledged, so Stripe sends it again once the refund has its row (the transaction rolls back).
      throw new AppError("UNAVAILABLE", "webhook.refund_not_recorded_yet", "The refund this event is about is still being recorded; send it again later");
    }
    await recordPaymentEvent(tx, ctx, payment, news.paymentPatch, { ...e, detail: `${refund.status}${refund.failureReason ? ` (${refund.failureReason})` : ""}: ${news.outcome}` });
    return;
  }
  const dispute = disputeOf(event, subject);
  if (dispute) await disputeNewsLink(tx, ctx, payment, dispute);
  const uncounted = event.type === "charge.refunded" ? await uncountedOf(tx, payment.id, event) : 0;
  let patch: Partial<PaymentRow> = {};
  if (listed && event.type === "charge.refunded") {
    // Refunds made in the Stripe dashboard reach the order (refunded total, status, timeline, e-mail, event) in this
    // transaction, each once: its row holds Stripe's refund id, which its own refund.created finds later.
    const outside = await outsideRefundsInTx(tx, ctx, payment, listed, chargeRefunded(event.data.object) - uncounted);
    patch = outside.paymentPatch;
    if (outside.recorded > 0) e.detail = `${e.detail}; ${outside.recorded} refund(s) made outside Trafi added to the order`;
  }
  patch = { ...patch, ...patchFor(event, { ...payment, ...patch }, uncounted) };
  await recordPaymentEvent(tx, ctx, payment, patch, e);
  if (payment.status === "authorized" && patch.status === "voided") {
    // Canceled at Stripe before it was captured (expired, or in the dashboard): the order says so, once.
    await authorizationCanceledInTx(tx, ctx, { ...payment, ...patch }, patch.failureReason ?? null);
  }
}

const DISPUTE_KINDS: Record<string, DisputeNews["kind"]> = {
  "charge.dispute.created": "created",
  "charge.dispute.closed": "closed",
  "charge.dispute.funds_withdrawn": "funds_withdrawn",
  "charge.dispute.funds_reinstated": "funds_reinstated",
};

/** The dispute an event reports on; null for any other event. */
function disputeOf(event: Stripe.Event, subject: Subject): DisputeNews | null {
  const kind = DISPUTE_KINDS[event.type];
  if (!kind) return null;
  const d = event.data.object as Stripe.Dispute;
  if (d.object !== "dispute" || typeof d.id !== "string") return null;
  return { kind, disputeId: d.id, amount: subject.amount, reason: typeof d.reason === "string" ? d.reason : null, status: typeof d.status === "string" ? d.status : null };
}

const REFUND_NEWS = new Set(["refund.created", "refund.updated", "refund.failed", "charge.refund.updated"]);

/** The refund an event reports on, as the order actions take it; null for any other event. */
function refundOf(event: Stripe.Event, subject: Subject): RefundNews | null {
  if (!REFUND_NEWS.has(event.type)) return null;
  const r = event.data.object as Stripe.Refund;
  if (r.object !== "refund" || typeof r.id !== "string") return null;
  return { ...refundNews(r, event.created * 1000), amount: subject.amount };
}

/** A Stripe refund as the order actions take it; `at`: when Stripe said so (ms). */
function refundNews(r: Stripe.Refund, at: number): RefundNews {
  const status = r.status === "succeeded" ? "succeeded" : r.status === "failed" || r.status === "canceled" ? "failed" : "pending";
  const attemptId = r.metadata?.trafi_refund;
  return {
    refundRef: r.id, attemptId: typeof attemptId === "string" ? attemptId : null, status, failureReason: r.failure_reason ?? null,
    amount: typeof r.amount === "number" && typeof r.currency === "string" ? amountOrNull(r.amount, r.currency.toUpperCase()) : null, at,
  };
}

function patchFor(event: Stripe.Event, p: PaymentRow, uncounted = 0): Partial<PaymentRow> {
  if (event.type === "payment_intent.payment_failed") {
    const pi = event.data.object;
    const failureReason = pi.last_payment_error?.decline_code ?? pi.last_payment_error?.code ?? "payment_failed";
    // An authorized or captured payment cannot fail any more; a pending one can (the buyer may still retry).
    return p.status === "requires_action" ? { status: "failed", failureReason } : { failureReason };
  }
  if (event.type === "payment_intent.canceled") {
    // Stripe cancels uncaptured authorizations on its own after about 7 days; a pending payment is over too.
    const reason = event.data.object.cancellation_reason ?? "canceled";
    return p.status === "authorized" || p.status === "requires_action" ? { status: "voided", failureReason: reason } : {};
  }
  if (event.type === "charge.refunded") {
    const ch = event.data.object;
    // Ours were recorded when made, and refunds made in the Stripe dashboard were just added to the order (or came
    // with refund.created), so take the larger. Left out (`uncounted`): ours not recorded yet (an attempt whose answer
    // was lost: recording them adds them), and refunds that failed after this snapshot was taken (events come in any
    // order).
    const stripeRefunded = chargeRefunded(ch) - uncounted;
    const refunded = Math.min(p.capturedAmount, Math.max(p.refundedAmount, stripeRefunded));
    if (refunded === p.refundedAmount || p.capturedAmount === 0) return {};
    return { refundedAmount: refunded, status: refunded >= p.capturedAmount ? "refunded" : "partially_refunded" };
  }
  return {};
}
