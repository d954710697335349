// Inbound Stripe webhooks: real signatures (the SDK's test-header helper), verified on the raw body, once per event.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { adminHeaders, createTestPlatform, type TestPlatform, type TestStore } from "../../../testing/harness.ts";
import { ManualClock } from "../../../kernel/clock.ts";
import { systemCtx } from "../../../kernel/system-ctx.ts";
import { newId } from "../../../kernel/ids.ts";
import { withTx } from "../../../db/tx.ts";
import { auditLog } from "../../audit/index.ts";
import { insertPayment, paymentRow } from "../payments.ts";
import { payments } from "../payments.tables.ts";
import { stripeEvents } from "./stripe.tables.ts";
import { signedEvent, signPayload } from "./stripe.testkit.ts";

const clock = new ManualClock(Date.UTC(2026, 4, 2, 9));
const nowS = () => Math.floor(clock.now() / 1000);
const SECRET_A = "whsec_StoreASigningSecret000000001";
const SECRET_B = "whsec_StoreBSigningSecret000000002";

let t: TestPlatform;
let A: TestStore;
let B: TestStore;

async function configure(s: TestStore, webhookSecret: string | null, tag: string) {
  const res = await t.request("/v1/admin/settings/payments/stripe", {
    method: "PUT", headers: adminHeaders(s.sk),
    json: { secretKey: `sk_test_51Trafi0000Webhook${tag}Key00`, publishableKey: `pk_test_51Trafi0000Webhook${tag}Pub00`, webhookSecret },
  });
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  t = await createTestPlatform({ clock });
  A = await t.createStore("A");
  B = await t.createStore("B");
  await configure(A, SECRET_A, "A");
  await configure(B, SECRET_B, "B");
});
afterAll(() => t[Symbol.asyncDispose]());

const deliver = (storeId: string, payload: string, header: string | null) =>
  t.request(`/v1/hooks/stripe/${storeId}`, {
    method: "POST",
    headers: { "content-type": "application/json; charset=utf-8", ...(header !== null && { "stripe-signature": header }) },
    body: payload,
  });

const intent = (id: string, storeId: string, extra: Record<string, unknown> = {}) => ({
  id, object: "payment_intent", amount: 4200, currency: "eur", status: "requires_payment_method", capture_method: "manual",
  metadata: { storeId, cartId: "cart_none" }, last_payment_error: null, ...extra,
});

const eventsOf = async (s: TestStore) => (await t.platform.pool.get(s.id)).db.select().from(stripeEvents);
const auditsOf = async (s: TestStore, action: string) =>
  (await (await t.platform.pool.get(s.id)).db.select().from(auditLog)).filter((a) => a.action === action);

async function rejectedSame(res: Response) {
  expect(res.status).toBe(401);
  const body = await res.json();
  expect(body.error).toMatchObject({ code: "UNAUTHORIZED", reason: "webhook.invalid_signature", message: "The Stripe signature could not be verified" });
  expect(body.error.details).toBeUndefined();
}

