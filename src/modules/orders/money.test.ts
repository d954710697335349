// Money-moving order actions when the provider refuses, and under concurrency.
import { describe, expect, test } from "bun:test";
import { checkoutFixture } from "../checkout/checkout.testing.ts";
import { registerProvider, sandboxProvider, type PaymentProvider } from "../payments/index.ts";

/** Runs `fn` with the sandbox swapped for a variant (the registry is per process; restored afterwards). */
async function withSandbox<T>(over: Partial<PaymentProvider>, fn: () => Promise<T>): Promise<T> {
  registerProvider({ ...sandboxProvider, ...over } as PaymentProvider);
  try {
    return await fn();
  } finally {
    registerProvider(sandboxProvider);
  }
}

describe("order money actions", () => {
  test("two concurrent refunds of 60% each: one succeeds, the other is refused; the total never exceeds the capture", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(5_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    const amount = Math.ceil(order.total.amount * 0.6);
    const rs = await Promise.all([1, 2].map(() => f.admin(`/orders/${order.id}/refunds`, { json: { amount, reason: "double click" } })));
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409]);
    const detail = (await f.admin(`/orders/${order.id}`)).body;
    expect(detail.refundedTotal.amount).toBe(amount);
    expect(detail.refunds).toHaveLength(1);
  });

  test("a refund the provider refuses answers 402 refund.failed and changes nothing but the payment's event log", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(5_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    const r = await withSandbox({ refund: async () => ({ refundRef: "sbx_refund_x", status: "failed" }) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: 100, reason: "x" } }),
    );
    expect(r.status).toBe(402);
    expect(r.body.error.reason).toBe("refund.failed");
    const detail = (await f.admin(`/orders/${order.id}`)).body;
    expect(detail).toMatchObject({ status: "paid", refundedTotal: { amount: 0 }, refunds: [] });
    const events = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select type from payment_events order by id"));
    expect(events.rows.map((e) => e.type)).toContain("refund_failed");
  });

  test("a capture that fails after checkout leaves the order pending with a timeline entry; the admin retries it", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(5_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id);
    const placed = await withSandbox({ capture: async (_pc, ref) => ({ providerRef: ref, status: "authorized", clientSecret: null, nextAction: null, failureReason: "processor_unavailable" }) }, () => f.complete(id));
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe("pending");
    const detail = (await f.admin(`/orders/${placed.body.id}`)).body;
    expect(detail.timeline.map((e: any) => e.type)).toEqual(["placed", "capture_failed"]);
    const retried = await f.admin(`/orders/${placed.body.id}/capture`, { method: "POST" });
    expect(retried.body).toMatchObject({ status: "paid", payment: { status: "captured" } });
  });

  test("checkout's capture and the admin's refund answer without waiting for the outbox relay they kick", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(5_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id);
    // A relay pass that never ends (a slow jobs file, a long batch): the buyer and the admin must not wait for it.
    const relay = f.t.platform.outbox;
    const kick = relay.kick.bind(relay);
    let kicks = 0;
    relay.kick = () => {
      kicks++;
      return new Promise<void>(() => {});
    };
    try {
      const placed = await f.complete(id);
      expect(placed.status).toBe(201);
      expect(placed.body.status).toBe("paid");
      const refund = await f.admin(`/orders/${placed.body.id}/refunds`, { json: { amount: 100, reason: "goodwill" } });
      expect(refund.status).toBe(201);
      expect(kicks).toBeGreaterThanOrEqual(3); // order, capture, refund
    } finally {
      relay.kick = kick;
    }
  });
});
