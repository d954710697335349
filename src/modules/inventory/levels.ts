// Read side of inventory: levels with their reserved and available quantities, the ledger, a variant's summary.
import { and, asc, desc, eq, gt, lt, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { decodeCursor, toPage, type Page } from "../../kernel/pagination.ts";
import { inventoryAdjustments, inventoryLevels, inventoryReservations } from "./inventory.tables.ts";
import { availability, lowStockThreshold, requireVariant, type AdjustmentRow } from "./stock.ts";

export interface LevelOut {
  id: string;
  variantId: string;
  locationId: string;
  onHand: number;
  reserved: number;
  available: number;
  updatedAt: string;
}

export async function listLevels(
  ctx: Pick<Ctx, "store" | "clock">, q: { limit?: number; cursor?: string; variantId?: string; locationId?: string },
): Promise<Page<LevelOut>> {
  const limit = q.limit ?? 20;
  const after = decodeCursor(q.cursor);
  const now = ctx.clock.now();
  const r = inventoryReservations;
  // The outer columns are spelled with their table: drizzle writes a one-table select's columns bare, and a bare
  // "variant_id" inside the subquery is the reservation's own (each hold matched itself: every level showed the
  // whole store's holds as reserved).
  const reserved = sql<number>`coalesce((select sum(${r.quantity}) from ${r} where ${r.variantId} = "inventory_levels"."variant_id"
    and ${r.locationId} = "inventory_levels"."location_id" and ${r.status} = 'active' and (${r.expiresAt} is null or ${r.expiresAt} > ${now})), 0)`;
  const rows = await ctx.store.db
    .select({ level: inventoryLevels, reserved })
    .from(inventoryLevels)
    .where(and(
      after ? gt(inventoryLevels.id, after) : undefined,
      q.variantId ? eq(inventoryLevels.variantId, q.variantId) : undefined,
      q.locationId ? eq(inventoryLevels.locationId, q.locationId) : undefined,
    ))
    .orderBy(asc(inventoryLevels.id))
    .limit(limit + 1);
  const page = toPage(rows.map((x) => ({ ...x, id: x.level.id })), limit);
  return {
    data: page.data.map(({ level, reserved }) => ({
      id: level.id, variantId: level.variantId, locationId: level.locationId, onHand: level.onHand,
      reserved: Number(reserved), available: level.onHand - Number(reserved), updatedAt: new Date(level.updatedAt).toISOString(),
    })),
    nextCursor: page.nextCursor,
  };
}

export async function listAdjustments(
  ctx: Pick<Ctx, "store">, q: { limit?: number; cursor?: string; variantId?: string },
): Promise<Page<AdjustmentRow>> {
  const limit = q.limit ?? 20;
  const before = decodeCursor(q.cursor);
  const rows = await ctx.store.db
    .select()
    .from(inventoryAdjustments)
    .where(and(before ? lt(inventoryAdjustments.id, before) : undefined, q.variantId ? eq(inventoryAdjustments.variantId, q.variantId) : undefined))
    .orderBy(desc(inventoryAdjustments.id))
    .limit(limit + 1);
  return toPage(rows, limit);
}

export interface VariantStockOut {
  variantId: string;
  trackInventory: boolean;
  allowBackorder: boolean;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number | null;
  levels: LevelOut[];
}

export async function variantStock(ctx: Pick<Ctx, "store" | "clock">, variantId: string): Promise<VariantStockOut> {
  const v = await requireVariant(ctx, variantId);
  const [totals, threshold, levels] = await Promise.all([
    availability(ctx.store.db, variantId, ctx.clock.now()),
    lowStockThreshold(ctx.store.db, variantId),
    listLevels(ctx, { variantId, limit: 100 }),
  ]);
  return { variantId, trackInventory: v.trackInventory, allowBackorder: v.allowBackorder, ...totals, lowStockThreshold: threshold, levels: levels.data };
}