describe("stripe webhooks", () => {
  test("a valid event is verified on the raw bytes, recorded and audited; the same event id again is acknowledged once", async () => {
    const obj = intent("pi_W1", A.id, { last_payment_error: { code: "card_declined", decline_code: "insufficient_funds" } });
    const ev = await signedEvent(SECRET_A, "payment_intent.payment_failed", obj, { timestamp: nowS() });
    const res = await deliver(A.id, ev.payload, ev.header);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "recorded" });

    const again = await deliver(A.id, ev.payload, ev.header);
    expect(await again.json()).toEqual({ received: true, duplicate: true, outcome: "duplicate" });

    const rows = (await eventsOf(A)).filter((e) => e.id === ev.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: "payment_intent.payment_failed", objectId: "pi_W1", amount: 4200, currency: "EUR", outcome: "recorded", livemode: false });
    const audits = (await auditsOf(A, "payment.stripe_event")).filter((a) => (a.after as { eventId: string }).eventId === ev.id);
    expect(audits).toHaveLength(1);
  });

  test("pretty-printed bytes signed as sent verify: the body is never re-parsed before the check", async () => {
    const body = JSON.stringify({ id: "evt_Pretty1", object: "event", type: "payment_intent.created", created: nowS(), livemode: false, data: { object: intent("pi_W2", A.id) } }, null, 2);
    const header = await signPayload(body, SECRET_A, nowS());
    const res = await deliver(A.id, body, header);
    expect(res.status).toBe(200);
    expect((await res.json()).outcome).toBe("recorded");
  });

  test("wrong secret, tampered body, old timestamp, missing header → 401, nothing recorded", async () => {
    const before = (await eventsOf(A)).length;
    const obj = intent("pi_W3", A.id);
    const wrong = await signedEvent("whsec_SomebodyElse0000000000000", "payment_intent.succeeded", obj, { timestamp: nowS() });
    await rejectedSame(await deliver(A.id, wrong.payload, wrong.header));

    const good = await signedEvent(SECRET_A, "payment_intent.succeeded", obj, { timestamp: nowS() });
    await rejectedSame(await deliver(A.id, good.payload.replace('"amount":4200', '"amount":1'), good.header));

    const old = await signedEvent(SECRET_A, "payment_intent.succeeded", obj, { timestamp: nowS() - 301 });
    await rejectedSame(await deliver(A.id, old.payload, old.header));

    await rejectedSame(await deliver(A.id, good.payload, null));
    expect((await eventsOf(A)).length).toBe(before);
  });

  test("another store's id in the URL with this store's secret → 401; unknown or malformed store ids answer the same", async () => {
    const ev = await signedEvent(SECRET_A, "payment_intent.payment_failed", intent("pi_W4", A.id), { timestamp: nowS() });
    await rejectedSame(await deliver(B.id, ev.payload, ev.header));
    await rejectedSame(await deliver(newId("store"), ev.payload, ev.header));
    await rejectedSame(await deliver("store_../../etc", ev.payload, ev.header));
    const C = await t.createStore("C"); // no Stripe at all
    await rejectedSame(await deliver(C.id, ev.payload, ev.header));
    expect((await eventsOf(B)).some((e) => e.id === ev.id)).toBe(false);
  });

  test("a store without a webhook secret refuses events", async () => {
    const D = await t.createStore("D");
    await configure(D, null, "D");
    const ev = await signedEvent(SECRET_A, "payment_intent.payment_failed", intent("pi_W5", D.id), { timestamp: nowS() });
    await rejectedSame(await deliver(D.id, ev.payload, ev.header));
  });

  test("an event about another store's payment (shared Stripe account) is acknowledged and ignored", async () => {
    const ev = await signedEvent(SECRET_A, "payment_intent.succeeded", intent("pi_W6", B.id, { status: "succeeded" }), { timestamp: nowS() });
    const res = await deliver(A.id, ev.payload, ev.header);
    expect(await res.json()).toEqual({ received: true, duplicate: false, outcome: "ignored" });
  });

  test("payment_failed, charge.refunded (no metadata) and payment_intent.canceled update the recorded payment, with a payment event and an audit entry", async () => {
    const ctx = await systemCtx(t.platform, A.id, "test");
    const mk = (id: string, ref: string, status: "requires_action" | "captured", captured: number) =>
      withTx(ctx, (tx) =>
        insertPayment(tx, ctx, {
          id, cartId: "cart_x", orderId: null, provider: "stripe", providerRef: ref, status, captureMethod: "manual", amount: 4200, currency: "EUR",
          capturedAmount: captured, refundedAmount: 0, clientSecret: null, nextAction: null, failureReason: null,
        }, null),
      );
    const pending = await mk(newId("pay"), "pi_W7", "requires_action", 0);
    const paid = await mk(newId("pay"), "pi_W8", "captured", 4200);

    const failed = await signedEvent(SECRET_A, "payment_intent.payment_failed", intent("pi_W7", A.id, { last_payment_error: { code: "card_declined", decline_code: "stolen_card" } }), { timestamp: nowS() });
    expect((await (await deliver(A.id, failed.payload, failed.header)).json()).outcome).toBe("recorded");
    expect(await paymentRow(ctx.store.db, pending.id)).toMatchObject({ status: "failed", failureReason: "stolen_card" });

    const charge = (refunded: number) => ({ id: "ch_W8", object: "charge", amount: 4200, amount_refunded: refunded, currency: "eur", payment_intent: "pi_W8", metadata: {} }); // ours by its recorded intent
    const partial = await signedEvent(SECRET_A, "charge.refunded", charge(1200), { timestamp: nowS() });
    await deliver(A.id, partial.payload, partial.header);
    expect(await paymentRow(ctx.store.db, paid.id)).toMatchObject({ status: "partially_refunded", refundedAmount: 1200 });
    const full = await signedEvent(SECRET_A, "charge.refunded", charge(4200), { timestamp: nowS() });
    await deliver(A.id, full.payload, full.header);
    await deliver(A.id, full.payload, full.header); // redelivery: no second effect
    expect(await paymentRow(ctx.store.db, paid.id)).toMatchObject({ status: "refunded", refundedAmount: 4200 });
    const audits = (await auditsOf(A, "payment.stripe.charge.refunded")).filter((a) => a.targetId === paid.id);
    expect(audits).toHaveLength(2);
    const row = (await ctx.store.db.select().from(payments).where(eq(payments.id, paid.id)))[0]!;
    expect(row.refundedAmount).toBeLessThanOrEqual(row.capturedAmount);

    const authorized = await mk(newId("pay"), "pi_W9", "captured", 0);
    await withTx(ctx, (tx) => tx.update(payments).set({ status: "authorized" }).where(eq(payments.id, authorized.id)));
    const expired = await signedEvent(SECRET_A, "payment_intent.canceled", intent("pi_W9", A.id, { status: "canceled", cancellation_reason: "automatic" }), { timestamp: nowS() });
    await deliver(A.id, expired.payload, expired.header);
    expect(await paymentRow(ctx.store.db, authorized.id)).toMatchObject({ status: "voided", failureReason: "automatic" });

    const foreignCharge = await signedEvent(SECRET_A, "charge.refunded", { ...charge(100), payment_intent: "pi_Unknown" }, { timestamp: nowS() });
    expect((await (await deliver(A.id, foreignCharge.payload, foreignCharge.header)).json()).outcome).toBe("ignored");
  });

  test("an oversized body is refused before verification", async () => {
    const res = await deliver(A.id, "x".repeat(600 * 1024), "t=1,v1=00");
    expect(res.status).toBe(413);
  });
});
