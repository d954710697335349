// Product verbs (admin): create with nested options and variants, read, list, update, delete, bulk status.
import { and, asc, eq, inArray, like, max, or, sql } from "drizzle-orm";
import type { Static } from "elysia";
import type { Ctx } from "../../kernel/context.ts";
import { AppError, Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { getSettings } from "../settings/settings.ts";
import { categories, productCategories, productOptions, products, variants, type ProductStatus, type TaxCategory } from "./catalog.tables.ts";
import type { AdminProductView } from "./catalog.models.ts";
import { invalidating } from "./cache.ts";
import { emitProductEvent } from "./events.ts";
import { decodeSortCursor, toSortPage } from "./cursor.ts";
import { ftsQuery, reindexProduct, unindexProduct } from "./fts.ts";
import { sanitizeHtml } from "./sanitize.ts";
import { checkOptions, checkPrices, checkTags, checkVariantOptions, optionKey, slugify, type OptionDef } from "./validate.ts";
import { assertSkusFree, insertVariant, type VariantInput } from "./variants.ts";
import { buildViews, type ProductRow } from "./views.ts";

export type AdminProduct = Static<typeof AdminProductView>;

export interface ProductFields {
  title?: string;
  handle?: string;
  description?: string;
  status?: ProductStatus;
  vendor?: string | null;
  productType?: string | null;
  tags?: string[];
  seoTitle?: string | null;
  seoDescription?: string | null;
  taxCategory?: TaxCategory;
  position?: number;
  categoryIds?: string[];
  options?: OptionDef[];
}

export interface CreateProductInput extends ProductFields {
  title: string;
  variants?: VariantInput[];
}

export async function adminViews(ctx: Ctx, rows: ProductRow[]): Promise<AdminProduct[]> {
  const { defaultCurrency } = await getSettings(ctx);
  return (await buildViews(ctx.store.db, ctx.storeId, rows, { admin: true, defaultCurrency })) as AdminProduct[];
}

export async function getAdminProduct(ctx: Ctx, id: string): Promise<AdminProduct> {
  const row = isId("prod", id) ? (await ctx.store.db.select().from(products).where(eq(products.id, id)))[0] : undefined;
  if (!row) throw new NotFound("product", id);
  return (await adminViews(ctx, [row]))[0]!;
}

export async function listAdminProducts(ctx: Ctx, q: { limit?: number; cursor?: string; status?: ProductStatus; q?: string }) {
  const limit = q.limit ?? 20;
  const after = decodeSortCursor(q.cursor);
  const match = q.q === undefined ? undefined : ftsQuery(q.q);
  if (q.q !== undefined && match === null) return { data: [], nextCursor: null };
  const rows = await ctx.store.db
    .select()
    .from(products)
    .where(
      and(
        q.status ? eq(products.status, q.status) : undefined,
        match ? sql`${products.id} in (select product_id from catalog_fts where catalog_fts match ${match})` : undefined,
        after ? sql`(${products.position}, ${products.id}) > (${after.position}, ${after.id})` : undefined,
      ),
    )
    .orderBy(asc(products.position), asc(products.id))
    .limit(limit + 1);
  const page = toSortPage(rows, limit, (r) => ({ position: r.position, id: r.id }));
  return { data: await adminViews(ctx, page.data), nextCursor: page.nextCursor };
}

async function handleTaken(tx: StoreTx, handle: string, exceptId?: string): Promise<boolean> {
  const r = await tx.select({ id: products.id }).from(products).where(eq(products.handle, handle));
  return r[0] !== undefined && r[0].id !== exceptId;
}

/** An explicit handle must be free (409); a derived one gets a numeric suffix until it is. */
async function resolveHandle(tx: StoreTx, explicit: string | undefined, title: string): Promise<string> {
  if (explicit !== undefined) {
    if (await handleTaken(tx, explicit)) throw new Conflict("product.handle_taken", `The handle "${explicit}" is already used by another product`, { handle: explicit });
    return explicit;
  }
  const base = slugify(title);
  const used = new Set(
    (await tx.select({ h: products.handle }).from(products).where(or(eq(products.handle, base), like(products.handle, `${base}-%`)))).map((r) => r.h),
  );
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) if (!used.has(`${base}-${i}`)) return `${base}-${i}`;
}

