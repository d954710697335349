import { afterAll, describe, expect, test } from "bun:test";
import { and, eq, like } from "drizzle-orm";
import { ManualClock } from "../../kernel/clock.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { adminHeaders, createTestPlatform } from "../../testing/harness.ts";
import { createProduct } from "../catalog/products.ts";
import { auditLog } from "../audit/index.ts";
import { outbox } from "../../jobs/outbox.tables.ts";
import { ADJUSTMENT_REASONS } from "./inventory.tables.ts";
import { Reason } from "./inventory.models.ts";
import { seedInventory } from "./seed.ts";

const clock = new ManualClock(Date.UTC(2026, 2, 1));
const t = await createTestPlatform({ clock });
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Inventory A");
const B = await t.createStore("Inventory B");
const a = (path: string, init: { method?: string; json?: unknown } = {}) => t.request(`/v1/admin/inventory${path}`, { ...init, headers: adminHeaders(A.sk) });

let seq = 0;
/** A real catalog variant (through the catalog's own verb), with its stock policy. */
async function variant(storeId: string, policy: { trackInventory?: boolean; allowBackorder?: boolean } = {}): Promise<string> {
  const ctx = await systemCtx(t.platform, storeId, "test");
  const p = await createProduct(ctx, { title: `Item ${++seq}`, status: "active", variants: [{ sku: `SKU-${seq}`, prices: [{ currency: "EUR", amount: 1999 }], ...policy }] });
  return p.variants[0]!.id;
}
async function stock(variantId: string, delta: number) {
  const res = await a("/adjustments", { method: "POST", json: { variantId, delta, reason: "received" } });
  expect(res.status).toBe(201);
  return res.json();
}
const reserveReq = (variantId: string, quantity: number, extra: Record<string, unknown> = {}) =>
  a("/reservations", { method: "POST", json: { variantId, quantity, ...extra } });
const summary = async (variantId: string) => (await a(`/variants/${variantId}`)).json();

