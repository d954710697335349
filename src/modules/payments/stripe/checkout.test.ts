// Stripe through the storefront checkout: a buyer who leaves after 3DS still gets exactly one order (webhook), and
// a declined card answers 402 payment.declined. The real SDK talks to the loopback Stripe of stripe.testkit.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { adminHeaders, createTestPlatform, storeHeaders, type TestPlatform, type TestStore } from "../../../testing/harness.ts";
import { ManualClock } from "../../../kernel/clock.ts";
import { productBody } from "../../catalog/catalog.testing.ts";
import { orders } from "../../orders/orders.tables.ts";
import { orderFaults } from "../../orders/actions.ts";
import { stripeEvents } from "./stripe.tables.ts";
import { FakeStripe, PM, signedEvent } from "./stripe.testkit.ts";

const SK = "sk_test_51Trafi0000CheckoutKey0000001";
const WHSEC = "whsec_CheckoutSigningSecret000000001";
const clock = new ManualClock(Date.UTC(2026, 4, 2, 9));
const nowS = () => Math.floor(clock.now() / 1000);

let fake: FakeStripe;
let t: TestPlatform;
let S: TestStore;
let variantId: string;

// Bodies are `any`: the test reads fields of JSON answers.
async function call(path: string, init: { method?: string; json?: unknown; admin?: boolean } = {}): Promise<{ status: number; body: any }> {
  const res = await t.request(path, { method: init.method ?? (init.json === undefined ? "GET" : "POST"), headers: init.admin ? adminHeaders(S.sk) : storeHeaders(S.pk), json: init.json });
  return { status: res.status, body: await res.json() };
}

beforeAll(async () => {
  fake = new FakeStripe(SK);
  t = await createTestPlatform({ clock, env: { TRAFI_STRIPE_API_BASE: fake.apiBase } });
  S = await t.createStore("Stripe shop");
  expect((await call("/v1/admin/settings/payments/stripe", { method: "PUT", admin: true, json: { secretKey: SK, publishableKey: "pk_test_51Trafi0000CheckoutPub00001", webhookSecret: WHSEC } })).status).toBe(200);
  const enabled = await call("/v1/admin/settings/payments", { method: "PATCH", admin: true, json: { provider: "stripe", captureMethod: "automatic" } });
  expect(enabled.body).toEqual({ provider: "stripe", captureMethod: "automatic" });
  const product = await call("/v1/admin/products", { admin: true, json: productBody() });
  expect(product.status).toBe(201);
  variantId = product.body.variants[0].id;
  expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 5, reason: "received" } })).status).toBe(201);
  const zone = await call("/v1/admin/shipping-zones", {
    admin: true, json: { name: "France", countries: ["FR"], rates: [{ name: "Standard", carrier: "Colissimo", type: "flat", currency: "EUR", amount: 490 }] },
  });
  expect(zone.status).toBe(201);
});
afterAll(async () => {
  await t[Symbol.asyncDispose]();
  await fake[Symbol.asyncDispose]();
});

