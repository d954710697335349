// Completing a cart:
//   1. confirm the authorization with the provider (network, no transaction held),
//   2. ONE withTx: re-check the cart, take the stock (reserve + commit per line), create the order, its customer,
//      timeline, audit and outbox rows, and mark the cart completed,
//   3. after commit: on automatic capture, capture and mark the order paid; then kick the outbox. The order
//      transaction also wrote a `payment.capture` outbox row: a crash (or a provider outage) between the commit and
//      this capture leaves the order pending with its buyer's money only authorized, and that job, relayed
//      CAPTURE_RETRY_AFTER_MS later, captures it then (it finds nothing to do when the capture here went through).
// When step 2 fails (the race for the last units, or anything else) the transaction rolls back whole and the
// authorization is voided after it. Completing an already completed cart returns its order (idempotent).
import { eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { AppError, Conflict, ValidationFailed } from "../../kernel/errors.ts";
import { dbOf, withTx } from "../../db/tx.ts";
import { updateById } from "../../db/prepared.ts";
import { addOutbox } from "../../jobs/outbox.ts";
import { carts, loadCart, readCart, type CartLineRow, type CartRow } from "../cart/index.ts";
import { InsufficientStock } from "../inventory/index.ts";
import { getSettings } from "../settings/settings.ts";
import { stockPoliciesIn } from "../catalog/index.ts";
import { capturedOf, getPaymentSettings, getProvider, paymentRow, payments, recordPaymentEvent, type PaymentRow } from "../payments/index.ts";
import { capturePayment, getOrderRow, isPaid, placeOrderInTx, type OrderRow } from "../orders/index.ts";
import { assertReadyToPay, paymentFailure, providerContext, sessionPatch, releaseUnusedPayment, type CheckoutDeps } from "./payment-session.ts";

/** Test seam: runs after authorization and before the order transaction (a failure here must leave no trace). */
export const checkoutFaults: {
  afterAuthorize: ((cartId: string) => void | Promise<void>) | null;
  /** Runs after the order transaction committed, before the automatic capture (a crash, a deploy there). */
  afterOrder: ((orderId: string) => void | Promise<void>) | null;
} = { afterAuthorize: null, afterOrder: null };

export interface KickOutbox {
  kick(storeId: string): void;
}

/** What the buyer set on a cart and its lines, without timestamps: an edit that set the same values changes nothing. */
function contentOf(cart: CartRow, lines: CartLineRow[]): string {
  const { updatedAt: _c, ...c } = cart;
  return JSON.stringify({ c, l: lines.map(({ updatedAt: _l, ...l }) => l) });
}

export async function completeCart(ctx: Ctx, cartId: string, deps: CheckoutDeps & { outbox?: KickOutbox }): Promise<{ order: OrderRow; created: boolean }> {
  const loaded = await loadCart(ctx, cartId);
  if (loaded.cart.status === "completed" && loaded.cart.orderId) {
    return { order: await captureIfDue(ctx, await getOrderRow(ctx.store.db, loaded.cart.orderId), deps), created: false };
  }
  const { cart, lines, priced } = loaded;
  if (!cart.paymentId) {
    assertReadyToPay(loaded, true);
    throw new Conflict("cart.payment_required", "Start a payment session first (POST /payment)", { cartId });
  }
  const sessionId = cart.paymentId;
  // A refusal from here on leaves an authorization nothing will use: it is voided (the buyer starts a new session).
  const refuse = async (err: AppError): Promise<never> => {
    await releaseUnusedPayment(ctx, sessionId, deps, err.reason);
    throw err;
  };
  try {
    assertReadyToPay(loaded, true);
  } catch (err) {
    if (err instanceof AppError && err.reason !== "cart.completed") await refuse(err);
    throw err;
  }
  let payment = await paymentRow(ctx.store.db, sessionId);
  if (payment.amount !== priced.total.amount || payment.currency !== priced.total.currency) {
    await refuse(new Conflict("cart.payment_outdated", "The cart changed after the payment session was created; start a new one", {
      paymentAmount: { amount: payment.amount, currency: payment.currency }, cartTotal: priced.total,
    }));
  }
  // A line whose variant is gone from the catalog (deleted after the session: nothing to take stock of), or whose
  // product was taken off sale since (draft, archived): what could not be added or paid for now is not sold either.
  const gone = lines.find((l) => priced.variants.get(l.variantId)?.productStatus !== "active");
  if (gone) await refuse(new Conflict("cart.variant_unavailable", "A product in this cart is no longer for sale; remove it and start a new payment session", { variantId: gone.variantId, lineId: gone.id }));
  // Voided here is final, even while the provider still says authorized (its void may be under way): never asked.
  if (payment.status === "voided" || payment.status === "refunded") throw paymentFailure(payment)!;
  // The settings as they are now, not as they were when the session started: a sandbox authorization made before
  // the store went live would otherwise become a paid order no money stands behind, and a store that switched to
  // manual capture (to review orders first) would still be charged at once.
  const settings = await getPaymentSettings(ctx);
  const { storefrontUrl } = await getSettings(ctx);
  if (payment.provider === "sandbox" && settings.provider !== "sandbox") {
    await refuse(new ValidationFailed("payment.provider_not_enabled", `This store takes payments with "${settings.provider}"; the test payment of this cart cannot be used`, { field: "provider", enabled: settings.provider }));
  }
  const pc = providerContext(ctx, deps);
  const s = await getProvider(payment.provider).retrieve(pc, payment.providerRef);
  // Any difference is recorded: a new next action (Stripe's `processing`: wait, do not confirm again) or reason too.
  if (s.status !== payment.status || s.providerRef !== payment.providerRef || JSON.stringify(s.nextAction) !== JSON.stringify(payment.nextAction) || s.failureReason !== payment.failureReason) {
    const p0 = payment;
    payment = await withTx(ctx, async (tx) => {
      // Re-read under the lock: a void claimed meanwhile stays (the provider's "authorized" may predate it).
      const cur = await paymentRow(tx, p0.id);
      if (cur.status === "voided" || cur.status === "refunded") return cur;
      // Captured at the provider already (a capture made outside Trafi): how much, so the order is placed paid.
      const captured = s.status === "captured" ? capturedOf(s, cur.amount) : null;
      return recordPaymentEvent(tx, ctx, cur, { ...sessionPatch(s), ...(captured !== null && { capturedAmount: captured }) }, { type: s.status, amount: captured ?? cur.amount, reference: s.providerRef, detail: s.failureReason });
    });
  }
  const failure = paymentFailure(payment);
  if (failure) throw failure;

  let order: OrderRow;
  let created = true;
  try {
    await checkoutFaults.afterAuthorize?.(cartId);
    const paid = payment;
    ({ order, created } = await withTx(ctx, async (tx) => {
      // Read again under the store's lock: the order is built from the cart as read before the provider call.
      const current = await readCart(dbOf(tx), cartId);
      const fresh = current.cart;
      if (fresh.status === "completed" && fresh.orderId) return { order: await getOrderRow(tx, fresh.orderId), created: false };
      if (fresh.paymentId !== paid.id) {
        throw new Conflict("cart.payment_outdated", "A new payment session replaced this one while completing; complete again", { paymentId: paid.id });
      }
      // An edit committed since (a line, the address, the e-mail) was answered 200 and would be lost: refuse instead.
      // The session is kept: completing again checks it against the cart as it is now.
      if (contentOf(current.cart, current.lines) !== contentOf(cart, lines)) {
        throw new Conflict("cart.changed", "The cart changed while it was being completed; review it and complete again", { cartId });
      }
      // A concurrent refusal may have voided this session since it was read (releaseUnusedPayment claims it first).
      const held = await paymentRow(tx, paid.id);
      if ((held.status !== "authorized" && held.status !== "captured") || held.orderId !== null) {
        throw new AppError("PAYMENT_FAILED", "payment.voided", "This payment was cancelled; start a new payment session", { paymentId: paid.id });
      }
      // Stock is taken by the policies as they are now (an admin may have turned tracking on meanwhile).
      const policies = await stockPoliciesIn(tx, lines.map((l) => l.variantId));
      const deleted = lines.find((l) => !policies.has(l.variantId));
      if (deleted) throw new Conflict("cart.variant_unavailable", "A product in this cart is no longer for sale; remove it and start a new payment session", { variantId: deleted.variantId, lineId: deleted.id });
      const placed = await placeOrderInTx(tx, ctx, {
        cartId, paymentId: paid.id, status: isPaid(held) ? "paid" : "pending", paidAmount: held.capturedAmount, email: cart.email!, currency: cart.currency,
        shippingAddress: cart.shippingAddress!, billingAddress: cart.billingAddress ?? cart.shippingAddress!,
        shippingMethod: {
          optionId: priced.shippingMethod!.optionId, name: priced.shippingMethod!.name, carrier: priced.shippingMethod!.carrier, amount: priced.shippingTotal.amount, currency: cart.currency,
          taxLines: priced.shippingTaxLines.map((t) => ({ code: t.code, name: t.name, rate: t.rate, amount: t.amount.amount })),
        },
        lines: lines.map((l, i) => {
          const p = priced.lines[i]!;
          return {
            variantId: l.variantId, title: l.title, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, total: p.total.amount,
            taxTotal: p.taxLines.reduce((s2, t) => s2 + t.amount.amount, 0),
            taxLines: p.taxLines.map((t) => ({ code: t.code, name: t.name, rate: t.rate, amount: t.amount.amount })),
            policy: policies.get(l.variantId)!,
          };
        }),
        totals: { subtotal: priced.subtotal.amount, discountTotal: priced.discountTotal.amount, shippingTotal: priced.shippingTotal.amount, taxTotal: priced.taxTotal.amount, total: priced.total.amount },
        taxNote: priced.taxNote,
        storefrontUrl: storefrontUrl,
      });
      const now = ctx.clock.now();
      await updateById(tx, carts, cartId, { status: "completed", orderId: placed.id, completedAt: now, updatedAt: now });
      // The link, and the capture method in force now (above); the order's own audit entry names the payment.
      await updateById(tx, payments, paid.id, { orderId: placed.id, captureMethod: settings.captureMethod, updatedAt: now });
      // The capture below is a side effect of this commit: written down with it, so a crash cannot lose it.
      if (settings.captureMethod === "automatic" && !isPaid(held)) {
        await addOutbox(tx, now, { topic: "payment.capture", key: `payment.capture:${paid.id}`, payload: { orderId: placed.id } });
      }
      return { order: placed, created: true };
    }));
  } catch (err) {
    // cart.changed keeps the session (see above); anything else leaves an authorization no order will use.
    if (!(err instanceof AppError && err.reason === "cart.changed")) await releaseUnusedPayment(ctx, payment.id, deps, "the order could not be created");
    if (err instanceof InsufficientStock) {
      throw new Conflict("cart.insufficient_stock", "Not enough stock left for this cart; its payment is released (voided, or refunded if it was already captured)", {
        variantId: err.variantId, requested: err.requested, available: err.available, paymentId: payment.id,
      });
    }
    throw err;
  }
  if (!created) return { order, created };
  await checkoutFaults.afterOrder?.(order.id);
  // The capture first, then the kick (coalesced with the capture's own): one relay pass for the rows of both
  // transactions, and the relay's write does not queue in front of the capture's.
  // The payment as read above: the order transaction changed only its order link.
  if (settings.captureMethod === "automatic") order = await captureIfDue(ctx, order, deps, { ...payment, captureMethod: "automatic" });
  deps.outbox?.kick(ctx.storeId);
  return { order, created };
}

/**
 * Automatic capture of a placed order whose payment is still only authorized: right after the order transaction,
 * and again when the buyer repeats the completion (the first answer may have been lost, or the capture or the
 * order's fsync failed). A failure leaves the order pending with a timeline entry; the admin can capture it.
 */
async function captureIfDue(ctx: Ctx, order: OrderRow, deps: CheckoutDeps & { outbox?: KickOutbox }, known?: PaymentRow): Promise<OrderRow> {
  try {
    return (await captureDue(ctx, order, deps, known)) ?? order;
  } catch (err) {
    ctx.log.error("capture after checkout failed", { orderId: order.id, err });
    return order;
  }
}

/**
 * The payment.capture job's run: an order of a store on automatic capture whose payment is still only authorized
 * is captured (the capture right after checkout did not happen: a crash, the provider down). Throws what the
 * capture throws, so the job retries; nothing to do (captured, cancelled, manual capture) → "nothing".
 */
export async function captureOrderIfDue(ctx: Ctx, orderId: string, deps: CheckoutDeps & { outbox?: KickOutbox }): Promise<"captured" | "nothing"> {
  return (await captureDue(ctx, await getOrderRow(ctx.store.db, orderId), deps)) ? "captured" : "nothing";
}

/** The capture, when it is due; null when it is not (cancelled, manual capture, already captured or voided). */
async function captureDue(ctx: Ctx, order: OrderRow, deps: CheckoutDeps & { outbox?: KickOutbox }, known?: PaymentRow): Promise<OrderRow | null> {
  if (order.cancelledAt !== null) return null;
  const p = known ?? (await paymentRow(ctx.store.db, order.paymentId));
  if (p.captureMethod !== "automatic" || p.status !== "authorized") return null;
  return capturePayment(ctx, order.id, deps);
}
