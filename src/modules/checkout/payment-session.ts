// POST /carts/:id/payment: the provider-side payment for the cart's final total. The provider call runs before the
// transaction that records it; a session it replaces is voided afterwards, so an abandoned authorization never
// lingers on the buyer's card.
import { eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { AppError, Conflict, ValidationFailed } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { updateById } from "../../db/prepared.ts";
import { addOutbox } from "../../jobs/outbox.ts";
import { cartRow, carts, loadCart } from "../cart/index.ts";
import {
  capturedOf, getPaymentSettings, getProvider, insertPayment, paymentEventsOf, paymentRow, paymentView, recordPaymentEvent, type PaymentRow, type ProviderContext, type ProviderSession,
} from "../payments/index.ts";

export interface CheckoutDeps {
  masterKey: Uint8Array;
}

/** Test seam: runs after the new session's transaction committed and before the provider hears of anything else. */
export const sessionFaults: { afterSessionSaved: ((cartId: string) => void | Promise<void>) | null } = { afterSessionSaved: null };

export const providerContext = (ctx: Pick<Ctx, "storeId">, deps: CheckoutDeps): ProviderContext => ({ storeId: ctx.storeId, masterKey: deps.masterKey });

/** What every step after it needs: an open cart with lines, an e-mail, an address and a valid shipping method. */
/**
 * `atCompletion`: catalog price changes no longer block. The buyer was shown, and authorized, the snapshot total;
 * refusing now would strand an authorization (a webhook completing after 3DS has nobody to ask).
 */
export function assertReadyToPay(loaded: Awaited<ReturnType<typeof loadCart>>, atCompletion = false): void {
  const { cart, lines, priced } = loaded;
  if (cart.status !== "open") throw new Conflict("cart.completed", "This cart is already completed", { cartId: cart.id, orderId: cart.orderId });
  if (lines.length === 0) throw new ValidationFailed("cart.empty", "The cart has no lines", { field: "lines" });
  if (!cart.email) throw new ValidationFailed("cart.email_required", "Set the cart's email first", { field: "email" });
  if (!cart.shippingAddress) throw new ValidationFailed("cart.address_required", "Set the cart's shippingAddress first", { field: "shippingAddress" });
  if (!priced.shippingMethod) {
    throw new ValidationFailed("cart.shipping_method_required", "Choose a shipping method (PUT /shipping-method) from GET /shipping-options", { field: "shippingMethod" });
  }
  if (!atCompletion && priced.priceChanges.length > 0) {
    throw new Conflict("cart.prices_changed", "Prices changed since these lines were added; show priceChanges and POST /accept-prices", { priceChanges: priced.priceChanges });
  }
}

export function paymentFailure(p: Pick<PaymentRow, "id" | "status" | "failureReason" | "nextAction">): AppError | null {
  if (p.status === "failed") return new AppError("PAYMENT_FAILED", "payment.declined", "The payment was declined; try another card", { paymentId: p.id, failureReason: p.failureReason });
  if (p.status === "requires_action") {
    return new AppError("PAYMENT_FAILED", "payment.requires_action", "The payment needs the buyer's action (e.g. 3-D Secure) before completing", { paymentId: p.id, nextAction: p.nextAction });
  }
  // Released (voided, or refunded because it was captured with no order): the session is over.
  if (p.status === "voided" || p.status === "refunded") return new AppError("PAYMENT_FAILED", "payment.voided", "This payment was cancelled; start a new payment session", { paymentId: p.id });
  return null;
}

export const sessionPatch = (s: ProviderSession) => ({
  status: s.status, providerRef: s.providerRef, clientSecret: s.clientSecret, nextAction: s.nextAction, failureReason: s.failureReason,
});

export async function createPaymentSession(ctx: Ctx, cartId: string, input: { provider: "sandbox" | "stripe"; data?: unknown }, deps: CheckoutDeps) {
  const loaded = await loadCart(ctx, cartId);
  assertReadyToPay(loaded);
  const settings = await getPaymentSettings(ctx);
  // The storefront cannot pick a provider the merchant did not enable: the sandbox would hand out free orders.
  if (input.provider !== settings.provider) {
    throw new ValidationFailed("payment.provider_not_enabled", `This store takes payments with "${settings.provider}"`, { field: "provider", enabled: settings.provider });
  }
  const provider = getProvider(input.provider);
  const id = newId("pay", ctx.clock.now());
  const total = loaded.priced.total;
  // Always authorize only: stock is taken after authorization, and a loser must be voidable. A store on automatic
  // capture is captured right after its order commits (complete.ts).
  const pc = providerContext(ctx, deps);
  const s = await provider.createSession(pc, {
    cartId, amount: total, email: loaded.cart.email, data: input.data ?? null, idempotencyKey: id, captureMethod: "manual",
  });
  const paymentOfSession = (): Omit<PaymentRow, "createdAt" | "updatedAt"> => ({
    id, cartId, orderId: null, provider: provider.id, captureMethod: settings.captureMethod, amount: total.amount, currency: total.currency,
    // A provider that captured at once says how much (none of ours does: sessions authorize only).
    capturedAmount: s.status === "captured" ? capturedOf(s, total.amount) : 0, refundedAmount: 0, ...sessionPatch(s),
  });
  let row: PaymentRow;
  // The session this one replaces, read under the lock: another session may have been started meanwhile. It is
  // claimed released in the same transaction (with its payment.void outbox row): the cart no longer points at it,
  // so a crash right after the commit must not leave its authorization held with nothing left to void it.
  let released: string | null = null;
  try {
    row = await withTx(ctx, async (tx) => {
      // The cart may have been completed while the provider answered: then this new session is not needed.
      const fresh = await cartRow(tx, cartId);
      if (fresh.status !== "open") throw new Conflict("cart.completed", "This cart is already completed", { cartId, orderId: fresh.orderId });
      if (fresh.paymentId && (await claimReleaseInTx(tx, ctx, await paymentRow(tx, fresh.paymentId), "replaced by a new payment session"))) released = fresh.paymentId;
      const p = await insertPayment(tx, ctx, paymentOfSession(), s.failureReason);
      await updateById(tx, carts, cartId, { paymentId: id, updatedAt: ctx.clock.now() });
      return p;
    });
  } catch (err) {
    if (s.status === "authorized" || s.status === "requires_action" || s.status === "captured") {
      // Recorded, claimed released, then told: a void the provider fails now is retried by the payment.void job
      // instead of leaving the buyer's money held for days by a session nothing refers to.
      const recorded = await withTx(ctx, async (tx) => claimReleaseInTx(tx, ctx, await insertPayment(tx, ctx, paymentOfSession(), s.failureReason), "not needed: the cart was completed meanwhile"))
        .catch((e: unknown) => {
          ctx.log.error("recording an unused payment session failed", { err: e });
          return false;
        });
      if (recorded) await tellProviderReleasedOrLog(ctx, id, deps);
      else await provider.void(pc, s.providerRef).catch((e: unknown) => ctx.log.error("voiding an unused payment session failed", { err: e }));
    }
    throw err;
  }
  await sessionFaults.afterSessionSaved?.(cartId);
  if (released) await tellProviderReleasedOrLog(ctx, released, deps);
  const failure = paymentFailure(row);
  if (failure?.reason === "payment.declined") throw failure;
  const v = paymentView(row);
  return { id: v.id, provider: v.provider, status: v.status, amount: v.amount, clientSecret: v.clientSecret, nextAction: v.nextAction, failureReason: v.failureReason };
}

/**
 * The payment.void job runs this long after a release was claimed: later than any provider call of the immediate
 * attempt can last (the SDK's retries included), so the two do not overlap.
 */
export const VOID_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Releases a payment that will not become an order; never throws (the log keeps provider failures).
 * - Authorized (or awaiting the buyer): voided.
 * - Already captured at the provider (in the Stripe dashboard, before completion): refunded in full.
 * The payment is claimed first, under the store's lock (marked voided, or refunded), so a concurrent completion
 * of the same session (the buyer's and Stripe's webhook, two tabs) either placed its order before (nothing is
 * released) or sees the payment gone in its order transaction and refuses. The claim also writes a `payment.void`
 * outbox row: if telling the provider fails now, that job tells it again until it is done, so the buyer's money is
 * not held for days.
 */
export async function releaseUnusedPayment(ctx: Ctx, paymentId: string, deps: CheckoutDeps, why: string): Promise<void> {
  try {
    const claimed = await withTx(ctx, async (tx) => claimReleaseInTx(tx, ctx, await paymentRow(tx, paymentId), why));
    if (claimed) await tellProviderReleased(ctx, paymentId, deps);
  } catch (err) {
    ctx.log.error("releasing a payment failed", { paymentId, err });
  }
}

/** The claim of releaseUnusedPayment, inside the caller's transaction; true when the provider is to be told. */
async function claimReleaseInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, why: string): Promise<boolean> {
  // A payment that became an order's is never released here (a late replacement must not cancel a placed order).
  if (p.orderId !== null) return false;
  if (p.status === "authorized" || p.status === "requires_action") {
    await recordPaymentEvent(tx, ctx, p, { status: "voided" }, { type: "void_requested", amount: p.amount, reference: p.providerRef, detail: why });
  } else if ((p.status === "captured" || p.status === "partially_refunded") && p.capturedAmount > p.refundedAmount) {
    await recordPaymentEvent(tx, ctx, p, { status: "refunded" }, { type: "refund_requested", amount: p.capturedAmount - p.refundedAmount, reference: p.providerRef, detail: `no order: ${why}` });
  } else {
    return false;
  }
  await addOutbox(tx, ctx.clock.now(), { topic: "payment.void", key: `payment.void:${p.id}`, payload: { paymentId: p.id } });
  return true;
}

