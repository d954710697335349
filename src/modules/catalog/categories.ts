// Category verbs (admin): a tree through parentId. Moving a category under itself or its descendants is refused.
import { asc, eq, max } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { categories } from "./catalog.tables.ts";
import { invalidating } from "./cache.ts";
import { slugify } from "./validate.ts";

type Row = typeof categories.$inferSelect;

export interface CategoryInput {
  name?: string;
  handle?: string;
  description?: string;
  parentId?: string | null;
  position?: number;
}

const view = (c: Row) => ({ id: c.id, name: c.name, handle: c.handle, description: c.description, parentId: c.parentId, position: c.position });

async function requireCategory(tx: StoreTx | Ctx["store"]["db"], id: string): Promise<Row> {
  const row = isId("cat", id) ? (await tx.select().from(categories).where(eq(categories.id, id)))[0] : undefined;
  if (!row) throw new NotFound("category", id);
  return row;
}

async function assertHandleFree(tx: StoreTx, handle: string, exceptId?: string): Promise<void> {
  const r = (await tx.select({ id: categories.id }).from(categories).where(eq(categories.handle, handle)))[0];
  if (r && r.id !== exceptId) throw new Conflict("category.handle_taken", `The handle "${handle}" is already used by another category`, { handle });
}

/** Walks up from the new parent: meeting `id` on the way means the move would create a cycle. */
async function assertParentOk(tx: StoreTx, id: string | undefined, parentId: string): Promise<void> {
  let cursor: string | null = parentId;
  for (let depth = 0; cursor !== null; depth++) {
    if (cursor === id) throw new ValidationFailed("category.cycle", "A category cannot be placed under itself or one of its subcategories", { parentId });
    const row: Row | undefined = isId("cat", cursor) ? (await tx.select().from(categories).where(eq(categories.id, cursor)))[0] : undefined;
    if (!row) throw new ValidationFailed("category.unknown_parent", "The parent category does not exist", { parentId });
    if (depth > 64) throw new ValidationFailed("category.too_deep", "Categories nest at most 64 levels deep");
    cursor = row.parentId;
  }
}

export async function listCategories(ctx: Ctx) {
  const rows = await ctx.store.db.select().from(categories).orderBy(asc(categories.position), asc(categories.id));
  return { data: rows.map(view), nextCursor: null };
}

export async function getCategory(ctx: Ctx, id: string) {
  return view(await requireCategory(ctx.store.db, id));
}

/** Inserts a category inside the caller's transaction. */
export async function insertCategory(tx: StoreTx, ctx: Pick<Ctx, "clock">, input: CategoryInput & { name: string }): Promise<Row> {
  const handle = input.handle ?? slugify(input.name);
  await assertHandleFree(tx, handle);
  if (input.parentId) await assertParentOk(tx, undefined, input.parentId);
  const now = ctx.clock.now();
  const last = (await tx.select({ m: max(categories.position) }).from(categories))[0]?.m ?? -1;
  const values = {
    id: newId("cat", now), name: input.name, handle, description: input.description ?? "", parentId: input.parentId ?? null,
    position: input.position ?? last + 1, createdAt: now, updatedAt: now,
  };
  await tx.insert(categories).values(values);
  return values;
}

export async function createCategory(ctx: Ctx, input: CategoryInput & { name: string }) {
  return view(await invalidating(ctx.storeId, () => withTx(ctx, (tx) => insertCategory(tx, ctx, input))));
}

export async function updateCategory(ctx: Ctx, id: string, patch: CategoryInput) {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      await requireCategory(tx, id);
      if (patch.handle !== undefined) await assertHandleFree(tx, patch.handle, id);
      if (patch.parentId) await assertParentOk(tx, id, patch.parentId);
      await tx.update(categories).set({ ...patch, updatedAt: ctx.clock.now() }).where(eq(categories.id, id));
    }),
  );
  return getCategory(ctx, id);
}

export async function deleteCategory(ctx: Ctx, id: string): Promise<void> {
  await invalidating(ctx.storeId, () =>
    withTx(ctx, async (tx) => {
      const before = await requireCategory(tx, id);
      const child = (await tx.select({ id: categories.id }).from(categories).where(eq(categories.parentId, id)).limit(1))[0];
      if (child) throw new ValidationFailed("category.has_children", "Move or delete the subcategories first", { childId: child.id });
      await tx.delete(categories).where(eq(categories.id, id));
      await recordAudit(tx, ctx, { action: "category.deleted", targetType: "category", targetId: id, before: view(before) });
    }),
  );
}
