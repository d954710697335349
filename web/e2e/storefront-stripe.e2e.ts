// The reference storefront on a store whose payment provider is Stripe. The server talks to the loopback FakeStripe
// (stripe.testkit.ts) through the real SDK (TRAFI_STRIPE_API_BASE); the browser gets a fake Stripe.js from
// https://js.stripe.com/v3/ (fake-stripe-js.ts, served by page.route: this machine cannot reach Stripe), whose
// confirmPayment calls https://api.stripe.com/…/confirm, answered here by FakeStripe.confirm — so the page's CSP is
// exercised for both origins. A buyer pays through the Payment Element (a decline is said in Stripe's words, then
// 4242 places one paid order), the PaymentIntent is always for the total the Pay button shows (a new one when the
// shipping changes it), axe finds nothing on the checkout with the Payment Element mounted, Stripe.js that cannot
// load is said in words (and "Try again" loads it), and a 3-D Secure redirect brings the buyer back to the order —
// or, when it failed, to the checkout with the reason and a way to pay again.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Page, Route } from "playwright-core";
import * as h from "./harness.ts";
import type { E2EServer } from "./harness.ts";
import { ADDRESS, openCheckout, readyCart } from "./storefront.testing.ts";
import { FAKE_STRIPE_JS } from "./fake-stripe-js.ts";
import { FakeStripe, PM, type FakeIntent } from "../../src/modules/payments/stripe/stripe.testkit.ts";

const SK = "sk_test_51TrafiE2E0000StorefrontKey01";
const PK = "pk_test_51TrafiE2E0000StorefrontPub01";
const WHSEC = "whsec_E2EStorefrontSigningSecret0001";

/** Stripe's test card numbers → the FakeStripe test PaymentMethods. */
const CARDS: Record<string, string> = { "4242424242424242": PM.visa, "4000000000000002": PM.declined, "4000002500003155": PM.threeDS };


async function noAxeProblems(page: Page): Promise<void> {
  expect(await h.axeProblems(page, { all: true })).toEqual([]);
}

const cents = (label: string) => Number(label.replace(/[^\d]/g, ""));

const fake = new FakeStripe(SK);

/** The PaymentIntents made for a cart, oldest first. */
const intentsOf = (cartId: string): FakeIntent[] => [...fake.intents.values()].filter((i) => i.metadata.cartId === cartId);

const CORS = { "access-control-allow-origin": "*", "content-type": "application/json" };

/** What Stripe answers to a confirmation: FakeStripe's intent, or its error envelope. */
async function answerConfirm(route: Route): Promise<void> {
  const req = route.request();
  const m = /^\/v1\/payment_intents\/([^/]+)\/confirm$/.exec(new URL(req.url()).pathname);
  const form = new URLSearchParams(req.postData() ?? "");
  const pi = m ? fake.intents.get(decodeURIComponent(m[1]!)) : undefined;
  const fail = (status: number, error: Record<string, unknown>) => route.fulfill({ status, headers: CORS, body: JSON.stringify({ error }) });
  if (req.method() !== "POST" || !pi || form.get("client_secret") !== pi.client_secret || form.get("key") !== PK) {
    return fail(404, { type: "invalid_request_error", code: "resource_missing", message: "No such payment_intent" });
  }
  if (!["requires_payment_method", "requires_confirmation", "requires_action"].includes(pi.status)) {
    return fail(400, { type: "invalid_request_error", code: "payment_intent_unexpected_state", message: `This PaymentIntent's status is ${pi.status}.`, payment_intent: { id: pi.id, status: pi.status } });
  }
  const pm = CARDS[form.get("payment_method_data[card][number]") ?? ""];
  if (!pm) return fail(402, { type: "card_error", code: "incorrect_number", message: "Your card number is incorrect." });
  const refused = fake.confirm(pi.id, pm);
  if (refused) return route.fulfill({ status: refused.status, headers: CORS, body: await refused.text() });
  if (pi.status === "requires_action") {
    // 3-D Secure on the bank's page: Stripe.js leaves for it, and Stripe brings the buyer back to return_url.
    const bank = new URL(`https://hooks.stripe.com/3d_secure_2/authenticate/${pi.id}`);
    bank.searchParams.set("return_url", form.get("return_url")!);
    return route.fulfill({ status: 200, headers: CORS, body: JSON.stringify({ ...pi, next_action: { type: "redirect_to_url", redirect_to_url: { url: bank.href, return_url: form.get("return_url") } } }) });
  }
  return route.fulfill({ status: 200, headers: CORS, body: JSON.stringify(pi) });
}

