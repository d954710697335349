import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../kernel/clock.ts";
import { adminHeaders } from "../../testing/harness.ts";
import { checkoutFixture } from "../checkout/checkout.testing.ts";
import { deriveStatus } from "./orders.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { withTx } from "../../db/tx.ts";
import { paymentRow, recordPaymentEvent } from "../payments/index.ts";
import type { AppError } from "../../kernel/errors.ts";
import { fulfillOrder } from "./actions.ts";
import { requestReturn } from "./returns.ts";

describe("orders", () => {
  test("admin list filters by status, e-mail, number and date, with a cursor; returning buyers are one customer", async () => {
    const clock = new ManualClock(Date.parse("2026-03-01T10:00:00Z"));
    await using f = await checkoutFixture({ clock });
    const v = await f.product(1_000, 50);
    const place = async (email: string) => {
      const id = await f.readyCart([{ variantId: v, quantity: 1 }], email);
      await f.pay(id);
      const r = await f.complete(id);
      clock.advance(24 * 3_600_000);
      return r.body;
    };
    const o1 = await place("ada@example.com");
    const o2 = await place("bob@example.com");
    const o3 = await place("ADA@example.com");
    await f.admin(`/orders/${o2.id}/refunds`, { json: { amount: 100, reason: "scratch" } });
    const all = await f.admin("/orders?limit=2");
    expect(all.body.data.map((o: any) => o.number)).toEqual([1003, 1002]);
    const next = await f.admin(`/orders?limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.data.map((o: any) => o.number)).toEqual([1001]);
    expect(next.body.nextCursor).toBeNull();
    expect((await f.admin("/orders?status=partially_refunded")).body.data.map((o: any) => o.id)).toEqual([o2.id]);
    expect((await f.admin("/orders?status=paid,partially_refunded")).body.data).toHaveLength(3);
    expect((await f.admin("/orders?email=ada@example.com")).body.data.map((o: any) => o.id)).toEqual([o3.id, o1.id]);
    expect((await f.admin("/orders?number=1002")).body.data.map((o: any) => o.id)).toEqual([o2.id]);
    const day2 = await f.admin("/orders?createdFrom=2026-03-02T00:00:00Z&createdTo=2026-03-02T23:59:59Z");
    expect(day2.body.data.map((o: any) => o.id)).toEqual([o2.id]);
    expect((await f.admin("/orders?status=shipped")).status).toBe(422);
    const customers = await f.admin("/customers");
    expect(customers.body.data).toHaveLength(2);
    const ada = customers.body.data.find((c: any) => c.email === "ada@example.com");
    expect(ada.ordersCount).toBe(2);
    expect((await f.admin(`/customers/${ada.id}`)).body.orders.map((o: any) => o.id)).toEqual([o3.id, o1.id]);
    expect((await f.admin("/customers?email=bob")).body.data.map((c: any) => c.email)).toEqual(["bob@example.com"]);
  });

  test("admin order routes need their permissions", async () => {
    await using f = await checkoutFixture();
    const reader = await f.t.platform.keys.create({ storeId: f.s.id, type: "secret", scopes: ["orders:read"] });
    const h = adminHeaders(reader.token);
    expect((await f.t.request("/v1/admin/orders", { headers: h })).status).toBe(200);
    const refund = await f.t.request("/v1/admin/orders/ord_01JD0000000000000000000000/refunds", { method: "POST", headers: h, json: { reason: "x" } });
    expect(refund.status).toBe(403);
    expect((await f.t.request("/v1/admin/customers", { headers: h })).status).toBe(403);
    expect((await f.t.request("/v1/admin/settings/payments", { headers: h })).status).toBe(403);
    // customers:read alone reads the customer and their order count, not the orders themselves.
    const v = await f.product(1_000, 5);
    const cart = await f.readyCart([{ variantId: v, quantity: 1 }], "cs@example.com");
    await f.pay(cart);
    const order = (await f.complete(cart)).body;
    const customerId = (await f.admin(`/orders/${order.id}`)).body.customerId;
    const cs = adminHeaders((await f.t.platform.keys.create({ storeId: f.s.id, type: "secret", scopes: ["customers:read"] })).token);
    const seen = await (await f.t.request(`/v1/admin/customers/${customerId}`, { headers: cs })).json();
    expect(seen).toMatchObject({ email: "cs@example.com", ordersCount: 1, orders: [] });
    const both = adminHeaders((await f.t.platform.keys.create({ storeId: f.s.id, type: "secret", scopes: ["customers:read", "orders:read"] })).token);
    expect((await (await f.t.request(`/v1/admin/customers/${customerId}`, { headers: both })).json()).orders.map((o: any) => o.id)).toEqual([order.id]);
  });

  test("the status follows from the facts", () => {
    const o = { cancelledAt: null, refundedTotal: 0 };
    const line = (quantity: number, fulfilledQuantity: number) => ({ quantity, fulfilledQuantity });
    expect(deriveStatus(o, { capturedAmount: 0 }, [line(2, 0)])).toBe("pending");
    expect(deriveStatus(o, { capturedAmount: 0, amount: 0, status: "captured" }, [line(2, 0)])).toBe("paid"); // a free order
    expect(deriveStatus(o, { capturedAmount: 0, amount: 0, status: "authorized" }, [line(2, 0)])).toBe("pending");
    expect(deriveStatus(o, { capturedAmount: 10 }, [line(2, 0)])).toBe("paid");
    expect(deriveStatus(o, { capturedAmount: 10 }, [line(2, 1)])).toBe("partially_fulfilled");
    expect(deriveStatus(o, { capturedAmount: 10 }, [line(2, 2), line(1, 1)])).toBe("fulfilled");
    expect(deriveStatus({ ...o, refundedTotal: 4 }, { capturedAmount: 10 }, [line(2, 2)])).toBe("partially_refunded");
    expect(deriveStatus({ ...o, refundedTotal: 10 }, { capturedAmount: 10 }, [line(2, 2)])).toBe("refunded");
    expect(deriveStatus({ cancelledAt: 1, refundedTotal: 10 }, { capturedAmount: 10 }, [line(2, 0)])).toBe("cancelled");
  });

  test("order.fulfilled says complete when every line shipped, even for a partly refunded order; tracking URLs need a host and no spaces", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 2 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    expect((await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 100, reason: "gesture" } })).status).toBe(201);
    const ship = (trackingUrl: string) => f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "colissimo", trackingNumber: "6A1", trackingUrl } });
    for (const bad of ["https://", "http://x\njavascript:alert(1)", "https://exa mple.com/t"]) {
      const r = await ship(bad);
      expect(r.status).toBe(422);
      expect(r.body.error.reason).toBe("fulfillment.invalid_tracking_url");
    }
    const done = await ship("https://www.laposte.fr/suivi?code=6A1");
    expect(done.status).toBe(201);
    expect(done.body).toMatchObject({ status: "partially_refunded", fulfillmentStatus: "fulfilled" });
    const store = await f.t.platform.pool.get(f.s.id);
    const ev = (await store.client.execute({ sql: "select payload from outbox where key like ?", args: ["order.fulfilled:%"] })).rows[0]!;
    expect(JSON.parse(String(ev.payload))).toMatchObject({ type: "order.fulfilled", complete: true });
  });

  test("a fully refunded order cannot be fulfilled (409 order.refunded) and nothing is written; a partly refunded one can; a cancelled one cannot", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 3 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    const line = order.lines[0].id as string;
    const ship = (lines?: Array<{ lineId: string; quantity: number }>) =>
      f.admin(`/orders/${order.id}/fulfillments`, { json: { ...(lines && { lines }), carrier: "colissimo", trackingNumber: "6A1", trackingUrl: "https://www.laposte.fr/suivi?code=6A1" } });
    // Partly refunded (a goodwill gesture): still shipped, as Shopify and Medusa do.
    expect((await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 100, reason: "gesture" } })).status).toBe(201);
    const first = await ship([{ lineId: line, quantity: 1 }]);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: "partially_refunded", fulfillmentStatus: "partially_fulfilled" });
    // Then everything left is given back: the remaining units must not go out for money returned.
    const all = await f.admin(`/orders/${order.id}/refunds`, { json: { reason: "out of stock" } });
    expect(all.body).toMatchObject({ status: "refunded", refundedTotal: { amount: order.total.amount } });
    const store = await f.t.platform.pool.get(f.s.id);
    const count = async (sql: string) => Number((await store.client.execute(sql)).rows[0]![0]);
    const before = { fulfillments: await count("select count(*) from fulfillments"), outbox: await count("select count(*) from outbox"), timeline: await count("select count(*) from order_events") };
    for (const lines of [undefined, [{ lineId: line, quantity: 1 }]]) {
      const refused = await ship(lines);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: "CONFLICT", reason: "order.refunded", details: { orderId: order.id } });
      expect(refused.body.error.message).toContain("refunded in full");
    }
    expect({ fulfillments: await count("select count(*) from fulfillments"), outbox: await count("select count(*) from outbox"), timeline: await count("select count(*) from order_events") }).toEqual(before);
    expect((await f.admin(`/orders/${order.id}`)).body.lines[0].fulfilledQuantity).toBe(1);

    // Cancelled (its payment voided or refunded): never shipped either, and the message says why.
    const id2 = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id2);
    const o2 = (await f.complete(id2)).body;
    expect((await f.admin(`/orders/${o2.id}/cancel`, { json: { reason: "buyer asked" } })).status).toBe(200);
    const cancelled = await f.admin(`/orders/${o2.id}/fulfillments`, { json: { carrier: "colissimo", trackingNumber: "6A2", trackingUrl: "https://www.laposte.fr/suivi?code=6A2" } });
    expect(cancelled.status).toBe(409);
    expect(cancelled.body.error).toMatchObject({ code: "CONFLICT", reason: "order.cancelled" });
    expect(cancelled.body.error.message).toContain("cannot be shipped");

    // Refunded in full at the provider (Stripe's charge.refunded moves the payment, not the order's refunds): not shipped.
    const id3 = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id3);
    const o3 = (await f.complete(id3)).body;
    const ctx = await systemCtx(f.t.platform, f.s.id, "test");
    const p = await paymentRow(ctx.store.db, (await f.admin(`/orders/${o3.id}`)).body.payment.id);
    await withTx(ctx, (tx) => recordPaymentEvent(tx, ctx, p, { refundedAmount: p.capturedAmount, status: "refunded" }, { type: "stripe.charge.refunded", amount: p.capturedAmount }));
    const elsewhere = await f.admin(`/orders/${o3.id}/fulfillments`, { json: { carrier: "colissimo", trackingNumber: "6A3", trackingUrl: "https://www.laposte.fr/suivi?code=6A3" } });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.reason).toBe("order.refunded");
  });

  test("fulfillOrder and requestReturn check quantities themselves (callers other than the routes): whole units, at least 1, some lines", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 2 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    const line = order.lines[0].id as string;
    const ctx = await systemCtx(f.t.platform, f.s.id, "test");
    const deps = { masterKey: f.t.platform.config.masterKey };
    const tracking = { carrier: "dhl", trackingNumber: "1", trackingUrl: "https://dhl.com/1" };
    // A check may throw before the verb's promise exists, as the tracking URL's does: awaited either way.
    const failure = (p: () => Promise<unknown>) => (async () => p())().then(() => null, (e: unknown) => e as AppError);
    for (const quantity of [0, -1, 0.5, Number.NaN]) {
      const e = await failure(() => fulfillOrder(ctx, order.id, { ...tracking, lines: [{ lineId: line, quantity }] }, deps));
      expect(e, String(quantity)).toMatchObject({ code: "VALIDATION", reason: "fulfillment.invalid_quantity" });
    }
    expect(await failure(() => fulfillOrder(ctx, order.id, { ...tracking, lines: [] }, deps))).toMatchObject({ code: "VALIDATION", reason: "fulfillment.no_lines" });
    expect((await f.admin(`/orders/${order.id}`)).body).toMatchObject({ status: "paid", fulfillmentStatus: "unfulfilled", fulfillments: [] });
    // Shipped: a negative return would free units for another return (and another refund).
    expect((await f.admin(`/orders/${order.id}/fulfillments`, { json: tracking })).status).toBe(201);
    for (const quantity of [0, -1, 1.5]) {
      const e = await failure(() => requestReturn(ctx, order.id, { lines: [{ lineId: line, quantity }], reason: "x" }, deps));
      expect(e, String(quantity)).toMatchObject({ code: "VALIDATION", reason: "return.invalid_quantity" });
    }
    expect(await failure(() => requestReturn(ctx, order.id, { lines: [], reason: "x" }, deps))).toMatchObject({ code: "VALIDATION", reason: "return.no_lines" });
    expect((await f.admin(`/orders/${order.id}/returns`)).body.data).toEqual([]);
  });

  test("impossible dates in list filters are refused (422), not rolled over into the next month; customer search matches _ literally", async () => {
    await using f = await checkoutFixture();
    for (const d of ["2026-02-30T23:59:59Z", "2026-02-31T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-31T10:00:00+02:00"]) {
      const r = await f.admin(`/orders?createdTo=${encodeURIComponent(d)}`);
      expect(r.status).toBe(422);
    }
    expect((await f.admin(`/orders?createdTo=${encodeURIComponent("2028-02-29T23:59:59+01:00")}`)).status).toBe(200); // a leap day
    // The forms clients send stay accepted: a date alone (midnight UTC), a space, no seconds, ±hhmm, long fractions.
    for (const d of ["2026-01-15", "2026-01-15 00:00:00Z", "2026-01-15T00:00Z", "2026-01-15T00:00:00+0000", "2026-01-15T00:00:00.1234567890Z"]) {
      expect((await f.admin(`/orders?createdFrom=${encodeURIComponent(d)}`)).status).toBe(200);
    }
    const v = await f.product(1_000, 5);
    for (const email of ["ada_love@example.com", "adaxlove@example.com"]) {
      const id = await f.readyCart([{ variantId: v, quantity: 1 }], email);
      await f.pay(id);
      expect((await f.complete(id)).status).toBe(201);
    }
    const found = await f.admin("/customers?email=ada_love");
    expect(found.body.data.map((c: { email: string }) => c.email)).toEqual(["ada_love@example.com"]);
    expect((await f.admin("/customers?email=100%25")).body.data).toEqual([]);
  });

  test("a free order (0 total) is paid once its payment is captured, and can be shipped", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(0, 5);
    const zone = (await f.admin("/shipping-zones")).body.data[0];
    expect((await f.admin(`/shipping-zones/${zone.id}/rates`, { json: { name: "Free", carrier: "La Poste", type: "flat", currency: "EUR", amount: 0 } })).status).toBe(201);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const free = (await f.store(`/carts/${id}/shipping-options`)).body.data.find((o: { name: string }) => o.name === "Free");
    expect((await f.store(`/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: free.id } })).status).toBe(200);
    await f.pay(id);
    const placed = await f.complete(id);
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: "paid", total: { amount: 0 } });
    const shipped = await f.admin(`/orders/${placed.body.id}/fulfillments`, { json: { carrier: "La Poste", trackingNumber: "X1", trackingUrl: "https://example.com/t/X1" } });
    expect(shipped.status).toBe(201);
    expect(shipped.body.status).toBe("fulfilled");
  });

  test("tax-inclusive prices (the default): the order and its confirmation e-mail show the tax as included, and the e-mail's sums add up", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(2_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 2 }]);
    expect((await f.store(`/carts/${id}`)).body.taxIncluded).toBe(true);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    expect(order.taxIncluded).toBe(true);
    expect(order.total.amount).toBe(order.subtotal.amount + order.shippingTotal.amount);
    // The tax on shipping is kept by rate, as an invoice needs it: lines' and shipping's tax lines make the tax total.
    const detail = (await f.admin(`/orders/${order.id}`)).body;
    expect(detail.shippingMethod.taxLines).toEqual([expect.objectContaining({ code: "FR:standard", rate: "20" })]);
    const taxes = [...detail.lines.flatMap((l: { taxLines: { amount: { amount: number } }[] }) => l.taxLines), ...detail.shippingMethod.taxLines];
    expect(taxes.reduce((n: number, t: { amount: { amount: number } }) => n + t.amount.amount, 0)).toBe(detail.taxTotal.amount);
    const store = await f.t.platform.pool.get(f.s.id);
    const row = (await store.client.execute({ sql: "select payload from outbox where key = ?", args: [`receipt:${order.id}`] })).rows[0]!;
    const payload = JSON.parse(String(row.payload));
    const { renderTemplate } = await import("../notifications/templates.ts");
    const text = renderTemplate(payload.template, payload.data, { name: "Shop" }).text;
    expect(text).toContain("incl. tax:");
    expect(text).not.toMatch(/^Tax:/m);
    // A store whose prices exclude tax: the tax is added, and said so.
    expect((await f.admin("/tax-settings", { method: "PATCH", json: { pricesIncludeTax: false } })).status).toBe(200);
    const id2 = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id2);
    const order2 = (await f.complete(id2)).body;
    expect(order2.taxIncluded).toBe(false);
    expect(order2.total.amount).toBe(order2.subtotal.amount + order2.shippingTotal.amount + order2.taxTotal.amount);
  });

  test("an untracked variant's sale takes no stock and its cancellation returns none; a tracked one's comes back", async () => {
    await using f = await checkoutFixture();
    const gift = await f.admin("/products", { json: { title: "Gift card", status: "active", variants: [{ sku: "GC-1", prices: [{ currency: "EUR", amount: 1000 }], trackInventory: false }] } });
    expect(gift.status).toBe(201);
    const untracked = gift.body.variants[0].id as string;
    const tracked = await f.product(2_000, 5);
    const id = await f.readyCart([{ variantId: untracked, quantity: 3 }, { variantId: tracked, quantity: 2 }]);
    expect((await f.pay(id)).status).toBe(201);
    const order = await f.complete(id);
    expect(order.status).toBe(201);
    const stock = async (v: string) => (await f.admin(`/inventory/variants/${v}`)).body;
    expect(await stock(untracked)).toMatchObject({ onHand: 0, available: 0 });
    expect((await f.admin(`/inventory/adjustments?variantId=${untracked}`)).body.data).toEqual([]);
    expect(await stock(tracked)).toMatchObject({ onHand: 3, available: 3 });
    expect((await f.admin(`/orders/${order.body.id}/cancel`, { json: { reason: "test" } })).status).toBe(200);
    expect(await stock(untracked)).toMatchObject({ onHand: 0, available: 0 });
    expect(await stock(tracked)).toMatchObject({ onHand: 5, available: 5 });
    // Tracking turned on later starts from what the merchant counts, not minus every past untracked sale.
    expect((await f.admin(`/products/${gift.body.id}/variants/${untracked}`, { method: "PATCH", json: { trackInventory: true } })).status).toBe(200);
    expect((await f.admin("/inventory/adjustments", { json: { variantId: untracked, delta: 10, reason: "received" } })).status).toBe(201);
    expect(await stock(untracked)).toMatchObject({ onHand: 10, available: 10 });
  });

  test("order.placed and order.paid carry the whole order (lines, SKUs, addresses, shipping), for a warehouse to act on", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_250, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 2 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    const store = await f.t.platform.pool.get(f.s.id);
    for (const type of ["order.placed", "order.paid"]) {
      const row = (await store.client.execute({ sql: "select payload from outbox where key = ?", args: [`${type}:${order.id}`] })).rows[0]!;
      const payload = JSON.parse(String(row.payload));
      expect(payload).toMatchObject({ type, orderId: order.id, number: order.number });
      expect(payload.order).toMatchObject({
        id: order.id, number: order.number, email: order.email, currency: "EUR",
        lines: [{ variantId: v, sku: expect.stringMatching(/^SH-/), quantity: 2, unitPrice: { amount: 1_250, currency: "EUR" } }],
        shippingAddress: { line1: "1 rue de Rivoli", postalCode: "75001", countryCode: "FR" },
        shippingMethod: { name: "Standard", carrier: "La Poste" },
        total: order.total,
      });
    }
  });

  test("the confirmation e-mail links to the buyer's order page when the store names its storefront; the URL is checked", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const place = async (email: string) => {
      const id = await f.readyCart([{ variantId: v, quantity: 1 }], email);
      await f.pay(id);
      return (await f.complete(id)).body;
    };
    const store = await f.t.platform.pool.get(f.s.id);
    const mail = async (orderId: string) =>
      JSON.parse(String((await store.client.execute({ sql: "select payload from outbox where key = ?", args: [`receipt:${orderId}`] })).rows[0]!.payload));
    const before = await place("a@example.com");
    expect((await mail(before.id)).data.orderUrl).toBeUndefined();
    for (const bad of ["ftp://shop.example.com", "https://shop.example.com/?x=1", "https://user:pw@shop.example.com", "shop.example.com", "https://shop.example.com/#top", "https://shop.example.com/?", "https://shop.example.com/#"]) {
      const r = await f.admin("/settings", { method: "PATCH", json: { storefrontUrl: bad } });
      expect(r.status, bad).toBe(422);
      expect(r.body.error.reason).toBe("settings.invalid_storefront_url");
    }
    // Kept in the form links are built from: the e-mail templates take lowercase http(s):// links only.
    const loud = await f.admin("/settings", { method: "PATCH", json: { storefrontUrl: "HTTPS://Shop.Example.com" } });
    expect(loud.body.storefrontUrl).toBe("https://shop.example.com");
    const set = await f.admin("/settings", { method: "PATCH", json: { storefrontUrl: "https://shop.example.com/fr/" } });
    expect(set.body.storefrontUrl).toBe("https://shop.example.com/fr");
    const after = await place("b@example.com");
    expect((await mail(after.id)).data.orderUrl).toBe(`https://shop.example.com/fr/orders/${after.id}?token=${after.token}`);
    // The link is the buyer's: it opens the order with its token.
    expect((await f.store(`/orders/${after.id}?token=${new URL((await mail(after.id)).data.orderUrl).searchParams.get("token")}`)).status).toBe(200);
  });
});
