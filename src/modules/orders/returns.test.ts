import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../kernel/clock.ts";
import { adminHeaders } from "../../testing/harness.ts";
import { checkoutFixture, type CheckoutFixture } from "../checkout/checkout.testing.ts";

/** A paid order of 3 tracked units and 1 untracked one (a gift card), from 5 units of stock. */
let gifts = 0;
async function placed(f: CheckoutFixture) {
  const sku = `GC-R${++gifts}`;
  const tracked = await f.product(2_000, 5);
  const gift = await f.admin("/products", { json: { title: "Gift card", status: "active", variants: [{ sku, prices: [{ currency: "EUR", amount: 1000 }], trackInventory: false }] } });
  const untracked = gift.body.variants[0].id as string;
  const id = await f.readyCart([{ variantId: tracked, quantity: 3 }, { variantId: untracked, quantity: 1 }]);
  expect((await f.pay(id)).status).toBe(201);
  const order = (await f.complete(id)).body;
  const lineOf = (v: string) => order.lines.find((l: any) => l.variantId === v).id as string;
  return { order, tracked, untracked, trackedLine: lineOf(tracked), untrackedLine: lineOf(untracked) };
}

async function outboxPayloads(f: CheckoutFixture, keyLike: string): Promise<any[]> {
  const store = await f.t.platform.pool.get(f.s.id);
  const rows = (await store.client.execute({ sql: "select payload from outbox where key like ? order by id", args: [keyLike] })).rows;
  return rows.map((r) => JSON.parse(String(r.payload)));
}