/** tellProviderReleased for a claim already committed: a failure is logged, and the payment.void job tries again. */
async function tellProviderReleasedOrLog(ctx: Ctx, paymentId: string, deps: CheckoutDeps): Promise<void> {
  await tellProviderReleased(ctx, paymentId, deps).catch((err: unknown) => ctx.log.error("releasing a payment failed", { paymentId, err }));
}

/**
 * Tells the provider about a payment claimed released here, once: a void ("voided" event), or a refund of what was
 * captured (refundedAmount reaches capturedAmount). A void the provider refuses because the payment was captured
 * meanwhile becomes that refund. Throws when the provider did not do it (the payment.void job retries).
 */
export async function tellProviderReleased(ctx: Ctx, paymentId: string, deps: CheckoutDeps): Promise<"done" | "voided" | "refunded"> {
  const p = await paymentRow(ctx.store.db, paymentId);
  if (p.orderId !== null) return "done";
  const provider = getProvider(p.provider);
  const pc = providerContext(ctx, deps);
  const record = (patch: Partial<PaymentRow>, e: Parameters<typeof recordPaymentEvent>[4]) =>
    withTx(ctx, async (tx) => recordPaymentEvent(tx, ctx, await paymentRow(tx, paymentId), patch, e));
  if (p.status === "voided") {
    if ((await paymentEventsOf(ctx.store.db, p.id)).some((e) => e.type === "voided")) return "done";
    let s: ProviderSession;
    try {
      s = await provider.void(pc, p.providerRef);
    } catch (err) {
      await record({}, { type: "void_failed", amount: p.amount, reference: p.providerRef, detail: err instanceof Error ? err.message.slice(0, 200) : "provider error" });
      s = await provider.retrieve(pc, p.providerRef).catch(() => {
        throw err;
      });
    }
    if (s.status === "voided" || s.status === "failed") {
      await record({ providerRef: s.providerRef }, { type: "voided", amount: p.amount, reference: s.providerRef, detail: s.failureReason });
      return "voided";
    }
    if (s.status !== "captured") throw new Error(`the provider did not void payment ${paymentId}: ${s.status}`);
    // Captured at the provider meanwhile (the Stripe dashboard): what it holds goes back.
    const captured = capturedOf(s, p.amount);
    await record({ status: "refunded", capturedAmount: captured }, { type: "captured", amount: captured, reference: s.providerRef, detail: "captured at the provider; no order: refunding" });
  }
  const cur = await paymentRow(ctx.store.db, paymentId);
  const owed = cur.capturedAmount - cur.refundedAmount;
  if (cur.status !== "refunded" || owed <= 0) return "done";
  // Keyed by the payment and the round: asked again (a retry), the provider answers with the same refund; after a
  // release refund failed at the provider (refund news, orders/actions.ts), the next round is a new refund.
  const round = (await paymentEventsOf(ctx.store.db, cur.id)).filter((e) => e.type === "release_refund_failed").length;
  const r = await provider.refund(pc, cur.providerRef, { amount: owed, currency: cur.currency }, "no order was placed for this payment", round === 0 ? `release:${cur.id}` : `release:${cur.id}:${round}`);
  if (r.status === "failed") {
    await record({}, { type: "refund_failed", amount: owed, reference: r.refundRef, detail: "no order was placed for this payment" });
    throw new Error(`the provider refused to refund payment ${paymentId}`);
  }
  await record({ refundedAmount: cur.capturedAmount }, { type: "refunded", amount: owed, reference: r.refundRef, detail: "no order was placed for this payment" });
  return "refunded";
}
