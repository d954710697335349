// Store API reads: published (active) products only. Results are serialized once and kept in the per-store
// cache; a cache hit costs a Map lookup, no database and no JSON encoding.
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { Static } from "elysia";
import type { Ctx } from "../../kernel/context.ts";
import { NotFound } from "../../kernel/errors.ts";
import type { StoreDb } from "../../db/client.ts";
import { categories, collectionProducts, collections, products } from "./catalog.tables.ts";
import type { StoreProductView } from "./catalog.models.ts";
import { catalogCache, type Body } from "./cache.ts";
import { decodeSortCursor, toSortPage } from "./cursor.ts";
import { ftsQuery } from "./fts.ts";
import { buildViews, type ProductRow } from "./views.ts";

export type StoreProduct = Static<typeof StoreProductView>;

const active = eq(products.status, "active");

function prepare(db: StoreDb) {
  return {
    byIdOrHandle: db
      .select()
      .from(products)
      .where(and(active, or(eq(products.id, sql.placeholder("key")), eq(products.handle, sql.placeholder("key")))))
      .prepare(),
    // The unfiltered first and next pages: (-1, "") sorts before every row, so one statement serves both.
    page: db
      .select()
      .from(products)
      .where(and(active, sql`(${products.position}, ${products.id}) > (${sql.placeholder("pos")}, ${sql.placeholder("id")})`))
      .orderBy(asc(products.position), asc(products.id))
      .limit(sql.placeholder("limit"))
      .prepare(),
    categories: db.select().from(categories).orderBy(asc(categories.position), asc(categories.id)).prepare(),
    collection: db
      .select()
      .from(collections)
      .where(or(eq(collections.id, sql.placeholder("key")), eq(collections.handle, sql.placeholder("key"))))
      .prepare(),
  };
}

const prepared = new WeakMap<StoreDb, ReturnType<typeof prepare>>();
function statements(db: StoreDb) {
  let s = prepared.get(db);
  if (!s) prepared.set(db, (s = prepare(db)));
  return s;
}

export const storeViews = async (ctx: Ctx, rows: ProductRow[]): Promise<StoreProduct[]> =>
  (await buildViews(ctx.store.db, ctx.storeId, rows, { admin: false, defaultCurrency: "" })) as StoreProduct[];

/** Serves `key` from the cache or computes, serializes and caches it. */
const encoder = new TextEncoder();
const encode = (value: unknown): Body => encoder.encode(JSON.stringify(value));

async function cached(ctx: Ctx, key: string, compute: () => Promise<unknown>): Promise<Body> {
  const hit = catalogCache.get(ctx.storeId, key);
  if (hit !== undefined) return hit;
  const generation = catalogCache.generation(ctx.storeId);
  const json = encode(await compute());
  catalogCache.set(ctx.storeId, key, json, generation);
  return json;
}

export interface StoreListQuery {
  limit?: number;
  cursor?: string;
  q?: string;
  category?: string;
  collection?: string;
}

async function filteredRows(ctx: Ctx, q: StoreListQuery, limit: number, after: { position: number; id: string } | undefined) {
  const match = q.q === undefined ? undefined : ftsQuery(q.q);
  if (match === null) return [];
  const inCategory = q.category
    ? sql`${products.id} in (select product_id from product_categories where category_id in (
        with recursive sub(id) as (
          select id from categories where id = ${q.category} or handle = ${q.category}
          union select c.id from categories c join sub on c.parent_id = sub.id
        ) select id from sub))`
    : undefined;
  const ftsCond = match ? sql`${products.id} in (select product_id from catalog_fts where catalog_fts match ${match})` : undefined;
  if (q.collection) {
    // A collection has its own manual order: page by (collection position, product id).
    const rows = await ctx.store.db
      .select({ p: products, pos: collectionProducts.position })
      .from(collectionProducts)
      .innerJoin(collections, eq(collections.id, collectionProducts.collectionId))
      .innerJoin(products, eq(products.id, collectionProducts.productId))
      .where(
        and(active, or(eq(collections.id, q.collection), eq(collections.handle, q.collection)), inCategory, ftsCond,
          after ? sql`(${collectionProducts.position}, ${products.id}) > (${after.position}, ${after.id})` : undefined),
      )
      .orderBy(asc(collectionProducts.position), asc(products.id))
      .limit(limit + 1);
    return rows.map((r) => ({ row: r.p, position: r.pos }));
  }
  const rows = await ctx.store.db
    .select()
    .from(products)
    .where(and(active, inCategory, ftsCond, after ? sql`(${products.position}, ${products.id}) > (${after.position}, ${after.id})` : undefined))
    .orderBy(asc(products.position), asc(products.id))
    .limit(limit + 1);
  return rows.map((r) => ({ row: r, position: r.position }));
}

