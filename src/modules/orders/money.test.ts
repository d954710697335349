// Money-moving order actions when the provider refuses, and under concurrency.
import { describe, expect, test } from "bun:test";
import { checkoutFixture, type CheckoutFixture } from "../checkout/checkout.testing.ts";
import { registerProvider, sandboxProvider, type PaymentProvider } from "../payments/index.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { orderFaults, refundOrder, settleRefundAttempt, SETTLE_AFTER_MS } from "./actions.ts";
import { AppError } from "../../kernel/errors.ts";
import { ManualClock } from "../../kernel/clock.ts";
import { drainJobs, startTestJobs } from "../../jobs/testing.ts";
import { refundSettleJob } from "./jobs.ts";

/** Runs `fn` with the sandbox swapped for a variant (the registry is per process; restored afterwards). */
async function withSandbox<T>(over: Partial<PaymentProvider>, fn: () => Promise<T>): Promise<T> {
  registerProvider({ ...sandboxProvider, ...over } as PaymentProvider);
  try {
    return await fn();
  } finally {
    registerProvider(sandboxProvider);
  }
}

/** An order of one 50 € item, paid with the sandbox (automatic capture). */
async function paidOrder(f: CheckoutFixture) {
  const v = await f.product(5_000, 5);
  const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
  await f.pay(id);
  return (await f.complete(id)).body;
}

/** The sandbox's refund, noting the idempotency key each call gives the provider. */
const keyRecordingRefund = (keys: string[]): PaymentProvider["refund"] => async (pc, ref, amount, reason, key) => {
  keys.push(key);
  return sandboxProvider.refund(pc, ref, amount, reason, key);
};

/** The next refund the provider accepts is not recorded (a crash or disk error right after the provider answered). */
function failNextRefundRecording(): void {
  orderFaults.afterRefundProvider = () => {
    orderFaults.afterRefundProvider = null;
    throw new Error("disk full");
  };
}

/** A cancellation whose provider refund went through and whose recording failed: the admin got a 500. */
async function cancelLosingItsRecording(f: CheckoutFixture, orderId: string, over: Partial<PaymentProvider> = {}): Promise<void> {
  failNextRefundRecording();
  try {
    const first = await withSandbox(over, () => f.admin(`/orders/${orderId}/cancel`, { json: { reason: "out of stock" } }));
    expect(first.status).toBe(500);
  } finally {
    orderFaults.afterRefundProvider = null;
  }
}

/** SETTLE_AFTER_MS later: the refund.settle jobs relayed from the attempts' outbox rows run. */
async function settleLater(f: CheckoutFixture, clock: ManualClock): Promise<void> {
  clock.advance(SETTLE_AFTER_MS);
  await startTestJobs(f.t.platform);
  await drainJobs(f.t.platform);
}

