// Stripe through the storefront checkout: a buyer who leaves after 3DS still gets exactly one order (webhook), and
// a declined card answers 402 payment.declined. The real SDK talks to the loopback Stripe of stripe.testkit.ts.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
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

  /** A paid Stripe order and an admin refund of `amount` on it; returns the order id and Stripe's refund. */
  async function refundedOrder(amount: number, key: string): Promise<{ orderId: string; refundId: string; intentId: string }> {
    expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 1, reason: "received" } })).status).toBe(201);
    const cartId = await readyCart();
    expect((await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.visa } } })).status).toBeLessThan(300);
    const placed = await call(`/v1/store/carts/${cartId}/complete`, { json: {} });
    expect(placed.status).toBeLessThan(300);
    const orderId = placed.body.id as string;
    const res = await t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": key }, json: { amount, reason: "damaged" } });
    expect(res.status).toBe(201);
    const r = fake.refunds.at(-1)!;
    return { orderId, refundId: r.id as string, intentId: r.payment_intent as string };
  }

  test("a refund that fails at Stripe after it succeeded comes off the order and payment, once, with a timeline entry and an event", async () => {
    const { orderId } = await refundedOrder(1_000, "rf-fail-1"); // this one stays
    const second = await t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": "rf-fail-2" }, json: { amount: 800, reason: "late delivery" } });
    expect(second.status).toBe(201);
    const refundId = fake.refunds.at(-1)!.id as string;
    const before = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(before.body).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_800 }, payment: { refundedAmount: { amount: 1_800 } } });

    // The card was closed: Stripe fails the second refund and sends both its events for it.
    const failed = fake.settleRefund(refundId, "failed", "expired_or_canceled_card");
    expect((await deliver("refund.failed", failed)).ack).toMatchObject({ duplicate: false, outcome: "recorded" });
    await deliver("charge.refund.updated", failed);
    const after = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(after.body).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_000 }, payment: { status: "partially_refunded", refundedAmount: { amount: 1_000 } } });
    expect(after.body.refunds.map((r: { amount: { amount: number }; status: string }) => [r.amount.amount, r.status])).toEqual([[1_000, "succeeded"], [800, "failed"]]);
    const failures = after.body.timeline.filter((e: { type: string }) => e.type === "refund_failed");
    expect(failures).toHaveLength(1);
    expect(failures[0].message).toContain("expired_or_canceled_card");

    const db = (await t.platform.pool.get(S.id)).db;
    const { auditLog } = await import("../../audit/audit.tables.ts");
    const { outbox } = await import("../../../jobs/outbox.tables.ts");
    expect(await db.select().from(auditLog).where(and(eq(auditLog.action, "order.refund_failed"), eq(auditLog.targetId, orderId)))).toHaveLength(1);
    const events = await db.select().from(outbox).where(eq(outbox.key, `order.refund_failed:${after.body.refunds[1].id}`));
    expect(events).toHaveLength(1);
    expect(events[0]!.payload).toMatchObject({ type: "order.refund_failed", orderId, amount: { amount: 800 }, failureReason: "expired_or_canceled_card", refundedTotal: { amount: 1_000 } });

    // The money is refundable again, and a new refund goes through.
    const again = await t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": "rf-fail-3" }, json: { amount: 800, reason: "late delivery, second try" } });
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ refundedTotal: { amount: 1_800 }, payment: { refundedAmount: { amount: 1_800 } } });
  });

  test("a pending refund: counted when Stripe accepts it, noted when it succeeds, taken off when it fails instead", async () => {
    fake.refundsAnswer = "pending";
    try {
      const ok = await refundedOrder(1_000, "rf-pending-1");
      const bad = await refundedOrder(1_000, "rf-pending-2");
      for (const { orderId } of [ok, bad]) {
        const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
        expect(o.body).toMatchObject({ refundedTotal: { amount: 1_000 }, refunds: [expect.objectContaining({ status: "pending" })] });
      }
      expect((await deliver("refund.updated", fake.settleRefund(ok.refundId, "succeeded"))).ack.outcome).toBe("recorded");
      expect((await deliver("refund.updated", fake.settleRefund(bad.refundId, "failed", "insufficient_funds"))).ack.outcome).toBe("recorded");
      const okAfter = await call(`/v1/admin/orders/${ok.orderId}`, { admin: true });
      expect(okAfter.body).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_000 }, refunds: [expect.objectContaining({ status: "succeeded" })] });
      const badAfter = await call(`/v1/admin/orders/${bad.orderId}`, { admin: true });
      expect(badAfter.body).toMatchObject({ status: "paid", refundedTotal: { amount: 0 }, refunds: [expect.objectContaining({ status: "failed" })] });
      // A late "succeeded" for the failed one (out of order) does not bring it back.
      await deliver("refund.updated", { ...fake.refunds.find((r) => r.id === bad.refundId), status: "succeeded" });
      expect((await call(`/v1/admin/orders/${bad.orderId}`, { admin: true })).body).toMatchObject({ refundedTotal: { amount: 0 }, refunds: [expect.objectContaining({ status: "failed" })] });
    } finally {
      fake.refundsAnswer = "succeeded";
    }
  });

  /** A refund made in the Stripe dashboard: no metadata, so nothing says it is ours. */
  const dashRefund = (id: string, intentId: string, amount: number) =>
    ({ id, object: "refund", amount, currency: "eur", payment_intent: intentId, metadata: {}, status: "succeeded", created: nowS() });
  const refundRows = (o: { body: { refunds: Array<{ amount: { amount: number }; status: string }> } }) => o.body.refunds.map((r) => [r.amount.amount, r.status]);
  const refundsListed = () => fake.requests.filter((r) => r.method === "GET" && r.path === "/v1/refunds").length;

  test("refunds made in the Stripe dashboard reach the order with charge.refunded; one that fails comes off the order and the payment once", async () => {
    const { orderId, intentId } = await refundedOrder(500, "rf-dash-1");
    fake.refunds.push(dashRefund("re_dashboard0001", intentId, 700), dashRefund("re_dashboard0002", intentId, 300));
    await deliver("charge.refunded", fake.charge(intentId));
    const o1 = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(o1.body).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_500 }, payment: { refundedAmount: { amount: 1_500 } } });
    expect(refundRows(o1)).toEqual([[500, "succeeded"], [700, "succeeded"], [300, "succeeded"]]);

    const failed = fake.settleRefund("re_dashboard0001", "failed", "declined");
    expect((await deliver("refund.failed", failed)).ack.outcome).toBe("recorded");
    await deliver("charge.refund.updated", failed); // the same failure again: once only
    const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(o.body).toMatchObject({ refundedTotal: { amount: 800 }, payment: { status: "partially_refunded", refundedAmount: { amount: 800 } } });
    expect(refundRows(o)).toEqual([[500, "succeeded"], [700, "failed"], [300, "succeeded"]]);
    expect(o.body.timeline.filter((e: { type: string }) => e.type === "refund_failed")).toHaveLength(1);
  });

  test("a refund made in the Stripe dashboard reaches the order with charge.refunded alone (total, status, timeline, audit, event, e-mail), once, whatever comes after", async () => {
    const { orderId, intentId } = await refundedOrder(500, "rf-dash-charge-1");
    // Stripe's total for our own refund: nothing to find out, so Stripe is not asked.
    const listed = refundsListed();
    await deliver("charge.refunded", fake.charge(intentId));
    expect(refundsListed()).toBe(listed);
    const total = (await call(`/v1/admin/orders/${orderId}`, { admin: true })).body.total.amount as number;

    const dash = dashRefund("re_dashboardCharge1", intentId, 700);
    fake.refunds.push(dash);
    expect((await deliver("charge.refunded", fake.charge(intentId))).ack.outcome).toBe("recorded");
    const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(o.body).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_200 }, payment: { status: "partially_refunded", refundedAmount: { amount: 1_200 } } });
    expect(refundRows(o)).toEqual([[500, "succeeded"], [700, "succeeded"]]);
    const entries = o.body.timeline.filter((e: { type: string; message: string }) => e.type === "refunded" && e.message.includes("Stripe dashboard"));
    expect(entries).toHaveLength(1);
    expect(entries[0].message).toContain("€7.00");
    const dashId = o.body.refunds[1].id as string;
    const db = (await t.platform.pool.get(S.id)).db;
    const { auditLog } = await import("../../audit/audit.tables.ts");
    const { outbox } = await import("../../../jobs/outbox.tables.ts");
    expect((await db.select().from(auditLog).where(and(eq(auditLog.action, "order.refunded"), eq(auditLog.targetId, orderId)))).map((a) => (a.after as { refundId: string }).refundId)).toContain(dashId);
    const event = await db.select().from(outbox).where(eq(outbox.key, `order.refunded:${dashId}`));
    expect(event.map((e) => e.payload)).toEqual([expect.objectContaining({ type: "order.refunded", orderId, amount: { amount: 700, currency: "EUR" }, refundedTotal: { amount: 1_200, currency: "EUR" } })]);
    expect(await db.select().from(outbox).where(eq(outbox.key, `refund:${dashId}`))).toHaveLength(1);

    // The refund's own events and Stripe's total again (new event ids): the same money, not counted again.
    await deliver("refund.created", dash);
    await deliver("refund.updated", dash);
    await deliver("charge.refunded", fake.charge(intentId));
    const again = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(again.body).toMatchObject({ refundedTotal: { amount: 1_200 }, payment: { refundedAmount: { amount: 1_200 } } });
    expect(refundRows(again)).toEqual([[500, "succeeded"], [700, "succeeded"]]);
    expect(again.body.timeline.filter((e: { type: string }) => e.type === "refunded")).toHaveLength(2);

    // The rest, refunded in the dashboard, with an older API version that still embeds the charge's refunds: no
    // need to ask Stripe. Refunded in full, the order is not shipped.
    fake.refunds.push(dashRefund("re_dashboardCharge2", intentId, total - 1_200));
    const charge = fake.charge(intentId);
    const embedded = { ...charge, refunds: { object: "list", has_more: false, data: fake.refunds.filter((r) => r.payment_intent === intentId).reverse() } };
    const before = refundsListed();
    await deliver("charge.refunded", embedded);
    expect(refundsListed()).toBe(before);
    const full = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(full.body).toMatchObject({ status: "refunded", refundedTotal: { amount: total }, payment: { status: "refunded", refundedAmount: { amount: total } } });
    const ship = await call(`/v1/admin/orders/${orderId}/fulfillments`, { admin: true, json: { carrier: "La Poste", trackingNumber: "6A9", trackingUrl: "https://laposte.fr/6A9" } });
    expect(ship.body.error.reason).toBe("order.refunded");
  });

  test("a dashboard refund whose charge.refunded arrives while one of ours is unsettled counts only the dashboard's; the settle of ours adds it once", async () => {
    const { orderId, intentId } = await refundedOrder(500, "rf-dash-mixed-1");
    // Ours: Stripe makes it, our recording fails (the attempt stays requested).
    orderFaults.afterRefundProvider = () => {
      orderFaults.afterRefundProvider = null;
      throw new Error("disk full");
    };
    const lost = await t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": "rf-dash-mixed-2" }, json: { amount: 400, reason: "damaged" } });
    expect(lost.status).toBe(500);
    fake.refunds.push(dashRefund("re_dashboardMixed1", intentId, 600));
    await deliver("charge.refunded", fake.charge(intentId)); // 500 + 400 (ours, unsettled) + 600 (dashboard)
    const between = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(between.body).toMatchObject({ refundedTotal: { amount: 1_100 }, payment: { refundedAmount: { amount: 1_100 } } });
    expect(refundRows(between)).toEqual([[500, "succeeded"], [600, "succeeded"]]);
    // The retry records ours: each refund once.
    const retry = await t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": "rf-dash-mixed-2" }, json: { amount: 400, reason: "damaged" } });
    expect(retry.status).toBe(201);
    expect(await retry.json()).toMatchObject({ refundedTotal: { amount: 1_500 }, payment: { refundedAmount: { amount: 1_500 } } });
  });

  test("an authorization canceled at Stripe (expired after 7 days): the order stays pending, says so once on its timeline and audit log; capture is a 409 and cancel restocks without asking Stripe", async () => {
    await onManualCapture(async () => {
      const { orderId, intentId } = await placedOrder();
      const stock = async () => (await call(`/v1/admin/inventory/variants/${variantId}`, { admin: true })).body.onHand as number;
      const onHand = await stock();
      const pi = fake.intents.get(intentId)!;
      Object.assign(pi, { status: "canceled", cancellation_reason: "automatic", canceled_at: nowS(), amount_capturable: 0 });
      expect((await deliver("payment_intent.canceled", pi)).ack.outcome).toBe("recorded");
      await deliver("payment_intent.canceled", pi); // the same news in another event: noted once
      const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
      expect(o.body).toMatchObject({ status: "pending", cancelledAt: null, payment: { status: "voided" } });
      const entries = o.body.timeline.filter((e: { type: string }) => e.type === "authorization_canceled");
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ data: { reason: "automatic" } });
      expect(entries[0].message).toContain("expired");
      const db = (await t.platform.pool.get(S.id)).db;
      const { auditLog } = await import("../../audit/audit.tables.ts");
      expect(await db.select().from(auditLog).where(and(eq(auditLog.action, "order.authorization_canceled"), eq(auditLog.targetId, orderId)))).toHaveLength(1);

      const asked = fake.requests.length;
      const capture = await call(`/v1/admin/orders/${orderId}/capture`, { admin: true, json: {} });
      expect(capture.status).toBe(409);
      expect(capture.body.error).toMatchObject({ code: "CONFLICT", reason: "payment.authorization_canceled" });
      const ship = await call(`/v1/admin/orders/${orderId}/fulfillments`, { admin: true, json: { carrier: "La Poste", trackingNumber: "6A1", trackingUrl: "https://laposte.fr/6A1" } });
      expect(ship.status).toBe(409);
      expect(ship.body.error.reason).toBe("order.not_paid");
      expect(ship.body.error.message).toContain("authorization was canceled"); // not "capture first": capture is refused
      const cancelled = await call(`/v1/admin/orders/${orderId}/cancel`, { admin: true, json: { reason: "authorization expired" } });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: "cancelled", payment: { status: "voided" } });
      expect(await stock()).toBe(onHand + 1);
      expect(fake.requests.slice(asked)).toEqual([]); // neither a capture nor a second void reached Stripe
    });
  });

  test("a capture pressed after Stripe canceled the authorization, before its event arrived, answers 409 and notes the cancellation once", async () => {
    await onManualCapture(async () => {
      const { orderId, intentId } = await placedOrder();
      const pi = fake.intents.get(intentId)!;
      Object.assign(pi, { status: "canceled", cancellation_reason: "requested_by_customer", canceled_at: nowS(), amount_capturable: 0 });
      const capture = await call(`/v1/admin/orders/${orderId}/capture`, { admin: true, json: {} });
      expect(capture.status).toBe(409);
      expect(capture.body.error.reason).toBe("payment.authorization_canceled");
      await deliver("payment_intent.canceled", pi); // then Stripe's event: already known
      const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
      expect(o.body).toMatchObject({ status: "pending", payment: { status: "voided" } });
      expect(o.body.timeline.filter((e: { type: string }) => e.type === "authorization_canceled").map((e: { data: { reason: string } }) => e.data.reason)).toEqual(["requested_by_customer"]);
      expect(o.body.timeline.filter((e: { type: string }) => e.type === "capture_failed")).toHaveLength(0);
    });
  });

  test("a refund made in the Stripe dashboard reaches the order (refund.created): refunded total, status, timeline, event; counted once", async () => {
    const { orderId, intentId } = await refundedOrder(500, "rf-dash-made-1");
    const dash = { id: "re_dashboardMade01", object: "refund", amount: 700, currency: "eur", payment_intent: intentId, metadata: {}, status: "succeeded" };
    fake.refunds.push(dash);
    expect((await deliver("refund.created", dash)).ack.outcome).toBe("recorded");
    await deliver("refund.updated", dash); // the same news again
    await deliver("charge.refunded", fake.charge(intentId)); // and Stripe's total, after
    const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    expect(o.body).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_200 }, payment: { refundedAmount: { amount: 1_200 } } });
    expect(o.body.refunds.map((r: { amount: { amount: number }; status: string }) => [r.amount.amount, r.status])).toEqual([[500, "succeeded"], [700, "succeeded"]]);
    expect(o.body.timeline.filter((e: { type: string; message: string }) => e.type === "refunded" && e.message.includes("Stripe dashboard"))).toHaveLength(1);
    // It fails later: off the order and the payment again.
    await deliver("refund.failed", fake.settleRefund("re_dashboardMade01", "failed", "declined"));
    expect((await call(`/v1/admin/orders/${orderId}`, { admin: true })).body).toMatchObject({ refundedTotal: { amount: 500 }, payment: { refundedAmount: { amount: 500 } } });
  });

  test("a charge.refunded snapshot older than a refund's failure does not count the failed refund again", async () => {
    const { orderId, refundId, intentId } = await refundedOrder(1_000, "rf-stale-1");
    const stale = await signedEvent(WHSEC, "charge.refunded", fake.charge(intentId), { timestamp: nowS() - 60 }); // taken before the failure
    await deliver("refund.failed", fake.settleRefund(refundId, "failed", "expired_or_canceled_card"));
    const res = await t.request(`/v1/hooks/stripe/${S.id}`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": stale.header }, body: stale.payload });
    expect(res.status).toBe(200);
    expect((await call(`/v1/admin/orders/${orderId}`, { admin: true })).body).toMatchObject({ status: "paid", refundedTotal: { amount: 0 }, payment: { status: "captured", refundedAmount: { amount: 0 } } });
    // A snapshot taken after the failure (a new refund) counts only what is really refunded.
    clock.advance(60_000);
    const again = await t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": "rf-stale-2" }, json: { amount: 400, reason: "damaged" } });
    expect(again.status).toBe(201);
    await deliver("charge.refunded", fake.charge(intentId));
    expect((await call(`/v1/admin/orders/${orderId}`, { admin: true })).body).toMatchObject({ refundedTotal: { amount: 400 }, payment: { refundedAmount: { amount: 400 } } });
  });

  test("news of a refund whose recording is still under way is not acknowledged (503); Stripe's redelivery applies it", async () => {
    fake.refundsAnswer = "pending";
    let sent: { id: string; payload: string; header: string } | null = null;
    let firstStatus = 0;
    try {
      expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 1, reason: "received" } })).status).toBe(201);
      const cartId = await readyCart();
      await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.visa } } });
      const orderId = (await call(`/v1/store/carts/${cartId}/complete`, { json: {} })).body.id as string;
      // Between Stripe's answer (pending) and our recording, Stripe already reports the refund failed.
      orderFaults.afterRefundProvider = async () => {
        orderFaults.afterRefundProvider = null;
        const r = fake.refunds.at(-1)!;
        sent = await signedEvent(WHSEC, "refund.failed", fake.settleRefund(r.id as string, "failed", "insufficient_funds"), { timestamp: nowS() });
        firstStatus = (await t.request(`/v1/hooks/stripe/${S.id}`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": sent.header }, body: sent.payload })).status;
      };
      const refund = await t.request(`/v1/admin/orders/${orderId}/refunds`, { method: "POST", headers: { ...adminHeaders(S.sk), "idempotency-key": "rf-race-1" }, json: { amount: 900, reason: "damaged" } });
      expect(refund.status).toBe(201);
      expect(firstStatus).toBe(503);
      expect((await call(`/v1/admin/orders/${orderId}`, { admin: true })).body).toMatchObject({ refundedTotal: { amount: 900 }, refunds: [expect.objectContaining({ status: "pending" })] });
      // Stripe sends the same event again later: now it applies.
      const redelivered = await t.request(`/v1/hooks/stripe/${S.id}`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": sent!.header }, body: sent!.payload });
      expect(redelivered.status).toBe(200);
      expect(await redelivered.json()).toMatchObject({ duplicate: false, outcome: "recorded" });
      expect((await call(`/v1/admin/orders/${orderId}`, { admin: true })).body).toMatchObject({ refundedTotal: { amount: 0 }, payment: { refundedAmount: { amount: 0 } }, refunds: [expect.objectContaining({ status: "failed" })] });
    } finally {
      orderFaults.afterRefundProvider = null;
      fake.refundsAnswer = "succeeded";
    }
  });

  /** Runs `fn` with the store on manual capture (orders stay pending until captured), then back to automatic. */
  async function onManualCapture(fn: () => Promise<void>): Promise<void> {
    expect((await call("/v1/admin/settings/payments", { method: "PATCH", admin: true, json: { provider: "stripe", captureMethod: "manual" } })).status).toBe(200);
    try {
      await fn();
    } finally {
      await call("/v1/admin/settings/payments", { method: "PATCH", admin: true, json: { provider: "stripe", captureMethod: "automatic" } });
    }
  }

  async function placedOrder(): Promise<{ orderId: string; intentId: string }> {
    expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 1, reason: "received" } })).status).toBe(201);
    const cartId = await readyCart();
    expect((await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.visa } } })).status).toBeLessThan(300);
    const placed = await call(`/v1/store/carts/${cartId}/complete`, { json: {} });
    expect(placed.status).toBe(201);
    return { orderId: placed.body.id, intentId: [...fake.intents.values()].find((i) => i.metadata.cartId === cartId)!.id };
  }

  test("cancelling an order whose Stripe payment is only authorized voids it (Stripe's canceled intent is the void) and restocks", async () => {
    await onManualCapture(async () => {
      const { orderId, intentId } = await placedOrder();
      const stock = async () => (await call(`/v1/admin/inventory/variants/${variantId}`, { admin: true })).body.onHand as number;
      const before = await stock();
      const cancelled = await call(`/v1/admin/orders/${orderId}/cancel`, { admin: true, json: { reason: "buyer asked" } });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({ status: "cancelled", payment: { status: "voided" } });
      expect(fake.intents.get(intentId)!.status).toBe("canceled");
      expect(await stock()).toBe(before + 1);
    });
  });

  test("a capture made in the Stripe dashboard: payment_intent.succeeded records it and the order is paid (a later capture is a no-op)", async () => {
    await onManualCapture(async () => {
      const { orderId, intentId } = await placedOrder();
      expect((await call(`/v1/admin/orders/${orderId}`, { admin: true })).body).toMatchObject({ status: "pending", payment: { status: "authorized" } });
      // The merchant captures in Stripe's dashboard.
      const res = await fetch(`${fake.apiBase}/v1/payment_intents/${intentId}/capture`, { method: "POST", headers: { authorization: `Bearer ${SK}` } });
      expect(res.status).toBe(200);
      const ev = await deliver("payment_intent.succeeded", fake.intents.get(intentId));
      expect(ev.ack.outcome).toBe("captured");
      const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
      expect(o.body).toMatchObject({ status: "paid", payment: { status: "captured", capturedAmount: { amount: o.body.total.amount } } });
      expect(o.body.timeline.filter((e: { type: string }) => e.type === "paid")).toHaveLength(1);
      // The admin's capture button, pressed late: the order is already paid.
      expect((await call(`/v1/admin/orders/${orderId}/capture`, { admin: true, json: {} })).status).toBe(200);
    });
  });

  test("a partial capture in the Stripe dashboard is recorded as what was captured; refunds are capped by it", async () => {
    await onManualCapture(async () => {
      const { orderId, intentId } = await placedOrder();
      const res = await fetch(`${fake.apiBase}/v1/payment_intents/${intentId}/capture`, { method: "POST", headers: { authorization: `Bearer ${SK}`, "content-type": "application/x-www-form-urlencoded" }, body: "amount_to_capture=500" });
      expect(res.status).toBe(200);
      expect((await deliver("payment_intent.succeeded", fake.intents.get(intentId))).ack.outcome).toBe("captured");
      const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
      expect(o.body).toMatchObject({ status: "paid", payment: { status: "captured", capturedAmount: { amount: 500 } } });
      expect(o.body.timeline.find((e: { type: string }) => e.type === "paid").message).toContain("€5.00 of");
      const tooMuch = await call(`/v1/admin/orders/${orderId}/refunds`, { admin: true, json: { amount: 501, reason: "x" } });
      expect(tooMuch.body.error.reason).toBe("refund.exceeds_captured");
      const all = await call(`/v1/admin/orders/${orderId}/refunds`, { admin: true, json: { reason: "all of it" } });
      expect(all.status).toBe(201);
      expect(all.body).toMatchObject({ status: "refunded", refundedTotal: { amount: 500 } });
    });
  });

  test("an intent captured at Stripe before the buyer completes: the order is placed paid, not refused", async () => {
    await onManualCapture(async () => {
      expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 1, reason: "received" } })).status).toBe(201);
      const cartId = await readyCart();
      const pi = await visaIntent(cartId);
      expect((await fetch(`${fake.apiBase}/v1/payment_intents/${pi.id}/capture`, { method: "POST", headers: { authorization: `Bearer ${SK}` } })).status).toBe(200);
      const placed = await call(`/v1/store/carts/${cartId}/complete`, { json: {} });
      expect(placed.status).toBe(201);
      const o = await call(`/v1/admin/orders/${placed.body.id}`, { admin: true });
      expect(o.body).toMatchObject({ status: "paid", payment: { status: "captured", capturedAmount: { amount: o.body.total.amount } } });
    });
  });

  /** A Stripe session paid by card for the cart (authorized: the store is on manual capture); its PaymentIntent. */
  const visaIntent = async (cartId: string) => {
    expect((await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.visa } } })).status).toBeLessThan(300);
    return [...fake.intents.values()].find((i) => i.metadata.cartId === cartId)!;
  };
  const captureAtStripe = async (intentId: string, amount?: number) => {
    const res = await fetch(`${fake.apiBase}/v1/payment_intents/${intentId}/capture`, {
      method: "POST", headers: { authorization: `Bearer ${SK}`, "content-type": "application/x-www-form-urlencoded" }, body: amount === undefined ? "" : `amount_to_capture=${amount}`,
    });
    expect(res.status).toBe(200);
  };
  const paymentOfIntent = async (intentId: string) => (await (await t.platform.pool.get(S.id)).client.execute({ sql: "select status, captured_amount, refunded_amount, order_id from payments where provider_ref = ?", args: [intentId] })).rows[0]!;

  test("a session captured in the Stripe dashboard and then replaced is refunded, not left captured with no order", async () => {
    await onManualCapture(async () => {
      const cartId = await readyCart();
      const first = await visaIntent(cartId);
      await captureAtStripe(first.id);
      // The buyer starts over: the first session is released; Stripe refuses to cancel a captured intent.
      expect((await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.visa } } })).status).toBe(201);
      expect(await paymentOfIntent(first.id)).toMatchObject({ status: "refunded", captured_amount: first.amount, refunded_amount: first.amount, order_id: null });
      expect(fake.refunds.filter((r) => r.payment_intent === first.id).map((r) => r.amount)).toEqual([first.amount]);
    });
  });

  test("the refund that gave back a payment no order used fails later at Stripe: it is owed again and refunded anew by the job", async () => {
    const { startTestJobs, drainJobs } = await import("../../../jobs/testing.ts");
    await startTestJobs(t.platform);
    try {
      await onManualCapture(async () => {
        const cartId = await readyCart();
        const first = await visaIntent(cartId);
        await captureAtStripe(first.id);
        expect((await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.visa } } })).status).toBe(201);
        const released = fake.refunds.filter((r) => r.payment_intent === first.id);
        expect(released).toHaveLength(1);
        // The card was closed: Stripe fails that refund.
        expect((await deliver("refund.failed", fake.settleRefund(released[0]!.id as string, "failed", "expired_or_canceled_card"))).ack.outcome).toBe("recorded");
        expect(await paymentOfIntent(first.id)).toMatchObject({ status: "refunded", refunded_amount: 0 });
        await t.platform.outbox.kick(S.id);
        await drainJobs(t.platform);
        const refunds = fake.refunds.filter((r) => r.payment_intent === first.id);
        expect(refunds).toHaveLength(2);
        expect(refunds[1]!.metadata).toMatchObject({ trafi_refund: expect.stringMatching(/^release:pay_.+:1$/) });
        expect(await paymentOfIntent(first.id)).toMatchObject({ status: "refunded", refunded_amount: first.amount });
      });
    } finally {
      await t.platform.jobs.stop();
    }
  });

  test("captured at Stripe before completing, then the stock is gone: the buyer's money goes back", async () => {
    await onManualCapture(async () => {
      const cartId = await readyCart();
      const pi = await visaIntent(cartId);
      await captureAtStripe(pi.id);
      const level = await call(`/v1/admin/inventory/variants/${variantId}`, { admin: true });
      expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: -level.body.onHand, reason: "damaged" } })).status).toBe(201);
      const r = await call(`/v1/store/carts/${cartId}/complete`, { json: {} });
      expect(r.body.error.reason).toBe("cart.insufficient_stock");
      expect(await paymentOfIntent(pi.id)).toMatchObject({ status: "refunded", refunded_amount: pi.amount, order_id: null });
      expect(fake.refunds.filter((x) => x.payment_intent === pi.id)).toHaveLength(1);
      await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 5, reason: "received" } });
    });
  });

  test("captured in part at Stripe before completing: the order is paid for what was captured, and says so", async () => {
    await onManualCapture(async () => {
      expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 1, reason: "received" } })).status).toBe(201);
      const cartId = await readyCart();
      const pi = await visaIntent(cartId);
      await captureAtStripe(pi.id, 500);
      const placed = await call(`/v1/store/carts/${cartId}/complete`, { json: {} });
      expect(placed.status).toBe(201);
      const o = await call(`/v1/admin/orders/${placed.body.id}`, { admin: true });
      expect(o.body).toMatchObject({ status: "paid", payment: { capturedAmount: { amount: 500 } } });
      expect(o.body.timeline.filter((e: { type: string }) => e.type === "paid").map((e: { message: string }) => e.message)).toEqual([expect.stringContaining("€5.00 of")]);
    });
  });

  test("a dispute on an order's payment goes on the order's timeline and out as order.disputed; amounts stay", async () => {
    const { orderId, intentId } = await placedOrder();
    const dispute = (status: string) => ({ id: "dp_3FakeDispute0001", object: "dispute", amount: 2489, currency: "eur", payment_intent: intentId, charge: fake.intents.get(intentId)!.latest_charge, reason: "fraudulent", status });
    const opened = await deliver("charge.dispute.created", dispute("needs_response"));
    expect(opened.ack.outcome).toBe("recorded");
    expect((await deliver("charge.dispute.created", dispute("needs_response"), opened.id)).ack.duplicate).toBe(true);
    await deliver("charge.dispute.closed", dispute("lost"));
    const o = await call(`/v1/admin/orders/${orderId}`, { admin: true });
    const entries = o.body.timeline.filter((e: { type: string }) => e.type.startsWith("dispute_")).map((e: { type: string; message: string }) => [e.type, e.message]);
    expect(entries).toEqual(expect.arrayContaining([
      ["dispute_created", expect.stringContaining("Dispute opened by the buyer's bank: €24.89 (fraudulent)")],
      ["dispute_closed", expect.stringContaining("lost")],
    ]));
    expect(entries).toHaveLength(2);
    expect(o.body).toMatchObject({ status: "paid", refundedTotal: { amount: 0 } });
    const db = (await t.platform.pool.get(S.id)).db;
    const { outbox } = await import("../../../jobs/outbox.tables.ts");
    const events = await db.select().from(outbox).where(eq(outbox.topic, "event"));
    expect(events.filter((e) => (e.payload as { type?: string }).type === "order.disputed" && (e.payload as { orderId?: string }).orderId === orderId)).toHaveLength(2);
  });

  test("an event in a currency Trafi does not know (another store on a shared Stripe account) is acknowledged, not a 500", async () => {
    const pi = { id: "pi_3FakeForeign00001", object: "payment_intent", amount: 1000, currency: "egp", metadata: { storeId: "store_other", cartId: "cart_x" }, status: "succeeded" };
    const ev = await deliver("payment_intent.succeeded", pi);
    expect(ev.ack).toMatchObject({ duplicate: false, outcome: "ignored" });
  });

  test("a webhook completion that loses a race to a cart edit answers 503 so Stripe sends it again; the redelivery completes", async () => {
    const { checkoutFaults } = await import("../../checkout/complete.ts");
    expect((await call("/v1/admin/inventory/adjustments", { admin: true, json: { variantId, delta: 1, reason: "received" } })).status).toBe(201);
    const cartId = await readyCart();
    await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.threeDS } } });
    const pi = [...fake.intents.values()].find((i) => i.metadata.cartId === cartId)!;
    fake.completeAction(pi.id);
    checkoutFaults.afterAuthorize = async () => {
      checkoutFaults.afterAuthorize = null;
      await call(`/v1/store/carts/${cartId}`, { method: "PATCH", json: { email: "new@example.com" } });
    };
    const ev = await signedEvent(WHSEC, "payment_intent.amount_capturable_updated", fake.intents.get(pi.id), { timestamp: nowS() });
    const send = () => t.request(`/v1/hooks/stripe/${S.id}`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": ev.header }, body: ev.payload });
    try {
      expect((await send()).status).toBe(503);
    } finally {
      checkoutFaults.afterAuthorize = null;
    }
    const again = await send();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ duplicate: false, outcome: "completed" });
    const db = (await t.platform.pool.get(S.id)).db;
    expect((await db.select().from(orders).where(eq(orders.cartId, cartId)))[0]!.email).toBe("new@example.com");
  });

  test("a declined card: the SDK's card error becomes 402 payment.declined", async () => {
    const cartId = await readyCart();
    const pay = await call(`/v1/store/carts/${cartId}/payment`, { json: { provider: "stripe", data: { paymentMethodId: PM.declined } } });
    expect(pay.status).toBe(402);
    expect(pay.body.error).toMatchObject({ code: "PAYMENT_FAILED", reason: "payment.declined", details: { code: "card_declined", declineCode: "generic_decline" } });
  });
});
