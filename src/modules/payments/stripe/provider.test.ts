// The stripe PaymentProvider with the real SDK against a loopback Stripe (stripe.testkit.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Stripe from "stripe";
import { rmSync } from "node:fs";
import { adminHeaders, createTestPlatform, type TestPlatform, type TestStore } from "../../../testing/harness.ts";
import { ManualClock } from "../../../kernel/clock.ts";
import { AppError } from "../../../kernel/errors.ts";
import { money, MoneyError } from "../../../kernel/money.ts";
import { getProvider, type ProviderContext } from "../provider.ts";
import { ConfigError, loadConfig } from "../../../config.ts";
import { TEST_MASTER_KEY, tempDataDir } from "../../../testing/harness.ts";
import { sessionOf, stripeClient, toStripeAmount, fromStripeAmount } from "./client.ts";
import { FakeStripe, PM } from "./stripe.testkit.ts";
import "./index.ts";

const SK = "sk_test_51Trafi0000ProviderKey000001";
const PK = "pk_test_51Trafi0000ProviderPublish01";

let fake: FakeStripe;
let t: TestPlatform;
let A: TestStore;
let pc: ProviderContext;
const stripe = () => getProvider("stripe");

beforeAll(async () => {
  fake = new FakeStripe(SK);
  t = await createTestPlatform({ clock: new ManualClock(Date.UTC(2026, 4, 2, 9)), env: { TRAFI_STRIPE_API_BASE: fake.apiBase } });
  A = await t.createStore("A");
  pc = { storeId: A.id, masterKey: t.platform.config.masterKey };
  const res = await t.request("/v1/admin/settings/payments/stripe", { method: "PUT", headers: adminHeaders(A.sk), json: { secretKey: SK, publishableKey: PK } });
  expect(res.status).toBe(200);
});
afterAll(async () => {
  await t[Symbol.asyncDispose]();
  await fake[Symbol.asyncDispose]();
});

const EUR = (n: number) => money(n, "EUR");
const session = (cartId: string, amount: number, opts: { data?: unknown; manual?: boolean; key?: string } = {}) =>
  stripe().createSession(pc, {
    cartId, amount: EUR(amount), email: "buyer@example.com", data: opts.data, idempotencyKey: opts.key ?? `pay:${cartId}`,
    captureMethod: opts.manual ? "manual" : "automatic",
  });

