// The `stripe` PaymentProvider: PaymentIntents created server-side, confirmed by the buyer's browser with Stripe.js
// (3DS happens there), captured, cancelled and refunded from here. Every call that creates something carries an
// idempotency key, so a retried checkout never charges twice.
//
// The provider interface hands us only { storeId, masterKey }; the store's keys live in its own DB. A platform
// binds itself (bindStripePlatform, done when its routes are built), keyed by its master key object, which lets
// several platforms (tests) share this process without seeing each other's stores.
import type Stripe from "stripe";
import type { Platform } from "../../../platform.ts";
import { ValidationFailed } from "../../../kernel/errors.ts";
import type { Money } from "../../../kernel/money.ts";
import type { PaymentProvider, ProviderContext, ProviderSession, RefundResult } from "../provider.ts";
import { call, sessionOf, stripeClient, toStripeAmount } from "./client.ts";
import { stripeCredentials } from "./settings.ts";

const platforms = new WeakMap<Uint8Array, Platform>();

export function bindStripePlatform(p: Platform): void {
  platforms.set(p.config.masterKey, p);
}

interface Bound {
  stripe: Stripe;
}

async function bound(pc: ProviderContext): Promise<Bound> {
  const platform = platforms.get(pc.masterKey);
  if (!platform) throw new Error("the stripe provider is used before its platform was bound (bindStripePlatform)");
  const store = await platform.pool.get(pc.storeId);
  const creds = await stripeCredentials(store.db, pc.masterKey);
  if (!creds) {
    throw new ValidationFailed("payment.provider_not_configured", "Stripe is not configured for this store (admin: PUT /v1/admin/settings/payments/stripe)");
  }
  return { stripe: stripeClient(creds.secretKey, platform.config.stripeApiBase) };
}

/** Stripe scopes idempotency keys to the account; stores may share one, so the store id is part of every key. */
const idem = (pc: ProviderContext, key: string) => `trafi:${pc.storeId}:${key}`.slice(0, 255);

/** What a storefront may pass in `data` (API.md `POST …/payment { provider: "stripe", data? }`). */
interface StripeSessionData {
  /** A PaymentMethod already collected by Stripe.js: the intent is confirmed server-side right away. */
  paymentMethodId?: string;
  /** Where Stripe sends the buyer back after a redirect-based method or 3DS page. */
  returnUrl?: string;
}

function sessionData(data: unknown): StripeSessionData {
  if (data === undefined || data === null) return {};
  const issues: string[] = [];
  const d = data as Record<string, unknown>;
  if (typeof data !== "object" || Array.isArray(data)) issues.push("data must be an object");
  else {
    for (const k of Object.keys(d)) if (k !== "paymentMethodId" && k !== "returnUrl") issues.push(`unknown field ${k}`);
    if (d.paymentMethodId !== undefined && (typeof d.paymentMethodId !== "string" || !/^pm_[A-Za-z0-9_]{1,200}$/.test(d.paymentMethodId))) {
      issues.push("paymentMethodId must be a Stripe PaymentMethod id (pm_…)");
    }
    if (d.returnUrl !== undefined && (typeof d.returnUrl !== "string" || !/^https?:\/\/\S{1,2000}$/.test(d.returnUrl))) {
      issues.push("returnUrl must be an http(s) URL");
    }
  }
  if (issues.length) throw new ValidationFailed("payment.invalid_data", "The Stripe payment data is not valid", { issues });
  return d as StripeSessionData;
}

async function createSession(
  pc: ProviderContext,
  input: Parameters<PaymentProvider["createSession"]>[1],
): Promise<ProviderSession> {
  const data = sessionData(input.data);
  // Stripe takes no payment of nothing (its minimum is about 0.50 of the currency): say so instead of its refusal.
  if (input.amount.amount <= 0) {
    throw new ValidationFailed("payment.amount_too_small", "Stripe cannot take a payment of 0; a free order needs the sandbox provider or a paid item", { amount: input.amount });
  }
  const { stripe } = await bound(pc);
  const confirm = data.paymentMethodId !== undefined;
  const params: Stripe.PaymentIntentCreateParams = {
    amount: toStripeAmount(input.amount),
    currency: input.amount.currency.toLowerCase(),
    capture_method: input.captureMethod, // the store's payment setting (payments core), passed by checkout
    metadata: { storeId: pc.storeId, cartId: input.cartId },
    // No receipt_email: Stripe would e-mail its own receipt next to the store's order confirmation.
    ...(confirm
      ? {
          confirm: true,
          payment_method: data.paymentMethodId,
          ...(data.returnUrl
            ? { return_url: data.returnUrl, automatic_payment_methods: { enabled: true } }
            : { automatic_payment_methods: { enabled: true, allow_redirects: "never" as const } }),
        }
      : { automatic_payment_methods: { enabled: true } }),
  };
  const pi = await call(() => stripe.paymentIntents.create(params, { idempotencyKey: idem(pc, input.idempotencyKey) }));
  return sessionOf(pi);
}

