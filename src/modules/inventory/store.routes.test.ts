// GET /v1/store/stock: what a product page shows. Coarse statuses, the count only when low, only published variants.
import { afterAll, expect, test } from "bun:test";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { adminHeaders, createTestPlatform, storeHeaders } from "../../testing/harness.ts";
import { createProduct } from "../catalog/products.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Stock A");
const B = await t.createStore("Stock B");

let seq = 0;
async function variant(storeId: string, opts: { trackInventory?: boolean; allowBackorder?: boolean; status?: "active" | "draft" } = {}): Promise<string> {
  const ctx = await systemCtx(t.platform, storeId, "test");
  const { status = "active", ...policy } = opts;
  const p = await createProduct(ctx, { title: `Item ${++seq}`, status, variants: [{ sku: `ST-${seq}`, prices: [{ currency: "EUR", amount: 1500 }], trackInventory: true, ...policy }] });
  return p.variants[0]!.id;
}
const admin = (path: string, json: unknown, method = "POST") => t.request(`/v1/admin/inventory${path}`, { method, headers: adminHeaders(A.sk), json });
const stockOf = async (pk: string, ids: string[]) => {
  const res = await t.request(`/v1/store/stock?variantIds=${ids.join(",")}`, { headers: storeHeaders(pk) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: { variantId: string; status: string; available: number | null }[] }).data;
};

test("in stock, low (with the count left), out of stock, backorder and untracked", async () => {
  const plenty = await variant(A.id);
  const low = await variant(A.id);
  const none = await variant(A.id);
  const backorder = await variant(A.id, { allowBackorder: true });
  const untracked = await variant(A.id, { trackInventory: false });
  expect((await admin("/adjustments", { variantId: plenty, delta: 40, reason: "received" })).status).toBe(201);
  expect((await admin("/adjustments", { variantId: low, delta: 3, reason: "received" })).status).toBe(201);
  for (const v of [plenty, low]) expect((await admin(`/variants/${v}`, { lowStockThreshold: 5 }, "PATCH")).status).toBe(200);
  expect(await stockOf(A.pk, [plenty, low, none, backorder, untracked])).toEqual([
    { variantId: plenty, status: "in_stock", available: null },
    { variantId: low, status: "low_stock", available: 3 },
    { variantId: none, status: "out_of_stock", available: null },
    { variantId: backorder, status: "backorder", available: null },
    { variantId: untracked, status: "in_stock", available: null },
  ]);
  // Held units are not for sale: a reservation takes the last ones.
  expect((await admin("/reservations", { variantId: low, quantity: 3 })).status).toBe(201);
  expect(await stockOf(A.pk, [low])).toEqual([{ variantId: low, status: "out_of_stock", available: null }]);
});

test("unpublished products, another store's variants, unknown and malformed ids are left out", async () => {
  const draft = await variant(A.id, { status: "draft" });
  const theirs = await variant(B.id);
  const mine = await variant(A.id, { trackInventory: false });
  expect((await stockOf(A.pk, [draft, theirs, "var_01ARZ3NDEKTSV4RRFFQ69G5FAV", "nonsense", mine, mine])).map((s) => s.variantId)).toEqual([mine]);
  const missing = await t.request("/v1/store/stock", { headers: storeHeaders(A.pk) });
  expect(missing.status).toBe(422);
});

test("a product page's 100 variants are answered in a bounded number of statements, not two per variant", async () => {
  const ctx = await systemCtx(t.platform, A.id, "test");
  const values = Array.from({ length: 100 }, (_, i) => `S${i}`);
  const p = await createProduct(ctx, {
    title: "Many sizes", status: "active", options: [{ name: "Size", values }],
    variants: values.map((v, i) => ({ sku: `MANY-${i}`, options: { Size: v }, prices: [{ currency: "EUR", amount: 1000 }], trackInventory: true })),
  } as never);
  const ids = p.variants.map((v: { id: string }) => v.id);
  for (const id of ids.slice(0, 50)) expect((await admin("/adjustments", { variantId: id, delta: 3, reason: "received" })).status).toBe(201);
  expect(ids.join(",").length).toBeGreaterThan(3_000); // 100 ids of 30 characters: the documented maximum fits
  const client = (await t.platform.pool.get(A.id)).client as unknown as { stats: { statements: number } };
  const before = client.stats.statements;
  const data = await stockOf(A.pk, ids);
  expect(client.stats.statements - before).toBeLessThanOrEqual(4);
  expect(data).toHaveLength(100);
  expect(data.filter((d) => d.status === "in_stock")).toHaveLength(50);
  expect(data.filter((d) => d.status === "out_of_stock")).toHaveLength(50);
});
