import { describe, expect, test } from "bun:test";
import { ManualClock } from "../../kernel/clock.ts";
import { adminHeaders } from "../../testing/harness.ts";
import { checkoutFixture } from "../checkout/checkout.testing.ts";
import { deriveStatus } from "./orders.ts";

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
  });

  test("the status follows from the facts", () => {
    const o = { cancelledAt: null, refundedTotal: 0 };
    const line = (quantity: number, fulfilledQuantity: number) => ({ quantity, fulfilledQuantity });
    expect(deriveStatus(o, { capturedAmount: 0 }, [line(2, 0)])).toBe("pending");
    expect(deriveStatus(o, { capturedAmount: 10 }, [line(2, 0)])).toBe("paid");
    expect(deriveStatus(o, { capturedAmount: 10 }, [line(2, 1)])).toBe("partially_fulfilled");
    expect(deriveStatus(o, { capturedAmount: 10 }, [line(2, 2), line(1, 1)])).toBe("fulfilled");
    expect(deriveStatus({ ...o, refundedTotal: 4 }, { capturedAmount: 10 }, [line(2, 2)])).toBe("partially_refunded");
    expect(deriveStatus({ ...o, refundedTotal: 10 }, { capturedAmount: 10 }, [line(2, 2)])).toBe("refunded");
    expect(deriveStatus({ cancelledAt: 1, refundedTotal: 10 }, { capturedAmount: 10 }, [line(2, 0)])).toBe("cancelled");
  });
});