async function setCategories(tx: StoreTx, productId: string, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length > 0) {
    const found = await tx.select({ id: categories.id }).from(categories).where(inArray(categories.id, unique));
    const missing = unique.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw new ValidationFailed("product.unknown_category", "Some categories do not exist", { categoryIds: missing });
  }
  await tx.delete(productCategories).where(eq(productCategories.productId, productId));
  if (unique.length > 0) await tx.insert(productCategories).values(unique.map((categoryId) => ({ productId, categoryId })));
}

async function writeOptions(tx: StoreTx, productId: string, options: OptionDef[], now: number): Promise<void> {
  await tx.delete(productOptions).where(eq(productOptions.productId, productId));
  if (options.length > 0) {
    await tx.insert(productOptions).values(options.map((o, i) => ({ id: newId("opt", now), productId, name: o.name, values: o.values, position: i })));
  }
}

async function nextPosition(tx: StoreTx): Promise<number> {
  return ((await tx.select({ m: max(products.position) }).from(products))[0]?.m ?? -1) + 1;
}

export interface PreparedProduct {
  input: CreateProductInput;
  options: OptionDef[];
  variants: (VariantInput & { optionValues: Record<string, string> })[];
  description: string;
}

/** Everything that can be checked without the database (and the async sanitizing), done before the lock. */
export async function prepareProduct(input: CreateProductInput, defaultCurrency: string): Promise<PreparedProduct> {
  const options = checkOptions(input.options ?? []);
  const combos = new Set<string>();
  const vs = (input.variants ?? []).map((v) => {
    checkPrices(v.prices, defaultCurrency);
    const optionValues = checkVariantOptions(options, v.options);
    if (combos.has(optionKey(optionValues))) {
      throw new ValidationFailed("variant.duplicate_options", "Two variants have the same option values", { options: optionValues });
    }
    combos.add(optionKey(optionValues));
    return { ...v, optionValues };
  });
  return { input, options, variants: vs, description: await sanitizeHtml(input.description ?? "") };
}

/** Inserts a prepared product inside the caller's transaction. Returns its id. */
export async function insertProduct(tx: StoreTx, ctx: Ctx, p: PreparedProduct): Promise<string> {
  const { input } = p;
  const now = ctx.clock.now();
  const handle = await resolveHandle(tx, input.handle, input.title);
  await assertSkusFree(tx, p.variants.map((v) => v.sku));
  const pid = newId("prod", now);
  const status = input.status ?? "draft";
  await tx.insert(products).values({
    id: pid, title: input.title, handle, descriptionHtml: p.description, status,
    vendor: input.vendor ?? null, productType: input.productType ?? null, tags: checkTags(input.tags ?? []),
    seoTitle: input.seoTitle ?? null, seoDescription: input.seoDescription ?? null,
    taxCategory: input.taxCategory ?? "standard", position: input.position ?? (await nextPosition(tx)),
    createdAt: now, updatedAt: now,
  });
  await writeOptions(tx, pid, p.options, now);
  for (const [i, v] of p.variants.entries()) await insertVariant(tx, now, pid, v, i);
  await setCategories(tx, pid, input.categoryIds ?? []);
  await reindexProduct(tx, pid);
  await recordAudit(tx, ctx, { action: "product.created", targetType: "product", targetId: pid, after: { handle, status } });
  await emitProductEvent(tx, now, "product.created", pid, { handle, status });
  return pid;
}

export async function createProduct(ctx: Ctx, input: CreateProductInput): Promise<AdminProduct> {
  const { defaultCurrency } = await getSettings(ctx);
  const prepared = await prepareProduct(input, defaultCurrency);
  const id = await invalidating(ctx.storeId, () => withTx(ctx, (tx) => insertProduct(tx, ctx, prepared)));
  return getAdminProduct(ctx, id);
}

