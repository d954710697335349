// Another store's ids answer 404 on every catalog route, and cross-store references are refused.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { catalogFixture, eur, productBody, type CatalogFixture } from "./catalog.testing.ts";

let A: CatalogFixture;
let B: CatalogFixture;
let p: any; // B's product (test data read freely)
let cat: any;
let col: any;
let media: any;
beforeAll(async () => {
  A = await catalogFixture();
  B = await catalogFixture(A.t);
  cat = (await B.admin("/categories", { json: { name: "B only" } })).body;
  p = (await B.admin("/products", { json: productBody({ title: "B Product", categoryIds: [cat.id] }) })).body;
  media = (await B.admin(`/products/${p.id}/media`, { json: { url: "https://b.example/x.png", alt: "B" } })).body;
  col = (await B.admin("/collections", { json: { title: "B Collection", productIds: [p.id] } })).body;
  await A.admin("/products", { json: productBody({ title: "A Product" }) });
});
afterAll(async () => {
  await A.t[Symbol.asyncDispose]();
});

describe("catalog isolation", () => {
  test("every admin route answers 404 to another store's ids", async () => {
    const v = p.variants[0].id;
    const cases: [string, string, unknown?][] = [
      ["GET", `/products/${p.id}`],
      ["PATCH", `/products/${p.id}`, { title: "x" }],
      ["DELETE", `/products/${p.id}`],
      ["GET", `/products/${p.id}/variants`],
      ["POST", `/products/${p.id}/variants`, { options: { Size: "S" }, prices: eur(1) }],
      ["GET", `/products/${p.id}/variants/${v}`],
      ["PATCH", `/products/${p.id}/variants/${v}`, { barcode: "x" }],
      ["DELETE", `/products/${p.id}/variants/${v}`],
      ["GET", `/products/${p.id}/media`],
      ["POST", `/products/${p.id}/media`, { url: "https://a.example/x.png", alt: "x" }],
      ["PATCH", `/products/${p.id}/media/${media.id}`, { alt: "x" }],
      ["DELETE", `/products/${p.id}/media/${media.id}`],
      ["GET", `/categories/${cat.id}`],
      ["PATCH", `/categories/${cat.id}`, { name: "x" }],
      ["DELETE", `/categories/${cat.id}`],
      ["GET", `/collections/${col.id}`],
      ["PATCH", `/collections/${col.id}`, { title: "x" }],
      ["DELETE", `/collections/${col.id}`],
      ["POST", `/collections/${col.id}/products`, { productIds: [p.id] }],
      ["PUT", `/collections/${col.id}/products`, { productIds: [p.id] }],
      ["DELETE", `/collections/${col.id}/products/${p.id}`],
    ];
    for (const [method, path, json] of cases) {
      const r = await A.admin(path, { method, json });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error.code).toBe("NOT_FOUND");
    }
    const bulk = await A.admin("/products/bulk-status", { json: { ids: [p.id], status: "archived" } });
    expect(bulk.body.results[0]).toMatchObject({ ok: false, error: { reason: "product.not_found" } });
    // Nothing of B changed.
    expect((await B.admin(`/products/${p.id}`)).body).toMatchObject({ title: "B Product", status: "active" });
    expect((await B.admin(`/products/${p.id}/media`)).body.data).toHaveLength(1);
  });

  test("every store route answers 404 to another store's ids and handles; lists never mix stores", async () => {
    for (const path of [`/products/${p.id}`, `/products/${p.handle}`, `/collections/${col.id}`, `/collections/${col.handle}`]) {
      expect((await A.store(path)).status, path).toBe(404);
    }
    const list = (await A.store("/products?limit=100")).body.data.map((x: { title: string }) => x.title);
    expect(list).toEqual(["A Product"]);
    expect((await A.store(`/products?category=${cat.id}`)).body.data).toEqual([]);
    expect((await A.store(`/products?collection=${col.id}`)).body.data).toEqual([]);
    expect((await A.store("/products?q=B%20Product")).body.data).toEqual([]);
    expect((await A.store("/categories")).body.data).toEqual([]);
  });

  test("references to another store's category or product are refused", async () => {
    expect((await A.admin("/products", { json: productBody({ categoryIds: [cat.id] }) })).body.error.reason).toBe("product.unknown_category");
    expect((await A.admin("/collections", { json: { title: "Mixed", productIds: [p.id] } })).body.error.reason).toBe("collection.unknown_product");
    expect((await A.admin("/categories", { json: { name: "Child", parentId: cat.id } })).body.error.reason).toBe("category.unknown_parent");
  });

  test("skus and handles are unique per store, not across stores", async () => {
    const same = await A.admin("/products", { json: productBody({ handle: p.handle, variants: [{ sku: p.variants[0].sku, options: { Size: "S" }, prices: eur(5) }] }) });
    expect(same.status).toBe(201);
  });
});