describe("returns", () => {
  test("request → receive puts tracked units back where they were sold, names the return on its refund, and says so to the warehouse", async () => {
    await using f = await checkoutFixture();
    const { order, tracked, trackedLine, untrackedLine } = await placed(f);
    const stock = async () => (await f.admin(`/inventory/variants/${tracked}`)).body;
    expect(await stock()).toMatchObject({ onHand: 2, available: 2 });

    // Nothing shipped yet: nothing can be returned.
    const early = await f.admin(`/orders/${order.id}/returns`, { json: { lines: [{ lineId: trackedLine, quantity: 1 }], reason: "too small" } });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ reason: "return.exceeds_shipped", details: { lineId: trackedLine, returnable: 0 } });

    expect((await f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "colissimo", trackingNumber: "6A1", trackingUrl: "https://laposte.fr/t/6A1" } })).status).toBe(201);
    const req = await f.admin(`/orders/${order.id}/returns`, { json: { lines: [{ lineId: trackedLine, quantity: 2 }, { lineId: untrackedLine, quantity: 1 }], reason: "too small", note: "label sent" } });
    expect(req.status).toBe(201);
    expect(req.body).toMatchObject({ orderId: order.id, number: 1, status: "requested", reason: "too small", note: "label sent", restocked: false, receivedAt: null, refundIds: [] });
    expect(req.body.lines).toEqual([
      { lineId: trackedLine, quantity: 2, variantId: tracked, title: expect.any(String), sku: expect.any(String) },
      { lineId: untrackedLine, quantity: 1, variantId: expect.any(String), title: "Gift card", sku: expect.stringMatching(/^GC-R/) },
    ]);
    const [mail] = await outboxPayloads(f, "return:%");
    expect(mail).toMatchObject({ template: "return_authorized", to: order.email, data: { orderNumber: String(order.number), returnNumber: `#${order.number}-R1` } });
    expect(mail.data.lines.map((l: any) => l.quantity)).toEqual([2, 1]);
    const [requested] = await outboxPayloads(f, "order.return_requested:%");
    expect(requested).toMatchObject({ type: "order.return_requested", orderId: order.id, returnId: req.body.id, returnNumber: `#${order.number}-R1`, shippingAddress: { countryCode: "FR" } });
    expect(requested.lines.map((l: any) => [l.sku, l.quantity])).toEqual([[req.body.lines[0].sku, 2], [req.body.lines[1].sku, 1]]);
    // Requested is not received: stock is unchanged.
    expect(await stock()).toMatchObject({ onHand: 2, available: 2 });

    // Only the third unit is left to return.
    const over = await f.admin(`/orders/${order.id}/returns`, { json: { lines: [{ lineId: trackedLine, quantity: 2 }], reason: "again" } });
    expect(over.status).toBe(409);
    expect(over.body.error.details).toEqual({ lineId: trackedLine, returnable: 1 });

    const recv = await f.admin(`/orders/${order.id}/returns/${req.body.id}/receive`, { method: "POST" }); // no body: restock
    expect(recv.status).toBe(200);
    expect(recv.body).toMatchObject({ status: "received", restocked: true, receivedAt: expect.any(String) });
    expect(await stock()).toMatchObject({ onHand: 4, available: 4 });
    const ledger = (await f.admin(`/inventory/adjustments?variantId=${tracked}`)).body.data;
    expect(ledger.find((a: any) => a.reason === "returned")).toMatchObject({ delta: 2, note: `return #${order.number}-R1` });
    // Received twice (a retried request) changes nothing more.
    expect((await f.admin(`/orders/${order.id}/returns/${req.body.id}/receive`, { json: {} })).body.status).toBe("received");
    expect(await stock()).toMatchObject({ onHand: 4 });
    expect((await outboxPayloads(f, "order.return_received:%"))).toEqual([expect.objectContaining({ type: "order.return_received", returnId: req.body.id, restocked: true })]);
    // A received return cannot be cancelled.
    expect((await f.admin(`/orders/${order.id}/returns/${req.body.id}/cancel`, { method: "POST" })).body.error.reason).toBe("return.received");

    const refund = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 4_000, reason: "returned 2 shirts", returnId: req.body.id } });
    expect(refund.status).toBe(201);
    expect(refund.body.refunds[0]).toMatchObject({ amount: { amount: 4_000 }, returnId: req.body.id });
    expect(refund.body.returns).toEqual([expect.objectContaining({ id: req.body.id, status: "received", refundIds: [refund.body.refunds[0].id] })]);
    expect(refund.body.timeline.map((e: any) => e.type)).toEqual(expect.arrayContaining(["return_requested", "return_received", "refunded"]));
    const [refunded] = await outboxPayloads(f, "order.refunded:%");
    expect(refunded).toMatchObject({ returnId: req.body.id, amount: { amount: 4_000 } });

    const one = await f.admin(`/orders/${order.id}/returns/${req.body.id}`);
    expect(one.body.refundIds).toEqual([refund.body.refunds[0].id]);
    expect((await f.admin(`/orders/${order.id}/returns`)).body.data.map((r: any) => r.id)).toEqual([req.body.id]);
    const audit = (await f.admin("/audit-log?limit=100")).body.data.map((e: any) => e.action);
    expect(audit).toEqual(expect.arrayContaining(["order.return_requested", "order.return_received"]));
  });

  test("a cancelled return frees its units; receiving without restock leaves stock alone; bad input is refused and writes nothing", async () => {
    await using f = await checkoutFixture();
    const { order, tracked, trackedLine } = await placed(f);
    expect((await f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "dhl", trackingNumber: "1", trackingUrl: "https://dhl.com/1" } })).status).toBe(201);
    const ask = (json: unknown) => f.admin(`/orders/${order.id}/returns`, { json });
    for (const [body, status, reason] of [
      [{ lines: [{ lineId: "line_nope", quantity: 1 }], reason: "x" }, 422, "return.unknown_line"],
      [{ lines: [{ lineId: trackedLine, quantity: 1 }, { lineId: trackedLine, quantity: 1 }], reason: "x" }, 422, "return.duplicate_line"],
      [{ lines: [{ lineId: trackedLine, quantity: 0 }], reason: "x" }, 422, undefined],
      [{ lines: [], reason: "x" }, 422, undefined],
      [{ lines: [{ lineId: trackedLine, quantity: 1 }], reason: "" }, 422, undefined],
      [{ lines: [{ lineId: trackedLine, quantity: 1 }], reason: "x", extra: 1 }, 422, undefined],
    ] as const) {
      const r = await ask(body);
      expect(r.status).toBe(status);
      if (reason) expect(r.body.error.reason).toBe(reason);
    }
    expect((await f.admin(`/orders/${order.id}/returns`)).body.data).toEqual([]);

    const first = await ask({ lines: [{ lineId: trackedLine, quantity: 3 }], reason: "wrong colour" });
    expect(first.status).toBe(201);
    expect((await ask({ lines: [{ lineId: trackedLine, quantity: 1 }], reason: "x" })).status).toBe(409);
    const cancelled = await f.admin(`/orders/${order.id}/returns/${first.body.id}/cancel`, { method: "POST" });
    expect(cancelled.body).toMatchObject({ status: "cancelled", cancelledAt: expect.any(String) });
    expect((await f.admin(`/orders/${order.id}/returns/${first.body.id}/receive`, { json: {} })).body.error.reason).toBe("return.cancelled");
    const refund = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 100, reason: "x", returnId: first.body.id } });
    expect(refund.body.error.reason).toBe("return.cancelled");
    expect((await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 100, reason: "x", returnId: "ret_01JD0000000000000000000000" } })).status).toBe(404);

    // Its units can be returned again; this one is received damaged and not restocked.
    const second = await ask({ lines: [{ lineId: trackedLine, quantity: 3 }], reason: "damaged" });
    expect(second.body.number).toBe(2);
    const before = (await f.admin(`/inventory/variants/${tracked}`)).body.onHand;
    const recv = await f.admin(`/orders/${order.id}/returns/${second.body.id}/receive`, { json: { restock: false } });
    expect(recv.body).toMatchObject({ status: "received", restocked: false });
    expect((await f.admin(`/inventory/variants/${tracked}`)).body.onHand).toBe(before);
    // Another store's return, or one of another order, is not found.
    expect((await f.admin(`/orders/${order.id}/returns/ret_01JD0000000000000000000000`)).status).toBe(404);
    const other = await placed(f);
    expect((await f.admin(`/orders/${other.order.id}/returns/${second.body.id}`)).status).toBe(404);
  });

  test("returns are read with orders:read and changed with returns:write, apart from orders:write; another store's order is not found", async () => {
    await using f = await checkoutFixture();
    const { order, trackedLine } = await placed(f);
    expect((await f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "dhl", trackingNumber: "1", trackingUrl: "https://dhl.com/1" } })).status).toBe(201);
    const key = async (scopes: string[]) => adminHeaders((await f.t.platform.keys.create({ storeId: f.s.id, type: "secret", scopes })).token);
    const ask = (h: Record<string, string>) => f.t.request(`/v1/admin/orders/${order.id}/returns`, { method: "POST", headers: h, json: { lines: [{ lineId: trackedLine, quantity: 1 }], reason: "x" } });
    const reader = await key(["orders:read"]);
    const list = await f.t.request(`/v1/admin/orders/${order.id}/returns`, { headers: reader });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ data: [], nextCursor: null });
    expect((await ask(reader)).status).toBe(403);
    expect((await ask(await key(["orders:write", "orders:read"]))).status).toBe(403);
    // A warehouse's key: it can authorize and receive returns, not refund.
    const warehouse = await key(["returns:write", "orders:read"]);
    const made = await ask(warehouse);
    expect(made.status).toBe(201);
    const recv = await f.t.request(`/v1/admin/orders/${order.id}/returns/${(await made.json()).id}/receive`, { method: "POST", headers: warehouse });
    expect(recv.status).toBe(200);
    expect((await f.t.request(`/v1/admin/orders/${order.id}/refunds`, { method: "POST", headers: warehouse, json: { reason: "x" } })).status).toBe(403);
    const elsewhere = await f.t.createStore();
    const r = await f.t.request(`/v1/admin/orders/${order.id}/returns`, { headers: adminHeaders(elsewhere.sk) });
    expect(r.status).toBe(404);
  });

  test("a return to another location restocks there; an unknown location is refused and the return stays requested", async () => {
    await using f = await checkoutFixture();
    const { order, tracked, trackedLine } = await placed(f);
    expect((await f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "dhl", trackingNumber: "1", trackingUrl: "https://dhl.com/1" } })).status).toBe(201);
    const loc = await f.admin("/inventory/locations", { json: { name: "Returns centre" } });
    expect(loc.status).toBe(201);
    const ret = (await f.admin(`/orders/${order.id}/returns`, { json: { lines: [{ lineId: trackedLine, quantity: 1 }], reason: "x" } })).body;
    const bad = await f.admin(`/orders/${order.id}/returns/${ret.id}/receive`, { json: { locationId: "loc_01JD0000000000000000000000" } });
    expect(bad.status).toBe(404);
    expect((await f.admin(`/orders/${order.id}/returns/${ret.id}`)).body.status).toBe("requested");
    expect((await f.admin(`/orders/${order.id}/returns/${ret.id}/receive`, { json: { locationId: loc.body.id } })).status).toBe(200);
    const levels = (await f.admin(`/inventory/variants/${tracked}`)).body.levels;
    expect(levels.find((l: any) => l.locationId === loc.body.id)).toMatchObject({ onHand: 1 });
  });

  test("buyers start returns from the storefront only when the store offers them, within its window after shipping", async () => {
    const clock = new ManualClock(Date.parse("2026-05-01T10:00:00Z"));
    await using f = await checkoutFixture({ clock });
    const { order, trackedLine, untrackedLine } = await placed(f);
    const token = order.token as string;
    const ask = (json: unknown, t = token) => f.store(`/orders/${order.id}/returns?token=${t}`, { json });
    const one = { lines: [{ lineId: trackedLine, quantity: 1 }], reason: "too small" };

    expect((await ask(one)).body.error.reason).toBe("return.not_offered");
    expect((await f.admin("/settings", { method: "PATCH", json: { returnWindowDays: 0 } })).status).toBe(422);
    const set = await f.admin("/settings", { method: "PATCH", json: { returnWindowDays: 14 } });
    expect(set.body.returnWindowDays).toBe(14);
    // Nothing shipped: nothing to return.
    expect((await ask(one)).body.error.reason).toBe("return.exceeds_shipped");
    expect((await f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "dhl", trackingNumber: "1", trackingUrl: "https://dhl.com/1" } })).status).toBe(201);
    // A wrong token is an unknown order; the merchant's note field is not the buyer's.
    expect((await ask(one, "x".repeat(32))).status).toBe(404);
    expect((await ask({ ...one, note: "free return please" })).status).toBe(422);

    clock.advance(13 * 86_400_000);
    const made = await ask(one);
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ number: 1, status: "requested", lines: [{ lineId: trackedLine, quantity: 1 }], createdAt: expect.any(String), receivedAt: null });
    const view = (await f.store(`/orders/${order.id}?token=${token}`)).body;
    expect(view.returns).toEqual([made.body]);
    const admin = (await f.admin(`/orders/${order.id}`)).body;
    expect(admin.returns[0]).toMatchObject({ status: "requested", reason: "too small", note: null });
    expect(admin.timeline.find((e: any) => e.type === "return_requested").message).toContain("by the buyer");
    const [event] = await outboxPayloads(f, "order.return_requested:%");
    expect(event).toMatchObject({ by: "buyer", returnNumber: `#${order.number}-R1` });

    // Past the window (counted from the shipment): closed, and nothing is written.
    clock.advance(2 * 86_400_000);
    const late = await ask({ lines: [{ lineId: untrackedLine, quantity: 1 }], reason: "changed my mind" });
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ reason: "return.window_closed", details: { lineId: untrackedLine } });
    expect((await f.admin(`/orders/${order.id}/returns`)).body.data).toHaveLength(1);
    // The merchant can still authorize one after the window.
    expect((await f.admin(`/orders/${order.id}/returns`, { json: { lines: [{ lineId: untrackedLine, quantity: 1 }], reason: "goodwill" } })).status).toBe(201);
    // Turned off again: the storefront cannot start one.
    expect((await f.admin("/settings", { method: "PATCH", json: { returnWindowDays: null } })).body.returnWindowDays).toBeNull();
    expect((await ask(one)).body.error.reason).toBe("return.not_offered");
  });

  test("the buyer's window counts each shipment's units: a later partial shipment does not reopen it for units shipped before", async () => {
    const clock = new ManualClock(Date.parse("2026-05-01T10:00:00Z"));
    await using f = await checkoutFixture({ clock });
    const { order, trackedLine } = await placed(f);
    expect((await f.admin("/settings", { method: "PATCH", json: { returnWindowDays: 14 } })).status).toBe(200);
    const ship = (quantity: number) => f.admin(`/orders/${order.id}/fulfillments`, { json: { lines: [{ lineId: trackedLine, quantity }], carrier: "dhl", trackingNumber: "1", trackingUrl: "https://dhl.com/1" } });
    const ask = (quantity: number) => f.store(`/orders/${order.id}/returns?token=${order.token}`, { json: { lines: [{ lineId: trackedLine, quantity }], reason: "late" } });
    expect((await ship(2)).status).toBe(201); // day 0: 2 units
    clock.advance(20 * 86_400_000);
    const closed = await ask(1);
    expect(closed.body.error).toMatchObject({ reason: "return.window_closed", details: { returnable: 0, closedAt: "2026-05-15T10:00:00.000Z" } });
    expect((await ship(1)).status).toBe(201); // day 20: the third unit
    clock.advance(86_400_000);
    const three = await ask(3);
    expect(three.status).toBe(409);
    expect(three.body.error).toMatchObject({ reason: "return.window_closed", details: { returnable: 1 } });
    expect((await ask(1)).status).toBe(201);
    // That unit is now under a return: nothing in the window is left.
    expect((await ask(1)).body.error).toMatchObject({ reason: "return.window_closed", details: { returnable: 0 } });
  });

  test("a refunded return cannot be cancelled; receiving checks its location, says whether stock moved, skips deleted products and tells the buyer", async () => {
    await using f = await checkoutFixture();
    const { order, tracked, trackedLine, untrackedLine } = await placed(f);
    expect((await f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "dhl", trackingNumber: "1", trackingUrl: "https://dhl.com/1" } })).status).toBe(201);
    const ret = async (lineId: string, quantity = 1) => (await f.admin(`/orders/${order.id}/returns`, { json: { lines: [{ lineId, quantity }], reason: "x" } })).body;

    // Refunded on request, before the parcel comes back: the return stands.
    const paid = await ret(trackedLine);
    const refund = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 2_000, reason: "refund on request", returnId: paid.id } });
    expect(refund.status).toBe(201);
    const cancel = await f.admin(`/orders/${order.id}/returns/${paid.id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(409);
    expect(cancel.body.error).toMatchObject({ reason: "return.refunded", details: { refundIds: [refund.body.refunds[0].id] } });

    // A location with restock: false, or an unknown one, is refused; the return stays requested.
    const bogus = "loc_01JD0000000000000000000000";
    expect((await f.admin(`/orders/${order.id}/returns/${paid.id}/receive`, { json: { restock: false, locationId: bogus } })).body.error.reason).toBe("return.location_without_restock");
    const gift = await ret(untrackedLine);
    expect((await f.admin(`/orders/${order.id}/returns/${gift.id}/receive`, { json: { locationId: bogus } })).status).toBe(404);
    // Untracked units only: received, nothing restocked, and it says so.
    const g = await f.admin(`/orders/${order.id}/returns/${gift.id}/receive`, { method: "POST" });
    expect(g.body).toMatchObject({ status: "received", restocked: false });

    // The product was deleted meanwhile: no stock comes back for a variant the store no longer has.
    const products = (await f.admin("/products?limit=100")).body.data as any[];
    const p = products.find((x) => x.variants.some((v: any) => v.id === tracked));
    expect((await f.admin(`/products/${p.id}`, { method: "DELETE" })).status).toBeLessThan(300);
    const store = await f.t.platform.pool.get(f.s.id);
    const onHand = async () => Number((await store.client.execute({ sql: "select coalesce(sum(on_hand), 0) as n from inventory_levels where variant_id = ?", args: [tracked] })).rows[0]!.n);
    const before = await onHand();
    const r = await f.admin(`/orders/${order.id}/returns/${paid.id}/receive`, { method: "POST" });
    expect(r.body).toMatchObject({ status: "received", restocked: false });
    expect(await onHand()).toBe(before);
    const timeline = (await f.admin(`/orders/${order.id}`)).body.timeline.map((e: any) => e.message);
    expect(timeline.find((m: string) => m.includes("no longer in the catalog"))).toBeDefined();
    // The buyer hears that each parcel arrived.
    const mails = await outboxPayloads(f, "return_received:%");
    expect(mails.map((m) => [m.template, m.data.returnNumber])).toEqual([["return_received", `#${order.number}-R2`], ["return_received", `#${order.number}-R1`]]);
  });
});
