import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { pageOf } from "../../http/models.ts";
import { CategoryView, StoreCollectionView, StoreProductView } from "./catalog.models.ts";
import { catalogFixture, eur, matches, productBody, type CatalogFixture } from "./catalog.testing.ts";

let f: CatalogFixture;
let active: any; // test data read freely
let draft: any;
let archived: any;
beforeAll(async () => {
  f = await catalogFixture();
  active = (await f.admin("/products", { json: productBody({ title: "Visible Vase", status: "active" }) })).body;
  draft = (await f.admin("/products", { json: productBody({ title: "Draft Desk", status: "draft" }) })).body;
  archived = (await f.admin("/products", { json: productBody({ title: "Archived Apron", status: "archived" }) })).body;
});
afterAll(async () => {
  await f.t[Symbol.asyncDispose]();
});

describe("store products", () => {
  test("the list shows published products only, matching its schema, with Money prices", async () => {
    const r = await f.store("/products?limit=20");
    expect(r.status).toBe(200);
    expect(r.res.headers.get("content-type")).toContain("application/json");
    expect(matches(pageOf(StoreProductView), r.body)).toEqual([]);
    const ids = r.body.data.map((p: { id: string }) => p.id);
    expect(ids).toContain(active.id);
    expect(ids).not.toContain(draft.id);
    expect(ids).not.toContain(archived.id);
    const v = r.body.data.find((p: { id: string }) => p.id === active.id).variants[1];
    expect(v.prices).toEqual([{ amount: 1999, currency: "EUR" }, { amount: 2199, currency: "USD" }]);
    for (const m of v.prices) expect(Number.isInteger(m.amount)).toBe(true);
  });

  test("detail by id and by handle; drafts, archived and unknown → 404", async () => {
    const byId = await f.store(`/products/${active.id}`);
    expect(byId.status).toBe(200);
    expect(matches(StoreProductView, byId.body)).toEqual([]);
    expect((await f.store(`/products/${active.handle}`)).body.id).toBe(active.id);
    for (const key of [draft.id, draft.handle, archived.id, archived.handle, "no-such-handle"]) {
      const r = await f.store(`/products/${key}`);
      expect(r.status, key).toBe(404);
      expect(r.body.error.reason).toBe("product.not_found");
    }
  });

  test("cost price never appears in any store response", async () => {
    const bodies = [
      await (await f.t.request("/v1/store/products?limit=100", { headers: { "x-publishable-key": f.s.pk } })).text(),
      await (await f.t.request(`/v1/store/products/${active.handle}`, { headers: { "x-publishable-key": f.s.pk } })).text(),
    ];
    for (const b of bodies) {
      expect(b).not.toMatch(/cost/i);
      expect(b).not.toContain('"status"');
    }
    expect(JSON.stringify((await f.admin(`/products/${active.id}`)).body)).toContain("costPrice");
  });

  test("cache invalidation: every admin write shows at once on the store API", async () => {
    const p = (await f.admin("/products", { json: productBody({ title: "Cached Chair" }) })).body;
    expect((await f.store(`/products/${p.handle}`)).body.title).toBe("Cached Chair");
    expect((await f.store("/products?limit=100")).body.data.some((x: { id: string }) => x.id === p.id)).toBe(true);

    await f.admin(`/products/${p.id}`, { method: "PATCH", json: { title: "Renamed Chair" } });
    expect((await f.store(`/products/${p.handle}`)).body.title).toBe("Renamed Chair");
    expect((await f.store("/products?limit=100")).body.data.find((x: { id: string }) => x.id === p.id).title).toBe("Renamed Chair");

    await f.admin(`/products/${p.id}/variants/${p.variants[0].id}`, { method: "PATCH", json: { prices: eur(4242) } });
    expect((await f.store(`/products/${p.id}`)).body.variants[0].prices).toEqual([{ amount: 4242, currency: "EUR" }]);

    await f.admin(`/products/${p.id}/media`, { json: { url: "https://img.example/chair.jpg", alt: "Chair" } });
    expect((await f.store(`/products/${p.id}`)).body.media.map((m: { alt: string }) => m.alt)).toEqual(["Chair"]);

    await f.admin("/products/bulk-status", { json: { ids: [p.id], status: "draft" } });
    expect((await f.store(`/products/${p.id}`)).status).toBe(404);
    expect((await f.store("/products?limit=100")).body.data.some((x: { id: string }) => x.id === p.id)).toBe(false);

    await f.admin(`/products/${p.id}`, { method: "PATCH", json: { status: "active" } });
    expect((await f.store(`/products/${p.id}`)).status).toBe(200);
    await f.admin(`/products/${p.id}`, { method: "DELETE" });
    expect((await f.store(`/products/${p.id}`)).status).toBe(404);
  });
});

describe("store categories and collections", () => {
  test("categories list, category filter includes subcategories, collection by id or handle in manual order", async () => {
    const root = (await f.admin("/categories", { json: { name: "Home & Living" } })).body;
    const child = (await f.admin("/categories", { json: { name: "Vases", parentId: root.id } })).body;
    const a = (await f.admin("/products", { json: productBody({ title: "Tall Vase", categoryIds: [child.id] }) })).body;
    const b = (await f.admin("/products", { json: productBody({ title: "Root Rug", categoryIds: [root.id] }) })).body;
    const hidden = (await f.admin("/products", { json: productBody({ title: "Hidden Vase", status: "draft", categoryIds: [child.id] }) })).body;

    const cats = await f.store("/categories");
    expect(matches(pageOf(CategoryView), cats.body)).toEqual([]);
    expect(cats.body.data.find((c: { id: string }) => c.id === child.id).parentId).toBe(root.id);

    const inRoot = (await f.store(`/products?category=${root.handle}`)).body.data.map((p: { id: string }) => p.id);
    expect(inRoot).toEqual([a.id, b.id]);
    expect((await f.store(`/products?category=${child.id}`)).body.data.map((p: { id: string }) => p.id)).toEqual([a.id]);
    expect((await f.store(`/products/${a.id}`)).body.categories).toEqual([{ id: child.id, name: "Vases", handle: "vases" }]);
    expect((await f.store("/products?category=nope")).body.data).toEqual([]);

    const col = (await f.admin("/collections", { json: { title: "Staff picks", productIds: [b.id, hidden.id, a.id] } })).body;
    const byHandle = await f.store("/collections/staff-picks");
    expect(matches(StoreCollectionView, byHandle.body)).toEqual([]);
    expect(byHandle.body.products.map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
    expect((await f.store(`/collections/${col.id}`)).body.title).toBe("Staff picks");
    expect((await f.store(`/products?collection=${col.handle}`)).body.data.map((p: { id: string }) => p.id)).toEqual([b.id, a.id]);
    await f.admin(`/collections/${col.id}/products`, { method: "PUT", json: { productIds: [a.id, b.id] } });
    expect((await f.store(`/collections/${col.handle}`)).body.products.map((p: { id: string }) => p.id)).toEqual([a.id, b.id]);
    expect((await f.store("/collections/unknown")).status).toBe(404);
  });
});