describe("order money actions", () => {
  test("two concurrent refunds of 60% each: one succeeds, the other is refused; the total never exceeds the capture", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const amount = Math.ceil(order.total.amount * 0.6);
    const rs = await Promise.all([1, 2].map(() => f.admin(`/orders/${order.id}/refunds`, { json: { amount, reason: "double click" } })));
    expect(rs.map((r) => r.status).sort()).toEqual([201, 409]);
    const detail = (await f.admin(`/orders/${order.id}`)).body;
    expect(detail.refundedTotal.amount).toBe(amount);
    expect(detail.refunds).toHaveLength(1);
  });

  test("six concurrent refunds (some of all that is left) never add up to more than the capture", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const third = Math.floor(order.total.amount / 3) + 1; // three of these are more than the total
    const bodies = [third, third, undefined, third, undefined, 1].map((amount, i) => ({ ...(amount !== undefined && { amount }), reason: `r${i}` }));
    const rs = await Promise.all(bodies.map((json) => f.admin(`/orders/${order.id}/refunds`, { json })));
    expect(rs.every((r) => r.status === 201 || (r.status === 409 && ["refund.exceeds_captured", "order.cancelled"].includes(r.body.error.reason)))).toBe(true);
    const detail = (await f.admin(`/orders/${order.id}`)).body;
    const refunded = detail.refunds.reduce((s: number, r: { amount: { amount: number } }) => s + r.amount.amount, 0);
    expect(refunded).toBe(detail.refundedTotal.amount);
    expect(refunded).toBe(detail.payment.refundedAmount.amount);
    expect(refunded).toBeLessThanOrEqual(detail.payment.capturedAmount.amount);
    expect(detail.refunds).toHaveLength(rs.filter((r) => r.status === 201).length);
  });

  test("a refund the provider refuses answers 402 refund.failed and changes nothing but the payment's event log", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
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

  test("a refund retried with its Idempotency-Key after the provider accepted it but its recording failed moves the money once", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const keys: string[] = [];
    const refund = keyRecordingRefund(keys);
    failNextRefundRecording(); // the provider refunded; our transaction never runs
    try {
      const headers = { "idempotency-key": "refund-ord-1-attempt" };
      const first = await withSandbox({ refund }, () => f.admin(`/orders/${order.id}/refunds`, { json: { amount: 700, reason: "damaged" }, headers }));
      expect(first.status).toBe(500);
      const retry = await withSandbox({ refund }, () => f.admin(`/orders/${order.id}/refunds`, { json: { amount: 700, reason: "damaged" }, headers }));
      expect(retry.status).toBe(201);
      expect(retry.body.refunds).toHaveLength(1);
      expect(retry.body.refundedTotal.amount).toBe(700);
      // The retry found the refund the provider made under the attempt's key (findRefund): not asked again.
      expect(keys).toHaveLength(1);
      // The same key with another amount is another request: refused, nothing moves.
      const reused = await withSandbox({ refund }, () => f.admin(`/orders/${order.id}/refunds`, { json: { amount: 300, reason: "damaged" }, headers }));
      expect(reused.status).toBe(409);
      expect(reused.body.error.reason).toBe("idempotency.key_reused");
      expect(keys).toHaveLength(1);
      // Another key is another refund (with another provider key).
      const second = await withSandbox({ refund }, () => f.admin(`/orders/${order.id}/refunds`, { json: { amount: 300, reason: "goodwill" }, headers: { "idempotency-key": "refund-ord-1-second" } }));
      expect(second.body.refunds).toHaveLength(2);
      expect(keys[1]).not.toBe(keys[0]!);
    } finally {
      orderFaults.afterRefundProvider = null;
    }
  });

  test("an attempt whose outcome is unknown counts as refunded until a retry settles it; a refusal frees its key", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const total = order.total.amount as number;
    // The provider call throws (network): did the money move? Unknown, so the attempt stays and counts.
    const lost = await withSandbox({ refund: async () => Promise.reject(new Error("socket hang up")) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: total, reason: "lost" }, headers: { "idempotency-key": "lost-1" } }),
    );
    expect(lost.status).toBe(500);
    const other = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1, reason: "another" }, headers: { "idempotency-key": "other-1" } });
    expect(other.status).toBe(409);
    expect(other.body.error.reason).toBe("refund.exceeds_captured");
    expect((await f.admin(`/orders/${order.id}`)).body.refunds).toEqual([]); // attempts are not refunds
    // The retry settles it: one refund of the whole total.
    const retry = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: total, reason: "lost" }, headers: { "idempotency-key": "lost-1" } });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ status: "refunded", refundedTotal: { amount: total } });
    expect(retry.body.refunds).toHaveLength(1);

    // A refusal: the money did not move, the key is free for another try.
    await using g = await checkoutFixture();
    const o2 = await paidOrder(g);
    const refused = await withSandbox({ refund: async () => ({ refundRef: "sbx_refund_no", status: "failed" }) }, () =>
      g.admin(`/orders/${o2.id}/refunds`, { json: { amount: 100, reason: "x" }, headers: { "idempotency-key": "k" } }),
    );
    expect(refused.status).toBe(402);
    const again = await g.admin(`/orders/${o2.id}/refunds`, { json: { amount: 100, reason: "x" }, headers: { "idempotency-key": "k" } });
    expect(again.status).toBe(201);
    expect(again.body.refundedTotal.amount).toBe(100);
  });

  test("a refund recorded whose answer was lost is found by a retry with the same key, not refunded again", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const ctx = await systemCtx(f.t.platform, f.s.id, "test");
    const deps = { masterKey: f.t.platform.config.masterKey };
    // The refund committed; the idempotency layer's own write (the stored answer) did not: the client retries.
    const a = await refundOrder(ctx, order.id, { reason: "lost answer", requestKey: "k-1" }, deps);
    const b = await refundOrder(ctx, order.id, { reason: "lost answer", requestKey: "k-1" }, deps);
    expect(b.refundedTotal).toBe(a.refundedTotal);
    expect(a.refundedTotal).toBe(order.total.amount);
    const detail = (await f.admin(`/orders/${order.id}`)).body;
    expect(detail.refunds).toHaveLength(1);
    expect(detail.status).toBe("refunded");
  });

  test("a cancellation retried after its provider refund went through but was not recorded refunds once", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const keys: string[] = [];
    const refund = keyRecordingRefund(keys);
    failNextRefundRecording();
    try {
      const first = await withSandbox({ refund }, () => f.admin(`/orders/${order.id}/cancel`, { json: { reason: "out of stock" } }));
      expect(first.status).toBe(500);
      const retry = await withSandbox({ refund }, () => f.admin(`/orders/${order.id}/cancel`, { json: { reason: "out of stock" } }));
      expect(retry.status).toBe(200);
      expect(retry.body).toMatchObject({ status: "cancelled", refundedTotal: { amount: order.total.amount } });
      expect(retry.body.refunds).toHaveLength(1);
      expect(keys).toHaveLength(1); // found, not asked again
    } finally {
      orderFaults.afterRefundProvider = null;
    }
  });

  test("the settle job records an attempt whose answer never came, once the provider shows the refund was made", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    const total = order.total.amount as number;
    let asked = 0;
    // The provider refunds, and the answer is lost on the way back (a timeout); nobody retries the request.
    const lost = await withSandbox({ refund: async (...a) => (asked++, await sandboxProvider.refund(...a), Promise.reject(new Error("timeout"))) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1_500, reason: "late parcel" } }),
    );
    expect(lost.status).toBe(500);
    expect((await f.admin(`/orders/${order.id}`)).body.refundedTotal.amount).toBe(0);
    // Before SETTLE_AFTER_MS the request could still be talking to the provider: the attempt is left alone.
    const ctx = await systemCtx(f.t.platform, f.s.id, "test");
    const deps = { masterKey: f.t.platform.config.masterKey };
    const attemptId = (await f.t.platform.pool.get(f.s.id)).client.execute("SELECT id FROM refunds WHERE status = 'requested'");
    const refundId = String((await attemptId).rows[0]![0]);
    expect(await settleRefundAttempt(ctx, order.id, refundId, deps)).toBe("early");
    // The job relayed from the attempt's outbox row settles it: the provider has the refund, so it is recorded.
    await settleLater(f, clock);
    const after = (await f.admin(`/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_500 } });
    expect(after.refunds).toHaveLength(1);
    expect(asked).toBe(1); // the job only asked what the provider did, it never asked for a refund
    expect(await settleRefundAttempt(ctx, order.id, refundId, deps)).toBe("settled");
    // The rest is refundable, and no more.
    const rest = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: total - 1_500 + 1, reason: "too much" } });
    expect(rest.status).toBe(409);
  });

  test("the settle job releases an attempt the provider never made: its amount is refundable again", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    const total = order.total.amount as number;
    // The call never reached the provider (connection refused), and nobody retries.
    const lost = await withSandbox({ refund: async () => Promise.reject(new Error("ECONNREFUSED")) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: total, reason: "never sent" } }),
    );
    expect(lost.status).toBe(500);
    // Meanwhile the unsettled attempt counts as refunded: nothing more can be refunded.
    expect((await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1, reason: "x" } })).status).toBe(409);
    await settleLater(f, clock);
    const store = await f.t.platform.pool.get(f.s.id);
    expect((await store.client.execute("SELECT count(*) FROM refunds")).rows[0]![0]).toBe(0);
    const events = await store.client.execute("SELECT type, detail FROM payment_events ORDER BY id DESC LIMIT 1");
    expect(events.rows[0]![0]).toBe("refund_failed");
    expect(String(events.rows[0]![1])).toContain("released");
    const again = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: total, reason: "second try" } });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ status: "refunded", refundedTotal: { amount: total } });
  });

  test("the settle job finishes a cancellation whose refund was made but not recorded: stock back, refunded once", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    const keys: string[] = [];
    const refund = keyRecordingRefund(keys);
    await cancelLosingItsRecording(f, order.id, { refund });
    await withSandbox({ refund }, () => settleLater(f, clock));
    const after = (await f.admin(`/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "cancelled", refundedTotal: { amount: order.total.amount } });
    expect(after.refunds).toHaveLength(1);
    expect(keys).toHaveLength(1);
    // The one unit sold is back on hand (paidOrder stocked 5).
    const store = await f.t.platform.pool.get(f.s.id);
    expect((await store.client.execute("SELECT sum(on_hand) FROM inventory_levels")).rows[0]![0]).toBe(5);
  });

  /** Ships every line left; the answer as the admin gets it. */
  const shipAll = (f: CheckoutFixture, orderId: string, n = 1) =>
    f.admin(`/orders/${orderId}/fulfillments`, { json: { carrier: "La Poste", trackingNumber: `6A12${n}`, trackingUrl: `https://laposte.fr/6A12${n}` } });

  test("a cancellation whose refund may have been made cannot be shipped while it settles (409 refund.unsettled); the settle job then finishes the cancellation", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    await cancelLosingItsRecording(f, order.id);
    // The order still reads paid, but its whole capture is in an attempt whose outcome is unknown: shipping now would
    // give the goods away if the provider did refund (the settle job records it later).
    const store = await f.t.platform.pool.get(f.s.id);
    const count = async (sql: string) => Number((await store.client.execute(sql)).rows[0]![0]);
    const before = { fulfillments: await count("select count(*) from fulfillments"), timeline: await count("select count(*) from order_events") };
    const shipped = await shipAll(f, order.id);
    expect(shipped.status).toBe(409);
    expect(shipped.body.error).toMatchObject({ code: "CONFLICT", reason: "refund.unsettled", details: { orderId: order.id } });
    expect({ fulfillments: await count("select count(*) from fulfillments"), timeline: await count("select count(*) from order_events") }).toEqual(before);
    await settleLater(f, clock);
    // Nothing went out: the cancellation finishes (refunded in full, stock back), and the order stays unshippable.
    const after = (await f.admin(`/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "cancelled", fulfillmentStatus: "unfulfilled", refundedTotal: { amount: order.total.amount }, payment: { status: "refunded" } });
    expect(after.refunds).toHaveLength(1);
    expect((await store.client.execute("SELECT sum(on_hand) FROM inventory_levels")).rows[0]![0]).toBe(5);
    expect((await shipAll(f, order.id, 2)).body.error.reason).toBe("order.cancelled");
  });

  test("a cancellation's refund settled after its lines went out anyway (shipped before refund.unsettled existed) is recorded as a refund; the order stays", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    await cancelLosingItsRecording(f, order.id);
    // fulfillOrder refuses this now; an order shipped while such an attempt was pending, before that check, is a fact.
    const store = await f.t.platform.pool.get(f.s.id);
    await store.client.execute({ sql: "UPDATE order_lines SET fulfilled_quantity = quantity WHERE order_id = ?", args: [order.id] });
    await settleLater(f, clock);
    const after = (await f.admin(`/orders/${order.id}`)).body;
    expect(after).toMatchObject({ status: "refunded", cancelledAt: null, refundedTotal: { amount: order.total.amount } });
    expect(after.refunds).toHaveLength(1);
  });

  test("a full refund whose outcome is unknown blocks shipping until it settles; released as not made, the order ships again", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    const total = order.total.amount as number;
    const lost = await withSandbox({ refund: async () => Promise.reject(new Error("socket hang up")) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: total, reason: "lost" } }),
    );
    expect(lost.status).toBe(500);
    expect((await shipAll(f, order.id)).body.error.reason).toBe("refund.unsettled");
    // The provider never made it: released, and nothing stands between the order and its shipment any more.
    await withSandbox({ findRefund: async () => null }, () => settleLater(f, clock));
    const shipped = await shipAll(f, order.id, 2);
    expect(shipped.status).toBe(201);
    expect(shipped.body).toMatchObject({ status: "fulfilled", refundedTotal: { amount: 0 } });
  });

  test("a partial refund whose outcome is unknown does not block shipping (money is still held for the goods)", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    const lost = await withSandbox({ refund: async (...a) => (await sandboxProvider.refund(...a), Promise.reject(new Error("timeout"))) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1_000, reason: "late parcel" } }),
    );
    expect(lost.status).toBe(500);
    const shipped = await shipAll(f, order.id);
    expect(shipped.status).toBe(201);
    expect(shipped.body.fulfillmentStatus).toBe("fulfilled");
    await settleLater(f, clock);
    expect((await f.admin(`/orders/${order.id}`)).body).toMatchObject({ status: "partially_refunded", fulfillmentStatus: "fulfilled", refundedTotal: { amount: 1_000 } });
  });

  test("an order whose lines were shipped before a cancellation is not cancelled (409 order.already_fulfilled): no refund is asked, nothing to settle", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    expect((await shipAll(f, order.id)).status).toBe(201);
    const keys: string[] = [];
    const refused = await withSandbox({ refund: keyRecordingRefund(keys) }, () => f.admin(`/orders/${order.id}/cancel`, { json: { reason: "out of stock" } }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.reason).toBe("order.already_fulfilled");
    expect(keys).toHaveLength(0);
    const store = await f.t.platform.pool.get(f.s.id);
    expect((await store.client.execute("SELECT count(*) FROM refunds")).rows[0]![0]).toBe(0);
    await settleLater(f, clock);
    expect((await f.admin(`/orders/${order.id}`)).body).toMatchObject({ status: "fulfilled", refundedTotal: { amount: 0 }, cancelledAt: null });
  });

  test("a retry that finds its refund failed at the provider after it was accepted is refused; nothing is recorded", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const total = order.total.amount as number;
    const headers = { "idempotency-key": "fails-later" };
    const lost = await withSandbox({ refund: async () => Promise.reject(new Error("timeout")) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1_000, reason: "x" }, headers }),
    );
    expect(lost.status).toBe(500);
    let asked = 0;
    // The provider made it, then it failed (a refund can fail after it was accepted). Asking again under the same
    // key would replay the first answer: the retry must not ask, and must not record it.
    const retry = await withSandbox(
      { findRefund: async () => ({ refundRef: "sbx_refund_failed_later", status: "failed" }), refund: async (...a) => (asked++, sandboxProvider.refund(...a)) },
      () => f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1_000, reason: "x" }, headers }),
    );
    expect(retry.status).toBe(402);
    expect(retry.body.error.reason).toBe("refund.failed");
    expect(asked).toBe(0);
    expect((await f.admin(`/orders/${order.id}`)).body).toMatchObject({ refundedTotal: { amount: 0 }, refunds: [] });
    expect((await f.admin(`/orders/${order.id}/refunds`, { json: { amount: total, reason: "all of it" } })).status).toBe(201);
  });

  test("a settle job that runs before its attempt is 10 minutes old comes back later instead of failing", async () => {
    const clock = new ManualClock(Date.now());
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    // 10 minutes of delay become 60 ms of real time; the test clock does not move on its own.
    await startTestJobs(f.t.platform, { delayScale: 1e-4 });
    const lost = await withSandbox({ refund: async (...a) => (await sandboxProvider.refund(...a), Promise.reject(new Error("timeout"))) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1_000, reason: "late" } }),
    );
    expect(lost.status).toBe(500);
    const store = await f.t.platform.pool.get(f.s.id);
    const refundId = String((await store.client.execute("SELECT id FROM refunds")).rows[0]![0]);
    // The first run finds the attempt too young (the test clock stood still) and schedules itself again.
    const later = f.t.platform.jobs.jobId(refundSettleJob, f.s.id, `refund.settle:${refundId}:later:1`);
    for (let i = 0; i < 400 && !(await f.t.platform.jobs.q.getJob(later)); i++) await Bun.sleep(5);
    expect(await f.t.platform.jobs.q.getJob(later)).toBeTruthy();
    clock.advance(SETTLE_AFTER_MS);
    await drainJobs(f.t.platform);
    expect((await f.admin(`/orders/${order.id}`)).body).toMatchObject({ refundedTotal: { amount: 1_000 }, status: "partially_refunded" });
  });

  test("cancelling while another refund's outcome is unknown is refused (409 refund.unsettled); once it settles as not made, the cancel refunds everything", async () => {
    const clock = new ManualClock(Date.parse("2026-05-01T10:00:00Z"));
    await using f = await checkoutFixture({ clock });
    const order = await paidOrder(f);
    const total = order.total.amount as number;
    const lost = await withSandbox({ refund: async () => Promise.reject(new Error("socket hang up")) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: total, reason: "lost" }, headers: { "idempotency-key": "lost-cancel-1" } }),
    );
    expect(lost.status).toBe(500);
    const early = await f.admin(`/orders/${order.id}/cancel`, { json: { reason: "buyer asked" } });
    expect(early.status).toBe(409);
    expect(early.body.error.reason).toBe("refund.unsettled");
    // The provider never made it: the settle job releases it and says so on the order.
    await withSandbox({ findRefund: async () => null }, () => settleLater(f, clock));
    const released = (await f.admin(`/orders/${order.id}`)).body;
    expect(released.timeline.map((e: { type: string }) => e.type)).toContain("refund_failed");
    const cancelled = await f.admin(`/orders/${order.id}/cancel`, { json: { reason: "buyer asked" } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled", refundedTotal: { amount: total }, payment: { refundedAmount: { amount: total } } });
  });

  test("refunding a cancelled order whose money all went back says the order is cancelled (409 order.cancelled), not to cancel it or that the amount is too high", async () => {
    await using f = await checkoutFixture();
    // Cancelled after its capture: the cancellation refunded everything.
    const paid = await paidOrder(f);
    expect((await f.admin(`/orders/${paid.id}/cancel`, { json: { reason: "buyer asked" } })).status).toBe(200);
    // Cancelled before any capture (the capture failed at checkout): the cancellation voided the authorization.
    const v = await f.product(5_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id);
    const pending = (await withSandbox({ capture: async (_pc, ref) => ({ providerRef: ref, status: "authorized", clientSecret: null, nextAction: null, failureReason: "processor_unavailable" }) }, () => f.complete(id))).body;
    expect(pending.status).toBe("pending");
    expect((await f.admin(`/orders/${pending.id}/cancel`, { json: { reason: "no payment" } })).body.payment.status).toBe("voided");
    for (const o of [paid, pending]) {
      for (const json of [{ reason: "again" }, { amount: 100, reason: "again" }]) {
        const r = await f.admin(`/orders/${o.id}/refunds`, { json });
        expect(r.status).toBe(409);
        expect(r.body.error).toMatchObject({ code: "CONFLICT", reason: "order.cancelled" });
        expect(r.body.error.message).toContain("nothing left to refund");
      }
    }
    // Still the usual answers for an order that is not cancelled.
    const open = await paidOrder(f);
    expect((await f.admin(`/orders/${open.id}/refunds`, { json: { amount: open.total.amount + 1, reason: "x" } })).body.error.reason).toBe("refund.exceeds_captured");
  });

  test("refundOrder checks its amount itself (callers other than the route: jobs, overrides): whole minor units, at least 1; nothing moves otherwise", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const ctx = await systemCtx(f.t.platform, f.s.id, "test");
    const deps = { masterKey: f.t.platform.config.masterKey };
    for (const amount of [1.5, 0, -500, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      const e = await (async () => refundOrder(ctx, order.id, { amount, reason: "x" }, deps))().then(() => null, (x: unknown) => x);
      expect(e, String(amount)).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe("VALIDATION");
      expect((e as AppError).reason).toBe("refund.invalid_amount");
    }
    const store = await f.t.platform.pool.get(f.s.id);
    expect((await store.client.execute("select count(*) from refunds")).rows[0]![0]).toBe(0);
    // The order stays readable and whole: no fraction of a cent was recorded anywhere.
    const detail = await f.admin(`/orders/${order.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: "paid", refundedTotal: { amount: 0 }, payment: { refundedAmount: { amount: 0 } } });
  });

  test("a refund the provider refuses outright (an invalid request) frees its amount at once, not after the settle job", async () => {
    await using f = await checkoutFixture();
    const order = await paidOrder(f);
    const { AppError } = await import("../../kernel/errors.ts");
    const refused = await withSandbox({ refund: async () => Promise.reject(new AppError("CONFLICT", "payment.provider_rejected", "refused")) }, () =>
      f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1_000, reason: "x" }, headers: { "idempotency-key": "refused-1" } }),
    );
    expect(refused.status).toBe(409);
    const again = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: order.total.amount, reason: "all" } });
    expect(again.status).toBe(201);
    expect(again.body.refundedTotal.amount).toBe(order.total.amount);
  });
});