export function listStoreProducts(ctx: Ctx, q: StoreListQuery): Promise<Body> {
  const limit = q.limit ?? 20;
  const after = decodeSortCursor(q.cursor);
  const key = `list:${limit}:${q.cursor ?? ""}:${q.q ?? ""}:${q.category ?? ""}:${q.collection ?? ""}`;
  return cached(ctx, key, async () => {
    const rows =
      q.q === undefined && q.category === undefined && q.collection === undefined
        ? (await statements(ctx.store.db).page.execute({ pos: after?.position ?? -1, id: after?.id ?? "", limit: limit + 1 })).map((r) => ({ row: r, position: r.position }))
        : await filteredRows(ctx, q, limit, after);
    const page = toSortPage(rows, limit, (r) => ({ position: r.position, id: r.row.id }));
    return { data: await storeViews(ctx, page.data.map((r) => r.row)), nextCursor: page.nextCursor };
  });
}

export async function getStoreProduct(ctx: Ctx, idOrHandle: string): Promise<Body> {
  const key = `product:${idOrHandle}`;
  const hit = catalogCache.get(ctx.storeId, key);
  if (hit !== undefined) return hit;
  const generation = catalogCache.generation(ctx.storeId);
  const row = (await statements(ctx.store.db).byIdOrHandle.execute({ key: idOrHandle }))[0];
  // Drafts, archived products and other stores' ids are indistinguishable from unknown ones.
  if (!row) throw new NotFound("product", idOrHandle);
  const json = encode((await storeViews(ctx, [row]))[0]);
  catalogCache.set(ctx.storeId, key, json, generation);
  return json;
}

export function listStoreCategories(ctx: Ctx): Promise<Body> {
  return cached(ctx, "categories", async () => {
    const rows = await statements(ctx.store.db).categories.execute();
    return {
      data: rows.map((c) => ({ id: c.id, name: c.name, handle: c.handle, description: c.description, parentId: c.parentId, position: c.position })),
      nextCursor: null,
    };
  });
}

export async function getStoreCollection(ctx: Ctx, idOrHandle: string): Promise<Body> {
  const key = `collection:${idOrHandle}`;
  const hit = catalogCache.get(ctx.storeId, key);
  if (hit !== undefined) return hit;
  const generation = catalogCache.generation(ctx.storeId);
  const c = (await statements(ctx.store.db).collection.execute({ key: idOrHandle }))[0];
  if (!c) throw new NotFound("collection", idOrHandle);
  const rows = await ctx.store.db
    .select({ p: products })
    .from(collectionProducts)
    .innerJoin(products, eq(products.id, collectionProducts.productId))
    .where(and(eq(collectionProducts.collectionId, c.id), active))
    .orderBy(asc(collectionProducts.position), asc(products.id));
  const json = encode({
    id: c.id, title: c.title, handle: c.handle, description: c.description,
    products: await storeViews(ctx, rows.map((r) => r.p)),
  });
  catalogCache.set(ctx.storeId, key, json, generation);
  return json;
}
