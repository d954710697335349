// Manual collections (admin): a titled, ordered list of products.
import { and, asc, eq, inArray, max } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { collectionProducts, collections, products } from "./catalog.tables.ts";
import { invalidating } from "./cache.ts";
import { slugify } from "./validate.ts";

type Row = typeof collections.$inferSelect;

export interface CollectionInput {
  title?: string;
  handle?: string;
  description?: string;
}

async function requireCollection(tx: StoreTx | Ctx["store"]["db"], id: string): Promise<Row> {
  const row = isId("col", id) ? (await tx.select().from(collections).where(eq(collections.id, id)))[0] : undefined;
  if (!row) throw new NotFound("collection", id);
  return row;
}

async function assertHandleFree(tx: StoreTx, handle: string, exceptId?: string): Promise<void> {
  const r = (await tx.select({ id: collections.id }).from(collections).where(eq(collections.handle, handle)))[0];
  if (r && r.id !== exceptId) throw new Conflict("collection.handle_taken", `The handle "${handle}" is already used by another collection`, { handle });
}

async function assertProductsExist(tx: StoreTx, ids: string[]): Promise<void> {
  const found = ids.length === 0 ? [] : await tx.select({ id: products.id }).from(products).where(inArray(products.id, ids));
  const missing = ids.filter((id) => !found.some((f) => f.id === id));
  if (missing.length > 0) throw new ValidationFailed("collection.unknown_product", "Some products do not exist", { productIds: missing });
}

async function adminView(db: StoreTx | Ctx["store"]["db"], c: Row) {
  const items = await db
    .select({ productId: collectionProducts.productId })
    .from(collectionProducts)
    .where(eq(collectionProducts.collectionId, c.id))
    .orderBy(asc(collectionProducts.position), asc(collectionProducts.productId));
  return { id: c.id, title: c.title, handle: c.handle, description: c.description, productIds: items.map((i) => i.productId) };
}

export async function listCollections(ctx: Ctx) {
  const rows = await ctx.store.db.select().from(collections).orderBy(asc(collections.id));
  return { data: await Promise.all(rows.map((c) => adminView(ctx.store.db, c))), nextCursor: null };
}

export async function getCollection(ctx: Ctx, id: string) {
  return adminView(ctx.store.db, await requireCollection(ctx.store.db, id));
}

async function replaceProducts(tx: StoreTx, collectionId: string, ids: string[]): Promise<void> {
  const unique = [...new Set(ids)];
  await assertProductsExist(tx, unique);
  await tx.delete(collectionProducts).where(eq(collectionProducts.collectionId, collectionId));
  if (unique.length > 0) await tx.insert(collectionProducts).values(unique.map((productId, position) => ({ collectionId, productId, position })));
}

/** Inserts a collection inside the caller's transaction. Returns its id. */
export async function insertCollection(tx: StoreTx, ctx: Pick<Ctx, "clock">, input: CollectionInput & { title: string; productIds?: string[] }): Promise<string> {
  const handle = input.handle ?? slugify(input.title);
  await assertHandleFree(tx, handle);
  const now = ctx.clock.now();
  const cid = newId("col", now);
  await tx.insert(collections).values({ id: cid, title: input.title, handle, description: input.description ?? "", createdAt: now, updatedAt: now });
  await replaceProducts(tx, cid, input.productIds ?? []);
  return cid;
}

export async function createCollection(ctx: Ctx, input: CollectionInput & { title: string; productIds?: string[] }) {
  const id = await invalidating(ctx.storeId, () => withTx(ctx, (tx) => insertCollection(tx, ctx, input)));
  return getCollection(ctx, id);
}

export async function updateCollection(ctx: Ctx, id: string, patch: CollectionInput) {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      await requireCollection(tx, id);
      if (patch.handle !== undefined) await assertHandleFree(tx, patch.handle, id);
      await tx.update(collections).set({ ...patch, updatedAt: ctx.clock.now() }).where(eq(collections.id, id));
    }),
  );
  return getCollection(ctx, id);
}

export async function deleteCollection(ctx: Ctx, id: string): Promise<void> {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const before = await adminView(tx, await requireCollection(tx, id));
      await tx.delete(collections).where(eq(collections.id, id));
      await recordAudit(tx, ctx, { action: "collection.deleted", targetType: "collection", targetId: id, before });
    }),
  );
}

/** Appends products (already present ones keep their place). */
export async function addCollectionProducts(ctx: Ctx, id: string, productIds: string[]) {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const current = await adminView(tx, await requireCollection(tx, id));
      const fresh = [...new Set(productIds)].filter((p) => !current.productIds.includes(p));
      await assertProductsExist(tx, fresh);
      const last = (await tx.select({ m: max(collectionProducts.position) }).from(collectionProducts).where(eq(collectionProducts.collectionId, id)))[0]?.m ?? -1;
      if (fresh.length > 0) await tx.insert(collectionProducts).values(fresh.map((productId, i) => ({ collectionId: id, productId, position: last + 1 + i })));
    }),
  );
  return getCollection(ctx, id);
}

/** Sets the exact list and order of the collection's products. */
export async function setCollectionProducts(ctx: Ctx, id: string, productIds: string[]) {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      await requireCollection(tx, id);
      await replaceProducts(tx, id, productIds);
    }),
  );
  return getCollection(ctx, id);
}

export async function removeCollectionProduct(ctx: Ctx, id: string, productId: string) {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      await requireCollection(tx, id);
      const gone = await tx
        .delete(collectionProducts)
        .where(and(eq(collectionProducts.collectionId, id), eq(collectionProducts.productId, productId)))
        .returning();
      if (gone.length === 0) throw new NotFound("product", productId);
    }),
  );
  return getCollection(ctx, id);
}
