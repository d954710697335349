import { describe, expect, test } from "bun:test";
import { ManualClock } from "../kernel/clock.ts";
import { checkoutFixture } from "../modules/checkout/checkout.testing.ts";
import { IDEMPOTENCY_TTL_MS, idempotencyFaults } from "./idempotency.ts";
import { storeHeaders } from "../testing/harness.ts";

const key = (k: string) => ({ "idempotency-key": k });
// Storefront keys (publishable key) must be at least 16 characters: random values, as a storefront would send.
const CART_KEY = "cart-3c1f8a52-9e0b-4d7f";
const K = "k-6e2b91d0c4a7f358";

describe("Idempotency-Key", () => {
  test("same key + same body replays the stored response; another body → 409 idempotency.key_reused", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const body = { email: "ada@example.com", items: [{ variantId: v, quantity: 1 }] };
    const first = await f.store("/carts", { json: body, headers: key(CART_KEY) });
    expect(first.status).toBe(201);
    const replay = await f.store("/carts", { json: { items: body.items, email: body.email }, headers: key(CART_KEY) }); // same body, other key order
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const carts = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select count(*) as n from carts"));
    expect(Number(carts.rows[0]!.n)).toBe(1);
    const other = await f.store("/carts", { json: { ...body, email: "bob@example.com" }, headers: key(CART_KEY) });
    expect(other.status).toBe(409);
    expect(other.body.error.reason).toBe("idempotency.key_reused");
    // Another credential has its own key space.
    const otherKey = await f.t.platform.keys.create({ storeId: f.s.id, type: "publishable" });
    const mine = await f.store("/carts", { json: { ...body, email: "bob@example.com" }, headers: key(CART_KEY), pk: otherKey.token });
    expect(mine.status).toBe(201);
    expect(mine.body.id).not.toBe(first.body.id);
  });

  test("completing with a key twice returns the identical order; admin refunds with a key refund once", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.store(`/carts/${id}/payment`, { json: { provider: "sandbox", data: { card: "4242424242424242" } }, headers: key("pay-5f0c9e2a-1b7d-4e3a") });
    const a = await f.store(`/carts/${id}/complete`, { method: "POST", headers: key("complete-8d2e6b1f-77c4") });
    const b = await f.store(`/carts/${id}/complete`, { method: "POST", headers: key("complete-8d2e6b1f-77c4") });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body).toEqual(a.body);
    const r1 = await f.admin(`/orders/${a.body.id}/refunds`, { json: { amount: 100, reason: "late" }, headers: key("refund-1") });
    const r2 = await f.admin(`/orders/${a.body.id}/refunds`, { json: { amount: 100, reason: "late" }, headers: key("refund-1") });
    expect(r2.body).toEqual(r1.body);
    expect(r2.body.refunds).toHaveLength(1);
    const r3 = await f.admin(`/orders/${a.body.id}/refunds`, { json: { amount: 200, reason: "late" }, headers: key("refund-1") });
    expect(r3.body.error.reason).toBe("idempotency.key_reused");
  });

  test("a failed request stores nothing (a retry with the same key runs again); keys expire after 24 h; bad keys → 422", async () => {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    await using f = await checkoutFixture({ clock });
    const v = await f.product(1_000, 1);
    const tooMany = await f.store("/carts", { json: { items: [{ variantId: v, quantity: 2 }] }, headers: key(K) });
    expect(tooMany.status).toBe(409);
    await f.admin("/inventory/adjustments", { json: { variantId: v, delta: 1, reason: "received" } });
    const retry = await f.store("/carts", { json: { items: [{ variantId: v, quantity: 2 }] }, headers: key(K) });
    expect(retry.status).toBe(201);
    clock.advance(IDEMPOTENCY_TTL_MS + 1);
    const later = await f.store("/carts", { json: {}, headers: key(K) });
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
    const bad = await f.store("/carts", { json: {}, headers: key("x".repeat(256)) });
    expect(bad.status).toBe(422);
    expect(bad.body.error.reason).toBe("idempotency.invalid_key");
  });

  test("a refund's key after 24 h: the same or another request is 409 refund.key_expired (never a silent 201); a new key refunds", async () => {
    const clock = new ManualClock(Date.parse("2026-01-01T00:00:00Z"));
    await using f = await checkoutFixture({ clock });
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.store(`/carts/${id}/payment`, { json: { provider: "sandbox", data: { card: "4242424242424242" } } });
    const order = (await f.store(`/carts/${id}/complete`, { method: "POST" })).body;
    const refund = (json: unknown, k: string) => f.admin(`/orders/${order.id}/refunds`, { json, headers: key(k) });
    expect((await refund({ amount: 100, reason: "late" }, "refund-k")).status).toBe(201);
    clock.advance(IDEMPOTENCY_TTL_MS + 1_000);
    for (const body of [{ amount: 100, reason: "late" }, { amount: 300, reason: "damaged" }]) {
      const late = await refund(body, "refund-k");
      expect(late.status).toBe(409);
      expect(late.body.error.reason).toBe("refund.key_expired");
    }
    const fresh = await refund({ amount: 300, reason: "damaged" }, "refund-k2");
    expect(fresh.status).toBe(201);
    expect(fresh.body).toMatchObject({ refundedTotal: { amount: 400 } });
    expect(fresh.body.refunds).toHaveLength(2);
  });

  test("storefront keys are shared by every buyer of the publishable key: a short one is refused, and a 409 tells nothing of the first request", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const short = await f.store("/carts", { json: {}, headers: key("create-cart") });
    expect(short.status).toBe(422);
    expect(short.body.error.reason).toBe("idempotency.key_too_short");
    // The admin API's keys are its own secret: short ones stay allowed there.
    expect((await f.admin("/inventory/adjustments", { json: { variantId: v, delta: 1, reason: "received" }, headers: key("adj-1") })).status).toBe(201);
    // Buyer A uses a key for a line; buyer B happens to send the same key elsewhere: 409, and no cart id in it.
    const a = await f.store("/carts", { json: {}, headers: key("a-cart-0d4f1e9b2c6a") });
    const line = await f.store(`/carts/${a.body.id}/lines`, { json: { variantId: v, quantity: 1 }, headers: key("same-key-71c5e2f09ab3") });
    expect(line.status).toBeLessThan(300);
    const b = await f.store("/carts", { json: {}, headers: key("same-key-71c5e2f09ab3") });
    expect(b.status).toBe(409);
    expect(b.body.error.reason).toBe("idempotency.key_reused");
    expect(JSON.stringify(b.body)).not.toContain(a.body.id);
  });

  test("a body nested deeper than 64 levels, or holding more than 100,000 values, with a key is refused (422), not a 500", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const N = 50_000; // written out by hand: JSON.stringify itself cannot go this deep
    const body = `{"provider":"sandbox","data":{"card":"4242424242424242","x":${"[".repeat(N)}1${"]".repeat(N)}}}`;
    const res = await f.t.request(`/v1/store/carts/${id}/payment`, { method: "POST", headers: { ...storeHeaders(f.s.pk, key("pay-deep-2b8e4c1a9f07")), "content-type": "application/json" }, body });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { reason: string } }).error.reason).toBe("idempotency.body_too_deep");
    // Wide instead of deep: the walk is bounded in values too.
    const wide = await f.store(`/carts/${id}/payment`, { json: { provider: "sandbox", data: { card: "4242424242424242", x: new Array(200_000).fill(0) } }, headers: key("pay-wide-5d1c7a3e9b20") });
    expect(wide.status).toBe(422);
    expect(wide.body.error.reason).toBe("idempotency.body_too_large");
  });

  test("a retry that looked the key up while the first request ran, and goes on after it finished, is not run a second time", async () => {
    await using f = await checkoutFixture();
    const K2 = "race-4a7c1e9b0d2f6835";
    const body = { email: "ada@example.com" };
    // A has looked the key up (nothing stored yet) and is held; B arrives meanwhile. Where B also finds nothing,
    // it lets A finish (stored, marker released) before it goes on: the window between a lookup and the marker.
    let first = true;
    let releaseA!: () => void;
    const aHeld = new Promise<void>((r) => (releaseA = r));
    let aLookedUp!: () => void;
    const aAtLookup = new Promise<void>((r) => (aLookedUp = r));
    let a!: ReturnType<typeof f.store>;
    idempotencyFaults.afterLookup = async () => {
      if (first) {
        first = false;
        aLookedUp();
        await aHeld;
        return;
      }
      releaseA();
      await a;
    };
    let b;
    try {
      a = f.store("/carts", { json: body, headers: key(K2) });
      await aAtLookup;
      b = await f.store("/carts", { json: body, headers: key(K2) });
      releaseA();
      await a;
    } finally {
      idempotencyFaults.afterLookup = null;
    }
    const ra = await a;
    expect(ra.status).toBe(201);
    // B waits its turn (409 in_progress) or replays A's answer; it never creates a second cart.
    if (b.status === 409) expect(b.body.error.reason).toBe("idempotency.in_progress");
    else expect(b.body).toEqual(ra.body);
    const carts = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select count(*) as n from carts"));
    expect(Number(carts.rows[0]!.n)).toBe(1);
  });
});
