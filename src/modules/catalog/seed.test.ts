// Bodies are read as `any`: the test walks arbitrary JSON.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { catalogFixture, type CatalogFixture } from "./catalog.testing.ts";
import { detectImageType } from "./media.ts";
import { seedCatalog } from "./seed.ts";
import { getVariants, listVariantIds } from "./index.ts";
import { SEED_PRODUCTS } from "./seed-data.ts";

let f: CatalogFixture;
beforeAll(async () => {
  f = await catalogFixture();
});
afterAll(async () => {
  await f.t[Symbol.asyncDispose]();
});

describe("demo catalog seed", () => {
  test("creates 20+ realistic products with variants, costs, images, nested categories and collections; idempotent", async () => {
    const ctx = await systemCtx(f.t.platform, f.s.id, "seed");
    expect(await seedCatalog(ctx)).toContain(`${SEED_PRODUCTS.length} new`);
    const all = (await f.admin("/products?limit=100")).body.data;
    expect(all.length).toBeGreaterThanOrEqual(20);
    expect(await seedCatalog(ctx)).toContain("(0 new)");
    expect((await f.admin("/products?limit=100")).body.data).toHaveLength(all.length);

    const variants = all.flatMap((p: any) => p.variants);
    expect(variants.every((v: any) => v.costPrice !== null && v.prices.some((m: any) => m.currency === "EUR"))).toBe(true);
    expect(variants.some((v: any) => v.prices.some((m: any) => m.currency === "USD"))).toBe(true);
    expect(variants.some((v: any) => v.compareAtPrices.length > 0)).toBe(true);
    expect(all.some((p: any) => p.options.length === 2)).toBe(true);
    expect(all.every((p: any) => p.media.length > 0 && p.media.every((m: any) => m.alt.length > 0))).toBe(true);
    expect(new Set(all.map((p: any) => p.status))).toEqual(new Set(["active", "draft", "archived"]));

    const cats = (await f.store("/categories")).body.data;
    expect(cats.some((c: any) => c.parentId !== null)).toBe(true);
    expect((await f.store("/collections/summer-essentials")).body.products.length).toBeGreaterThan(2);
    expect((await f.store("/collections/gifts-under-50")).body.products.length).toBeGreaterThan(2);

    // The bench's detail handle, with a real image behind its media URL.
    const tee = await f.store("/products/classic-organic-tee");
    expect(tee.status).toBe(200);
    expect(tee.body.variants).toHaveLength(12);
    const img = await f.t.request(tee.body.media[0].url);
    expect(img.status).toBe(200);
    expect(detectImageType(new Uint8Array(await img.arrayBuffer()))?.contentType).toBe("image/png");
    expect((await f.store("/products?limit=20")).body.data).toHaveLength(20);
  });

  test("a store in another currency gets prices and costs in its default currency, or is skipped", async () => {
    const usd = await f.t.platform.provisionStore({ name: "US shop", defaultCurrency: "USD" });
    const ctx = await systemCtx(f.t.platform, usd.id, "seed");
    expect(await seedCatalog(ctx)).toContain("new");
    const vs = await getVariants(ctx, await listVariantIds(ctx));
    expect(vs.length).toBeGreaterThan(20);
    expect(vs.every((v) => Number.isInteger(v.prices.USD) && v.prices.USD! > 0 && v.costPrice !== null)).toBe(true);
    const jpy = await f.t.platform.provisionStore({ name: "JP shop", defaultCurrency: "JPY" });
    const jctx = await systemCtx(f.t.platform, jpy.id, "seed");
    expect(await seedCatalog(jctx)).toContain("skipped");
    expect(await listVariantIds(jctx)).toEqual([]);
  });
});
