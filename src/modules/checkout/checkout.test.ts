import { describe, expect, test } from "bun:test";
import { checkoutFixture, ADDRESS } from "./checkout.testing.ts";
import { renderTemplate, type TemplateName } from "../notifications/index.ts";

describe("guest checkout over HTTP (sandbox)", () => {
  test("product → cart → address → shipping → payment → complete → order, then fulfill, partial and full refund", async () => {
    await using f = await checkoutFixture();
    const variantId = await f.product(2_000, 5);
    // 1. cart with items and e-mail
    const c = await f.store("/carts", { json: { email: "Ada@Example.com", items: [{ variantId, quantity: 2 }] } });
    expect(c.status).toBe(201);
    expect(c.body.lines).toHaveLength(1);
    expect(c.body.subtotal).toEqual({ amount: 4_000, currency: "EUR" });
    const id = c.body.id;
    // 2. address
    const a = await f.store(`/carts/${id}`, { method: "PATCH", json: { shippingAddress: ADDRESS } });
    expect(a.status).toBe(200);
    expect(a.body.taxEstimated).toBe(false);
    // 3. options, 4. method
    const o = await f.store(`/carts/${id}/shipping-options`);
    expect(o.body.data.map((x: any) => x.price.amount)).toEqual([490, 1_500]);
    const m = await f.store(`/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: o.body.data[0].id } });
    expect(m.body.shippingTotal).toEqual({ amount: 490, currency: "EUR" });
    // Prices include tax (FR 20%): total = 4000 + 490, tax extracted per line (half-even).
    expect(m.body.total).toEqual({ amount: 4_490, currency: "EUR" });
    expect(m.body.taxTotal.amount).toBe(667 + 82);
    expect(m.body.lines[0].taxLines[0]).toMatchObject({ code: "FR:standard", amount: { amount: 667, currency: "EUR" } });
    // 5. payment, 6. complete
    const p = await f.pay(id);
    expect(p.status).toBe(201);
    expect(p.body).toMatchObject({ provider: "sandbox", status: "authorized", amount: { amount: 4_490, currency: "EUR" } });
    const done = await f.complete(id);
    expect(done.status).toBe(201);
    const order = done.body;
    expect(order).toMatchObject({ number: 1001, status: "paid", email: "ada@example.com", total: { amount: 4_490, currency: "EUR" }, fulfillmentStatus: "unfulfilled" });
    expect(typeof order.token).toBe("string");
    // The buyer's view with the token; a wrong token is a 404.
    const view = await f.store(`/orders/${order.id}?token=${order.token}`);
    expect(view.status).toBe(200);
    expect(view.body.token).toBeNull();
    expect((await f.store(`/orders/${order.id}?token=nope`)).status).toBe(404);
    // Completing again returns the same order.
    const again = await f.complete(id);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(order.id);
    // Stock went down by 2.
    const stock = await f.admin(`/inventory/variants/${variantId}`);
    expect(stock.body.available ?? stock.body.totals?.available).toBe(3);
    // Admin: the order with its timeline, the customer.
    const detail = await f.admin(`/orders/${order.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.payment).toMatchObject({ status: "captured", capturedAmount: { amount: 4_490 } });
    expect(detail.body.timeline.map((e: any) => e.type)).toEqual(["placed", "paid"]);
    const cus = await f.admin(`/customers/${detail.body.customerId}`);
    expect(cus.body).toMatchObject({ email: "ada@example.com", ordersCount: 1 });
    expect(cus.body.orders.map((x: any) => x.id)).toEqual([order.id]);
    // Fulfill one unit, then the rest.
    const lineId = detail.body.lines[0].id;
    const f1 = await f.admin(`/orders/${order.id}/fulfillments`, { json: { lines: [{ lineId, quantity: 1 }], carrier: "La Poste", trackingNumber: "LP1", trackingUrl: "https://track.example/LP1" } });
    expect(f1.status).toBe(201);
    expect(f1.body.status).toBe("partially_fulfilled");
    const over = await f.admin(`/orders/${order.id}/fulfillments`, { json: { lines: [{ lineId, quantity: 2 }], carrier: "La Poste", trackingNumber: "LP2", trackingUrl: "https://track.example/LP2" } });
    expect(over.status).toBe(409);
    expect(over.body.error.reason).toBe("fulfillment.exceeds_quantity");
    const f2 = await f.admin(`/orders/${order.id}/fulfillments`, { json: { carrier: "La Poste", trackingNumber: "LP2", trackingUrl: "https://track.example/LP2" } });
    expect(f2.body.status).toBe("fulfilled");
    expect(f2.body.fulfillments).toHaveLength(2);
    // Partial refund, over-limit refund, full refund of the rest.
    const r1 = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1_000, reason: "damaged sleeve" } });
    expect(r1.status).toBe(201);
    expect(r1.body).toMatchObject({ status: "partially_refunded", refundedTotal: { amount: 1_000 } });
    // The timeline speaks money to people, not minor units.
    const afterRefund = await f.admin(`/orders/${order.id}`);
    expect(afterRefund.body.timeline.map((e: any) => e.message)).toContain("Refunded €10.00");
    const tooMuch = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 3_491, reason: "x" } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.error.reason).toBe("refund.exceeds_captured");
    expect(tooMuch.body.error.details.refundable).toEqual({ amount: 3_490, currency: "EUR" });
    const r2 = await f.admin(`/orders/${order.id}/refunds`, { json: { reason: "customer unhappy" } });
    expect(r2.body).toMatchObject({ status: "refunded", refundedTotal: { amount: 4_490 } });
    expect(r2.body.payment).toMatchObject({ status: "refunded", refundedAmount: { amount: 4_490 } });
    const none = await f.admin(`/orders/${order.id}/refunds`, { json: { amount: 1, reason: "x" } });
    expect(none.body.error.reason).toBe("refund.exceeds_captured");
    // Side effects were written as outbox rows, and the changes audited.
    const outbox = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select topic, key from outbox order by id"));
    const keys = outbox.rows.map((r) => String(r.key));
    for (const prefix of ["receipt:", "order.placed:", "order.paid:", "shipping:", "order.fulfilled:", "refund:", "order.refunded:", "customer.created:"]) {
      expect(keys.some((k) => k.startsWith(prefix))).toBe(true);
    }
    // Every e-mail row renders with its template (the payload shapes the notifications module validates).
    const emails = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select payload from outbox where topic = 'email.send' order by id"));
    const rendered = emails.rows.map((r) => {
      const p = JSON.parse(String(r.payload)) as { template: TemplateName; to: string; data: unknown };
      expect(p.to).toBe("ada@example.com");
      return renderTemplate(p.template, p.data, { name: "Test store" }).subject;
    });
    expect(rendered).toEqual([
      "Order 1001 confirmed — Test store",
      "Order 1001 has shipped — Test store",
      "Order 1001 has shipped — Test store",
      expect.stringContaining("Refund of"),
      expect.stringContaining("Refund of"),
    ]);
    const audit = await f.t.platform.pool.get(f.s.id).then((s) => s.client.execute("select action from audit_log"));
    const actions = new Set(audit.rows.map((r) => String(r.action)));
    for (const a of ["order.placed", "order.paid", "order.fulfilled", "order.refunded", "payment.captured", "payment.refunded", "payment.session_created"]) expect(actions.has(a)).toBe(true);
  });
});
