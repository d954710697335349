import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { desc } from "drizzle-orm";
import { auditLog } from "../audit/index.ts";
import { catalogFixture, eur, productBody, type CatalogFixture } from "./catalog.testing.ts";
import { getVariant, getVariants, listVariantIds } from "./index.ts";

let f: CatalogFixture;
beforeAll(async () => {
  f = await catalogFixture();
});
afterAll(async () => {
  await f.t[Symbol.asyncDispose]();
});

describe("admin variants", () => {
  test("list, create, read, update, delete", async () => {
    const p = (await f.admin("/products", { json: productBody({ options: [{ name: "Size", values: ["S", "M", "L"] }] }) })).body;
    const list = await f.admin(`/products/${p.id}/variants`);
    expect(list.body.data).toHaveLength(2);

    const c = await f.admin(`/products/${p.id}/variants`, { json: { sku: `${p.id}-L`, options: { Size: "L" }, prices: eur(2199), costPrice: 800, weightGrams: 210 } });
    expect(c.status).toBe(201);
    expect(c.body.position).toBe(2);
    expect(c.body.costPrice).toEqual({ amount: 800, currency: "EUR" });
    expect((await f.admin(`/products/${p.id}/variants/${c.body.id}`)).body.sku).toBe(`${p.id}-L`);

    const u = await f.admin(`/products/${p.id}/variants/${c.body.id}`, {
      method: "PATCH",
      json: { prices: [{ currency: "EUR", amount: 2299, compareAtAmount: 2999 }, { currency: "USD", amount: 2499 }], costPrice: 900, allowBackorder: true },
    });
    expect(u.status).toBe(200);
    expect(u.body.prices).toEqual([{ amount: 2299, currency: "EUR" }, { amount: 2499, currency: "USD" }]);
    expect(u.body.compareAtPrices).toEqual([{ amount: 2999, currency: "EUR" }]);
    expect(u.body.allowBackorder).toBe(true);
    const db = (await f.t.platform.pool.get(f.s.id)).db;
    const audit = (await db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0]!;
    expect(audit.action).toBe("variant.cost_changed");
    expect(audit.after).toEqual({ costPrice: 900 });

    expect((await f.admin(`/products/${p.id}/variants/${c.body.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await f.admin(`/products/${p.id}/variants/${c.body.id}`)).status).toBe(404);
  });

  test("validation: price required, sku taken, duplicate options, variant of another product → 404", async () => {
    const p = (await f.admin("/products", { json: productBody({ options: [{ name: "Size", values: ["S", "M", "L"] }] }) })).body;
    const q = (await f.admin("/products", { json: productBody() })).body;
    const noPrice = await f.admin(`/products/${p.id}/variants`, { json: { options: { Size: "L" }, prices: [{ currency: "USD", amount: 5 }] } });
    expect(noPrice.status).toBe(422);
    expect(noPrice.body.error.reason).toBe("variant.price_required");
    const patchNoPrice = await f.admin(`/products/${p.id}/variants/${p.variants[0].id}`, { method: "PATCH", json: { prices: [] } });
    expect(patchNoPrice.body.error.reason).toBe("variant.price_required");
    const taken = await f.admin(`/products/${p.id}/variants`, { json: { sku: q.variants[0].sku, options: { Size: "L" }, prices: eur(5) } });
    expect(taken.status).toBe(409);
    expect(taken.body.error.reason).toBe("variant.sku_taken");
    const patchTaken = await f.admin(`/products/${p.id}/variants/${p.variants[0].id}`, { method: "PATCH", json: { sku: q.variants[0].sku } });
    expect(patchTaken.body.error.reason).toBe("variant.sku_taken");
    // Keeping its own sku is not a conflict.
    expect((await f.admin(`/products/${p.id}/variants/${p.variants[0].id}`, { method: "PATCH", json: { sku: p.variants[0].sku } })).status).toBe(200);
    const dup = await f.admin(`/products/${p.id}/variants`, { json: { options: { Size: "S" }, prices: eur(5) } });
    expect(dup.body.error.reason).toBe("variant.duplicate_options");
    expect((await f.admin(`/products/${p.id}/variants/${q.variants[0].id}`)).status).toBe(404);
    expect((await f.admin(`/products/${p.id}/variants/${q.variants[0].id}`, { method: "DELETE" })).status).toBe(404);
  });
});

describe("catalog public api for other modules", () => {
  test("getVariant, getVariants and listVariantIds", async () => {
    const p = (await f.admin("/products", { json: productBody({ title: "Lookup Tee", taxCategory: "reduced", status: "draft" }) })).body;
    const ctx = { store: await f.t.platform.pool.get(f.s.id) };
    const v = await getVariant(ctx, p.variants[1].id);
    expect(v).toEqual({
      id: p.variants[1].id, productId: p.id, sku: p.variants[1].sku, title: "Lookup Tee — M", prices: { EUR: 1999, USD: 2199 },
      costPrice: 750, weightGrams: 0, trackInventory: true, allowBackorder: false, taxCategory: "reduced", productStatus: "draft",
    });
    expect(await getVariant(ctx, "var_01ARZ3NDEKTSV4RRFFQ69G5FAV")).toBeNull();
    const many = await getVariants(ctx, [p.variants[1].id, "var_01ARZ3NDEKTSV4RRFFQ69G5FAV", p.variants[0].id]);
    expect(many.map((x) => x.id)).toEqual([p.variants[1].id, p.variants[0].id]);
    expect(await getVariants(ctx, [])).toEqual([]);
    const ids = await listVariantIds(ctx);
    expect(ids).toContain(p.variants[0].id);
    expect([...ids].sort()).toEqual(ids);
  });
});
