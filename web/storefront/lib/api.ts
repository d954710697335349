// The one HTTP client of the storefront: same-origin calls to /v1/store/* with the store's publishable key (written
// into the page by the server: <meta name="trafi-publishable-key">), and the API's error envelope turned into an
// ApiError whose message is written for a buyer (switching on the stable `reason`), keeping the request id.
import { KEY_META } from "../../../src/http/storefront-meta.ts";
import { ApiError, readAnswer, withQuery, type Query } from "../../shared/http.ts";

export { ApiError, type Query } from "../../shared/http.ts";

const publishableKey = (): string => document.querySelector(`meta[name="${KEY_META}"]`)?.getAttribute("content") ?? "";

/** A v4 UUID from getRandomValues: crypto.randomUUID exists only on https or localhost pages, this works on any. */
export function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function request<T>(method: string, path: string, opts: { query?: Query; json?: unknown; idempotencyKey?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", "x-publishable-key": publishableKey() };
  if (opts.json !== undefined) headers["content-type"] = "application/json";
  if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), { method, headers, body: opts.json === undefined ? undefined : JSON.stringify(opts.json) });
  } catch {
    throw new ApiError(0, "NETWORK", "network", "The shop could not be reached", null, undefined);
  }
  return readAnswer<T>(res);
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>("GET", path, { query }),
  post: <T>(path: string, json?: unknown, idempotencyKey?: string) => request<T>("POST", path, { json, idempotencyKey }),
  patch: <T>(path: string, json: unknown) => request<T>("PATCH", path, { json }),
  put: <T>(path: string, json: unknown) => request<T>("PUT", path, { json }),
  del: <T>(path: string) => request<T>("DELETE", path),
};

/** Buyer-facing wording for the reasons a buyer can act on; anything else keeps a safe generic sentence. */
const MESSAGES: Record<string, string> = {
  network: "We could not reach the shop. Check your connection and try again.",
  "rate_limit.exceeded": "The shop is busy right now. Wait a moment and try again.",
  internal: "Something went wrong on our side. Please try again in a moment.",
  "request.invalid": "Some details are not valid. Check the fields and try again.",
  "auth.missing_key": "This shop is not set up yet (no store key). Please come back later.",
  "auth.invalid_key": "This shop is not available right now (its store key is not valid).",
  "cors.origin_not_allowed": "This shop is not available from this address.",
  "cart.insufficient_stock": "Sorry, there is not enough stock for that quantity.",
  "cart.changed": "Your cart changed while we were placing the order. Check your order below and place it again.",
  "cart.payment_outdated": "Your cart changed after the payment started. Check your order below and pay again.",
  "cart.prices_changed": "Some prices changed since you added these items. Review your cart to accept the new prices, then check out again.",
  "cart.completed": "This cart has already been ordered. Check your e-mail for the confirmation.",
  "cart.not_found": "Your cart has expired. Add the items again to start a new one.",
  "cart.variant_unavailable": "A product in your cart is no longer for sale. Remove it from your cart and try again.",
  "cart.empty": "Your cart is empty.",
  "cart.email_required": "Enter your e-mail address.",
  "cart.address_required": "Enter your delivery address first.",
  "cart.shipping_method_required": "Choose a shipping method first.",
  "cart.invalid_country": "Choose your country from the list.",
  "cart.quantity_too_large": "That is more than one order can hold. Choose a smaller quantity.",
  "cart.too_many_lines": "Your cart is full. Check out what you have, or remove something first.",
  "shipping_option.not_found": "That shipping method is no longer available. Choose another one.",
  "payment.declined": "Your card was declined and nothing was charged. Check the number or use another card.",
  "payment.requires_action": "Your bank asks for an extra check (3-D Secure) that was not completed. Nothing was charged. Please pay again.",
  "payment.voided": "This payment was cancelled and nothing was charged. Please pay again.",
  "payment.card_required": "Enter a card number.",
  "payment.invalid_card": "Enter a card number of 12 to 19 digits.",
  "payment.provider_not_enabled": "This shop has just changed how it takes payments, and nothing was charged. Check the payment form below and pay again.",
  "payment.provider_not_configured": "This shop cannot take card payments right now: its Stripe account is not set up yet. Nothing was charged. Please come back later.",
  "payment.amount_too_small": "This order's total is too small to be paid by card here. Add something to your cart, or contact the shop.",
  "payment.provider_unavailable": "The payment service could not be reached. Nothing was charged. Please try again.",
  "order.not_found": "We could not find this order. Use the link from your order confirmation.",
  "return.not_offered": "This shop does not take returns online. Please contact the shop.",
  "return.window_closed": "The return period for these items has ended.",
  "return.exceeds_shipped": "You can only return items that have shipped and are not already being returned.",
  "variant.not_found": "This product is no longer for sale.",
};

export function describe(e: unknown): string {
  if (e instanceof ApiError) {
    const known = MESSAGES[e.reason];
    if (known) return known;
    if (e.status >= 500 || e.status === 0) return MESSAGES.internal!;
    return "That did not work. Please check and try again.";
  }
  return MESSAGES.internal!;
}

/** A number from an error's details (e.g. how many are still available), or null. */
export const detailNumber = (e: unknown, key: string): number | null => {
  const v = e instanceof ApiError ? e.details?.[key] : undefined;
  return typeof v === "number" ? v : null;
};