async function requireRow(tx: StoreTx, id: string): Promise<ProductRow> {
  const row = isId("prod", id) ? (await tx.select().from(products).where(eq(products.id, id)))[0] : undefined;
  if (!row) throw new NotFound("product", id);
  return row;
}

/** New options must still describe every existing variant (no variant may lose or carry an unknown value). */
async function checkOptionsAgainstVariants(tx: StoreTx, productId: string, options: OptionDef[]): Promise<void> {
  const rows = await tx.select({ optionValues: variants.optionValues }).from(variants).where(eq(variants.productId, productId));
  for (const r of rows) {
    try {
      checkVariantOptions(options, r.optionValues);
    } catch {
      throw new ValidationFailed("product.options_in_use", "The new options do not fit the product's existing variants; change or delete those variants first");
    }
  }
}

export async function updateProduct(ctx: Ctx, id: string, patch: ProductFields): Promise<AdminProduct> {
  const options = patch.options === undefined ? undefined : checkOptions(patch.options);
  const description = patch.description === undefined ? undefined : await sanitizeHtml(patch.description);
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const before = await requireRow(tx, id);
      const now = ctx.clock.now();
      if (patch.handle !== undefined && (await handleTaken(tx, patch.handle, id))) {
        throw new Conflict("product.handle_taken", `The handle "${patch.handle}" is already used by another product`, { handle: patch.handle });
      }
      const { categoryIds, options: _o, description: _d, tags, ...plain } = patch;
      await tx
        .update(products)
        .set({ ...plain, ...(description !== undefined && { descriptionHtml: description }), ...(tags && { tags: checkTags(tags) }), updatedAt: now })
        .where(eq(products.id, id));
      if (options !== undefined) {
        await checkOptionsAgainstVariants(tx, id, options);
        await writeOptions(tx, id, options, now);
      }
      if (categoryIds !== undefined) await setCategories(tx, id, categoryIds);
      await reindexProduct(tx, id);
      if (patch.status !== undefined && patch.status !== before.status) {
        await recordAudit(tx, ctx, { action: "product.status_changed", targetType: "product", targetId: id, before: { status: before.status }, after: { status: patch.status } });
      }
      await emitProductEvent(tx, now, "product.updated", id, { fields: Object.keys(patch) });
    }),
  );
  return getAdminProduct(ctx, id);
}

export async function deleteProduct(ctx: Ctx, id: string): Promise<void> {
  // Uploaded files stay on disk: they are content-addressed and may be shared by other products.
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const before = await requireRow(tx, id);
      await tx.delete(products).where(eq(products.id, id));
      await unindexProduct(tx, id);
      await recordAudit(tx, ctx, { action: "product.deleted", targetType: "product", targetId: id, before: { title: before.title, handle: before.handle, status: before.status } });
      await emitProductEvent(tx, ctx.clock.now(), "product.deleted", id, { handle: before.handle });
    }),
  );
}

export interface BulkItemResult {
  id: string;
  ok: boolean;
  status?: ProductStatus;
  error?: { code: string; reason: string; message: string };
}

/** One transaction, per-item results: an unknown id is reported, the others still change. */
export async function bulkSetStatus(ctx: Ctx, ids: string[], status: ProductStatus): Promise<{ results: BulkItemResult[] }> {
  const results = await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const out: BulkItemResult[] = [];
      for (const id of ids) {
        try {
          const before = await requireRow(tx, id);
          if (before.status !== status) {
            await tx.update(products).set({ status, updatedAt: ctx.clock.now() }).where(eq(products.id, id));
            await recordAudit(tx, ctx, { action: "product.status_changed", targetType: "product", targetId: id, before: { status: before.status }, after: { status } });
            await emitProductEvent(tx, ctx.clock.now(), "product.updated", id, { fields: ["status"] });
          }
          out.push({ id, ok: true, status });
        } catch (e) {
          if (!(e instanceof AppError)) throw e;
          out.push({ id, ok: false, error: { code: e.code, reason: e.reason, message: e.message } });
        }
      }
      return out;
    }),
  );
  return { results };
}
