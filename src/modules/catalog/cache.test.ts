import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { catalogCache, invalidating } from "./cache.ts";
import { products } from "./catalog.tables.ts";
import { catalogFixture, productBody, type CatalogFixture } from "./catalog.testing.ts";

const body = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe("catalogCache", () => {
  test("a read that started before a write is not stored (generation guard)", () => {
    const store = "store_TESTCACHE0000000000000000A";
    const gen = catalogCache.generation(store);
    catalogCache.invalidate(store); // a write commits while the read is in flight
    catalogCache.set(store, "k", body("stale"), gen);
    expect(catalogCache.get(store, "k")).toBeUndefined();
    catalogCache.set(store, "k", body("fresh"), catalogCache.generation(store));
    expect(text(catalogCache.get(store, "k"))).toBe("fresh");
  });

  test("invalidation drops one store's entries only, also when the write fails", async () => {
    const a = "store_TESTCACHE0000000000000000B";
    const b = "store_TESTCACHE0000000000000000C";
    catalogCache.set(a, "k", body("a"), catalogCache.generation(a));
    catalogCache.set(b, "k", body("b"), catalogCache.generation(b));
    await expect(invalidating(a, async () => Promise.reject(new Error("rolled back")))).rejects.toThrow("rolled back");
    expect(catalogCache.get(a, "k")).toBeUndefined();
    expect(text(catalogCache.get(b, "k"))).toBe("b");
  });

  test("memory is bounded: old entries are evicted, oversized bodies are not kept", () => {
    const s = "store_TESTCACHE0000000000000000D";
    const big = new Uint8Array(1024 * 1024);
    for (let i = 0; i < 80; i++) catalogCache.set(s, `page${i}`, big, catalogCache.generation(s));
    expect(catalogCache.size.bytes).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(catalogCache.get(s, "page0")).toBeUndefined();
    expect(catalogCache.get(s, "page79")).toBeDefined();
    catalogCache.set(s, "huge", new Uint8Array(3 * 1024 * 1024), catalogCache.generation(s));
    expect(catalogCache.get(s, "huge")).toBeUndefined();
    catalogCache.invalidate(s);
  });
});

describe("store API cache", () => {
  let f: CatalogFixture;
  beforeAll(async () => {
    f = await catalogFixture();
  });
  afterAll(async () => {
    await f.t[Symbol.asyncDispose]();
  });

  test("a hit is served without reading the database; the next catalog write refreshes it", async () => {
    const p = (await f.admin("/products", { json: productBody({ title: "Original" }) })).body;
    expect((await f.store(`/products/${p.handle}`)).body.title).toBe("Original");
    expect((await f.store("/products")).body.data[0].title).toBe("Original");
    // Change the row behind the catalog's back: a cached response does not notice (it never reads the DB) …
    const db = (await f.t.platform.pool.get(f.s.id)).db;
    await db.update(products).set({ title: "Changed underneath" }).where(eq(products.id, p.id));
    expect((await f.store(`/products/${p.handle}`)).body.title).toBe("Original");
    expect((await f.store("/products")).body.data[0].title).toBe("Original");
    // … and any catalog write invalidates the store's entries.
    await f.admin("/categories", { json: { name: "Anything" } });
    expect((await f.store(`/products/${p.handle}`)).body.title).toBe("Changed underneath");
    expect((await f.store("/products")).body.data[0].title).toBe("Changed underneath");
  });
});

describe("variant lookups (lookup.ts)", () => {
  test("are served from memory until a catalog write; a lookup that raced a write is not kept", async () => {
    const { checkoutFixture } = await import("../checkout/checkout.testing.ts");
    const { getVariants } = await import("./lookup.ts");
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 5);
    const store = await f.t.platform.pool.get(f.s.id);
    const ctx = { store };
    const statements = async (fn: () => Promise<unknown>) => {
      const before = store.client.stats.statements;
      await fn();
      return store.client.stats.statements - before;
    };
    catalogCache.invalidate(f.s.id); // as after any catalog write
    expect(await statements(() => getVariants(ctx, [v]))).toBeGreaterThan(0);
    expect(await statements(() => getVariants(ctx, [v, v]))).toBe(0);
    // Shared between callers: frozen, so no caller can change another's view.
    expect(Object.isFrozen((await getVariants(ctx, [v]))[0]!.prices)).toBe(true);

    const product = (await f.admin(`/products?limit=1`)).body.data[0];
    await f.admin(`/products/${product.id}/variants/${v}`, { method: "PATCH", json: { prices: [{ currency: "EUR", amount: 1_500 }] } });
    const after = await getVariants(ctx, [v]);
    expect(after[0]!.prices.EUR).toBe(1_500);

    // A write commits while a lookup is in flight: its (possibly older) result is returned but not remembered.
    catalogCache.invalidate(f.s.id);
    const racing = getVariants(ctx, [v]);
    catalogCache.invalidate(f.s.id);
    await racing;
    expect(await statements(() => getVariants(ctx, [v]))).toBeGreaterThan(0);
    // An unknown id is looked up once, then known to be unknown.
    const ghost = "var_01M80000000000000000000000";
    expect(await getVariants(ctx, [ghost])).toEqual([]);
    expect(await statements(() => getVariants(ctx, [ghost]))).toBe(0);
  });
});
