// Variant lookups for other modules (cart, inventory, tax, orders, profit). Hot: prepared once per store database.
import { asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import type { StoreDb } from "../../db/client.ts";
import { products, variants, type ProductStatus, type TaxCategory } from "./catalog.tables.ts";
import { prepared } from "../../db/prepared.ts";
import { dbOf, type StoreTx } from "../../db/tx.ts";
import { catalogCache } from "./cache.ts";

export interface VariantInfo {
  id: string;
  productId: string;
  sku: string | null;
  /** Product title plus option values, e.g. "Classic Tee — M / Navy": what a cart or order line copies. */
  title: string;
  /** Currency → amount in minor units. */
  prices: Record<string, number>;
  /** Minor units in the store's default currency; null when unknown. */
  costPrice: number | null;
  weightGrams: number;
  trackInventory: boolean;
  allowBackorder: boolean;
  taxCategory: TaxCategory;
  productStatus: ProductStatus;
}

const columns = {
  id: variants.id,
  productId: variants.productId,
  sku: variants.sku,
  optionValues: variants.optionValues,
  costPrice: variants.costPrice,
  weightGrams: variants.weightGrams,
  trackInventory: variants.trackInventory,
  allowBackorder: variants.allowBackorder,
  productTitle: products.title,
  taxCategory: products.taxCategory,
  productStatus: products.status,
  prices: sql<string>`(select json_group_object(currency, amount) from variant_prices where variant_id = ${variants.id})`,
};

function prepare(db: StoreDb) {
  const base = () => db.select(columns).from(variants).innerJoin(products, eq(products.id, variants.productId));
  return {
    one: base().where(eq(variants.id, sql.placeholder("id"))).prepare(),
    // A JSON array parameter keeps the statement preparable for any number of ids.
    many: base().where(sql`${variants.id} in (select value from json_each(${sql.placeholder("ids")}))`).prepare(),
    ids: db.select({ id: variants.id }).from(variants).orderBy(asc(variants.id)).prepare(),
  };
}

const statements = (db: StoreDb) => prepared(db, "catalog.lookup", prepare);

type Row = Awaited<ReturnType<ReturnType<typeof prepare>["one"]["execute"]>>[number];

export function variantTitle(productTitle: string, optionValues: Record<string, string>): string {
  const values = Object.values(optionValues);
  return values.length === 0 ? productTitle : `${productTitle} — ${values.join(" / ")}`;
}

function toInfo(r: Row): VariantInfo {
  return Object.freeze({
    id: r.id,
    productId: r.productId,
    sku: r.sku,
    title: variantTitle(r.productTitle, r.optionValues),
    prices: Object.freeze(JSON.parse(r.prices) as Record<string, number>),
    costPrice: r.costPrice,
    weightGrams: r.weightGrams,
    trackInventory: r.trackInventory,
    allowBackorder: r.allowBackorder,
    taxCategory: r.taxCategory,
    productStatus: r.productStatus,
  });
}

/**
 * Variant infos by store and id, each valid for the catalog generation it was read in (cache.ts: every catalog
 * write bumps the store's generation after it commits). A checkout looks the same variants up five times (add,
 * each cart view, completion); the lookup is a join with a JSON aggregate. Bounded; least recently used goes first.
 */
const MAX_INFOS = 20_000;
const infos = new Map<string, { generation: number; info: VariantInfo | null }>();

function cached(storeId: string, id: string, generation: number): VariantInfo | null | undefined {
  const key = `${storeId} ${id}`;
  const e = infos.get(key);
  if (e === undefined || e.generation !== generation) return undefined;
  infos.delete(key); // most recently used goes last
  infos.set(key, e);
  return e.info;
}

function remember(storeId: string, id: string, generation: number, info: VariantInfo | null): void {
  const key = `${storeId} ${id}`;
  infos.delete(key);
  infos.set(key, { generation, info });
  if (infos.size > MAX_INFOS) infos.delete(infos.keys().next().value!);
}

export async function getVariant(ctx: Pick<Ctx, "store">, variantId: string): Promise<VariantInfo | null> {
  return (await getVariants(ctx, [variantId]))[0] ?? null;
}

/** The variants that exist among `ids`, in the order asked; unknown ids are left out. Shared objects: frozen. */
export async function getVariants(ctx: Pick<Ctx, "store">, ids: readonly string[]): Promise<VariantInfo[]> {
  if (ids.length === 0) return [];
  const storeId = ctx.store.id;
  // Read before the database: a write committing meanwhile makes this read's result unstorable (cache.ts).
  const generation = catalogCache.generation(storeId);
  const found = new Map<string, VariantInfo | null>();
  const missing: string[] = [];
  for (const id of new Set(ids)) {
    const hit = cached(storeId, id, generation);
    if (hit === undefined) missing.push(id);
    else found.set(id, hit);
  }
  if (missing.length > 0) {
    const st = statements(ctx.store.db);
    const rows = missing.length === 1 ? await st.one.execute({ id: missing[0]! }) : await st.many.execute({ ids: JSON.stringify(missing) });
    const byId = new Map(rows.map((r) => [r.id, toInfo(r)]));
    const storable = catalogCache.generation(storeId) === generation;
    for (const id of missing) {
      const info = byId.get(id) ?? null;
      found.set(id, info);
      if (storable) remember(storeId, id, generation, info);
    }
  }
  return ids.flatMap((id) => found.get(id) ?? []);
}

/**
 * Stock policies as committed, read in the caller's transaction (never from the cache): what the order transaction
 * takes stock by. A variant deleted meanwhile is missing from the map.
 */
export async function stockPoliciesIn(tx: StoreTx, ids: readonly string[]): Promise<Map<string, { trackInventory: boolean; allowBackorder: boolean }>> {
  const rows = await prepared(dbOf(tx), "catalog.stockPolicies", (d) =>
    d.select({ id: variants.id, trackInventory: variants.trackInventory, allowBackorder: variants.allowBackorder })
      .from(variants).where(sql`${variants.id} in (select value from json_each(${sql.placeholder("ids")}))`).prepare(),
  ).all({ ids: JSON.stringify([...new Set(ids)]) });
  return new Map(rows.map((r) => [r.id, { trackInventory: r.trackInventory, allowBackorder: r.allowBackorder }]));
}

export async function listVariantIds(ctx: Pick<Ctx, "store">): Promise<string[]> {
  return (await statements(ctx.store.db).ids.execute()).map((r) => r.id);
}
