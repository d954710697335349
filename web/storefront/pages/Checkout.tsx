// Guest checkout in one page: contact and delivery address (PATCH the cart), shipping options for that address
// (the store's shipping zones decide which countries work), then the payment of the store's provider, then
// POST …/complete with a fresh Idempotency-Key per attempt. Every refusal is said in words, next to the button,
// and nothing the buyer typed is cleared. The buyer pays the total the button shows: an address edited just before
// paying is saved first, and a total it changes stops the payment. An attempt whose order was placed although its
// answer was lost (the network dropped) still leads to the order: …/complete is asked again with the same key.
//
// - Sandbox store: a card number field; POST …/payment { provider: "sandbox", data: { card } }, then …/complete.
//   The 3-D Secure test card answers requires_action with a redirect: the buyer is sent to Trafi's sandbox check
//   page with return_url = /checkout?sandbox_return=1, which brings them back with payment_id & redirect_status;
//   succeeded → …/complete → the order page, failed → said next to the button, and the buyer pays again.
// - Stripe store (the public profile's `paymentProvider`): Stripe.js is loaded from js.stripe.com on this page only
//   (lib/stripe.ts) with the key from GET /v1/store/payment-providers/stripe. Once address and shipping are saved, a
//   payment session (POST …/payment { provider: "stripe" }: a PaymentIntent for the cart's total) is made and Stripe's
//   Payment Element mounted with its client secret; a total that changes afterwards (address, shipping) gets a new
//   session and a new Payment Element, and Pay is only possible while the session's amount is the total the button
//   shows. Pay: stripe.confirmPayment({ redirect: "if_required" }); Stripe's decline message is shown next to the
//   button (the Payment Element keeps what was typed); success → …/complete → the order page. A payment method that
//   redirects (a bank's 3-D Secure page) brings the buyer back to /checkout?payment_intent=…&redirect_status=…:
//   the page then completes the cart and shows the order, or says the payment was not made and lets the buyer pay
//   again. Stripe.js that cannot load (offline, blocked) and a store without Stripe keys are said in words.
import { For, Show, createEffect, createMemo, createSignal, createUniqueId, onCleanup, onMount } from "solid-js";
import { createStore } from "solid-js/store";
import { A, useNavigate } from "@solidjs/router";
import { ApiError, api, describe, detailNumber, uuid } from "../lib/api.ts";
import { cart, cartPath, chooseShipping, completed, loadCart, updateCart } from "../lib/cart.ts";
import { countryName, money } from "../lib/format.ts";
import { loadProfile, profile, profileError, useTitle } from "../lib/shop.ts";
import { CART_KEY, orderHref, storage } from "../lib/storage.ts";
import {
  APPEARANCE, PAID_STATUSES, StripeUnavailable, stripeForStore, stripeReturnOf, type StripeElements, type StripeError, type StripeJs, type StripePaymentElement,
} from "../lib/stripe.ts";
import { isCountryCode } from "../../../src/kernel/country.ts";
import type { Address, Cart, Money, Order, PaymentSession, ShippingOption } from "../lib/types.ts";
import { ErrorAlert, Field, Loading, TotalsTable } from "../ui/kit.tsx";

/** Every ISO 3166-1 country the server accepts (the same ICU check as src/kernel/country.ts), by English name. */
const COUNTRIES: { code: string; name: string }[] = (() => {
  const list: { code: string; name: string }[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (isCountryCode(code)) list.push({ code, name: countryName(code) });
    }
  }
  return list.sort((x, y) => x.name.localeCompare(y.name, "en"));
})();

interface Form {
  email: string;
  firstName: string;
  lastName: string;
  company: string;
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  region: string;
  countryCode: string;
  phone: string;
}
type FieldName = keyof Form;

const EMPTY: Form = { email: "", firstName: "", lastName: "", company: "", line1: "", line2: "", city: "", postalCode: "", region: "", countryCode: "", phone: "" };

const LABELS: Record<FieldName, string> = {
  email: "E-mail", firstName: "First name", lastName: "Last name", company: "Company", line1: "Address", line2: "Apartment, suite, etc.",
  city: "City", postalCode: "Postal code", region: "Region or state", countryCode: "Country", phone: "Phone",
};

const TEST_CARDS = [
  { number: "4242 4242 4242 4242", what: "pays" },
  { number: "4000 0000 0000 0002", what: "is declined" },
  { number: "4000 0025 0000 3155", what: "asks for 3-D Secure" },
];

