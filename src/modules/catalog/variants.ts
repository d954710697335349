// Variant verbs (admin). A variant always has a price in the store's default currency; skus are unique per store.
import { and, eq, inArray, max, ne } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { getSettings } from "../settings/settings.ts";
import { productOptions, products, variantPrices, variants } from "./catalog.tables.ts";
import { invalidating } from "./cache.ts";
import { emitProductEvent } from "./events.ts";
import { reindexProduct } from "./fts.ts";
import { checkPrices, checkVariantOptions, optionKey, type OptionDef, type PriceInput } from "./validate.ts";
import { getAdminProduct } from "./products.ts";

export interface VariantInput {
  sku?: string | null;
  barcode?: string | null;
  options?: Record<string, string>;
  prices: PriceInput[];
  costPrice?: number | null;
  weightGrams?: number;
  trackInventory?: boolean;
  allowBackorder?: boolean;
  position?: number;
}

export async function assertSkusFree(tx: StoreTx, skus: (string | null | undefined)[], exceptVariantId?: string): Promise<void> {
  const list = skus.filter((s): s is string => typeof s === "string");
  const dup = list.find((s, i) => list.indexOf(s) !== i);
  if (dup !== undefined) throw new Conflict("variant.sku_taken", `The sku "${dup}" is used twice`, { sku: dup });
  if (list.length === 0) return;
  const cond = inArray(variants.sku, list);
  const taken = await tx
    .select({ sku: variants.sku })
    .from(variants)
    .where(exceptVariantId ? and(cond, ne(variants.id, exceptVariantId)) : cond)
    .limit(1);
  if (taken[0]) throw new Conflict("variant.sku_taken", `The sku "${taken[0].sku}" is already used by another variant`, { sku: taken[0].sku });
}

export async function productOptionDefs(tx: StoreTx, productId: string): Promise<OptionDef[]> {
  const rows = await tx.select().from(productOptions).where(eq(productOptions.productId, productId)).orderBy(productOptions.position);
  return rows.map((o) => ({ name: o.name, values: o.values }));
}

export async function assertCombinationFree(tx: StoreTx, productId: string, values: Record<string, string>, exceptVariantId?: string) {
  const rows = await tx.select({ id: variants.id, optionValues: variants.optionValues }).from(variants).where(eq(variants.productId, productId));
  const key = optionKey(values);
  if (rows.some((r) => r.id !== exceptVariantId && optionKey(r.optionValues) === key)) {
    throw new ValidationFailed("variant.duplicate_options", "Another variant of this product has the same option values", { options: values });
  }
}

async function writePrices(tx: StoreTx, variantId: string, prices: PriceInput[]): Promise<void> {
  await tx.delete(variantPrices).where(eq(variantPrices.variantId, variantId));
  await tx.insert(variantPrices).values(
    prices.map((p) => ({ variantId, currency: p.currency, amount: p.amount, compareAtAmount: p.compareAtAmount ?? null })),
  );
}

/** Inserts one variant whose options and prices were already checked. */
export async function insertVariant(tx: StoreTx, now: number, productId: string, v: VariantInput & { optionValues: Record<string, string> }, position: number) {
  const id = newId("var", now);
  await tx.insert(variants).values({
    id,
    productId,
    sku: v.sku ?? null,
    barcode: v.barcode ?? null,
    optionValues: v.optionValues,
    costPrice: v.costPrice ?? null,
    weightGrams: v.weightGrams ?? 0,
    trackInventory: v.trackInventory ?? true,
    allowBackorder: v.allowBackorder ?? false,
    position: v.position ?? position,
    createdAt: now,
    updatedAt: now,
  });
  await writePrices(tx, id, v.prices);
  return id;
}

async function requireProduct(tx: StoreTx, productId: string): Promise<void> {
  const p = await tx.select({ id: products.id }).from(products).where(eq(products.id, productId));
  if (!p[0]) throw new NotFound("product", productId);
}

async function requireVariant(tx: StoreTx, productId: string, variantId: string) {
  const row = (await tx.select().from(variants).where(and(eq(variants.id, variantId), eq(variants.productId, productId))))[0];
  if (!row) throw new NotFound("variant", variantId);
  return row;
}

