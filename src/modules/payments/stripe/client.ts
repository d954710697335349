// The Stripe SDK, as this module uses it: one client per (API base, secret key), amount conversion between our
// minor units and Stripe's, PaymentIntent status → ProviderSession, and Stripe errors → AppError.
import Stripe from "stripe";
import { createHash } from "node:crypto";
import { AppError, Conflict, Unavailable } from "../../../kernel/errors.ts";
import { exponent, MoneyError, type Money } from "../../../kernel/money.ts";
import type { ProviderSession } from "../provider.ts";

const clients = new Map<string, Stripe>();
const MAX_CLIENTS = 512; // one per active store key; a bounded map keeps a long-running server's memory flat

/** `apiBase` (config TRAFI_STRIPE_API_BASE) points the SDK at a loopback fake in tests; null = api.stripe.com. */
export function stripeClient(secretKey: string, apiBase: string | null): Stripe {
  // The map key is a hash: plaintext keys stay only inside the SDK instance.
  const id = createHash("sha256").update(`${apiBase ?? ""}|${secretKey}`).digest("hex");
  let c = clients.get(id);
  if (c) {
    clients.delete(id);
    clients.set(id, c);
    return c;
  }
  const base = apiBase ? new URL(apiBase) : null;
  c = new Stripe(secretKey, {
    // Retries reuse the idempotency key we set, so they are safe; 2 covers a dropped connection.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: "Trafi" },
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === "https:" ? 443 : 80),
      protocol: base.protocol === "https:" ? "https" : "http",
    }),
  });
  clients.set(id, c);
  if (clients.size > MAX_CLIENTS) clients.delete(clients.keys().next().value!);
  return c;
}

// Stripe's own decimal places where they differ from 2 (docs: "Zero-decimal" and "Three-decimal currencies").
const STRIPE_ZERO_DECIMAL = new Set([
  "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
]);
const STRIPE_THREE_DECIMAL = new Set(["BHD", "JOD", "KWD", "OMR", "TND"]);

const stripeExponent = (currency: string) => (STRIPE_ZERO_DECIMAL.has(currency) ? 0 : STRIPE_THREE_DECIMAL.has(currency) ? 3 : 2);

/** Our minor units → Stripe's. Exact or refused: money never gets rounded silently on its way to a PSP. */
export function toStripeAmount(m: Money): number {
  const diff = stripeExponent(m.currency) - exponent(m.currency);
  if (diff >= 0) {
    const amount = m.amount * 10 ** diff;
    // Stripe charges three-decimal currencies only in steps of 10 (its docs: the last digit must be 0).
    if (STRIPE_THREE_DECIMAL.has(m.currency) && amount % 10 !== 0) {
      throw new AppError("VALIDATION", "payment.amount_not_representable", `Stripe charges ${m.currency} only in steps of 10 minor units`, { currency: m.currency });
    }
    return amount;
  }
  const f = 10 ** -diff;
  if (m.amount % f !== 0) {
    throw new AppError("VALIDATION", "payment.amount_not_representable", `Stripe cannot charge ${m.amount} minor units of ${m.currency} exactly`, {
      currency: m.currency,
    });
  }
  return m.amount / f;
}

/**
 * Stripe's amount → our minor units, exact or refused like the way there: ISK is two-decimal at Stripe and
 * zero-decimal here, and an amount with øre in it (a charge from before Stripe made ISK whole-króna only) would
 * otherwise come back as a fraction of a minor unit and be stored as money.
 */
export function fromStripeAmount(amount: number, currency: string): number {
  const c = currency.toUpperCase();
  const diff = stripeExponent(c) - exponent(c);
  const ours = diff >= 0 ? amount / 10 ** diff : amount * 10 ** -diff;
  if (!Number.isSafeInteger(ours)) throw new MoneyError(`Stripe's ${amount} ${c} is not a whole number of our minor units`);
  return ours;
}

export function sessionOf(pi: Stripe.PaymentIntent): ProviderSession {
  const base = { providerRef: pi.id, clientSecret: pi.client_secret ?? null, nextAction: null, failureReason: null };
  switch (pi.status) {
    case "requires_capture":
      return { ...base, status: "authorized" };
    case "succeeded":
      return { ...base, status: "captured", ...(typeof pi.amount_received === "number" && pi.currency ? { capturedAmount: fromStripeAmount(pi.amount_received, pi.currency) } : {}) };
    case "canceled":
      return { ...base, status: "failed", clientSecret: null, failureReason: pi.cancellation_reason ?? "canceled" };
    case "requires_action": {
      const url = pi.next_action?.redirect_to_url?.url ?? undefined;
      return { ...base, status: "requires_action", nextAction: { type: pi.next_action?.type ?? "use_stripe_sdk", ...(url && { url }) } };
    }
    default:
      // requires_payment_method / requires_confirmation / processing: the buyer's browser confirms with Stripe.js
      // using the client secret; a previous decline is reported so the storefront can say why.
      return {
        ...base,
        status: "requires_action",
        nextAction: { type: pi.status === "processing" ? "wait_for_processing" : "confirm_with_stripe_js" },
        failureReason: pi.last_payment_error?.decline_code ?? pi.last_payment_error?.code ?? null,
      };
  }
}

/**
 * Stripe's failures in our vocabulary. Declines are the buyer's business (402); a request Stripe refuses for the
 * state of the intent is a conflict; everything about keys, network or Stripe itself is "unavailable" — the
 * message never carries Stripe's text, which can name account details.
 */
export function mapStripeError(e: unknown): unknown {
  if (!(e instanceof Stripe.errors.StripeError)) return e;
  if (e instanceof Stripe.errors.StripeCardError) {
    return new AppError("PAYMENT_FAILED", "payment.declined", "The payment was declined", {
      code: e.code ?? null,
      declineCode: e.decline_code ?? null,
    });
  }
  if (e instanceof Stripe.errors.StripeIdempotencyError) {
    return new Conflict("payment.idempotency_conflict", "This payment request was already sent with different parameters");
  }
  if (e instanceof Stripe.errors.StripeInvalidRequestError) {
    return new Conflict("payment.provider_rejected", "Stripe refused this operation for the payment's current state", { code: e.code ?? null });
  }
  if (e instanceof Stripe.errors.StripeAuthenticationError || e instanceof Stripe.errors.StripePermissionError) {
    return new Unavailable("payment.provider_misconfigured", "The store's Stripe key was refused by Stripe; check the payment settings");
  }
  return new Unavailable("payment.provider_unavailable", "Stripe could not be reached; try again");
}

/** Runs a Stripe call and rethrows its failure as AppError. */
export async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw mapStripeError(e);
  }
}
