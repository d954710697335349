import { describe, expect, test } from "bun:test";
import { ManualClock } from "../kernel/clock.ts";
import { checkoutFixture } from "../modules/checkout/checkout.testing.ts";
import { IDEMPOTENCY_TTL_MS } from "./idempotency.ts";

const key = (k: string) => ({ "idempotency-key": k });

describe("Idempotency-Key", () => {
  test("same key + same body replays the stored response; another body → 409 idempotency.key_reused", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const body = { email: "ada@example.com", items: [{ variantId: v, quantity: 1 }] };
    const first = await f.store("/carts", { json: body, headers: key("cart-1") });
    expect(first.status).toBe(201);
    const replay = await f.store("/carts", { json: { items: body.items, email: body.email }, headers: key("cart-1") }); // same body, other key order
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    const carts = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select count(*) as n from carts"));
    expect(Number(carts.rows[0]!.n)).toBe(1);
    const other = await f.store("/carts", { json: { ...body, email: "bob@example.com" }, headers: key("cart-1") });
    expect(other.status).toBe(409);
    expect(other.body.error.reason).toBe("idempotency.key_reused");
    // Another credential has its own key space.
    const otherKey = await f.t.platform.keys.create({ storeId: f.s.id, type: "publishable" });
    const mine = await f.store("/carts", { json: { ...body, email: "bob@example.com" }, headers: key("cart-1"), pk: otherKey.token });
    expect(mine.status).toBe(201);
    expect(mine.body.id).not.toBe(first.body.id);
  });

  test("completing with a key twice returns the identical order; admin refunds with a key refund once", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.store(`/carts/${id}/payment`, { json: { provider: "sandbox", data: { card: "4242424242424242" } }, headers: key("pay-1") });
    const a = await f.store(`/carts/${id}/complete`, { method: "POST", headers: key("complete-1") });
    const b = await f.store(`/carts/${id}/complete`, { method: "POST", headers: key("complete-1") });
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
    const tooMany = await f.store("/carts", { json: { items: [{ variantId: v, quantity: 2 }] }, headers: key("k") });
    expect(tooMany.status).toBe(409);
    await f.admin("/inventory/adjustments", { json: { variantId: v, delta: 1, reason: "received" } });
    const retry = await f.store("/carts", { json: { items: [{ variantId: v, quantity: 2 }] }, headers: key("k") });
    expect(retry.status).toBe(201);
    clock.advance(IDEMPOTENCY_TTL_MS + 1);
    const later = await f.store("/carts", { json: {}, headers: key("k") });
    expect(later.status).toBe(201);
    expect(later.headers.get("idempotent-replayed")).toBeNull();
    const bad = await f.store("/carts", { json: {}, headers: key("x".repeat(256)) });
    expect(bad.status).toBe(422);
    expect(bad.body.error.reason).toBe("idempotency.invalid_key");
  });
});