/** The bank's 3-D Secure page: two links back to return_url with Stripe's parameters. */
async function bankPage(route: Route): Promise<void> {
  const url = new URL(route.request().url());
  const pi = fake.intents.get(url.pathname.split("/").pop()!)!;
  const back = (status: string) => {
    const r = new URL(url.searchParams.get("return_url")!);
    r.searchParams.set("payment_intent", pi.id);
    r.searchParams.set("payment_intent_client_secret", pi.client_secret);
    r.searchParams.set("redirect_status", status);
    return r.href.replace(/&/g, "&amp;");
  };
  await route.fulfill({
    status: 200,
    headers: { "content-type": "text/html; charset=utf-8" },
    body: `<!doctype html><html lang="en"><head><title>Your bank</title></head><body><main><h1>Confirm your payment</h1>
<p><a href="${back("succeeded")}">Complete authentication</a></p><p><a href="${back("failed")}">Fail authentication</a></p></main></body></html>`,
  });
}

const STRIPE_JS = /^https:\/\/js\.stripe\.com\/v3\//;

/** Stripe's three origins, answered from here; returns the Stripe.js loads seen (to check where it is loaded). */
async function stripeRoutes(page: Page): Promise<string[]> {
  const loads: string[] = [];
  page.on("request", (r) => { if (STRIPE_JS.test(r.url())) loads.push(new URL(page.url()).pathname); });
  await page.route(STRIPE_JS, (route) => route.fulfill({ status: 200, headers: { "content-type": "application/javascript; charset=utf-8" }, body: FAKE_STRIPE_JS }));
  await page.route("https://api.stripe.com/**", answerConfirm);
  await page.route("https://hooks.stripe.com/**", bankPage);
  return loads;
}

/** Page errors, and console errors other than failed loads (a CSP refusal is a console error). */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(`console: ${m.text()}`);
  });
  return problems;
}

type AdminOrder = h.Order & { email: string; total: { amount: number; currency: string } };

