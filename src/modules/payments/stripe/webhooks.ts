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
import { failedSince, unsettledRefunds } from "../../orders/refund-attempts.ts";
import type { DisputeNews, RefundNews } from "../../orders/actions.ts";
import { disputeNewsInTx as disputeNewsLink, refundNewsInTx } from "./refund-link.ts";

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
  const inserted = await withTx(ctx, async (tx) => {
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
    await recordEffect(tx, ctx, event, subject, outcome, detail);
    return true;
  });
  ctx.log.info("stripe event", { type: event.type, outcome, duplicate: !inserted });
  return { received: true, duplicate: !inserted, outcome: inserted ? outcome : "duplicate" };
}

async function paymentOf(tx: StoreTx | StoreDb, intentId: string | null): Promise<PaymentRow | undefined> {
  if (!intentId) return undefined;
  return (await tx.select().from(payments).where(and(eq(payments.provider, "stripe"), eq(payments.providerRef, intentId))))[0];
}

/** The state change the event carries, recorded on the payment (event row + audit) or, without one, audited alone. */
async function recordEffect(tx: StoreTx, ctx: Ctx, event: Stripe.Event, subject: Subject, outcome: string, detail: string | null) {
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
  // Our refund attempts not recorded yet: recording them adds them, so charge.refunded must not count them too; and
  // refunds that failed since this snapshot was taken are still in it.
  const uncounted = event.type === "charge.refunded" ? (await unsettledRefunds(tx, payment.id)) + (await failedSince(tx, payment.id, event.created * 1000)) : 0;
  await recordPaymentEvent(tx, ctx, payment, patchFor(event, payment, uncounted), e);
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
  const status = r.status === "succeeded" ? "succeeded" : r.status === "failed" || r.status === "canceled" ? "failed" : "pending";
  const attemptId = r.metadata?.trafi_refund;
  return {
    refundRef: r.id, attemptId: typeof attemptId === "string" ? attemptId : null, status, failureReason: r.failure_reason ?? null,
    amount: subject.amount, at: event.created * 1000,
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
    // Refunds made in the Stripe dashboard arrive only here; ours were recorded when made, so take the larger. Left
    // out (`uncounted`): ours not recorded yet (an attempt whose answer was lost: recording them adds them), and
    // refunds that failed after this snapshot was taken (events come in any order).
    const stripeRefunded = fromStripeAmount(ch.amount_refunded, ch.currency.toUpperCase()) - uncounted;
    const refunded = Math.min(p.capturedAmount, Math.max(p.refundedAmount, stripeRefunded));
    if (refunded === p.refundedAmount || p.capturedAmount === 0) return {};
    return { refundedAmount: refunded, status: refunded >= p.capturedAmount ? "refunded" : "partially_refunded" };
  }
  return {};
}