async function retrieve(pc: ProviderContext, ref: string): Promise<ProviderSession> {
  const { stripe } = await bound(pc);
  return sessionOf(await call(() => stripe.paymentIntents.retrieve(ref)));
}

async function capture(pc: ProviderContext, ref: string, amount: Money): Promise<ProviderSession> {
  const { stripe } = await bound(pc);
  const cents = toStripeAmount(amount);
  try {
    const pi = await call(() => stripe.paymentIntents.capture(ref, { amount_to_capture: cents }, { idempotencyKey: idem(pc, `capture:${ref}:${cents}`) }));
    return sessionOf(pi);
  } catch (e) {
    // Captured already (in the Stripe dashboard, or by a capture whose answer was lost and is retried after Stripe
    // forgot its key): Stripe refuses a second capture, and the intent says what happened.
    const current = await call(() => stripe.paymentIntents.retrieve(ref)).catch(() => null);
    if (current?.status === "succeeded") return sessionOf(current);
    // Canceled at Stripe (expired after about 7 days, or in the dashboard): the authorization is gone, which the
    // caller says plainly instead of Stripe's refusal.
    if (current?.status === "canceled") return { ...sessionOf(current), status: "voided", failureReason: current.cancellation_reason ?? "canceled" };
    throw e;
  }
}

async function voidIntent(pc: ProviderContext, ref: string): Promise<ProviderSession> {
  const { stripe } = await bound(pc);
  const current = await call(() => stripe.paymentIntents.retrieve(ref));
  // Voiding twice is a no-op, as the interface expects. A canceled intent is what a void asks for: "voided" (a
  // checkout that finds one canceled sees a failed session instead, sessionOf).
  const pi = current.status === "canceled" ? current : await call(() => stripe.paymentIntents.cancel(ref, {}, { idempotencyKey: idem(pc, `cancel:${ref}`) }));
  const s = sessionOf(pi);
  return pi.status === "canceled" ? { ...s, status: "voided", failureReason: null } : s;
}

const STRIPE_REASONS = new Set(["duplicate", "fraudulent", "requested_by_customer"]);

async function refund(pc: ProviderContext, ref: string, amount: Money, reason: string, idempotencyKey: string): Promise<RefundResult> {
  const { stripe } = await bound(pc);
  const r = await call(() =>
    stripe.refunds.create(
      {
        payment_intent: ref,
        amount: toStripeAmount(amount),
        // Stripe knows three reasons; the merchant's own words travel in metadata.
        ...(STRIPE_REASONS.has(reason) && { reason: reason as Stripe.RefundCreateParams.Reason }),
        // Our attempt's id (the idempotency key) finds the refund again once Stripe forgot the key (findRefund).
        metadata: { storeId: pc.storeId, reason: reason.slice(0, 500), trafi_refund: idempotencyKey },
      },
      { idempotencyKey: idem(pc, idempotencyKey) },
    ),
  );
  return refundResult(r);
}

function refundResult(r: Stripe.Refund): RefundResult {
  const status = r.status === "succeeded" ? "succeeded" : r.status === "failed" || r.status === "canceled" ? "failed" : "pending";
  return { refundRef: r.id, status };
}

/** Every refund of the intent, newest first, page by page (the SDK follows has_more): a payment has a handful. */
export async function listRefunds(pc: ProviderContext, ref: string): Promise<Stripe.Refund[]> {
  const { stripe } = await bound(pc);
  return call(async () => {
    const all: Stripe.Refund[] = [];
    for await (const r of stripe.refunds.list({ payment_intent: ref, limit: 100 })) all.push(r);
    return all;
  });
}

async function findRefund(pc: ProviderContext, ref: string, idempotencyKey: string): Promise<RefundResult | null> {
  const list = await listRefunds(pc, ref);
  const made = list.find((r) => r.metadata?.trafi_refund === idempotencyKey);
  return made ? refundResult(made) : null;
}

export const stripeProvider: PaymentProvider = {
  id: "stripe",
  createSession,
  retrieve,
  capture,
  void: voidIntent,
  refund,
  findRefund,
};
