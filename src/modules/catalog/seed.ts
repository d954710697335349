// Demo catalog seeder: categories, products with options/variants/prices/costs, generated images, collections.
// Idempotent: anything whose handle already exists is left as it is. One transaction for the whole catalog
// (one fsync instead of ~100), so a demo store is ready in well under a second.
import { eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { getSettings } from "../settings/settings.ts";
import { categories, collections, products } from "./catalog.tables.ts";
import { invalidating } from "./cache.ts";
import { insertCategory } from "./categories.ts";
import { insertCollection } from "./collections.ts";
import { insertMediaRow, storeImageFile, storeMediaDir } from "./media.ts";
import { productImage, type Rgb } from "./png.ts";
import { insertProduct, prepareProduct, type PreparedProduct } from "./products.ts";
import { SEED_CATEGORIES, SEED_COLLECTIONS, SEED_PRODUCTS, type SeedProduct } from "./seed-data.ts";
import type { VariantInput } from "./variants.ts";

/** Every combination of the option values, in option order (S/White, S/Black, …). */
function combinations(options: SeedProduct["options"]): Record<string, string>[] {
  return options.reduce<Record<string, string>[]>((acc, o) => acc.flatMap((c) => o.values.map((v) => ({ ...c, [o.name]: v }))), [{}]);
}

const code = (v: string) => v.replace(/[^A-Za-z0-9]/g, "").slice(0, 3).toUpperCase();

/** Demo conversion for stores whose default currency is not EUR: a fixed rate, then a price ending in 99. */
const DEMO_RATES: Record<string, number> = { EUR: 1, USD: 1.1, GBP: 0.86, CHF: 0.95 };
const charm = (minor: number) => Math.max(99, Math.round(minor / 100) * 100 - 1);

function seedVariants(p: SeedProduct, currency: string): VariantInput[] {
  const rate = DEMO_RATES[currency]!;
  return combinations(p.options).map((values, i) => {
    // Bigger sizes cost a little more to make and to buy.
    const upcharge = values.Size === "XL" || values.Size === "Large" ? 200 : 0;
    const eur = { currency: "EUR", amount: p.price + upcharge, compareAtAmount: p.compareAt === undefined ? null : p.compareAt + upcharge };
    const prices = [eur];
    if (p.usd !== undefined || currency === "USD") prices.push({ currency: "USD", amount: (p.usd ?? charm(p.price * rate)) + upcharge, compareAtAmount: null });
    if (currency !== "EUR" && currency !== "USD") prices.push({ currency, amount: charm((p.price + upcharge) * rate), compareAtAmount: null });
    return {
      sku: [p.sku, ...Object.values(values).map(code)].join("-"),
      options: values,
      prices,
      costPrice: Math.round((p.cost + upcharge / 2) * rate), // in the store's default currency
      weightGrams: p.grams,
      trackInventory: true,
      allowBackorder: i === 0 && p.handle === "leather-weekender",
      position: i,
    };
  });
}

async function idByHandle(tx: StoreTx, table: typeof categories | typeof collections | typeof products, handle: string) {
  return (await tx.select({ id: table.id }).from(table).where(eq(table.handle, handle)))[0]?.id;
}

const darker = (c: Rgb): Rgb => [Math.round(c[0] * 0.8), Math.round(c[1] * 0.8), Math.round(c[2] * 0.8)];

export async function seedCatalog(ctx: Ctx): Promise<string> {
  const { defaultCurrency } = await getSettings(ctx);
  if (DEMO_RATES[defaultCurrency] === undefined) return `skipped: the demo catalog has no prices in ${defaultCurrency}`;
  const dir = await storeMediaDir(ctx);
  // Sanitizing and image files happen before the lock (the files are content-addressed: writing twice is harmless).
  const existing = new Set((await ctx.store.db.select({ handle: products.handle }).from(products)).map((r) => r.handle));
  const prepared: { seed: SeedProduct; product: PreparedProduct; images: { fileName: string; contentType: string; size: number; alt: string }[] }[] = [];
  for (const p of SEED_PRODUCTS.filter((x) => !existing.has(x.handle))) {
    const product = await prepareProduct(
      {
        title: p.title, handle: p.handle, description: p.description, status: p.status ?? "active", vendor: p.vendor,
        productType: p.type, tags: p.tags, taxCategory: p.tax ?? "standard",
        seoTitle: `${p.title} | Trafi Demo`, seoDescription: p.description.replace(/<[^>]+>/g, ""),
        options: p.options, variants: seedVariants(p, defaultCurrency),
      },
      defaultCurrency,
    );
    const images = [
      { bytes: productImage(p.color), alt: `${p.title}, front view` },
      { bytes: productImage(darker(p.color)), alt: `${p.title}, detail` },
    ].map((img) => {
      const f = storeImageFile(dir, img.bytes);
      return { fileName: f.fileName, contentType: f.type.contentType, size: img.bytes.length, alt: img.alt };
    });
    prepared.push({ seed: p, product, images });
  }
  const created = await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const catIds = new Map<string, string>();
      for (const c of SEED_CATEGORIES) {
        const parentId = c.parent === undefined ? null : catIds.get(c.parent)!;
        catIds.set(c.handle, (await idByHandle(tx, categories, c.handle)) ?? (await insertCategory(tx, ctx, { name: c.name, handle: c.handle, parentId })).id);
      }
      let n = 0;
      const prodIds = new Map<string, string>();
      for (const { seed, product, images } of prepared) {
        if (await idByHandle(tx, products, seed.handle)) continue; // created meanwhile by another seeding run
        const id = await insertProduct(tx, ctx, { ...product, input: { ...product.input, categoryIds: [catIds.get(seed.category)!] } });
        for (const img of images) {
          await insertMediaRow(tx, ctx, id, { kind: "upload", fileName: img.fileName, url: null, contentType: img.contentType, sizeBytes: img.size, alt: img.alt });
        }
        prodIds.set(seed.handle, id);
        n++;
      }
      for (const c of SEED_COLLECTIONS) {
        if (await idByHandle(tx, collections, c.handle)) continue;
        const ids = await Promise.all(c.products.map(async (h) => prodIds.get(h) ?? (await idByHandle(tx, products, h))));
        await insertCollection(tx, ctx, { title: c.title, handle: c.handle, description: c.description, productIds: ids.filter((id): id is string => id !== undefined) });
      }
      return n;
    }),
  );
  return `${SEED_PRODUCTS.length} products (${created} new) with images, ${SEED_CATEGORIES.length} categories, ${SEED_COLLECTIONS.length} collections`;
}

export const catalogSeeder = { name: "catalog", run: seedCatalog };