async function appError(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe("stripe provider", () => {
  test("createSession: a PaymentIntent in minor units, lower-case currency, metadata, idempotency key; client secret back", async () => {
    const s = await session("cart_A1", 2599);
    expect(s).toMatchObject({ status: "requires_action", nextAction: { type: "confirm_with_stripe_js" }, failureReason: null });
    expect(s.clientSecret).toStartWith(`${s.providerRef}_secret_`);
    const req = fake.requests.at(-1)!;
    expect(req).toMatchObject({ method: "POST", path: "/v1/payment_intents", idempotencyKey: `trafi:${A.id}:pay:cart_A1` });
    expect(req.form).toEqual({
      amount: "2599", currency: "eur", capture_method: "automatic", metadata: { storeId: A.id, cartId: "cart_A1" },
      automatic_payment_methods: { enabled: "true" },
    });
    // A retried checkout re-sends the same key: Stripe answers with the same intent, nothing is charged twice.
    const again = await session("cart_A1", 2599);
    expect(again.providerRef).toBe(s.providerRef);
    expect([...fake.intents.values()].filter((i) => i.metadata.cartId === "cart_A1")).toHaveLength(1);
  });

  test("3DS: requires_action until the buyer finishes it in Stripe.js, then retrieve says captured", async () => {
    const s = await session("cart_A2", 1000, { data: { paymentMethodId: PM.threeDS } });
    expect(s).toMatchObject({ status: "requires_action", nextAction: { type: "use_stripe_sdk" } });
    expect(fake.requests.at(-1)!.form).toMatchObject({ confirm: "true", payment_method: PM.threeDS, automatic_payment_methods: { enabled: "true", allow_redirects: "never" } });
    fake.completeAction(s.providerRef);
    expect(await stripe().retrieve(pc, s.providerRef)).toMatchObject({ status: "captured", nextAction: null });
  });

  test("manual capture: authorized, then a partial capture with amount_to_capture", async () => {
    const s = await session("cart_A3", 5000, { data: { paymentMethodId: PM.visa }, manual: true });
    expect(s.status).toBe("authorized");
    expect(fake.intents.get(s.providerRef)!.capture_method).toBe("manual");
    const c = await stripe().capture(pc, s.providerRef, EUR(4500));
    expect(c.status).toBe("captured");
    const req = fake.requests.at(-1)!;
    expect(req).toMatchObject({ path: `/v1/payment_intents/${s.providerRef}/capture`, form: { amount_to_capture: "4500" } });
    expect(req.idempotencyKey).toBe(`trafi:${A.id}:capture:${s.providerRef}:4500`);
    expect(fake.intents.get(s.providerRef)!.amount_received).toBe(4500);
  });

  test("a payment of 0 is refused with a clear 422 before Stripe is asked (Stripe takes none)", async () => {
    const before = fake.requests.length;
    const e = await appError(stripe().createSession(pc, { cartId: "cart_Z0", amount: EUR(0), email: null, data: {}, idempotencyKey: "pay_zero", captureMethod: "manual" }));
    expect([e.status, e.reason]).toEqual([422, "payment.amount_too_small"]);
    expect(fake.requests.length).toBe(before);
  });

  test("void cancels an authorization (twice is a no-op); a captured payment cannot be voided", async () => {
    const s = await session("cart_A4", 700, { data: { paymentMethodId: PM.visa }, manual: true });
    const v = await stripe().void(pc, s.providerRef);
    // Canceled is what a void asks for: "voided" (the order's cancel and checkout's voids rely on it).
    expect(v).toMatchObject({ status: "voided", failureReason: null, clientSecret: null });
    expect(fake.intents.get(s.providerRef)!.status).toBe("canceled");
    expect((await stripe().void(pc, s.providerRef)).status).toBe("voided");
    const captured = await session("cart_A5", 700, { data: { paymentMethodId: PM.visa } });
    const e = await appError(stripe().void(pc, captured.providerRef));
    expect([e.status, e.reason]).toEqual([409, "payment.provider_rejected"]);
  });

  test("refunds: partial then the rest, each with its idempotency key; above what was captured is refused", async () => {
    const s = await session("cart_A6", 3000, { data: { paymentMethodId: PM.visa } });
    const r1 = await stripe().refund(pc, s.providerRef, EUR(1000), "requested_by_customer", "refund:1");
    expect(r1).toMatchObject({ status: "succeeded" });
    expect(r1.refundRef).toStartWith("re_");
    expect(fake.requests.at(-1)).toMatchObject({
      path: "/v1/refunds", idempotencyKey: `trafi:${A.id}:refund:1`,
      form: { payment_intent: s.providerRef, amount: "1000", reason: "requested_by_customer", metadata: { storeId: A.id, reason: "requested_by_customer", trafi_refund: "refund:1" } },
    });
    const r2 = await stripe().refund(pc, s.providerRef, EUR(2000), "damaged in transit", "refund:2");
    expect(r2.status).toBe("succeeded");
    expect(fake.requests.at(-1)!.form).not.toHaveProperty("reason"); // free text travels in metadata only
    const e = await appError(stripe().refund(pc, s.providerRef, EUR(1), "again", "refund:3"));
    expect(e.reason).toBe("payment.provider_rejected");
  });

  test("findRefund: the refund made under a key, found by its metadata across list pages; none for a key never used", async () => {
    const s = await session("cart_A6b", 3000, { data: { paymentMethodId: PM.visa } });
    const other = await session("cart_A6c", 3000, { data: { paymentMethodId: PM.visa } });
    const first = await stripe().refund(pc, s.providerRef, EUR(100), "first", "refund:f1");
    await stripe().refund(pc, other.providerRef, EUR(100), "other intent, same key", "refund:f1");
    for (let i = 0; i < 105; i++) await stripe().refund(pc, s.providerRef, EUR(1), "filler", `refund:fill${i}`);
    // Newest first: the first refund is on the second page of 100.
    expect(await stripe().findRefund(pc, s.providerRef, "refund:f1")).toEqual({ refundRef: first.refundRef, status: "succeeded" });
    const listed = fake.requests.filter((r) => r.method === "GET" && r.path === "/v1/refunds").slice(-2);
    expect(listed.map((r) => r.form)).toMatchObject([{ payment_intent: s.providerRef, limit: "100" }, { starting_after: expect.stringMatching(/^re_/) }]);
    expect(await stripe().findRefund(pc, s.providerRef, "refund:never")).toBeNull();
  });

  test("a decline: Stripe's 402 card_error becomes the SDK's StripeCardError, and ours is 402 payment.declined", async () => {
    const raw = await stripeClient(SK, fake.apiBase)
      .paymentIntents.create({ amount: 100, currency: "eur", confirm: true, payment_method: PM.declined })
      .catch((x: unknown) => x);
    expect(raw).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect((raw as Stripe.errors.StripeCardError).decline_code).toBe("generic_decline");

    const e = await appError(session("cart_A7", 1200, { data: { paymentMethodId: PM.declined } }));
    expect([e.status, e.code, e.reason]).toEqual([402, "PAYMENT_FAILED", "payment.declined"]);
    expect(e.details).toEqual({ code: "card_declined", declineCode: "generic_decline" });
  });

  test("bad data, an unconfigured store and a key Stripe refuses each fail with a stable reason", async () => {
    const bad = await appError(session("cart_A8", 100, { data: { paymentMethodId: "4242424242424242", extra: 1 } }));
    expect([bad.status, bad.reason]).toEqual([422, "payment.invalid_data"]);

    const B = await t.createStore("B");
    const none = await appError(stripe().retrieve({ storeId: B.id, masterKey: pc.masterKey }, "pi_x"));
    expect(none.reason).toBe("payment.provider_not_configured");

    await t.request("/v1/admin/settings/payments/stripe", {
      method: "PUT", headers: adminHeaders(B.sk), json: { secretKey: "sk_test_51Trafi0000RevokedKey0000099", publishableKey: PK },
    });
    const refused = await appError(stripe().retrieve({ storeId: B.id, masterKey: pc.masterKey }, "pi_x"));
    expect([refused.status, refused.reason]).toEqual([503, "payment.provider_misconfigured"]);
    expect(refused.message).not.toContain("sk_test");
  });
});

describe("stripe mapping", () => {
  const pi = (status: string, extra: Record<string, unknown> = {}) =>
    ({ id: "pi_1", client_secret: "pi_1_secret", status, next_action: null, last_payment_error: null, cancellation_reason: null, ...extra }) as unknown as Stripe.PaymentIntent;

  test("PaymentIntent status → session status", () => {
    expect(sessionOf(pi("requires_payment_method")).status).toBe("requires_action");
    expect(sessionOf(pi("requires_confirmation")).status).toBe("requires_action");
    expect(sessionOf(pi("requires_action", { next_action: { type: "redirect_to_url", redirect_to_url: { url: "https://hooks.stripe.com/3ds" } } }))).toMatchObject({
      status: "requires_action", nextAction: { type: "redirect_to_url", url: "https://hooks.stripe.com/3ds" },
    });
    expect(sessionOf(pi("requires_capture")).status).toBe("authorized");
    expect(sessionOf(pi("succeeded", { amount_received: 500, currency: "eur" }))).toMatchObject({ status: "captured", capturedAmount: 500 });
    expect(sessionOf(pi("canceled", { cancellation_reason: "abandoned" }))).toMatchObject({ status: "failed", failureReason: "abandoned" });
    expect(sessionOf(pi("requires_payment_method", { last_payment_error: { code: "card_declined", decline_code: "insufficient_funds" } })).failureReason).toBe("insufficient_funds");
  });

  test("amounts: our minor units ↔ Stripe's, exact or refused", () => {
    expect(toStripeAmount(money(1999, "EUR"))).toBe(1999);
    expect(toStripeAmount(money(500, "JPY"))).toBe(500);
    expect(toStripeAmount(money(1230, "KWD"))).toBe(1230);
    // Stripe charges three-decimal currencies in steps of 10: 1.234 KWD is refused before Stripe is asked.
    expect(() => toStripeAmount(money(1234, "KWD"))).toThrow(expect.objectContaining({ reason: "payment.amount_not_representable" }));
    expect(fromStripeAmount(1999, "eur")).toBe(1999);
  });

  test("ISK: zero-decimal here, two-decimal at Stripe (its documented special case); an amount in øre coming back from Stripe is refused, not stored as a fraction", () => {
    expect(toStripeAmount(money(5, "ISK"))).toBe(500);
    expect(fromStripeAmount(500, "isk")).toBe(5);
    // 5.50 ISK (an old charge): not 5.5 minor units stored as money.
    expect(() => fromStripeAmount(550, "isk")).toThrow(MoneyError);
    expect(sessionOf(pi("succeeded", { amount_received: 129_900, currency: "isk" }))).toMatchObject({ capturedAmount: 1_299 });
    // Zero- and three-decimal currencies are the same at Stripe and here.
    expect([toStripeAmount(money(1_299, "JPY")), fromStripeAmount(1_299, "jpy"), fromStripeAmount(1_230, "kwd")]).toEqual([1_299, 1_299, 1_230]);
  });
});

describe("TRAFI_STRIPE_API_BASE", () => {
  const dir = tempDataDir();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const load = (v?: string) => loadConfig({ TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY, ...(v !== undefined && { TRAFI_STRIPE_API_BASE: v }) });
  test("unset means Stripe itself; an origin is accepted; anything else stops the start", () => {
    expect(load().stripeApiBase).toBeNull();
    expect(load("http://127.0.0.1:12111/").stripeApiBase).toBe("http://127.0.0.1:12111");
    expect(() => load("ftp://127.0.0.1")).toThrow(ConfigError);
    expect(() => load("http://127.0.0.1:1/v1")).toThrow(ConfigError);
  });
});
