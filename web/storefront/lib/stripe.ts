// Stripe.js for the checkout of a store whose payment provider is Stripe. Stripe requires the script be loaded from
// https://js.stripe.com/v3/ (never bundled or self-hosted), so it is added to the page only here: on the checkout
// page, and only for a Stripe store (the storefront CSP, src/http/security.ts, allows exactly Stripe.js's documented
// origins). Only the few calls the checkout makes are typed: Stripe(pk), elements({ clientSecret, appearance }),
// create("payment").mount(node), confirmPayment(…).
import { ApiError, api } from "./api.ts";

export const STRIPE_JS_URL = "https://js.stripe.com/v3/";

export interface StripeError {
  type: string;
  code?: string;
  decline_code?: string;
  message?: string;
  payment_intent?: { id: string; status: string };
}

export interface StripePaymentIntent {
  id: string;
  status: string;
  amount: number;
  currency: string;
}

export interface StripePaymentElement {
  mount(node: HTMLElement): void;
  on?(event: "ready" | "loaderror", handler: (e?: unknown) => void): void;
  destroy(): void;
}

export interface StripeElements {
  create(type: "payment", options?: Record<string, unknown>): StripePaymentElement;
}

export interface StripeJs {
  elements(options: { clientSecret: string; appearance?: Record<string, unknown> }): StripeElements;
  confirmPayment(options: {
    elements: StripeElements;
    redirect: "if_required";
    confirmParams: { return_url: string };
  }): Promise<{ error?: StripeError; paymentIntent?: StripePaymentIntent }>;
}

type StripeFactory = (publishableKey: string) => StripeJs;

/** Why Stripe cannot be used on this page: Stripe.js did not load, or the store has no Stripe keys. */
export class StripeUnavailable extends Error {
  constructor(readonly why: "script" | "not_configured") {
    super(why);
  }
}

const LOAD_TIMEOUT_MS = 20_000;
let loading: Promise<StripeFactory> | null = null;

/** Adds the Stripe.js script once; a failed load (blocked, offline) is forgotten so "Try again" adds it again. */
function loadScript(): Promise<StripeFactory> {
  const ready = () => (window as unknown as { Stripe?: StripeFactory }).Stripe;
  if (ready()) return Promise.resolve(ready()!);
  loading ??= new Promise<StripeFactory>((resolve, reject) => {
    const script = document.createElement("script");
    script.src = STRIPE_JS_URL;
    script.async = true;
    const fail = () => {
      clearTimeout(timer);
      script.remove();
      loading = null;
      reject(new StripeUnavailable("script"));
    };
    const timer = setTimeout(fail, LOAD_TIMEOUT_MS);
    script.addEventListener("load", () => {
      clearTimeout(timer);
      const f = ready();
      if (f) resolve(f);
      else fail();
    });
    script.addEventListener("error", fail);
    document.head.appendChild(script);
  });
  return loading;
}

const instances = new Map<string, StripeJs>();

/**
 * The store's Stripe object: its publishable key (GET /v1/store/payment-providers/stripe; 404 when the store has no
 * Stripe keys) and Stripe.js. One instance per key, as Stripe asks. `testMode`: a pk_test_ key (no real charge).
 */
export async function stripeForStore(): Promise<{ stripe: StripeJs; testMode: boolean }> {
  let pk: string;
  try {
    pk = (await api.get<{ publishableKey: string }>("/v1/store/payment-providers/stripe")).publishableKey;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) throw new StripeUnavailable("not_configured");
    throw e;
  }
  const testMode = pk.startsWith("pk_test_");
  const known = instances.get(pk);
  if (known) return { stripe: known, testMode };
  const Stripe = await loadScript();
  const stripe = Stripe(pk);
  instances.set(pk, stripe);
  return { stripe, testMode };
}

/** The Payment Element in the storefront's look (uno.config.ts): system font, its ink, accent and error colours. */
export const APPEARANCE = {
  theme: "stripe",
  variables: {
    colorPrimary: "#0E5A48",
    colorText: "#1B1B1B",
    colorTextSecondary: "#595959",
    colorDanger: "#B3261E",
    colorBackground: "#FFFFFF",
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    borderRadius: "8px",
  },
  rules: { ".Input": { border: "1px solid #767676" } },
};

/** The parameters Stripe adds to return_url when it brings the buyer back after a redirect (3-D Secure page, bank). */
export interface StripeReturn {
  paymentIntent: string;
  status: string | null;
}

export function stripeReturnOf(search: string): StripeReturn | null {
  const q = new URLSearchParams(search);
  const paymentIntent = q.get("payment_intent");
  if (!paymentIntent || !q.get("payment_intent_client_secret")) return null;
  return { paymentIntent, status: q.get("redirect_status") };
}

/** Intent statuses after which the order can be placed (…/complete checks it again with Stripe). */
export const PAID_STATUSES = new Set(["succeeded", "requires_capture", "processing"]);