describe("adjustments and levels", () => {
  test("an adjustment writes a ledger row, moves the level of the default location and is audited", async () => {
    const v = await variant(A.id);
    const adj = await stock(v, 10);
    expect(adj).toMatchObject({ variantId: v, delta: 10, reason: "received", onHandAfter: 10, reservationId: null });
    const minus = await (await a("/adjustments", { method: "POST", json: { variantId: v, delta: -3, reason: "damaged", note: "dropped" } })).json();
    expect(minus.onHandAfter).toBe(7);
    expect(await summary(v)).toMatchObject({ variantId: v, onHand: 7, reserved: 0, available: 7, lowStockThreshold: null });
    const ledger = await (await a(`/adjustments?variantId=${v}`)).json();
    expect(ledger.data.map((r: { delta: number }) => r.delta)).toEqual([-3, 10]);
    const locations = await (await a("/locations")).json();
    expect(locations.data).toEqual([expect.objectContaining({ name: "Default", isDefault: true, id: adj.locationId })]);
    const store = await t.platform.pool.get(A.id);
    const audits = await store.db.select().from(auditLog).where(and(eq(auditLog.targetId, v), eq(auditLog.action, "inventory.adjusted")));
    expect(audits.map((r) => (r.after as { adjustmentId: string }).adjustmentId)).toEqual([adj.id, minus.id]);
  });

  test("several locations: levels list and filter by variant and location, the summary sums them", async () => {
    const v = await variant(A.id);
    await stock(v, 4);
    const wh = await (await a("/locations", { method: "POST", json: { name: "Warehouse Lyon" } })).json();
    expect((await a("/locations", { method: "POST", json: { name: "Warehouse Lyon" } })).status).toBe(409);
    await a("/adjustments", { method: "POST", json: { variantId: v, locationId: wh.id, delta: 6, reason: "received" } });
    const all = await (await a(`/levels?variantId=${v}`)).json();
    expect(all.data.map((l: { onHand: number }) => l.onHand).sort()).toEqual([4, 6]);
    const atWh = await (await a(`/levels?variantId=${v}&locationId=${wh.id}`)).json();
    expect(atWh.data).toEqual([expect.objectContaining({ locationId: wh.id, onHand: 6, reserved: 0, available: 6 })]);
    expect((await summary(v)).onHand).toBe(10);
    // Holding at the warehouse only counts there.
    expect((await reserveReq(v, 5, { locationId: wh.id })).status).toBe(201);
    expect((await reserveReq(v, 2, { locationId: wh.id })).status).toBe(409);
    const afterHold = await (await a(`/levels?variantId=${v}&locationId=${wh.id}`)).json();
    expect(afterHold.data[0]).toMatchObject({ onHand: 6, reserved: 5, available: 1 });
  });

  test("a level counts only its own variant's and location's holds", async () => {
    const held = await variant(A.id);
    const other = await variant(A.id);
    await stock(held, 10);
    await stock(other, 10);
    expect((await reserveReq(held, 4)).status).toBe(201);
    const levels = await (await a(`/levels?variantId=${other}`)).json();
    expect(levels.data).toEqual([expect.objectContaining({ onHand: 10, reserved: 0, available: 10 })]);
    expect((await summary(other)).levels).toEqual([expect.objectContaining({ reserved: 0, available: 10 })]);
    expect((await summary(held)).levels).toEqual([expect.objectContaining({ reserved: 4, available: 6 })]);
  });

  test("validation: zero delta, unknown reason, below zero, unknown location or variant", async () => {
    const v = await variant(A.id);
    await stock(v, 2);
    const cases: [unknown, number, string | null][] = [
      [{ variantId: v, delta: 0, reason: "received" }, 422, "inventory.invalid_delta"],
      [{ variantId: v, delta: 1, reason: "stolen" }, 422, null],
      [{ variantId: v, delta: 1.5, reason: "received" }, 422, null],
      [{ variantId: v, delta: -3, reason: "correction" }, 409, "inventory.negative_on_hand"],
      [{ variantId: v, delta: 1, reason: "received", locationId: "loc_01JD0000000000000000000000" }, 404, "location.not_found"],
      [{ variantId: "var_01JD0000000000000000000000", delta: 1, reason: "received" }, 404, "variant.not_found"],
      [{ variantId: v, delta: 1, reason: "received", extra: 1 }, 422, null],
    ];
    for (const [json, status, reason] of cases) {
      const res = await a("/adjustments", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(status);
      if (reason) expect((await res.json()).error.reason).toBe(reason);
    }
    expect((await summary(v)).onHand).toBe(2);
  });

  test("the API's reason list is the table's; a hand-written adjustment cannot claim to be half of a transfer", async () => {
    expect(Reason.anyOf.map((x: { const: string }) => x.const)).toEqual([...ADJUSTMENT_REASONS]);
    const v = await variant(A.id);
    const r = await a("/adjustments", { method: "POST", json: { variantId: v, delta: 3, reason: "transfer" } });
    expect(r.status).toBe(422);
    expect((await summary(v)).onHand).toBe(0);
  });
});

describe("reservations", () => {
  test("20 concurrent reservations for 5 units: exactly 5 succeed, the rest get 409 insufficient_stock", async () => {
    const v = await variant(A.id);
    await stock(v, 5);
    const results = await Promise.all(Array.from({ length: 20 }, () => reserveReq(v, 1)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBe(5);
    expect(statuses.filter((s) => s === 409).length).toBe(15);
    const conflict = await results.find((r) => r.status === 409)!.json();
    expect(conflict.error).toMatchObject({ code: "CONFLICT", reason: "inventory.insufficient_stock", details: { variantId: v, requested: 1, available: 0 } });
    expect(await summary(v)).toMatchObject({ onHand: 5, reserved: 5, available: 0 });
  });

  test("expired reservations stop counting (ManualClock) and cannot be committed", async () => {
    const v = await variant(A.id);
    await stock(v, 5);
    const hold = await (await reserveReq(v, 3, { ttlSeconds: 60, reference: "cart_x" })).json();
    expect(hold).toMatchObject({ status: "active", quantity: 3, reference: "cart_x", expiresAt: new Date(clock.now() + 60_000).toISOString() });
    expect((await summary(v)).available).toBe(2);
    expect((await reserveReq(v, 3)).status).toBe(409);
    clock.advance(60_001);
    expect((await summary(v)).available).toBe(5);
    expect((await (await a(`/reservations/${hold.id}`)).json()).status).toBe("expired");
    const expired = await (await a(`/reservations?variantId=${v}&status=expired`)).json();
    expect(expired.data.map((r: { id: string }) => r.id)).toEqual([hold.id]);
    expect((await (await a(`/reservations?variantId=${v}&status=active`)).json()).data).toEqual([]);
    const late = await a(`/reservations/${hold.id}/commit`, { method: "POST" });
    expect(late.status).toBe(409);
    expect((await late.json()).error.reason).toBe("inventory.reservation_expired");
    expect((await reserveReq(v, 5)).status).toBe(201);
  });

  test("commit moves stock through a 'sold' ledger row; release frees the hold; both are idempotent", async () => {
    const v = await variant(A.id);
    await stock(v, 5);
    const hold = await (await reserveReq(v, 2)).json();
    const committed = await (await a(`/reservations/${hold.id}/commit`, { method: "POST" })).json();
    expect(committed.reservation.status).toBe("committed");
    expect(committed.adjustment).toMatchObject({ delta: -2, reason: "sold", reservationId: hold.id, onHandAfter: 3 });
    const again = await (await a(`/reservations/${hold.id}/commit`, { method: "POST" })).json();
    expect(again.adjustment).toBeNull();
    expect(await summary(v)).toMatchObject({ onHand: 3, reserved: 0, available: 3 });
    const rel = await a(`/reservations/${hold.id}/release`, { method: "POST" });
    expect([rel.status, (await rel.json()).error.reason]).toEqual([409, "inventory.reservation_committed"]);

    const hold2 = await (await reserveReq(v, 3)).json();
    expect((await summary(v)).available).toBe(0);
    expect((await (await a(`/reservations/${hold2.id}/release`, { method: "POST" })).json()).status).toBe("released");
    expect((await (await a(`/reservations/${hold2.id}/release`, { method: "POST" })).json()).status).toBe("released");
    expect((await summary(v)).available).toBe(3);
    const list = await (await a(`/reservations?variantId=${v}&status=released`)).json();
    expect(list.data.map((r: { id: string }) => r.id)).toEqual([hold2.id]);
  });

  test("several locations: a hold sits where the stock is, and needs the store's stock too", async () => {
    // Store B: its own locations (A's tests add theirs). The default exists first and holds nothing.
    const b = (path: string, init: { method?: string; json?: unknown } = {}) => t.request(`/v1/admin/inventory${path}`, { ...init, headers: adminHeaders(B.sk) });
    const v = await variant(B.id);
    await b("/locations");
    const wh = await (await b("/locations", { method: "POST", json: { name: "Warehouse" } })).json();
    expect((await b("/adjustments", { method: "POST", json: { variantId: v, locationId: wh.id, delta: 10, reason: "received" } })).status).toBe(201);
    // Without a location: the warehouse, which has the units (not the empty default).
    const h1 = await (await b("/reservations", { method: "POST", json: { variantId: v, quantity: 5 } })).json();
    expect(h1.locationId).toBe(wh.id);
    // At the warehouse: 5 are left there and in the store; 10 is refused.
    const h2 = await b("/reservations", { method: "POST", json: { variantId: v, quantity: 10, locationId: wh.id } });
    expect([h2.status, (await h2.json()).error.details.available]).toEqual([409, 5]);
    // One more without a location: the warehouse again (4 left there after it). At the default: it has none.
    expect((await (await b("/reservations", { method: "POST", json: { variantId: v, quantity: 1 } })).json()).locationId).toBe(wh.id);
    const def = (await (await b("/locations")).json()).data.find((l: { isDefault: boolean }) => l.isDefault);
    expect((await b("/reservations", { method: "POST", json: { variantId: v, quantity: 1, locationId: def.id } })).status).toBe(409);
    // Committing a hold takes the stock from where it sits: no level goes negative.
    expect((await b(`/reservations/${h1.id}/commit`, { method: "POST" })).status).toBe(200);
    const levels = (await (await b(`/levels?variantId=${v}`)).json()).data as Array<{ locationId: string; onHand: number }>;
    expect(levels.map((l) => [l.locationId === wh.id ? "warehouse" : "default", l.onHand]).sort()).toEqual([["warehouse", 5]]);
  });

  test("backorder and untracked variants can be reserved beyond stock; a backordered sale takes on-hand negative", async () => {
    const back = await variant(A.id, { allowBackorder: true });
    const hold = await (await reserveReq(back, 4)).json();
    expect(hold.status).toBe("active");
    const sold = await (await a(`/reservations/${hold.id}/commit`, { method: "POST" })).json();
    expect(sold.adjustment.onHandAfter).toBe(-4);
    const free = await variant(A.id, { trackInventory: false });
    expect((await reserveReq(free, 1000)).status).toBe(201);
    expect((await reserveReq(free, 0)).status).toBe(422);
  });
});

describe("low stock", () => {
  test("inventory.low is written to the outbox once, when available crosses below the threshold", async () => {
    const v = await variant(A.id);
    await stock(v, 10);
    const set = await (await a(`/variants/${v}`, { method: "PATCH", json: { lowStockThreshold: 5 } })).json();
    expect(set.lowStockThreshold).toBe(5);
    const store = await t.platform.pool.get(A.id);
    const lows = () => store.db.select().from(outbox).where(like(outbox.key, `inventory.low:${v}:%`));
    await a("/adjustments", { method: "POST", json: { variantId: v, delta: -5, reason: "damaged" } }); // 5: not below
    expect((await lows()).length).toBe(0);
    const adj = await (await a("/adjustments", { method: "POST", json: { variantId: v, delta: -1, reason: "lost" } })).json(); // 4 < 5
    const rows = await lows();
    expect(rows.length).toBe(1);
    expect(rows[0]).toMatchObject({ topic: "event", key: `inventory.low:${v}:${adj.id}`, payload: { type: "inventory.low", variantId: v, available: 4, threshold: 5 } });
    await reserveReq(v, 1); // 3: still low, no new event
    expect((await lows()).length).toBe(1);
    await stock(v, 10); // back to 13, then a hold crosses again
    const hold = await (await reserveReq(v, 9)).json();
    const after = await lows();
    expect(after.length).toBe(2);
    expect(after[1]!.key).toBe(`inventory.low:${v}:${hold.id}`);
  });
});

describe("transfers", () => {
  test("a transfer moves stock between locations in one step: two ledger rows, no dip in availability, no inventory.low; holds at the source are kept", async () => {
    const v = await variant(A.id);
    await stock(v, 10); // at the default location
    await a(`/variants/${v}`, { method: "PATCH", json: { lowStockThreshold: 5 } });
    const locs = (await (await a("/locations")).json()).data as Array<{ id: string; isDefault: boolean }>;
    const def = locs.find((l) => l.isDefault)!.id;
    const shop = await (await a("/locations", { method: "POST", json: { name: "Shop floor" } })).json();
    const move = (json: Record<string, unknown>) => a("/transfers", { method: "POST", json: { variantId: v, fromLocationId: def, toLocationId: shop.id, ...json } });

    const r = await move({ quantity: 8, note: "restock the shop" });
    expect(r.status).toBe(201);
    const body = await r.json();
    expect(body.out).toMatchObject({ locationId: def, delta: -8, reason: "transfer", onHandAfter: 2, note: "restock the shop" });
    expect(body.in).toMatchObject({ locationId: shop.id, delta: 8, reason: "transfer", onHandAfter: 8 });
    expect(await summary(v)).toMatchObject({ onHand: 10, available: 10 });
    const store = await t.platform.pool.get(A.id);
    expect(await store.db.select().from(outbox).where(like(outbox.key, `inventory.low:${v}:%`))).toEqual([]);

    // A hold of 2 at the default: nothing there is free any more.
    const hold = await (await reserveReq(v, 2, { locationId: def })).json();
    expect(hold.locationId).toBe(def);
    const blocked = await move({ quantity: 1 });
    expect(blocked.status).toBe(409);
    expect((await blocked.json()).error).toMatchObject({ reason: "inventory.transfer_exceeds_free", details: { onHand: 2, reserved: 2, requested: 1 } });
    // Bad input: the same location twice, an unknown one, zero; nothing is written.
    expect((await move({ quantity: 1, toLocationId: def })).status).toBe(422);
    expect((await move({ quantity: 1, toLocationId: "loc_01JD0000000000000000000000" })).status).toBe(404);
    expect((await move({ quantity: 0 })).status).toBe(422);
    const ledger = (await (await a(`/adjustments?variantId=${v}`)).json()).data as Array<{ reason: string }>;
    expect(ledger.filter((x) => x.reason === "transfer")).toHaveLength(2);
    // Back the other way, from the shop.
    const back = await a("/transfers", { method: "POST", json: { variantId: v, fromLocationId: shop.id, toLocationId: def, quantity: 3 } });
    expect(back.status).toBe(201);
    const levels = (await (await a(`/levels?variantId=${v}`)).json()).data as Array<{ locationId: string; onHand: number }>;
    expect(Object.fromEntries(levels.map((l) => [l.locationId === def ? "default" : "shop", l.onHand]))).toEqual({ default: 5, shop: 5 });
  });
});

describe("isolation", () => {
  test("another store's variant, reservation and location ids → 404, and B's stock is untouched", async () => {
    const bVariant = await variant(B.id);
    const bCtx = await systemCtx(t.platform, B.id, "test");
    const { reserve } = await import("./reservations.ts");
    const { adjustStock } = await import("./stock.ts");
    await adjustStock(bCtx, { variantId: bVariant, delta: 3, reason: "received" });
    const bHold = await reserve(bCtx, { variantId: bVariant, quantity: 1 });
    const cases: [string, string, unknown][] = [
      ["GET", `/variants/${bVariant}`, undefined],
      ["PATCH", `/variants/${bVariant}`, { lowStockThreshold: 1 }],
      ["POST", "/adjustments", { variantId: bVariant, delta: 5, reason: "received" }],
      ["POST", "/reservations", { variantId: bVariant, quantity: 1 }],
      ["GET", `/reservations/${bHold.id}`, undefined],
      ["POST", `/reservations/${bHold.id}/release`, undefined],
      ["POST", `/reservations/${bHold.id}/commit`, undefined],
      ["POST", "/adjustments", { variantId: (await variant(A.id)), delta: 1, reason: "received", locationId: bHold.locationId }],
    ];
    for (const [method, path, json] of cases) {
      const res = await a(path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const bView = await (await t.request(`/v1/admin/inventory/variants/${bVariant}`, { headers: adminHeaders(B.sk) })).json();
    expect(bView).toMatchObject({ onHand: 3, reserved: 1, available: 2, lowStockThreshold: null });
    expect((await (await a(`/levels?variantId=${bVariant}`)).json()).data).toEqual([]);
  });
});

describe("seed", () => {
  test("stocks every tracked catalog variant once", async () => {
    const C = await t.createStore("Inventory C");
    const v1 = await variant(C.id);
    const v2 = await variant(C.id);
    const ctx = await systemCtx(t.platform, C.id, "seed");
    expect(await seedInventory(ctx)).toContain("2 new");
    expect(await seedInventory(ctx)).toContain("0 new");
    const res = await t.request(`/v1/admin/inventory/variants/${v1}`, { headers: adminHeaders(C.sk) });
    expect(await res.json()).toMatchObject({ onHand: 24, lowStockThreshold: 5 });
    expect((await (await t.request(`/v1/admin/inventory/variants/${v2}`, { headers: adminHeaders(C.sk) })).json()).onHand).toBe(8);
  });
});
