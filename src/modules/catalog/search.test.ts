import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { catalogFixture, eur, productBody, type CatalogFixture } from "./catalog.testing.ts";
import { ftsQuery } from "./fts.ts";

let f: CatalogFixture;
beforeAll(async () => {
  f = await catalogFixture();
});
afterAll(async () => {
  await f.t[Symbol.asyncDispose]();
});

const ids = (body: { data: { id: string }[] }) => body.data.map((p) => p.id);

describe("q= full-text search (FTS5)", () => {
  test("finds products by title, sku, tag and vendor; drafts stay hidden", async () => {
    const mug = (await f.admin("/products", { json: productBody({ title: "Speckled Stoneware Mug", tags: ["ceramic", "gift idea"], vendor: "Kiln & Co.", variants: [{ sku: "MUG-SPK-01", options: { Size: "S" }, prices: eur(2200) }] }) })).body;
    const tee = (await f.admin("/products", { json: productBody({ title: "Organic Tee", tags: ["cotton"], vendor: "Basics" }) })).body;
    await f.admin("/products", { json: productBody({ title: "Secret Stoneware Bowl", status: "draft" }) });

    expect(ids((await f.store("/products?q=stoneware")).body)).toEqual([mug.id]);
    expect(ids((await f.store("/products?q=Stonew")).body)).toEqual([mug.id]); // prefix
    expect(ids((await f.store("/products?q=MUG-SPK-01")).body)).toEqual([mug.id]); // sku
    expect(ids((await f.store("/products?q=mug-spk")).body)).toEqual([mug.id]);
    expect(ids((await f.store("/products?q=ceramic")).body)).toEqual([mug.id]); // tag
    expect(ids((await f.store("/products?q=gift%20idea")).body)).toEqual([mug.id]);
    expect(ids((await f.store("/products?q=kiln")).body)).toEqual([mug.id]); // vendor
    expect(ids((await f.store("/products?q=organic%20tee")).body)).toEqual([tee.id]);
    expect(ids((await f.store("/products?q=nothing-like-this")).body)).toEqual([]);
    // FTS5 syntax in the input is searched as text, never a 500.
    for (const q of ['"', "NEAR(", "title:mug", "*", "a AND OR", "-", "()"]) {
      expect((await f.store(`/products?q=${encodeURIComponent(q)}`)).status, q).toBe(200);
    }
  });

  test("the index follows updates: new sku, renamed title, removed tag, deleted product", async () => {
    const p = (await f.admin("/products", { json: productBody({ title: "Walnut Tray", tags: ["wood"] }) })).body;
    await f.admin(`/products/${p.id}/variants/${p.variants[0].id}`, { method: "PATCH", json: { sku: "TRAY-WAL-NEW" } });
    expect(ids((await f.store("/products?q=TRAY-WAL-NEW")).body)).toEqual([p.id]);
    await f.admin(`/products/${p.id}`, { method: "PATCH", json: { title: "Oak Tray", tags: ["oak"] } });
    expect(ids((await f.store("/products?q=walnut")).body)).toEqual([]);
    expect(ids((await f.store("/products?q=wood")).body)).toEqual([]);
    expect(ids((await f.store("/products?q=oak")).body)).toEqual([p.id]);
    await f.admin(`/products/${p.id}`, { method: "DELETE" });
    expect(ids((await f.store("/products?q=oak")).body)).toEqual([]);
  });

  test("ftsQuery quotes every word as a prefix term", () => {
    expect(ftsQuery("TEE-BLK-M")).toBe('"TEE"* "BLK"* "M"*');
    expect(ftsQuery('a "b" NEAR(c)')).toBe('"a"* "b"* "NEAR"* "c"*');
    expect(ftsQuery("  -- ")).toBeNull();
  });
});

describe("cursor pagination", () => {
  test("is stable under inserts: page 2 after new products has no duplicates and no skips", async () => {
    const g = await catalogFixture(f.t); // a fresh store on the same platform
    for (let i = 0; i < 7; i++) await g.admin("/products", { json: productBody({ title: `Page Item ${i}` }) });
    const page1 = (await g.store("/products?limit=3")).body;
    expect(page1.data).toHaveLength(3);
    for (let i = 0; i < 4; i++) await g.admin("/products", { json: productBody({ title: `Inserted ${i}` }) });
    const seen = [...ids(page1)];
    let cursor = page1.nextCursor;
    while (cursor) {
      const page = (await g.store(`/products?limit=3&cursor=${cursor}`)).body;
      seen.push(...ids(page));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const all = ids((await g.store("/products?limit=100")).body);
    expect(seen).toEqual(all);
    expect(all).toHaveLength(11);
  });

  test("a cursor also pages search and category results; a forged cursor is 422", async () => {
    const g = await catalogFixture(f.t);
    for (let i = 0; i < 5; i++) await g.admin("/products", { json: productBody({ title: `Lantern ${i}` }) });
    const p1 = (await g.store("/products?q=lantern&limit=2")).body;
    const p2 = (await g.store(`/products?q=lantern&limit=2&cursor=${p1.nextCursor}`)).body;
    const p3 = (await g.store(`/products?q=lantern&limit=2&cursor=${p2.nextCursor}`)).body;
    expect([...ids(p1), ...ids(p2), ...ids(p3)]).toHaveLength(5);
    expect(p3.nextCursor).toBeNull();
    const bad = await g.store("/products?cursor=bm90LWEtY3Vyc29y");
    expect(bad.status).toBe(422);
    expect(bad.body.error.reason).toBe("pagination.invalid_cursor");
    expect((await g.store("/products?limit=101")).status).toBe(422);
  });
});
