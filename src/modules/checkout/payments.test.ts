import { describe, expect, test } from "bun:test";
import { checkoutFixture, CARD_3DS, CARD_DECLINE } from "./checkout.testing.ts";

describe("sandbox payments at checkout", () => {
  test("a declined card answers 402 payment.declined at payment and at completion; another card then succeeds", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const p = await f.pay(id, CARD_DECLINE);
    expect(p.status).toBe(402);
    expect(p.body.error).toMatchObject({ code: "PAYMENT_FAILED", reason: "payment.declined", details: { failureReason: "card_declined" } });
    const c = await f.complete(id);
    expect(c.status).toBe(402);
    expect(c.body.error.reason).toBe("payment.declined");
    expect((await f.store(`/carts/${id}`)).body.status).toBe("open");
    expect((await f.pay(id)).status).toBe(201);
    expect((await f.complete(id)).status).toBe(201);
  });

  test("a card that needs 3-D Secure answers 402 payment.requires_action with the next action", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const p = await f.pay(id, CARD_3DS);
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ status: "requires_action", nextAction: { type: "redirect_to_url", url: `${f.t.config.publicUrl}/v1/sandbox/3ds/${f.s.id}/${p.body.id}` } });
    const c = await f.complete(id);
    expect(c.status).toBe(402);
    expect(c.body.error).toMatchObject({ reason: "payment.requires_action", details: { nextAction: { type: "redirect_to_url" } } });
    const stock = await f.admin(`/inventory/variants/${v}`);
    expect(JSON.stringify(stock.body)).toContain('"available":5');
  });

  test("the storefront cannot pick a provider the store did not enable; a cart changed after payment needs a new session", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const stripe = await f.store(`/carts/${id}/payment`, { json: { provider: "stripe", data: {} } });
    expect(stripe.status).toBe(422);
    expect(stripe.body.error.reason).toBe("payment.provider_not_enabled");
    const noCard = await f.store(`/carts/${id}/payment`, { json: { provider: "sandbox" } });
    expect(noCard.body.error.reason).toBe("payment.card_required");
    const first = await f.pay(id);
    await f.store(`/carts/${id}/lines`, { json: { variantId: v, quantity: 1 } });
    const stale = await f.complete(id);
    expect(stale.status).toBe(409);
    expect(stale.body.error.reason).toBe("cart.payment_outdated");
    const second = await f.pay(id);
    // The replaced authorization is voided.
    const pays = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute({ sql: "select status from payments where id = ?", args: [first.body.id] }));
    expect(pays.rows[0]!.status).toBe("voided");
    const done = await f.complete(id);
    expect(done.status).toBe(201);
    expect(done.body.total.amount).toBe(second.body.amount.amount);
  });

  test("manual capture: the order stays pending until captured; cancelling voids the authorization and puts stock back", async () => {
    await using f = await checkoutFixture();
    expect((await f.admin("/settings/payments", { method: "PATCH", json: { captureMethod: "manual" } })).body).toEqual({ provider: "sandbox", captureMethod: "manual" });
    const v = await f.product(1_000, 5);
    const a = await f.readyCart([{ variantId: v, quantity: 2 }]);
    await f.pay(a);
    const orderA = (await f.complete(a)).body;
    expect(orderA.status).toBe("pending");
    const notPaid = await f.admin(`/orders/${orderA.id}/fulfillments`, { json: { carrier: "DHL", trackingNumber: "1", trackingUrl: "https://dhl.example/1" } });
    expect(notPaid.body.error.reason).toBe("order.not_paid");
    expect((await f.admin(`/orders/${orderA.id}/refunds`, { json: { reason: "x" } })).body.error.reason).toBe("refund.not_captured");
    const captured = await f.admin(`/orders/${orderA.id}/capture`, { method: "POST" });
    expect(captured.status).toBe(200);
    expect(captured.body).toMatchObject({ status: "paid", payment: { status: "captured", capturedAmount: { amount: orderA.total.amount } } });

    const b = await f.readyCart([{ variantId: v, quantity: 3 }], "bob@example.com");
    await f.pay(b);
    const orderB = (await f.complete(b)).body;
    expect(JSON.stringify((await f.admin(`/inventory/variants/${v}`)).body)).toContain('"available":0');
    const cancelled = await f.admin(`/orders/${orderB.id}/cancel`, { json: { reason: "customer changed their mind" } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", payment: { status: "voided" }, refundedTotal: { amount: 0 } });
    expect(cancelled.body.timeline.map((e: any) => e.type)).toContain("cancelled");
    expect(JSON.stringify((await f.admin(`/inventory/variants/${v}`)).body)).toContain('"available":3');
    // Cancelling twice changes nothing; a cancelled order cannot ship.
    expect((await f.admin(`/orders/${orderB.id}/cancel`, { json: { reason: "again" } })).body.status).toBe("cancelled");
    expect((await f.admin(`/orders/${orderB.id}/fulfillments`, { json: { carrier: "DHL", trackingNumber: "1", trackingUrl: "https://dhl.example/1" } })).body.error.reason).toBe("order.cancelled");
  });

  test("cancelling a captured order refunds it in full and restocks", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 2);
    const id = await f.readyCart([{ variantId: v, quantity: 2 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    const c = await f.admin(`/orders/${order.id}/cancel`, { json: { reason: "fraud suspicion" } });
    expect(c.body).toMatchObject({ status: "cancelled", refundedTotal: order.total, payment: { status: "refunded" } });
    expect(c.body.refunds).toHaveLength(1);
    expect(JSON.stringify((await f.admin(`/inventory/variants/${v}`)).body)).toContain('"available":2');
    const outbox = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select key from outbox"));
    const keys = outbox.rows.map((r) => String(r.key));
    expect(keys.some((k) => k.startsWith("order.cancelled:"))).toBe(true);
    expect(keys.some((k) => k.startsWith("refund:"))).toBe(true);
  });

  test("a completion refused before the order (cart emptied, product deleted or taken off sale) voids the authorization it will never use", async () => {
    await using f = await checkoutFixture();
    const status = async (pid: string) => (await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute({ sql: "select status from payments where id = ?", args: [pid] }))).rows[0]!.status;
    const v = await f.product(1_000, 5);
    const emptied = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const p1 = await f.pay(emptied);
    const lineId = (await f.store(`/carts/${emptied}`)).body.lines[0].id as string;
    expect((await f.store(`/carts/${emptied}/lines/${lineId}`, { method: "DELETE" })).status).toBeLessThan(300);
    const r1 = await f.complete(emptied);
    expect(r1.status).toBe(422);
    expect(r1.body.error.reason).toBe("cart.empty");
    expect(await status(p1.body.id)).toBe("voided");

    const gone = await f.product(2_000, 5);
    const cart = await f.readyCart([{ variantId: gone, quantity: 1 }]);
    const p2 = await f.pay(cart);
    const productId = (await f.admin("/products?limit=100")).body.data.find((p: any) => p.variants.some((x: any) => x.id === gone)).id;
    expect((await f.admin(`/products/${productId}`, { method: "DELETE" })).status).toBe(204);
    const r2 = await f.complete(cart);
    expect(r2.status).toBe(409);
    expect(r2.body.error.reason).toBe("cart.variant_unavailable");
    expect(await status(p2.body.id)).toBe("voided");

    // Taken off sale (draft) after the session: it could no longer be added or paid for, so it is not sold either.
    const drafted = await f.product(3_000, 5);
    const cart3 = await f.readyCart([{ variantId: drafted, quantity: 1 }]);
    const p3 = await f.pay(cart3);
    const draftedId = (await f.admin("/products?limit=100")).body.data.find((p: any) => p.variants.some((x: any) => x.id === drafted)).id;
    expect((await f.admin(`/products/${draftedId}`, { method: "PATCH", json: { status: "draft" } })).status).toBe(200);
    const r3 = await f.complete(cart3);
    expect(r3.status).toBe(409);
    expect(r3.body.error.reason).toBe("cart.variant_unavailable");
    expect(await status(p3.body.id)).toBe("voided");
    expect(JSON.stringify((await f.admin(`/inventory/variants/${drafted}`)).body)).toContain('"available":5');
  });

  test("a payment voided here while the provider still says authorized (its void under way or failed) never becomes an order", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const p = await f.pay(id);
    const store = await f.t.platform.pool.get(f.s.id);
    // What releaseUnusedPayment's claim writes before it asks the provider.
    await store.client.execute({ sql: "update payments set status = 'voided' where id = ?", args: [p.body.id] });
    const r = await f.complete(id);
    expect(r.status).toBe(402);
    expect(r.body.error.reason).toBe("payment.voided");
    const row = (await store.client.execute({ sql: "select status, order_id from payments where id = ?", args: [p.body.id] })).rows[0]!;
    expect([row.status, row.order_id]).toEqual(["voided", null]);
    expect(Number((await store.client.execute({ sql: "select count(*) as n from orders where cart_id = ?", args: [id] })).rows[0]!.n)).toBe(0);
  });

  test("a void the provider fails to make is retried by the payment.void job until it is done", async () => {
    await using f = await checkoutFixture();
    const { registerProvider, sandboxProvider } = await import("../payments/index.ts");
    const { startTestJobs, drainJobs } = await import("../../jobs/testing.ts");
    const v = await f.product(1_000, 1);
    const a = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const b = await f.readyCart([{ variantId: v, quantity: 1 }], "bob@example.com");
    await f.pay(a);
    const pb = await f.pay(b);
    expect((await f.complete(a)).status).toBe(201);
    // B loses the race for the last unit; voiding its authorization fails at the provider (network).
    registerProvider({ ...sandboxProvider, void: async () => Promise.reject(new Error("socket hang up")) });
    try {
      expect((await f.complete(b)).body.error.reason).toBe("cart.insufficient_stock");
    } finally {
      registerProvider(sandboxProvider);
    }
    const store = await f.t.platform.pool.get(f.s.id);
    const events = async () => (await store.client.execute({ sql: "select type from payment_events where payment_id = ? order by id", args: [pb.body.id] })).rows.map((x) => x.type);
    expect((await events()).slice(-2)).toEqual(["void_requested", "void_failed"]);
    // The job, relayed from the claim's outbox row, tells the provider again. Started only now: a relay pass kicked
    // by A's completion could otherwise run it at once, while the provider still fails (a flaky second void_failed).
    await startTestJobs(f.t.platform);
    await f.t.platform.outbox.kick(f.s.id);
    await drainJobs(f.t.platform);
    expect((await events()).at(-1)).toBe("voided");
    expect((await store.client.execute({ sql: "select status from payments where id = ?", args: [pb.body.id] })).rows[0]!.status).toBe("voided");
    // Once done, the job has nothing more to do: running it again tells the provider nothing.
    const { tellProviderReleased } = await import("./payment-session.ts");
    const { systemCtx } = await import("../../kernel/system-ctx.ts");
    expect(await tellProviderReleased(await systemCtx(f.t.platform, f.s.id, "test"), pb.body.id, { masterKey: f.t.platform.config.masterKey })).toBe("done");
  });

  test("payment settings changed after the session apply at completion: a sandbox authorization of a store now on Stripe is refused and voided; a switch to manual capture leaves the order pending", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(50_000, 5);
    const test1 = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const manual = await f.readyCart([{ variantId: v, quantity: 1 }], "later@example.com");
    expect((await f.pay(test1)).body.status).toBe("authorized");
    expect((await f.pay(manual)).body.status).toBe("authorized");

    // Manual capture first (still on the sandbox): the order placed now waits for the merchant.
    expect((await f.admin("/settings/payments", { method: "PATCH", json: { captureMethod: "manual" } })).status).toBe(200);
    const pending = await f.complete(manual);
    expect(pending.status).toBe(201);
    expect(pending.body.status).toBe("pending");
    const held = (await f.admin(`/orders/${pending.body.id}`)).body;
    expect(held.payment).toMatchObject({ status: "authorized", captureMethod: "manual", capturedAmount: { amount: 0 } });
    // Completing again (a lost answer) does not capture either.
    expect((await f.complete(manual)).body.status).toBe("pending");

    // Live on Stripe: the old test authorization moves no money, so it makes no order.
    expect((await f.admin("/settings/payments", { method: "PATCH", json: { provider: "stripe" } })).status).toBe(200);
    const done = await f.complete(test1);
    expect(done.status).toBe(422);
    expect(done.body.error).toMatchObject({ reason: "payment.provider_not_enabled", details: { enabled: "stripe" } });
    expect((await f.admin("/orders")).body.data.map((o: any) => o.id)).toEqual([pending.body.id]);
    expect((await f.admin(`/inventory/variants/${v}`)).body).toMatchObject({ onHand: 4, available: 4 });
    // Nor can the merchant capture the test order placed before: it would read paid with nothing behind it.
    const capture = await f.admin(`/orders/${pending.body.id}/capture`, { method: "POST" });
    expect(capture.status).toBe(409);
    expect(capture.body.error.reason).toBe("payment.provider_not_enabled");
    expect((await f.admin(`/orders/${pending.body.id}`)).body.status).toBe("pending");
  });

  test("the process dying between the order's commit and its automatic capture: the payment.capture job captures it; when the capture went through, the job does nothing", async () => {
    await using f = await checkoutFixture();
    const { checkoutFaults } = await import("./complete.ts");
    const { startTestJobs, drainJobs } = await import("../../jobs/testing.ts");
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    expect((await f.pay(id)).body.status).toBe("authorized");
    let orderId = "";
    checkoutFaults.afterOrder = (oid) => {
      orderId = oid;
      throw new Error("process killed");
    };
    try {
      expect((await f.complete(id)).status).toBe(500);
    } finally {
      checkoutFaults.afterOrder = null;
    }
    // Placed, and only authorized: nothing would capture it unless the buyer came back.
    expect((await f.admin(`/orders/${orderId}`)).body).toMatchObject({ status: "pending", payment: { status: "authorized" } });
    const store = await f.t.platform.pool.get(f.s.id);
    const owed = async () => (await store.client.execute({ sql: "select count(*) as n from outbox where topic = 'payment.capture' and payload like ?", args: [`%${orderId}%`] })).rows[0]!.n;
    expect(await owed()).toBe(1); // committed with the order
    await startTestJobs(f.t.platform); // the restarted process: its startup scan relays the row
    await f.t.platform.outbox.kick(f.s.id);
    await drainJobs(f.t.platform);
    expect((await f.admin(`/orders/${orderId}`)).body).toMatchObject({ status: "paid", payment: { status: "captured" } });

    // The usual case: captured right after checkout; the job, run later, finds nothing to do (one capture event).
    const id2 = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id2);
    const done = await f.complete(id2);
    expect(done.body.status).toBe("paid");
    await drainJobs(f.t.platform);
    const captures = (await store.client.execute({ sql: "select count(*) as n from payment_events where payment_id = ? and type = 'captured'", args: [done.body.payment?.id ?? (await f.admin(`/orders/${done.body.id}`)).body.payment.id] })).rows[0]!.n;
    expect(captures).toBe(1);
  });

  test("a session replaced and the process dying right after the new one is saved: the old authorization is still released (claimed in the same transaction, voided by the job)", async () => {
    await using f = await checkoutFixture();
    const { sessionFaults } = await import("./payment-session.ts");
    const { startTestJobs, drainJobs } = await import("../../jobs/testing.ts");
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const first = await f.pay(id);
    expect(first.body.status).toBe("authorized");
    // The new session's transaction commits; then nothing more runs (a crash, a deploy).
    sessionFaults.afterSessionSaved = () => {
      throw new Error("process killed");
    };
    try {
      expect((await f.pay(id)).status).toBe(500);
    } finally {
      sessionFaults.afterSessionSaved = null;
    }
    const store = await f.t.platform.pool.get(f.s.id);
    const kept = (await store.client.execute({ sql: "select payment_id from carts where id = ?", args: [id] })).rows[0]!.payment_id;
    expect(kept).not.toBe(first.body.id);
    // Committed with the replacement: the old session is claimed released and its payment.void job is owed.
    expect((await store.client.execute({ sql: "select status from payments where id = ?", args: [first.body.id] })).rows[0]!.status).toBe("voided");
    expect((await store.client.execute({ sql: "select count(*) as n from outbox where key = ?", args: [`payment.void:${first.body.id}`] })).rows[0]!.n).toBe(1);
    await startTestJobs(f.t.platform); // the restarted process: its startup scan relays the row
    await f.t.platform.outbox.kick(f.s.id);
    await drainJobs(f.t.platform);
    const events = (await store.client.execute({ sql: "select type from payment_events where payment_id = ? order by id", args: [first.body.id] })).rows.map((r) => r.type);
    expect(events.slice(-2)).toEqual(["void_requested", "voided"]);
    // The cart completes with the session it keeps.
    expect((await f.complete(id)).status).toBe(201);
  });

  test("a session authorized while the cart was completed elsewhere, whose void then fails: recorded and claimed released, the payment.void job voids it", async () => {
    await using f = await checkoutFixture();
    const { registerProvider, sandboxProvider } = await import("../payments/index.ts");
    const { startTestJobs, drainJobs } = await import("../../jobs/testing.ts");
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const first = await f.pay(id);
    let order: any = null;
    // A second tab starts a new session; while the provider authorizes it, the first tab completes the cart. Voiding
    // the new, unneeded authorization then fails at the provider (network).
    registerProvider({
      ...sandboxProvider,
      createSession: async (pc, input) => {
        const s = await sandboxProvider.createSession(pc, input);
        order = await f.complete(id);
        return s;
      },
      void: async () => Promise.reject(new Error("socket hang up")),
    });
    let late;
    try {
      late = await f.pay(id);
    } finally {
      registerProvider(sandboxProvider);
    }
    expect(order.status).toBe(201);
    expect(late.status).toBe(409);
    expect(late.body.error.reason).toBe("cart.completed");
    const store = await f.t.platform.pool.get(f.s.id);
    const others = (await store.client.execute({ sql: "select id, status, order_id from payments where cart_id = ? and id != ?", args: [id, first.body.id] })).rows;
    expect(others.map((r) => [r.status, r.order_id])).toEqual([["voided", null]]);
    const unused = String(others[0]!.id);
    const events = async () => (await store.client.execute({ sql: "select type from payment_events where payment_id = ? order by id", args: [unused] })).rows.map((r) => r.type);
    expect(await events()).toEqual(["session_authorized", "void_requested", "void_failed"]);
    expect((await store.client.execute({ sql: "select count(*) as n from outbox where key = ?", args: [`payment.void:${unused}`] })).rows[0]!.n).toBe(1);
    await startTestJobs(f.t.platform);
    await f.t.platform.outbox.kick(f.s.id);
    await drainJobs(f.t.platform);
    expect((await events()).at(-1)).toBe("voided");
    // The order keeps its own payment.
    expect((await f.admin(`/orders/${order.body.id}`)).body.payment).toMatchObject({ id: first.body.id, status: "captured" });
  });
});