describe("reference storefront on a Stripe store", () => {
  let s!: E2EServer;
  h.useE2EServer((server) => (s = server), { env: { TRAFI_STRIPE_API_BASE: fake.apiBase } });

  beforeAll(async () => {
    const keys = await s.admin("/v1/admin/settings/payments/stripe", { method: "PUT", json: { secretKey: SK, publishableKey: PK, webhookSecret: WHSEC } });
    expect(keys.status).toBe(200);
    const enabled = await s.admin("/v1/admin/settings/payments", { method: "PATCH", json: { provider: "stripe", captureMethod: "automatic" } });
    expect(enabled.body).toEqual({ provider: "stripe", captureMethod: "automatic" });
  });
  afterAll(async () => {
    await fake[Symbol.asyncDispose]();
  });

  test("checkout with the Payment Element: the PaymentIntent is the Pay button's total, a decline in Stripe's words, then 4242 → one paid order", async () => {
    const { context, page } = await s.newPage();
    const problems = watchProblems(page);
    const loads = await stripeRoutes(page);

    await page.goto(`${s.url}/products/canvas-tote-bag`);
    await page.getByRole("heading", { name: "Canvas Tote Bag", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText(/Added 1 × Canvas Tote Bag/).waitFor();
    await page.getByRole("link", { name: "Check out" }).click();
    await page.getByRole("heading", { name: "Checkout", level: 1 }).waitFor();
    await page.getByText("Choose a shipping method first.").waitFor();
    expect(loads).toEqual([]); // Stripe.js only once there is something to pay, on the checkout page
    const cartId = (await page.evaluate(() => localStorage.getItem("trafi.cartId")))!;
    expect(intentsOf(cartId)).toHaveLength(0);

    await page.getByLabel("E-mail").fill("stripe-buyer@example.com");
    await page.getByLabel("First name").fill("Grace");
    await page.getByLabel("Last name").fill("Hopper");
    await page.getByLabel("Address", { exact: true }).fill("12 rue de la Paix");
    await page.getByLabel("Postal code").fill("75002");
    await page.getByLabel("City").fill("Paris");
    await page.getByLabel("Country").selectOption("FR");
    await page.getByRole("button", { name: "Continue to shipping" }).click();
    const standard = page.getByRole("radio", { name: /Standard · Colissimo/ });
    await standard.waitFor();
    expect(await standard.isChecked()).toBe(true);
    // The Payment Element is mounted for a PaymentIntent of exactly the total on the button.
    await page.getByLabel("Card number").waitFor();
    const pay = page.getByRole("button", { name: /^Pay / });
    await page.getByRole("button", { name: /^Pay /, disabled: false }).waitFor();
    const standardTotal = cents((await pay.textContent())!);
    expect(intentsOf(cartId).map((i) => [i.amount, i.currency, i.status])).toEqual([[standardTotal, "eur", "requires_payment_method"]]);
    expect(loads).toEqual(["/checkout"]);
    await page.getByText("This shop is in Stripe test mode: no real card is charged.").waitFor();
    await noAxeProblems(page);

    // Express shipping changes the total: a new PaymentIntent for it, the old one cancelled, the form made again.
    await page.getByRole("radio", { name: /Express · Chronopost/ }).check();
    await page.getByRole("status").filter({ hasText: /^Your total is now €\d+\.\d\d: enter your card details again/ }).waitFor();
    await page.getByLabel("Card number").waitFor();
    await page.getByRole("button", { name: /^Pay /, disabled: false }).waitFor();
    const expressTotal = cents((await pay.textContent())!);
    expect(expressTotal).toBe(standardTotal + 1290 - 490);
    const intents = intentsOf(cartId);
    expect(intents.map((i) => [i.amount, i.status])).toEqual([[standardTotal, "canceled"], [expressTotal, "requires_payment_method"]]);

    // Declined: Stripe's words next to the button, nothing typed lost, no order.
    await page.getByLabel("Card number").fill("4000 0000 0000 0002");
    await pay.click();
    await page.getByRole("alert").filter({ hasText: "Your card was declined. Nothing was charged." }).waitFor();
    expect(await page.getByLabel("Card number").inputValue()).toBe("4000 0000 0000 0002");
    expect(await page.getByLabel("E-mail").inputValue()).toBe("stripe-buyer@example.com");
    expect((await s.store<{ status: string }>(`/v1/store/carts/${cartId}`)).body.status).toBe("open");
    await noAxeProblems(page);

    // 4242 on the same PaymentIntent: the order page, one order, paid in the admin API, captured at Stripe.
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    await pay.click();
    const heading = page.getByRole("heading", { name: /^Order #\d+$/, level: 1 });
    await heading.waitFor();
    await page.getByText("Thank you! Your order is placed.").waitFor();
    await page.getByText("Paid · preparing your order").waitFor();
    const orderId = new URL(page.url()).pathname.split("/").pop()!;
    const order = (await s.admin<AdminOrder>(`/v1/admin/orders/${orderId}`)).body;
    expect(order).toMatchObject({ status: "paid", total: { amount: expressTotal, currency: "EUR" }, payment: { status: "captured", capturedAmount: { amount: expressTotal } } });
    const orders = (await s.admin<{ data: { id: string }[] }>("/v1/admin/orders?email=stripe-buyer%40example.com")).body.data;
    expect(orders.map((o) => o.id)).toEqual([orderId]);
    expect(intentsOf(cartId).map((i) => [i.amount, i.status, i.amount_received])).toEqual([[standardTotal, "canceled", 0], [expressTotal, "succeeded", expressTotal]]);
    expect(problems).toEqual([]);
    await context.close();
  }, 90_000);

  test("Stripe.js that cannot load is said in words; Try again loads it and the buyer pays", async () => {
    const { context, page } = await s.newPage();
    const cartId = await readyCart(s, "blocked@example.com");
    await stripeRoutes(page);
    await page.unroute(STRIPE_JS);
    await page.route(STRIPE_JS, (route) => route.abort("blockedbyclient"));
    await page.goto(`${s.url}/`);
    await page.evaluate((id) => localStorage.setItem("trafi.cartId", id), cartId);
    await page.goto(`${s.url}/checkout`);
    const alert = page.getByRole("alert").filter({ hasText: "The card form could not be loaded from Stripe (js.stripe.com)." });
    await alert.waitFor();
    expect(await page.getByRole("button", { name: /^Pay / }).isDisabled()).toBe(true);
    await noAxeProblems(page);

    await page.unroute(STRIPE_JS);
    await page.route(STRIPE_JS, (route) => route.fulfill({ status: 200, headers: { "content-type": "application/javascript" }, body: FAKE_STRIPE_JS }));
    await page.getByRole("button", { name: "Try again" }).click();
    await page.getByLabel("Card number").fill("4242 4242 4242 4242");
    expect(await alert.count()).toBe(0);
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("heading", { name: /^Order #\d+$/, level: 1 }).waitFor();
    expect(intentsOf(cartId).map((i) => i.status)).toEqual(["succeeded"]);
    await context.close();
  }, 60_000);

  test("a store that moves to Stripe while the buyer is on the page, and one without Stripe keys, are said in words", async () => {
    const { context, page } = await s.newPage();
    await stripeRoutes(page);
    const cartId = await readyCart(s, "switch@example.com");
    expect((await s.admin("/v1/admin/settings/payments", { method: "PATCH", json: { provider: "sandbox" } })).status).toBe(200);
    try {
      await openCheckout(s, page, cartId); // the sandbox card field
      expect(await page.getByText("This is a test shop: no real card is charged.").count()).toBe(1);
      await page.getByLabel("Card number").fill("4242 4242 4242 4242");
      expect((await s.admin("/v1/admin/settings/payments", { method: "PATCH", json: { provider: "stripe" } })).status).toBe(200);
      await page.getByRole("button", { name: /^Pay / }).click();
      // Refused (nothing charged), said so; the page reads the profile again and offers Stripe's form.
      await page.getByRole("alert").filter({ hasText: "This shop has just changed how it takes payments, and nothing was charged." }).waitFor();
      await page.getByText("Card payments are processed by Stripe").waitFor();
      await page.getByRole("button", { name: /^Pay /, disabled: false }).waitFor();
      await page.getByLabel("Card number").fill("4242 4242 4242 4242");
      await page.getByRole("button", { name: /^Pay / }).click();
      await page.getByRole("heading", { name: /^Order #\d+$/, level: 1 }).waitFor();
      const orderId = new URL(page.url()).pathname.split("/").pop()!;
      expect((await s.admin<AdminOrder>(`/v1/admin/orders/${orderId}`)).body).toMatchObject({ status: "paid", payment: { status: "captured" } });
    } finally {
      await s.admin("/v1/admin/settings/payments", { method: "PATCH", json: { provider: "stripe" } });
    }

    // A store on Stripe whose keys are not set (the API answers 404 for its Stripe.js configuration).
    const other = await readyCart(s, "nokeys@example.com");
    await page.route("**/v1/store/payment-providers/stripe", (route) =>
      route.fulfill({ status: 404, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: { code: "NOT_FOUND", reason: "payment_provider.not_found", message: "no such payment_provider", requestId: "req_test" } }) }));
    await page.evaluate((id) => localStorage.setItem("trafi.cartId", id), other);
    await page.goto(`${s.url}/checkout`);
    await page.getByRole("alert").filter({ hasText: "its Stripe account is not set up yet. Nothing was charged." }).waitFor();
    expect(await page.getByRole("button", { name: /^Pay / }).count()).toBe(0);
    expect(await page.getByLabel("Card number").count()).toBe(0);
    expect(intentsOf(other)).toHaveLength(0);
    await noAxeProblems(page);
    await context.close();
  }, 60_000);

  test("3-D Secure by redirect: a failed authentication brings the buyer back to pay again; a passed one to the order", async () => {
    const { context, page } = await s.newPage();
    const problems = watchProblems(page);
    const cartId = await readyCart(s, "redirect@example.com");
    await stripeRoutes(page);
    await openCheckout(s, page, cartId);
    const total = cents((await page.getByRole("button", { name: /^Pay / }).textContent())!);

    await page.getByLabel("Card number").fill("4000 0025 0000 3155");
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("heading", { name: "Confirm your payment" }).waitFor();
    await page.getByRole("link", { name: "Fail authentication" }).click();
    await page.getByRole("alert").filter({ hasText: "Your payment was not completed" }).waitFor();
    const back = new URL(page.url());
    expect(back.pathname + back.search).toBe("/checkout"); // Stripe's parameters are gone: a reload does not redo it
    expect((await s.store<{ status: string }>(`/v1/store/carts/${cartId}`)).body.status).toBe("open");
    await page.getByLabel("Card number").waitFor();
    await noAxeProblems(page);

    // Paying again uses the same PaymentIntent (its amount is still the total); the bank passes it this time.
    await page.getByLabel("Card number").fill("4000 0025 0000 3155");
    await page.getByRole("button", { name: /^Pay / }).click();
    await page.getByRole("heading", { name: "Confirm your payment" }).waitFor();
    const [pi] = intentsOf(cartId);
    fake.completeAction(pi!.id);
    await page.getByRole("link", { name: "Complete authentication" }).click();
    await page.getByRole("heading", { name: /^Order #\d+$/, level: 1 }).waitFor();
    await page.getByText("Thank you! Your order is placed.").waitFor();
    const orderId = new URL(page.url()).pathname.split("/").pop()!;
    const order = (await s.admin<AdminOrder>(`/v1/admin/orders/${orderId}`)).body;
    expect(order).toMatchObject({ status: "paid", total: { amount: total }, payment: { status: "captured" } });
    expect(intentsOf(cartId).map((i) => [i.amount, i.status])).toEqual([[total, "succeeded"]]);
    expect(problems).toEqual([]);
    await context.close();
  }, 60_000);
});
