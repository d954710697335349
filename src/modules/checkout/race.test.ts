import { describe, expect, test } from "bun:test";
import { checkoutFixture } from "./checkout.testing.ts";
import { checkoutFaults } from "./complete.ts";

async function rows(f: { t: any; s: any }, sql: string, args: unknown[] = []) {
  const store = await f.t.platform.pool.get(f.s.id);
  return (await store.client.execute({ sql, args })).rows as Array<Record<string, unknown>>;
}

describe("no overselling", () => {
  test("100 concurrent completes for 10 units: 10 orders, 90 clean 409s with voided authorizations, stock 0", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 10);
    const carts = await Promise.all(Array.from({ length: 100 }, async (_, i) => {
      const id = await f.readyCart([{ variantId, quantity: 1 }], `buyer${i}@example.com`);
      expect((await f.pay(id)).status).toBe(201);
      return id;
    }));
    const results = await Promise.all(carts.map((id) => f.complete(id)));
    const won = results.filter((r) => r.status === 201);
    const lost = results.filter((r) => r.status === 409);
    expect(won).toHaveLength(10);
    expect(lost).toHaveLength(90);
    for (const r of lost) expect(r.body.error.reason).toBe("cart.insufficient_stock");
    // Order numbers are dense and unique under concurrency.
    expect(won.map((r) => r.body.number).sort()).toEqual(Array.from({ length: 10 }, (_, i) => 1001 + i));
    const level = await rows(f, "select sum(on_hand) as n from inventory_levels where variant_id = ?", [variantId]);
    expect(Number(level[0]!.n)).toBe(0);
    const active = await rows(f, "select count(*) as n from inventory_reservations where status = 'active'");
    expect(Number(active[0]!.n)).toBe(0);
    const loserPayments = lost.map((r) => r.body.error.details.paymentId as string);
    const statuses = await rows(f, `select status from payments where id in (${loserPayments.map(() => "?").join(",")})`, loserPayments);
    expect(statuses.map((r) => r.status)).toEqual(Array(90).fill("voided"));
    expect(Number((await rows(f, "select count(*) as n from orders"))[0]!.n)).toBe(10);
  }, 60_000);

  test("a failure between authorization and order creation leaves no order, no reservation, and voids the authorization", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 3);
    const id = await f.readyCart([{ variantId, quantity: 2 }]);
    const pay = await f.pay(id);
    checkoutFaults.afterAuthorize = () => {
      throw new Error("injected crash");
    };
    try {
      const r = await f.complete(id);
      expect(r.status).toBe(500);
    } finally {
      checkoutFaults.afterAuthorize = null;
    }
    expect(Number((await rows(f, "select count(*) as n from orders"))[0]!.n)).toBe(0);
    expect(Number((await rows(f, "select count(*) as n from inventory_reservations"))[0]!.n)).toBe(0);
    expect((await rows(f, "select status from payments where id = ?", [pay.body.id]))[0]!.status).toBe("voided");
    const cart = await f.store(`/carts/${id}`);
    expect(cart.body).toMatchObject({ status: "open", orderId: null, payment: { status: "voided" } });
    // The buyer can pay again and complete.
    expect((await f.complete(id)).body.error.reason).toBe("payment.voided");
    expect((await f.pay(id)).status).toBe(201);
    expect((await f.complete(id)).status).toBe(201);
  });

  test("completing the same cart concurrently creates one order", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId, quantity: 1 }]);
    await f.pay(id);
    const rs = await Promise.all(Array.from({ length: 5 }, () => f.complete(id)));
    expect(new Set(rs.map((r) => r.body.id)).size).toBe(1);
    expect(rs.filter((r) => r.status === 201)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 200)).toHaveLength(4);
    expect(Number((await rows(f, "select count(*) as n from orders"))[0]!.n)).toBe(1);
  });

  test("a payment session replaced while completing: the completion is refused, the old authorization voided, the new one completes", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId, quantity: 1 }]);
    const first = await f.pay(id);
    let second: any = null;
    checkoutFaults.afterAuthorize = async () => {
      checkoutFaults.afterAuthorize = null;
      second = (await f.pay(id)).body;
    };
    try {
      const r = await f.complete(id);
      expect(r.status).toBe(409);
      expect(r.body.error.reason).toBe("cart.payment_outdated");
    } finally {
      checkoutFaults.afterAuthorize = null;
    }
    const status = async (pid: string) => (await rows(f, "select status from payments where id = ?", [pid]))[0]!.status;
    expect(await status(first.body.id)).toBe("voided");
    expect(await status(second.id)).toBe("authorized");
    const done = await f.complete(id);
    expect(done.status).toBe(201);
    expect(await status(second.id)).toBe("captured");
  });

  test("a cart edited while it is being completed: 409 cart.changed, no order; the edit stands and the next completion decides on the session", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId, quantity: 1 }]);
    const pay = await f.pay(id);
    const lineId = (await f.store(`/carts/${id}`)).body.lines[0].id as string;
    let edit = 0;
    // The buyer changes the quantity in another tab while the provider answers the completion.
    checkoutFaults.afterAuthorize = async () => {
      checkoutFaults.afterAuthorize = null;
      edit = (await f.store(`/carts/${id}/lines/${lineId}`, { method: "PATCH", json: { quantity: 3 } })).status;
    };
    try {
      const r = await f.complete(id);
      expect(r.status).toBe(409);
      expect(r.body.error.reason).toBe("cart.changed");
    } finally {
      checkoutFaults.afterAuthorize = null;
    }
    expect(edit).toBe(200);
    expect(await rows(f, "select id from orders where cart_id = ?", [id])).toHaveLength(0);
    // The session is kept: completing again checks it against the cart as it is now (3 items: another total).
    expect((await rows(f, "select status from payments where id = ?", [pay.body.id]))[0]!.status).toBe("authorized");
    const again = await f.complete(id);
    expect(again.body.error.reason).toBe("cart.payment_outdated");
    expect((await rows(f, "select status from payments where id = ?", [pay.body.id]))[0]!.status).toBe("voided");
    // What the buyer sees is what they get: a new session for the edited cart, then the order has 3.
    expect((await f.pay(id)).status).toBe(201);
    const done = await f.complete(id);
    expect(done.status).toBe(201);
    expect(done.body.lines[0].quantity).toBe(3);
  });

  test("two payment sessions started at once: every session but the one the cart keeps is voided", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId, quantity: 1 }]);
    await f.pay(id);
    await Promise.all([f.pay(id), f.pay(id)]);
    const kept = (await rows(f, "select payment_id from carts where id = ?", [id]))[0]!.payment_id;
    const all = await rows(f, "select id, status from payments where cart_id = ? order by id", [id]);
    expect(all).toHaveLength(3);
    expect(all.filter((p) => p.status === "authorized").map((p) => p.id)).toEqual([kept]);
    expect(all.filter((p) => p.status === "voided")).toHaveLength(2);
  });

  test("stock tracking turned on while a cart completes: the order transaction takes stock by the new policy (409, no oversell)", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, null); // untracked: sells without stock
    const id = await f.readyCart([{ variantId, quantity: 3 }]);
    const pay = await f.pay(id);
    const productId = (await f.admin("/products?limit=100")).body.data.find((p: any) => p.variants.some((v: any) => v.id === variantId)).id;
    checkoutFaults.afterAuthorize = async () => {
      checkoutFaults.afterAuthorize = null;
      expect((await f.admin(`/products/${productId}/variants/${variantId}`, { method: "PATCH", json: { trackInventory: true } })).status).toBe(200);
    };
    try {
      const r = await f.complete(id);
      expect(r.status).toBe(409);
      expect(r.body.error.reason).toBe("cart.insufficient_stock");
    } finally {
      checkoutFaults.afterAuthorize = null;
    }
    expect((await rows(f, "select status from payments where id = ?", [pay.body.id]))[0]!.status).toBe("voided");
    const level = await f.admin(`/inventory/variants/${variantId}`);
    expect(level.body).toMatchObject({ trackInventory: true, onHand: 0 });
  });

  test("stock held only at another location: the sale takes it from there (no negative default), and a cancel puts it back there", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 0);
    const wh = await f.admin("/inventory/locations", { json: { name: "Warehouse B" } });
    expect(wh.status).toBe(201);
    expect((await f.admin("/inventory/adjustments", { json: { variantId, delta: 2, reason: "received", locationId: wh.body.id } })).status).toBe(201);
    const id = await f.readyCart([{ variantId, quantity: 2 }]);
    await f.pay(id);
    const order = await f.complete(id);
    expect(order.status).toBe(201);
    const levels = async () => Object.fromEntries((await rows(f, "select location_id, on_hand from inventory_levels where variant_id = ?", [variantId])).map((r) => [r.location_id, r.on_hand]));
    const before = await levels();
    expect(before[wh.body.id]).toBe(0);
    expect(Object.values(before).every((n) => Number(n) >= 0)).toBe(true);
    expect((await rows(f, "select location_id from order_lines where order_id = ?", [order.body.id]))[0]!.location_id).toBe(wh.body.id);
    expect((await f.admin(`/orders/${order.body.id}/cancel`, { json: { reason: "changed mind" } })).status).toBe(200);
    expect((await levels())[wh.body.id]).toBe(2);
  });

  test("an edit that sets the same values while completing changes nothing: the order is placed", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId, quantity: 1 }]);
    await f.pay(id);
    checkoutFaults.afterAuthorize = async () => {
      checkoutFaults.afterAuthorize = null;
      expect((await f.store(`/carts/${id}`, { method: "PATCH", json: { email: "ada@example.com" } })).status).toBe(200); // an auto-save
    };
    try {
      expect((await f.complete(id)).status).toBe(201);
    } finally {
      checkoutFaults.afterAuthorize = null;
    }
  });

  test("two completions of one session, one refused on a newer price: the refusal's void and the other's order never both happen", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId, quantity: 1 }]);
    const pay = await f.pay(id);
    const method = (await f.store(`/carts/${id}`)).body.shippingMethod;
    const zone = (await f.admin("/shipping-zones")).body.data.find((z: any) => z.rates.some((r: any) => r.id === method.optionId));
    // X (the buyer) is authorized and about to place the order. Meanwhile the merchant changes the rate and Y (Stripe's
    // webhook, another tab) completes: the cart prices differently now, so Y refuses and voids the session. The cart
    // rows did not change, so X's only protection is the payment's state in its order transaction.
    let y: { status: number; body: any } | null = null;
    checkoutFaults.afterAuthorize = async () => {
      checkoutFaults.afterAuthorize = null;
      expect((await f.admin(`/shipping-zones/${zone.id}/rates/${method.optionId}`, { method: "PATCH", json: { amount: 990 } })).status).toBe(200);
      y = await f.complete(id);
    };
    let x;
    try {
      x = await f.complete(id);
    } finally {
      checkoutFaults.afterAuthorize = null;
    }
    expect(y!.body.error.reason).toBe("cart.payment_outdated");
    expect(x.status).toBe(402);
    expect(x.body.error.reason).toBe("payment.voided");
    expect(await rows(f, "select id from orders where cart_id = ?", [id])).toHaveLength(0);
    expect((await rows(f, "select status, order_id from payments where id = ?", [pay.body.id]))[0]).toEqual({ status: "voided", order_id: null });
  });
});
