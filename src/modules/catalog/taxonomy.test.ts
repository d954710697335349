import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { desc } from "drizzle-orm";
import { auditLog } from "../audit/index.ts";
import { catalogFixture, productBody, type CatalogFixture } from "./catalog.testing.ts";

let f: CatalogFixture;
beforeAll(async () => {
  f = await catalogFixture();
});
afterAll(async () => {
  await f.t[Symbol.asyncDispose]();
});

const lastAction = async () => {
  const db = (await f.t.platform.pool.get(f.s.id)).db;
  return (await db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(1))[0]?.action;
};

describe("admin categories", () => {
  test("CRUD with nesting; handle conflicts 409; cycles and unknown parents 422; parents with children cannot go", async () => {
    const apparel = await f.admin("/categories", { json: { name: "Apparel" } });
    expect(apparel.status).toBe(201);
    expect(apparel.body).toMatchObject({ handle: "apparel", parentId: null, position: 0 });
    const tops = (await f.admin("/categories", { json: { name: "Tops", parentId: apparel.body.id } })).body;
    const tees = (await f.admin("/categories", { json: { name: "Tees", parentId: tops.id, description: "Short sleeves" } })).body;
    expect((await f.admin(`/categories/${tees.id}`)).body.parentId).toBe(tops.id);
    expect((await f.admin("/categories")).body.data.map((c: { id: string }) => c.id)).toEqual([apparel.body.id, tops.id, tees.id]);

    const dup = await f.admin("/categories", { json: { name: "Apparel again", handle: "apparel" } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.reason).toBe("category.handle_taken");

    for (const parentId of [apparel.body.id, tops.id]) {
      const cyc = await f.admin(`/categories/${apparel.body.id}`, { method: "PATCH", json: { parentId: parentId === apparel.body.id ? apparel.body.id : tees.id } });
      expect(cyc.status).toBe(422);
      expect(cyc.body.error.reason).toBe("category.cycle");
    }
    const unknown = await f.admin("/categories", { json: { name: "Orphan", parentId: "cat_01ARZ3NDEKTSV4RRFFQ69G5FAV" } });
    expect(unknown.body.error.reason).toBe("category.unknown_parent");

    const moved = await f.admin(`/categories/${tees.id}`, { method: "PATCH", json: { parentId: apparel.body.id, name: "T-shirts" } });
    expect(moved.body).toMatchObject({ parentId: apparel.body.id, name: "T-shirts" });
    const blocked = await f.admin(`/categories/${apparel.body.id}`, { method: "DELETE" });
    expect(blocked.status).toBe(422);
    expect(blocked.body.error.reason).toBe("category.has_children");

    expect((await f.admin(`/categories/${tops.id}`, { method: "DELETE" })).status).toBe(204);
    expect(await lastAction()).toBe("category.deleted");
    expect((await f.admin(`/categories/${tops.id}`)).status).toBe(404);
    const prod = await f.admin("/products", { json: productBody({ categoryIds: [tops.id] }) });
    expect(prod.body.error.reason).toBe("product.unknown_category");
  });
});

describe("admin collections", () => {
  test("CRUD, add (append, idempotent), reorder, remove", async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(async () => (await f.admin("/products", { json: productBody() })).body.id as string));
    const col = await f.admin("/collections", { json: { title: "Summer Picks", description: "Sunny", productIds: [a] } });
    expect(col.status).toBe(201);
    expect(col.body).toMatchObject({ handle: "summer-picks", productIds: [a] });
    const id = col.body.id;
    expect((await f.admin(`/collections/${id}/products`, { json: { productIds: [b, a, c] } })).body.productIds).toEqual([a, b, c]);
    expect((await f.admin(`/collections/${id}/products`, { method: "PUT", json: { productIds: [c, a, b] } })).body.productIds).toEqual([c, a, b]);
    expect((await f.admin(`/collections/${id}/products/${a}`, { method: "DELETE" })).body.productIds).toEqual([c, b]);
    expect((await f.admin(`/collections/${id}/products/${a}`, { method: "DELETE" })).status).toBe(404);
    const missing = await f.admin(`/collections/${id}/products`, { json: { productIds: ["prod_01ARZ3NDEKTSV4RRFFQ69G5FAV"] } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.reason).toBe("collection.unknown_product");

    expect((await f.admin(`/collections/${id}`, { method: "PATCH", json: { title: "Summer Favourites" } })).body.title).toBe("Summer Favourites");
    await f.admin("/collections", { json: { title: "Other", handle: "other" } });
    const conflict = await f.admin(`/collections/${id}`, { method: "PATCH", json: { handle: "other" } });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.reason).toBe("collection.handle_taken");
    expect((await f.admin("/collections")).body.data.length).toBe(2);
    expect((await f.admin(`/collections/${id}`)).body.productIds).toEqual([c, b]);

    // Deleting a product removes it from its collections.
    await f.admin(`/products/${b}`, { method: "DELETE" });
    expect((await f.admin(`/collections/${id}`)).body.productIds).toEqual([c]);
    expect((await f.admin(`/collections/${id}`, { method: "DELETE" })).status).toBe(204);
    expect(await lastAction()).toBe("collection.deleted");
    expect((await f.admin(`/collections/${id}`)).status).toBe(404);
  });
});