async function variantView(ctx: Ctx, productId: string, variantId: string) {
  const p = await getAdminProduct(ctx, productId);
  const v = p.variants.find((x) => x.id === variantId);
  if (!v) throw new NotFound("variant", variantId);
  return v;
}

export async function listVariants(ctx: Ctx, productId: string) {
  return { data: (await getAdminProduct(ctx, productId)).variants, nextCursor: null };
}

export async function getVariantAdmin(ctx: Ctx, productId: string, variantId: string) {
  return variantView(ctx, productId, variantId);
}

export async function createVariant(ctx: Ctx, productId: string, input: VariantInput) {
  const { defaultCurrency } = await getSettings(ctx);
  checkPrices(input.prices, defaultCurrency);
  const id = await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      await requireProduct(tx, productId);
      const optionValues = checkVariantOptions(await productOptionDefs(tx, productId), input.options);
      await assertCombinationFree(tx, productId, optionValues);
      await assertSkusFree(tx, [input.sku]);
      const last = await tx.select({ m: max(variants.position) }).from(variants).where(eq(variants.productId, productId));
      const now = ctx.clock.now();
      const vid = await insertVariant(tx, now, productId, { ...input, optionValues }, (last[0]?.m ?? -1) + 1);
      await tx.update(products).set({ updatedAt: now }).where(eq(products.id, productId));
      await reindexProduct(tx, productId);
      await emitProductEvent(tx, now, "product.updated", productId, { variantId: vid, change: "variant_created" });
      return vid;
    }),
  );
  return variantView(ctx, productId, id);
}

export async function updateVariant(ctx: Ctx, productId: string, variantId: string, patch: Partial<VariantInput>) {
  const { defaultCurrency } = await getSettings(ctx);
  if (patch.prices !== undefined) checkPrices(patch.prices, defaultCurrency);
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const before = await requireVariant(tx, productId, variantId);
      const now = ctx.clock.now();
      const set: Partial<typeof variants.$inferInsert> = { updatedAt: now };
      if (patch.options !== undefined) {
        set.optionValues = checkVariantOptions(await productOptionDefs(tx, productId), patch.options);
        await assertCombinationFree(tx, productId, set.optionValues, variantId);
      }
      if (patch.sku !== undefined) {
        await assertSkusFree(tx, [patch.sku], variantId);
        set.sku = patch.sku;
      }
      if (patch.barcode !== undefined) set.barcode = patch.barcode;
      if (patch.costPrice !== undefined) set.costPrice = patch.costPrice;
      if (patch.weightGrams !== undefined) set.weightGrams = patch.weightGrams;
      if (patch.trackInventory !== undefined) set.trackInventory = patch.trackInventory;
      if (patch.allowBackorder !== undefined) set.allowBackorder = patch.allowBackorder;
      if (patch.position !== undefined) set.position = patch.position;
      await tx.update(variants).set(set).where(eq(variants.id, variantId));
      if (patch.prices !== undefined) await writePrices(tx, variantId, patch.prices);
      if (patch.costPrice !== undefined && patch.costPrice !== before.costPrice) {
        // Cost drives margins in the profit engine: who changed it, and from what, must be traceable.
        await recordAudit(tx, ctx, { action: "variant.cost_changed", targetType: "variant", targetId: variantId, before: { costPrice: before.costPrice }, after: { costPrice: patch.costPrice } });
      }
      await tx.update(products).set({ updatedAt: now }).where(eq(products.id, productId));
      await reindexProduct(tx, productId);
      await emitProductEvent(tx, now, "product.updated", productId, { variantId, change: "variant_updated" });
    }),
  );
  return variantView(ctx, productId, variantId);
}

export async function deleteVariant(ctx: Ctx, productId: string, variantId: string): Promise<void> {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const before = await requireVariant(tx, productId, variantId);
      await tx.delete(variants).where(eq(variants.id, variantId));
      await recordAudit(tx, ctx, { action: "variant.deleted", targetType: "variant", targetId: variantId, before: { productId, sku: before.sku, optionValues: before.optionValues } });
      await tx.update(products).set({ updatedAt: ctx.clock.now() }).where(eq(products.id, productId));
      await reindexProduct(tx, productId);
      await emitProductEvent(tx, ctx.clock.now(), "product.updated", productId, { variantId, change: "variant_deleted" });
    }),
  );
}