function body(f: Form): { email: string; shippingAddress: Address } {
  const opt = (s: string) => (s.trim() === "" ? null : s.trim());
  return {
    email: f.email.trim(),
    shippingAddress: {
      firstName: f.firstName.trim(), lastName: f.lastName.trim(), company: opt(f.company), line1: f.line1.trim(), line2: opt(f.line2),
      city: f.city.trim(), postalCode: f.postalCode.trim(), region: opt(f.region), countryCode: f.countryCode, phone: opt(f.phone),
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** A Stripe.js refusal (a decline, an incomplete card, Stripe unreachable), kept to be said next to the button. */
class StripeRefusal extends Error {
  constructor(readonly stripe: StripeError) {
    super(stripe.message ?? stripe.type);
  }
}

/** Stripe's own words for a refusal (it writes them for buyers), and what the buyer can do now. */
function stripeMessage(e: StripeError): string {
  const said = e.message?.trim();
  if (e.type === "validation_error") return said || "Check your card details.";
  if (e.type === "card_error") return `${said || "Your card was declined."} Nothing was charged. Check the details or use another card.`;
  return `${said || "The payment could not be made."} Nothing was charged. Please try again.`;
}

const SANDBOX_FAILED = "Your bank's check failed. Nothing was charged. Pay again, or use another card.";

/** The parameters the sandbox's 3-D Secure page adds to return_url (like Stripe's redirect_status). */
function sandboxReturnOf(search: string): { paymentId: string; status: string | null } | null {
  const q = new URLSearchParams(search);
  const paymentId = q.get("payment_id");
  if (q.get("sandbox_return") !== "1" || !paymentId) return null;
  return { paymentId, status: q.get("redirect_status") };
}

/** Back from a redirect (Stripe's, or the sandbox's 3-D Secure page), with its outcome. */
function redirectReturnOf(search: string): { sandbox: boolean; status: string | null } | null {
  const stripe = stripeReturnOf(search);
  if (stripe) return { sandbox: false, status: stripe.status };
  const sandbox = sandboxReturnOf(search);
  return sandbox ? { sandbox: true, status: sandbox.status } : null;
}

const RETURN_FAILED = "Your payment was not completed (your bank did not approve it, or it was cancelled), and nothing was charged. Please pay again, or use another card.";

const sameMoney = (a: Money, b: Money) => a.amount === b.amount && a.currency === b.currency;

interface StripeSession {
  id: string;
  clientSecret: string;
  amount: Money;
}

/** POST …/complete again with an earlier attempt's key, waiting out a first request still running or a short drop. */
async function completeAgain(path: string, key: string): Promise<Order> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.post<Order>(`${path}/complete`, undefined, key);
    } catch (e) {
      const again = e instanceof ApiError && (e.status === 0 || e.reason === "idempotency.in_progress");
      if (!again || attempt >= 3) throw e;
      await sleep(400 * 2 ** attempt);
    }
  }
}

/** 422 issues (JSON pointers such as /shippingAddress/postalCode) → the fields they name. */
function fieldErrors(e: unknown): Partial<Record<FieldName, string>> {
  const out: Partial<Record<FieldName, string>> = {};
  const issues = e instanceof ApiError ? e.details?.issues : undefined;
  if (e instanceof ApiError && e.reason === "cart.invalid_country") out.countryCode = "Choose your country from the list.";
  if (!Array.isArray(issues)) return out;
  for (const issue of issues as { path?: string }[]) {
    const name = issue.path?.split("/").pop() as FieldName | undefined;
    if (name && name in LABELS) out[name] = `Check the ${LABELS[name].toLowerCase()}.`;
  }
  return out;
}

