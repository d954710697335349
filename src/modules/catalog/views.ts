// Loading products into their API views: one batch of prepared statements per page (never one query per row).
import { asc, eq, sql } from "drizzle-orm";
import type { StoreDb } from "../../db/client.ts";
import {
  categories, productCategories, productMedia, productOptions, products, variantPrices, variants,
} from "./catalog.tables.ts";
import { variantTitle } from "./lookup.ts";

export type ProductRow = typeof products.$inferSelect;
type Money = { amount: number; currency: string };

const inIds = (col: Parameters<typeof sql>[1]) => sql`${col} in (select value from json_each(${sql.placeholder("ids")}))`;

function prepare(db: StoreDb) {
  return {
    products: db.select().from(products).where(inIds(products.id)).prepare(),
    options: db.select().from(productOptions).where(inIds(productOptions.productId)).orderBy(asc(productOptions.position)).prepare(),
    variants: db.select().from(variants).where(inIds(variants.productId)).orderBy(asc(variants.position), asc(variants.id)).prepare(),
    prices: db
      .select({ variantId: variantPrices.variantId, currency: variantPrices.currency, amount: variantPrices.amount, compareAt: variantPrices.compareAtAmount })
      .from(variantPrices)
      .innerJoin(variants, eq(variants.id, variantPrices.variantId))
      .where(inIds(variants.productId))
      .orderBy(asc(variantPrices.currency))
      .prepare(),
    media: db.select().from(productMedia).where(inIds(productMedia.productId)).orderBy(asc(productMedia.position), asc(productMedia.id)).prepare(),
    categories: db
      .select({ productId: productCategories.productId, id: categories.id, name: categories.name, handle: categories.handle })
      .from(productCategories)
      .innerJoin(categories, eq(categories.id, productCategories.categoryId))
      .where(inIds(productCategories.productId))
      .orderBy(asc(categories.position), asc(categories.id))
      .prepare(),
  };
}

const prepared = new WeakMap<StoreDb, ReturnType<typeof prepare>>();
export function viewStatements(db: StoreDb) {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  return s;
}

function group<T, K>(rows: T[], key: (r: T) => K): Map<K, T[]> {
  const m = new Map<K, T[]>();
  for (const r of rows) {
    const list = m.get(key(r));
    if (list) list.push(r);
    else m.set(key(r), [r]);
  }
  return m;
}

export const mediaUrl = (storeId: string, m: typeof productMedia.$inferSelect): string =>
  m.kind === "upload" ? `/media/${storeId}/${m.fileName}` : m.url!;

const iso = (ms: number) => new Date(ms).toISOString();

/** Full views of `rows` (in their order). `admin` adds status, cost prices and timestamps. */
export async function buildViews(db: StoreDb, storeId: string, rows: ProductRow[], opts: { admin: boolean; defaultCurrency: string }) {
  if (rows.length === 0) return [];
  const s = viewStatements(db);
  const ids = JSON.stringify(rows.map((r) => r.id));
  const [opts_, vars, prices, media, cats] = await Promise.all([
    s.options.execute({ ids }), s.variants.execute({ ids }), s.prices.execute({ ids }), s.media.execute({ ids }), s.categories.execute({ ids }),
  ]);
  const optionsBy = group(opts_, (o) => o.productId);
  const variantsBy = group(vars, (v) => v.productId);
  const pricesBy = group(prices, (p) => p.variantId);
  const mediaBy = group(media, (m) => m.productId);
  const catsBy = group(cats, (c) => c.productId);
  return rows.map((p) => {
    const variantViews = (variantsBy.get(p.id) ?? []).map((v) => {
      const ps = pricesBy.get(v.id) ?? [];
      const base = {
        id: v.id,
        title: variantTitle(p.title, v.optionValues),
        sku: v.sku,
        barcode: v.barcode,
        options: v.optionValues,
        prices: ps.map((x): Money => ({ amount: x.amount, currency: x.currency })),
        compareAtPrices: ps.flatMap((x): Money[] => (x.compareAt === null ? [] : [{ amount: x.compareAt, currency: x.currency }])),
        weightGrams: v.weightGrams,
        trackInventory: v.trackInventory,
        allowBackorder: v.allowBackorder,
        position: v.position,
      };
      if (!opts.admin) return base;
      return {
        ...base,
        productId: p.id,
        costPrice: v.costPrice === null ? null : { amount: v.costPrice, currency: opts.defaultCurrency },
        createdAt: iso(v.createdAt),
        updatedAt: iso(v.updatedAt),
      };
    });
    const view = {
      id: p.id,
      title: p.title,
      handle: p.handle,
      description: p.descriptionHtml,
      vendor: p.vendor,
      productType: p.productType,
      tags: p.tags,
      seoTitle: p.seoTitle,
      seoDescription: p.seoDescription,
      options: (optionsBy.get(p.id) ?? []).map((o) => ({ name: o.name, values: o.values })),
      media: (mediaBy.get(p.id) ?? []).map((m) => ({ id: m.id, url: mediaUrl(storeId, m), alt: m.alt, contentType: m.contentType, position: m.position })),
      categories: (catsBy.get(p.id) ?? []).map((c) => ({ id: c.id, name: c.name, handle: c.handle })),
      variants: variantViews,
    };
    if (!opts.admin) return view;
    return { ...view, status: p.status, taxCategory: p.taxCategory, position: p.position, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) };
  });
}
