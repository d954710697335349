// Variant lookups for other modules (cart, inventory, tax, orders, profit). Hot: prepared once per store database.
import { asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import type { StoreDb } from "../../db/client.ts";
import { products, variants, type ProductStatus, type TaxCategory } from "./catalog.tables.ts";
import { prepared } from "../../db/prepared.ts";

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
  return {
    id: r.id,
    productId: r.productId,
    sku: r.sku,
    title: variantTitle(r.productTitle, r.optionValues),
    prices: JSON.parse(r.prices) as Record<string, number>,
    costPrice: r.costPrice,
    weightGrams: r.weightGrams,
    trackInventory: r.trackInventory,
    allowBackorder: r.allowBackorder,
    taxCategory: r.taxCategory,
    productStatus: r.productStatus,
  };
}

export async function getVariant(ctx: Pick<Ctx, "store">, variantId: string): Promise<VariantInfo | null> {
  const rows = await statements(ctx.store.db).one.execute({ id: variantId });
  return rows[0] ? toInfo(rows[0]) : null;
}

/** The variants that exist among `ids`, in the order asked; unknown ids are left out. */
export async function getVariants(ctx: Pick<Ctx, "store">, ids: readonly string[]): Promise<VariantInfo[]> {
  if (ids.length === 0) return [];
  const rows = await statements(ctx.store.db).many.execute({ ids: JSON.stringify([...new Set(ids)]) });
  const byId = new Map(rows.map((r) => [r.id, toInfo(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

export async function listVariantIds(ctx: Pick<Ctx, "store">): Promise<string[]> {
  return (await statements(ctx.store.db).ids.execute()).map((r) => r.id);
}