export function Checkout() {
  useTitle(() => "Checkout");
  const navigate = useNavigate();
  const [loaded, setLoaded] = createSignal(false);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [form, setForm] = createStore<Form>({ ...EMPTY });
  const [saved, setSaved] = createSignal<string | null>(null);
  const [options, setOptions] = createSignal<ShippingOption[] | null>(null);
  const [noShipping, setNoShipping] = createSignal<string | null>(null);
  const [addressBusy, setAddressBusy] = createSignal(false);
  const [addressError, setAddressError] = createSignal<unknown>(null);
  const [errors, setErrors] = createSignal<Partial<Record<FieldName, string>>>({});
  const [shippingError, setShippingError] = createSignal<unknown>(null);
  const [card, setCard] = createSignal("");
  const [cardError, setCardError] = createSignal<string | null>(null);
  const [paying, setPaying] = createSignal(false);
  const [payError, setPayError] = createSignal<unknown>(null);
  const [payMessage, setPayMessage] = createSignal<string | undefined>();
  // The provider named by the store profile; while it loads nothing is offered (a failed profile keeps the sandbox form).
  const provider = (): "sandbox" | "stripe" | null => profile()?.paymentProvider ?? (profileError() ? "sandbox" : null);
  const isStripe = () => provider() === "stripe";
  const dirty = createMemo(() => saved() !== JSON.stringify(body(form)));
  const ready = () => !!cart()?.shippingMethod && !!options()?.length;
  // Address or shipping being saved: the totals in between are not the one to pay, no session is made for them.
  const [saving, setSaving] = createSignal(false);
  // Back from a redirect (Stripe, the sandbox's 3-D Secure page): the cart is being completed before anything else.
  const [returning, setReturning] = createSignal(!!redirectReturnOf(window.location.search));

  const askOptions = async (c: Cart): Promise<ShippingOption[]> => {
    const list = (await api.get<{ data: ShippingOption[] }>(`${cartPath(c.id)}/shipping-options`)).data;
    setOptions(list);
    setNoShipping(list.length === 0 ? countryName(c.shippingAddress?.countryCode ?? "") : null);
    return list;
  };

  onMount(async () => {
    // Back from a redirect (return_url): complete the cart first — loadCart forgets a completed one, and a Stripe
    // webhook may have completed it already (…/complete then answers its order).
    const back = redirectReturnOf(window.location.search);
    let notPaid: unknown = null;
    if (back) {
      window.history.replaceState(window.history.state, "", "/checkout"); // a reload must not complete again
      const id = storage.get(CART_KEY);
      if (back.status === "failed" || !id) {
        notPaid = new StripeRefusal({ type: "redirect_failed", message: back.sandbox && id ? SANDBOX_FAILED : RETURN_FAILED });
      } else {
        try {
          placed(await completeAgain(cartPath(id), uuid()));
          return;
        } catch (e) {
          notPaid = e;
        }
      }
    }
    try {
      const c = await loadCart();
      reuseSession = true;
      if (notPaid !== null) showReturnFailure(notPaid, back?.sandbox ?? false);
      if (c) {
        const a = c.shippingAddress;
        setForm({
          ...EMPTY, email: c.email ?? "",
          ...(a && {
            firstName: a.firstName, lastName: a.lastName, company: a.company ?? "", line1: a.line1, line2: a.line2 ?? "", city: a.city,
            postalCode: a.postalCode, region: a.region ?? "", countryCode: a.countryCode, phone: a.phone ?? "",
          }),
        });
        if (c.email && a) {
          setSaved(JSON.stringify(body(form)));
          await askOptions(c);
        }
      }
    } catch (e) {
      setLoadError(e);
    } finally {
      setReturning(false);
      setLoaded(true);
    }
  });

  /** After a redirect that did not end in an order: said next to the button, and the buyer can pay again. */
  const showReturnFailure = (e: unknown, sandbox: boolean) => {
    setPayError(e);
    if (e instanceof StripeRefusal) setPayMessage(e.stripe.message);
    else if (e instanceof ApiError && e.reason.startsWith("payment.")) setPayMessage((sandbox ? null : stripeWait(e)) ?? RETURN_FAILED);
    else setPayMessage(undefined);
  };

  /** …/complete's 402 payment.requires_action for a Stripe intent: still processing (wait), or not paid (pay again). */
  const stripeWait = (e: ApiError): string | null => {
    if (e.reason !== "payment.requires_action") return null;
    const next = (e.details?.nextAction as { type?: string } | null | undefined)?.type;
    return next === "wait_for_processing"
      ? "Your bank is still processing this payment. Your order is placed as soon as it confirms it, and you will get an e-mail: do not pay again."
      : "Stripe has not confirmed this payment, and nothing was charged. Please pay again.";
  };

  // ---- Stripe: the session for the cart's total and its Payment Element -------------------------------------------
  const [stripeNode, setStripeNode] = createSignal<HTMLDivElement>();
  const [session, setSession] = createSignal<StripeSession | null>(null);
  const [elementReady, setElementReady] = createSignal(false);
  const [stripeProblem, setStripeProblem] = createSignal<unknown>(null);
  const [stripeNotice, setStripeNotice] = createSignal<string | null>(null);
  const [testMode, setTestMode] = createSignal(false);
  const [mountTick, setMountTick] = createSignal(0);
  let stripeJs: StripeJs | null = null;
  let elements: StripeElements | null = null;
  let element: StripePaymentElement | null = null;
  let mounted: { node: HTMLElement; secret: string } | null = null;
  let preparing = false;
  // The cart's own `payment` may be reused (a reload keeps the PaymentIntent) only while this page has not made a
  // newer session since the cart was last read whole: a later cart answer could still name a replaced one.
  let reuseSession = false;

  const wantsStripe = () => isStripe() && ready() && !dirty() && !saving() && !returning() && !paying();
  const sessionFits = (c: Cart | null = cart()) => !!c && !!session() && sameMoney(session()!.amount, c.total);

  /** Makes sessions until one fits the cart's current total (one request at a time: the last one made is the cart's). */
  const prepareStripe = async () => {
    if (preparing) return;
    preparing = true;
    try {
      for (;;) {
        const c = cart();
        if (!c || !wantsStripe() || stripeProblem() || sessionFits(c)) return;
        if (!stripeJs) {
          const r = await stripeForStore();
          stripeJs = r.stripe;
          setTestMode(r.testMode);
        }
        const p = c.payment;
        const reusable = reuseSession && p?.provider === "stripe" && p.status === "requires_action" && !!p.clientSecret && sameMoney(p.amount, c.total);
        const s: PaymentSession = reusable ? p! : await api.post<PaymentSession>(`${cartPath(c.id)}/payment`, { provider: "stripe" });
        if (!reusable) reuseSession = false;
        if (!s.clientSecret) throw new ApiError(502, "UNAVAILABLE", "payment.provider_unavailable", "no client secret", null, undefined);
        const before = session();
        if (before && elementReady() && !sameMoney(before.amount, s.amount)) {
          setStripeNotice(`Your total is now ${money(s.amount)}: enter your card details again for this amount.`);
        }
        setSession({ id: s.id, clientSecret: s.clientSecret, amount: s.amount });
      }
    } catch (e) {
      setStripeProblem(e);
    } finally {
      preparing = false;
    }
  };

  createEffect(() => {
    const c = cart();
    if (c && wantsStripe() && !stripeProblem() && !sessionFits(c)) void prepareStripe();
  });

  // Mounts Stripe's Payment Element for the current session (again when its node was re-rendered).
  createEffect(() => {
    mountTick();
    const node = stripeNode();
    const s = session();
    if (!node || !s || !stripeJs || (mounted?.node === node && mounted.secret === s.clientSecret)) return;
    element?.destroy();
    setElementReady(false);
    const group = stripeJs.elements({ clientSecret: s.clientSecret, appearance: APPEARANCE });
    const el = group.create("payment");
    elements = group;
    element = el;
    mounted = { node, secret: s.clientSecret };
    if (el.on) {
      el.on("ready", () => element === el && setElementReady(true));
      el.on("loaderror", () => element === el && setStripeProblem(new StripeUnavailable("script")));
    }
    el.mount(node);
    if (!el.on) setElementReady(true);
  });

  onCleanup(() => element?.destroy());

  const retryStripe = () => {
    setStripeProblem(null);
    mounted = null; // the Payment Element is mounted again (it may be what failed to load)
    setMountTick((n) => n + 1);
    void prepareStripe();
  };

  const stripeProblemText = (e: unknown): string =>
    e instanceof StripeUnavailable
      ? e.why === "not_configured"
        ? "This shop cannot take card payments right now: its Stripe account is not set up yet. Nothing was charged. Please come back later."
        : "The card form could not be loaded from Stripe (js.stripe.com). Check your connection — or allow js.stripe.com if a content blocker is on — then try again. Nothing was charged."
      : describe(e);

  /**
   * Confirms the session's PaymentIntent with Stripe.js. True when it is paid (or authorized) and the cart can be
   * completed; false when Stripe refused, said next to the button (the Payment Element keeps what was typed).
   * A redirect (3-D Secure page, bank) leaves the page: the return is handled on load.
   */
  const confirmWithStripe = async (c: Cart): Promise<boolean> => {
    if (!stripeJs || !elements || !sessionFits(c) || !elementReady()) {
      setPayMessage(`The payment form is being prepared for your total of ${money(c.total)}. Wait a moment, then pay again.`);
      setPayError(new ApiError(409, "CONFLICT", "checkout.payment_preparing", "", null, undefined));
      return false;
    }
    setStripeNotice(null);
    const r = await stripeJs.confirmPayment({ elements, redirect: "if_required", confirmParams: { return_url: `${window.location.origin}/checkout` } });
    if (r.error) {
      // Paid already (an earlier attempt whose completion failed): complete now instead of refusing.
      const pi = r.error.payment_intent;
      if (r.error.code === "payment_intent_unexpected_state" && pi && PAID_STATUSES.has(pi.status)) return true;
      setPayError(new StripeRefusal(r.error));
      setPayMessage(stripeMessage(r.error));
      return false;
    }
    if (!r.paymentIntent || !PAID_STATUSES.has(r.paymentIntent.status)) {
      setPayError(new StripeRefusal({ type: "not_paid" }));
      setPayMessage(RETURN_FAILED);
      return false;
    }
    return true;
  };

  /** Saves contact and address, then reads the options for it; the cheapest is chosen when none (or a gone one) was. */
  const saveAddress = async (): Promise<boolean> => {
    setAddressError(null);
    setErrors({});
    setShippingError(null);
    const b = body(form);
    setSaving(true);
    try {
      const c = await updateCart(b);
      setSaved(JSON.stringify(b));
      const list = await askOptions(c);
      if (list.length > 0 && !list.some((o) => o.id === c.shippingMethod?.optionId)) await chooseShipping(list[0]!.id);
      return list.length > 0;
    } catch (e) {
      setAddressError(e);
      setErrors(fieldErrors(e));
      return false;
    } finally {
      setSaving(false);
    }
  };

  const submitAddress = async (ev: SubmitEvent) => {
    ev.preventDefault();
    setAddressBusy(true);
    try {
      if (await saveAddress()) document.getElementById("shipping-title")?.focus();
    } finally {
      setAddressBusy(false);
    }
  };

  const pickShipping = async (optionId: string) => {
    setShippingError(null);
    setSaving(true);
    try {
      await chooseShipping(optionId);
    } catch (e) {
      setShippingError(e);
    } finally {
      setSaving(false);
    }
  };

  const payFailed = async (e: unknown, completing = false) => {
    setPayError(e);
    setPayMessage(undefined);
    if (!(e instanceof ApiError)) return;
    // The store changed its provider while the buyer was here: read its profile again, the page offers the new one.
    if (e.reason === "payment.provider_not_enabled") void loadProfile();
    if (e.reason === "cart.insufficient_stock") {
      const available = detailNumber(e, "available");
      const title = cart()?.lines.find((l) => l.variantId === e.details?.variantId)?.title ?? "one of your items";
      setPayMessage(`Sorry, ${available ? `only ${available} of ${title} ${available === 1 ? "is" : "are"} left` : `${title} has just sold out`}. Nothing was charged. Update your cart, then pay again.`);
    }
    if (isStripe()) setPayMessage((m) => m ?? stripeWait(e) ?? undefined);
    // The cart may have moved (stock, another tab): show it as it is now.
    await loadCart().catch(() => {});
    // A Stripe session the server refused to complete with may be released: the next one is made (or the cart's own
    // reused when it still stands). A lost answer (status 0) keeps the session: Pay again completes the paid intent.
    if (isStripe() && completing && e.status !== 0) {
      reuseSession = true;
      setSession(null);
    }
  };

  const placed = (order: Order) => {
    const last = completed(order);
    navigate(last ? orderHref(last) : "/", { state: { placed: true } });
  };

  /**
   * After a failed attempt, is there an order anyway? Yes when …/complete's answer was lost (a network error: the
   * server may have placed it) or when the cart turns out completed (this attempt, or another tab, placed it). Then
   * …/complete is asked again with the attempt's key: the server replays its answer, or answers a completed cart's
   * order. True when the page was taken care of (the order shown, or its placing said in words).
   */
  const foundOrder = async (cartId: string, key: string, e: unknown, completing: boolean): Promise<boolean> => {
    const path = cartPath(cartId);
    const lost = completing && e instanceof ApiError && e.status === 0;
    const done = lost || (e instanceof ApiError && e.reason === "cart.completed")
      || (await api.get<Cart>(path).then((c) => c.status === "completed", () => false));
    if (!done) return false;
    try {
      placed(await completeAgain(path, key));
      return true;
    } catch (again) {
      if (lost) return false; // still unreachable: whether the order was placed is not known, the first error stays
      // The cart is completed but its order could not be read: say so, and keep the page (paying again on a completed
      // cart charges nothing and leads here again).
      setPayError(again);
      setPayMessage("Your order is placed, but we could not show it. Check your e-mail for the confirmation, or press Pay again in a moment to see your order.");
      return true;
    }
  };

  const pay = async (ev: SubmitEvent) => {
    ev.preventDefault();
    const stripe = isStripe();
    const digits = card().replace(/[\s-]/g, "");
    if (!stripe && !/^\d{12,19}$/.test(digits)) {
      setCardError("Enter the card number: 12 to 19 digits.");
      return;
    }
    setCardError(null);
    setPaying(true);
    setPayError(null);
    setPayMessage(undefined);
    // A fresh key per attempt: a retry after a lost answer reuses it, a new click is a new attempt.
    const key = uuid();
    const cartId = cart()?.id;
    let completing = false;
    let leaving = false;
    try {
      if (dirty()) {
        // The buyer edited the address after choosing shipping: save it first, and stop if its options or the total
        // differ — the buyer pays the amount the button showed, or nothing.
        const before = cart()?.shippingMethod?.optionId;
        const shown = cart() ? money(cart()!.total) : null; // a string: the store's total object is updated in place
        if (!(await saveAddress())) {
          const e = addressError();
          if (cartId && e instanceof ApiError && e.reason === "cart.completed") await foundOrder(cartId, key, e, false);
          return;
        }
        if (cart()?.shippingMethod?.optionId !== before) {
          setPayMessage("Your new address has different shipping options. Check the shipping method, then pay again.");
          setPayError(new ApiError(409, "CONFLICT", "checkout.shipping_changed", "", null, undefined));
          return;
        }
        const now = cart() ? money(cart()!.total) : null;
        if (now !== null && now !== shown) {
          setPayMessage(`Your total is now ${now} — check it and pay again.`);
          setPayError(new ApiError(409, "CONFLICT", "checkout.total_changed", "", null, undefined));
          return;
        }
      }
      const c = cart();
      if (!c) throw new ApiError(404, "NOT_FOUND", "cart.not_found", "", null, undefined);
      const path = cartPath(c.id);
      if (stripe) {
        if (!(await confirmWithStripe(c))) return;
      } else {
        const s = await api.post<PaymentSession>(`${path}/payment`, { provider: "sandbox", data: { card: digits } });
        // The 3-D Secure test card: the check happens on the sandbox's page, which brings the buyer back here.
        const next = s.status === "requires_action" && s.nextAction?.type === "redirect_to_url" ? s.nextAction.url : undefined;
        if (next) {
          const to = new URL(next, window.location.href);
          to.searchParams.set("return_url", `${window.location.origin}/checkout?sandbox_return=1`);
          leaving = true;
          window.location.assign(to.toString());
          return;
        }
      }
      completing = true;
      placed(await api.post<Order>(`${path}/complete`, undefined, key));
    } catch (e) {
      if (!(cartId && (await foundOrder(cartId, key, e, completing)))) await payFailed(e, completing);
    } finally {
      if (!leaving) setPaying(false);
    }
  };

  const cardId = createUniqueId();

  return (
    <>
      <h1 class="text-3xl font-bold mt-0 mb-6">Checkout</h1>
      <Show when={loadError()}>
        <ErrorAlert error={loadError()} />
      </Show>
      <Show when={loaded()} fallback={<Loading label={returning() ? "Confirming your payment…" : "Loading your cart…"} />}>
        <Show
          when={cart() && cart()!.lines.length > 0 && cart()}
          fallback={
            <Show when={!loadError()}>
              <p>Your cart is empty.</p>
              <p><A href="/" class="link">Continue shopping</A></p>
            </Show>
          }
        >
          {(c) => (
            <div class="grid gap-10 md:grid-cols-[1fr_340px]">
              <div class="flex flex-col gap-10">
                <section aria-labelledby="address-title">
                  <h2 id="address-title" class="text-xl font-semibold mt-0 mb-4">Contact and delivery</h2>
                  <form class="grid gap-4 sm:grid-cols-2" onSubmit={submitAddress}>
                    <Field class="sm:col-span-2" label={LABELS.email} type="email" autocomplete="email" required value={form.email}
                      onInput={(e) => setForm("email", e.currentTarget.value)} error={errors().email} hint="For your order confirmation." />
                    <Field label={LABELS.firstName} autocomplete="given-name" required value={form.firstName} onInput={(e) => setForm("firstName", e.currentTarget.value)} error={errors().firstName} />
                    <Field label={LABELS.lastName} autocomplete="family-name" required value={form.lastName} onInput={(e) => setForm("lastName", e.currentTarget.value)} error={errors().lastName} />
                    <Field class="sm:col-span-2" label={LABELS.company} optional autocomplete="organization" value={form.company} onInput={(e) => setForm("company", e.currentTarget.value)} error={errors().company} />
                    <Field class="sm:col-span-2" label={LABELS.line1} autocomplete="address-line1" required value={form.line1} onInput={(e) => setForm("line1", e.currentTarget.value)} error={errors().line1} />
                    <Field class="sm:col-span-2" label={LABELS.line2} optional autocomplete="address-line2" value={form.line2} onInput={(e) => setForm("line2", e.currentTarget.value)} error={errors().line2} />
                    <Field label={LABELS.postalCode} autocomplete="postal-code" required value={form.postalCode} onInput={(e) => setForm("postalCode", e.currentTarget.value)} error={errors().postalCode} />
                    <Field label={LABELS.city} autocomplete="address-level2" required value={form.city} onInput={(e) => setForm("city", e.currentTarget.value)} error={errors().city} />
                    <CountrySelect value={form.countryCode} onChange={(v) => setForm("countryCode", v)} error={errors().countryCode} />
                    <Field label={LABELS.region} optional autocomplete="address-level1" value={form.region} onInput={(e) => setForm("region", e.currentTarget.value)} error={errors().region} />
                    <Field class="sm:col-span-2" label={LABELS.phone} optional type="tel" autocomplete="tel" value={form.phone} onInput={(e) => setForm("phone", e.currentTarget.value)} error={errors().phone}
                      hint="Only for the carrier, if they need to reach you." />
                    <div class="sm:col-span-2">
                      <Show when={addressError()}>
                        <ErrorAlert error={addressError()} />
                      </Show>
                      <button type="submit" class="btn-primary" disabled={addressBusy()}>
                        {addressBusy() ? "Saving…" : saved() && !dirty() ? "Update shipping options" : "Continue to shipping"}
                      </button>
                    </div>
                  </form>
                </section>

                <section aria-labelledby="shipping-title">
                  <h2 id="shipping-title" tabindex="-1" class="text-xl font-semibold mt-0 mb-4">Shipping</h2>
                  <Show when={noShipping() !== null}>
                    <div role="alert" class="alert-err">
                      <p class="m-0 font-medium">Sorry, we do not ship to {noShipping()} yet.</p>
                      <p class="m-0 mt-1">Choose another country for delivery.</p>
                    </div>
                  </Show>
                  <Show when={options() && options()!.length > 0} fallback={<Show when={noShipping() === null}><p class="text-muted m-0">Enter your address to see the shipping options.</p></Show>}>
                    <fieldset class="m-0 p-0">
                      <legend class="sr-only">Shipping method</legend>
                      <div class="flex flex-col gap-2">
                        <For each={options()!}>
                          {(o) => (
                            <label class="card px-4 py-3 flex items-center gap-3 cursor-pointer" classList={{ "border-ink": c().shippingMethod?.optionId === o.id }}>
                              <input type="radio" name="shipping" value={o.id} checked={c().shippingMethod?.optionId === o.id} onChange={() => void pickShipping(o.id)} />
                              <span class="flex-1">{o.name} <span class="text-muted">· {o.carrier}</span></span>
                              <span class="tabular font-medium">{o.free ? "Free" : money(o.price)}</span>
                            </label>
                          )}
                        </For>
                      </div>
                    </fieldset>
                    <Show when={shippingError()}>
                      <ErrorAlert error={shippingError()} />
                    </Show>
                  </Show>
                </section>

                <section aria-labelledby="payment-title">
                  <h2 id="payment-title" class="text-xl font-semibold mt-0 mb-4">Payment</h2>
                  <Show when={provider()} fallback={<Loading label="Loading the payment options…" />}>
                    <Show when={ready()} fallback={<p class="text-muted m-0">Choose a shipping method first.</p>}>
                      <Show when={!(stripeProblem() instanceof StripeUnavailable && (stripeProblem() as StripeUnavailable).why === "not_configured" && isStripe())}
                        fallback={<div role="alert" class="alert-err"><p class="m-0 font-medium">{stripeProblemText(stripeProblem())}</p></div>}>
                      <form onSubmit={pay} class="flex flex-col gap-4">
                        <Show when={isStripe()} fallback={
                          <div>
                            <label class="label" for={cardId}>Card number</label>
                            <input id={cardId} class="input max-w-sm tabular" inputmode="numeric" autocomplete="cc-number" placeholder="4242 4242 4242 4242"
                              value={card()} onInput={(e) => setCard(e.currentTarget.value)}
                              aria-invalid={cardError() ? "true" : undefined} aria-describedby={`${cardId}-hint${cardError() ? ` ${cardId}-err` : ""}`} />
                            <Show when={cardError()}>
                              <p id={`${cardId}-err`} class="text-sm text-err mt-1 mb-0">{cardError()}</p>
                            </Show>
                            <div id={`${cardId}-hint`} class="hint">
                              <p class="m-0">This is a test shop: no real card is charged. Test cards:</p>
                              <ul class="m-0 pl-5">
                                <For each={TEST_CARDS}>{(t) => <li><span class="tabular">{t.number}</span> {t.what}</li>}</For>
                              </ul>
                            </div>
                          </div>
                        }>
                          <div>
                            <Show when={stripeProblem()}>
                              <div role="alert" class="alert-err mb-4">
                                <p class="m-0 font-medium">{stripeProblemText(stripeProblem())}</p>
                                <Show when={stripeProblem() instanceof ApiError && (stripeProblem() as ApiError).requestId}>
                                  <p class="m-0 mt-1 text-sm">Reference: <span class="select-all">{(stripeProblem() as ApiError).requestId}</span></p>
                                </Show>
                                <p class="m-0 mt-2"><button type="button" class="btn" onClick={retryStripe}>Try again</button></p>
                              </div>
                            </Show>
                            <Show when={!stripeProblem() && !(sessionFits() && elementReady())}>
                              <p role="status" class="text-muted m-0 mb-2">Preparing the card form for {money(c().total)}…</p>
                            </Show>
                            <Show when={stripeNotice()}>
                              <p role="status" class="alert-warn m-0 mb-3">{stripeNotice()}</p>
                            </Show>
                            <div ref={setStripeNode} class="max-w-lg" />
                            <div class="hint">
                              <p class="m-0">Card payments are processed by Stripe: your card details go to Stripe directly, never to this shop.</p>
                              <Show when={testMode()}>
                                <p class="m-0 mt-1">This shop is in Stripe test mode: no real card is charged. Test cards (any future date, any CVC):</p>
                                <ul class="m-0 pl-5">
                                  <For each={TEST_CARDS}>{(t) => <li><span class="tabular">{t.number}</span> {t.what}</li>}</For>
                                </ul>
                              </Show>
                            </div>
                          </div>
                        </Show>
                        <Show when={payError()}>
                          <ErrorAlert error={payError()} message={payMessage() ?? describe(payError())}>
                            <Show when={payError() instanceof ApiError && ["cart.insufficient_stock", "cart.prices_changed", "cart.variant_unavailable"].includes((payError() as ApiError).reason)}>
                              <p class="m-0 mt-2"><A href="/cart" class="link">Go to your cart</A></p>
                            </Show>
                          </ErrorAlert>
                        </Show>
                        <div>
                          <button type="submit" class="btn-primary" disabled={paying() || (isStripe() && !(sessionFits() && elementReady() && !stripeProblem()))}>
                            {paying() ? "Placing your order…" : `Pay ${money(c().total)}`}
                          </button>
                        </div>
                      </form>
                      </Show>
                    </Show>
                  </Show>
                </section>
              </div>

              <aside aria-labelledby="summary-title" class="card p-5 h-fit">
                <h2 id="summary-title" class="text-lg font-semibold mt-0 mb-3">Your order</h2>
                <ul class="list-none m-0 p-0 mb-4 text-sm">
                  <For each={c().lines}>
                    {(l) => (
                      <li class="flex justify-between gap-3 py-1">
                        <span>{l.title} × {l.quantity}</span>
                        <span class="tabular">{money(l.total)}</span>
                      </li>
                    )}
                  </For>
                </ul>
                <TotalsTable totals={c()} shippingKnown={c().shippingMethod !== null} taxEstimated={c().taxEstimated} />
                <p class="text-sm mt-3 mb-0"><A href="/cart" class="link">Edit cart</A></p>
              </aside>
            </div>
          )}
        </Show>
      </Show>
    </>
  );
}

function CountrySelect(props: { value: string; onChange: (code: string) => void; error?: string | undefined }) {
  const id = createUniqueId();
  return (
    <div>
      <label class="label" for={id}>{LABELS.countryCode}</label>
      <select id={id} class="input" required autocomplete="country" aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? `${id}-err` : undefined} onChange={(e) => props.onChange(e.currentTarget.value)}>
        <option value="" selected={props.value === ""}>Choose a country</option>
        <For each={COUNTRIES}>{(c) => <option value={c.code} selected={c.code === props.value}>{c.name}</option>}</For>
      </select>
      <Show when={props.error}>
        <p id={`${id}-err`} class="text-sm text-err mt-1 mb-0">{props.error}</p>
      </Show>
    </div>
  );
}