async function readyCart(): Promise<string> {
  const cart = await call("/v1/store/carts", { json: { currency: "EUR", email: "buyer@example.com", items: [{ variantId, quantity: 1 }] } });
  expect(cart.status).toBe(201);
  const id = cart.body.id as string;
  const address = { firstName: "Ada", lastName: "Lovelace", line1: "1 rue de Rivoli", city: "Paris", postalCode: "75001", countryCode: "FR" };
  expect((await call(`/v1/store/carts/${id}`, { method: "PATCH", json: { shippingAddress: address } })).status).toBe(200);
  const options = await call(`/v1/store/carts/${id}/shipping-options`);
  expect((await call(`/v1/store/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: options.body.data[0].id } })).status).toBe(200);
  return id;
}

const deliver = async (type: string, object: unknown, id?: string) => {
  const ev = await signedEvent(WHSEC, type, object, { timestamp: nowS(), ...(id && { id }) });
  const res = await t.request(`/v1/hooks/stripe/${S.id}`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": ev.header }, body: ev.payload });
  expect(res.status).toBe(200);
  return { id: ev.id, ack: await res.json() };
};

describe("stripe checkout", () => {
  test("3DS then the buyer closes the browser: the webhook completes the cart, exactly one order, captured", async () => {
    const cartId = await readyCart();
    const pay = await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.threeDS } } });
    expect(pay.status).toBe(201);
    expect(pay.body).toMatchObject({ provider: "stripe", status: "requires_action", nextAction: { type: "use_stripe_sdk" } });
    const pi = [...fake.intents.values()].find((i) => i.metadata.cartId === cartId)!;
    expect(pay.body.clientSecret).toBe(pi.client_secret);

    // Stripe.js finishes 3DS in the browser, which then closes: our server hears only Stripe.
    fake.completeAction(pi.id);
    const first = await deliver("payment_intent.amount_capturable_updated", fake.intents.get(pi.id));
    expect(first.ack).toMatchObject({ duplicate: false, outcome: "completed" });
    expect(fake.intents.get(pi.id)!.status).toBe("succeeded"); // automatic capture after the order committed

    // Stripe then reports the capture, and redelivers: the same order every time.
    const succeeded = await deliver("payment_intent.succeeded", fake.intents.get(pi.id));
    expect(succeeded.ack.outcome).toBe("completed");
    expect((await deliver("payment_intent.succeeded", fake.intents.get(pi.id), succeeded.id)).ack).toMatchObject({ duplicate: true });

    const db = (await t.platform.pool.get(S.id)).db;
    const placed = await db.select().from(orders).where(eq(orders.cartId, cartId));
    expect(placed).toHaveLength(1);
    const events = await db.select().from(stripeEvents).where(eq(stripeEvents.cartId, cartId));
    expect(events.map((e) => e.detail)).toEqual([placed[0]!.id, placed[0]!.id]);

    // The buyer comes back later and presses "complete" again: the same order.
    const again = await call(`/v1/store/carts/${cartId}/complete`, { json: {} });
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(placed[0]!.id);
  });

  test("stock sold out while the buyer did 3DS: the event is acknowledged as rejected, no order, authorization voided", async () => {
    const cartId = await readyCart();
    await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.threeDS } } });
    const pi = [...fake.intents.values()].find((i) => i.metadata.cartId === cartId)!;
    fake.completeAction(pi.id);
    const level = await call(`/v1/admin/inventory/variants/${variantId}`, { admin: true });
    expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: -level.body.onHand, reason: "damaged" } })).status).toBe(201);

    const ev = await deliver("payment_intent.amount_capturable_updated", fake.intents.get(pi.id));
    expect(ev.ack).toEqual({ received: true, duplicate: false, outcome: "rejected" });
    const db = (await t.platform.pool.get(S.id)).db;
    expect(await db.select().from(orders).where(eq(orders.cartId, cartId))).toHaveLength(0);
    expect((await db.select().from(stripeEvents).where(eq(stripeEvents.id, ev.id)))[0]!.detail).toBe("cart.insufficient_stock");
    expect(fake.intents.get(pi.id)!.status).toBe("canceled");
    await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 5, reason: "received" } });
  });

  test("charge.refunded for a refund whose recording failed is not counted twice: the retry records it once", async () => {
    const cartId = await readyCart();
    const pay = await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.visa } } });
    expect(pay.status).toBeLessThan(300);
    const placed = await call(`/v1/store/carts/${cartId}/complete`, { json: {} });
    expect(placed.status).toBeLessThan(300);
    const orderId = placed.body.id as string;
    const refund = (key: string) =>
      t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": key }, json: { amount: 1_500, reason: "damaged" } });
    // Stripe refunds; our recording fails (disk full) and the admin's answer is a 500.
    orderFaults.afterRefundProvider = () => {
      orderFaults.afterRefundProvider = null;
      throw new Error("disk full");
    };
    expect((await refund("rf-1")).status).toBe(500);
    // Stripe's charge.refunded for it arrives before any retry.
    const intentId = fake.refunds.at(-1)!.payment_intent as string;
    await deliver("charge.refunded", fake.charge(intentId));
    const between = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(between.body.payment).toMatchObject({ refundedAmount: { amount: 0 } }); // the attempt accounts for it
    // The retry finds Stripe's refund and records it: the payment counts it once.
    const retry = await refund("rf-1");
    expect(retry.status).toBe(201);
    const after = (await retry.json()) as any;
    expect(after).toMatchObject({ refundedTotal: { amount: 1_500 }, payment: { refundedAmount: { amount: 1_500 } } });
    expect(fake.refunds.filter((r) => r.payment_intent === intentId)).toHaveLength(1);
  });

  test("a declined card: the SDK's card error becomes 402 payment.declined", async () => {
    const cartId = await readyCart();
    const pay = await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.declined } } });
    expect(pay.status).toBe(402);
    expect(pay.body.error).toMatchObject({ code: "PAYMENT_FAILED", reason: "payment.declined", details: { code: "card_declined", declineCode: "generic_decline" } });
  });
});
