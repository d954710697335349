// Stock levels, locations, adjustments and the low-stock signal. Every function that writes takes the caller's tx
// (`…InTx`) so the checkout can move stock in the same transaction as its order; the plain verbs wrap them in withTx.
//   available = onHand − active reserved   (a reservation past its expiresAt is not active)
import { and, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { dbOf, withTx, type StoreTx } from "../../db/tx.ts";
import { insertRow, prepared, updateById } from "../../db/prepared.ts";
import type { StoreDb } from "../../db/client.ts";
import { actorId, recordAudit } from "../audit/index.ts";
import { addOutbox } from "../../jobs/outbox.ts";
import { getVariant, type VariantInfo } from "../catalog/index.ts";
import {

  inventoryAdjustments, inventoryItems, inventoryLevels, inventoryReservations, stockLocations, type AdjustmentReason,
} from "./inventory.tables.ts";

type Db = StoreTx | StoreDb;
type AuditCtx = Pick<Ctx, "actor" | "requestId" | "clock">;
export type AdjustmentRow = typeof inventoryAdjustments.$inferSelect;

export const DEFAULT_LOCATION_NAME = "Default";

/** The variant from the catalog, or 404: inventory never holds stock for a variant the store does not have. */
export async function requireVariant(ctx: Pick<Ctx, "store">, variantId: string): Promise<VariantInfo> {
  const v = isId("var", variantId) ? await getVariant(ctx, variantId) : null;
  if (!v) throw new NotFound("variant", variantId);
  return v;
}

/** The default location, created on first use (inside the caller's tx, so two first uses cannot both create it). */
export async function defaultLocationId(tx: StoreTx, now: number): Promise<string> {
  const found = (await prepared(dbOf(tx), "inventory.defaultLocation", (d) => d.select({ id: stockLocations.id }).from(stockLocations).where(eq(stockLocations.isDefault, true)).prepare()).all())[0];
  if (found) return found.id;
  const id = newId("loc", now);
  await tx.insert(stockLocations).values({ id, name: DEFAULT_LOCATION_NAME, isDefault: true, createdAt: now });
  return id;
}

/**
 * Where a sale or hold of `quantity` takes its stock from: the default location when it has that much available (or
 * when it is the only one), else the location with the most available. One location per order line: a sold quantity
 * that no single location holds is taken from the one with the most (it goes negative there; the ledger shows it),
 * while a hold needs it at one location (reserveInTx).
 */
export async function sellingLocationId(tx: StoreTx, variantId: string, quantity: number, now: number): Promise<string> {
  const locations = await prepared(dbOf(tx), "inventory.locations", (d) => d.select({ id: stockLocations.id, isDefault: stockLocations.isDefault }).from(stockLocations).prepare()).all();
  const def = locations.find((l) => l.isDefault);
  if (!def) return defaultLocationId(tx, now);
  if (locations.length === 1) return def.id;
  const here = async (id: string) => (await availability(tx, variantId, now, id)).available;
  const atDefault = await here(def.id);
  if (atDefault >= quantity) return def.id;
  let best = { id: def.id, available: atDefault };
  for (const l of locations) {
    if (l.isDefault) continue;
    const a = await here(l.id);
    if (a > best.available) best = { id: l.id, available: a };
  }
  return best.id;
}

export async function resolveLocation(tx: StoreTx, locationId: string | undefined, now: number): Promise<string> {
  if (locationId === undefined) return defaultLocationId(tx, now);
  const found = isId("loc", locationId) ? (await tx.select({ id: stockLocations.id }).from(stockLocations).where(eq(stockLocations.id, locationId)))[0] : undefined;
  if (!found) throw new NotFound("location", locationId);
  return found.id;
}

const activeAt = (now: number) =>
  and(eq(inventoryReservations.status, "active"), or(isNull(inventoryReservations.expiresAt), gt(inventoryReservations.expiresAt, now)));

export interface Availability {
  onHand: number;
  reserved: number;
  available: number;
}

/** All locations (the cart's stock check on every add): prepared once per store database. */
function availabilityEverywhere(db: StoreDb) {
  const variantId = sql.placeholder("variantId");
  const now = sql.placeholder("now");
  return db
    .select({
      onHand: sql<number>`(select coalesce(sum(${inventoryLevels.onHand}), 0) from ${inventoryLevels} where ${inventoryLevels.variantId} = ${variantId})`,
      reserved: sql<number>`(select coalesce(sum(${inventoryReservations.quantity}), 0) from ${inventoryReservations}
        where ${inventoryReservations.variantId} = ${variantId} and ${inventoryReservations.status} = 'active'
          and (${inventoryReservations.expiresAt} is null or ${inventoryReservations.expiresAt} > ${now}))`,
    })
    .from(sql`(select 1)`)
    .prepare();
}

/** Stock of a variant, over all locations or at one: one statement (both sums are read in the same snapshot). */
export async function availability(db: Db, variantId: string, now: number, locationId?: string): Promise<Availability> {
  if (locationId === undefined) {
    const row = (await prepared(dbOf(db), "inventory.availability", availabilityEverywhere).all({ variantId, now }))[0];
    const onHand = Number(row?.onHand ?? 0);
    const reserved = Number(row?.reserved ?? 0);
    return { onHand, reserved, available: onHand - reserved };
  }
  const lv = locationId ? and(eq(inventoryLevels.variantId, variantId), eq(inventoryLevels.locationId, locationId)) : eq(inventoryLevels.variantId, variantId);
  const rv = locationId
    ? and(eq(inventoryReservations.variantId, variantId), eq(inventoryReservations.locationId, locationId), activeAt(now))
    : and(eq(inventoryReservations.variantId, variantId), activeAt(now));
  const row = await db.get<{ on_hand: number; reserved: number }>(sql`select
    (select coalesce(sum(${inventoryLevels.onHand}), 0) from ${inventoryLevels} where ${lv}) as on_hand,
    (select coalesce(sum(${inventoryReservations.quantity}), 0) from ${inventoryReservations} where ${rv}) as reserved`);
  const onHand = Number(row?.on_hand ?? 0);
  const reserved = Number(row?.reserved ?? 0);
  return { onHand, reserved, available: onHand - reserved };
}

/** Availability and low-stock threshold of many variants in one statement (a product page's stock, GET /v1/store/stock). */
export async function stockOfMany(db: StoreDb, variantIds: readonly string[], now: number): Promise<Map<string, Availability & { threshold: number | null }>> {
  const rows = await prepared(db, "inventory.stockOfMany", (d) => {
    const ids = sql.placeholder("ids");
    const at = sql.placeholder("now");
    return d
      .select({
        variantId: sql<string>`v.value`,
        onHand: sql<number>`(select coalesce(sum(${inventoryLevels.onHand}), 0) from ${inventoryLevels} where ${inventoryLevels.variantId} = v.value)`,
        reserved: sql<number>`(select coalesce(sum(${inventoryReservations.quantity}), 0) from ${inventoryReservations}
          where ${inventoryReservations.variantId} = v.value and ${inventoryReservations.status} = 'active'
            and (${inventoryReservations.expiresAt} is null or ${inventoryReservations.expiresAt} > ${at}))`,
        threshold: sql<number | null>`(select ${inventoryItems.lowStockThreshold} from ${inventoryItems} where ${inventoryItems.variantId} = v.value)`,
      })
      .from(sql`json_each(${ids}) as v`)
      .prepare();
  }).all({ ids: JSON.stringify([...new Set(variantIds)]), now });
  return new Map(rows.map((r) => {
    const onHand = Number(r.onHand);
    const reserved = Number(r.reserved);
    return [String(r.variantId), { onHand, reserved, available: onHand - reserved, threshold: r.threshold === null ? null : Number(r.threshold) }];
  }));
}

export async function lowStockThreshold(db: Db, variantId: string): Promise<number | null> {
  const row = (
    await prepared(dbOf(db), "inventory.threshold", (d) =>
      d.select({ t: inventoryItems.lowStockThreshold }).from(inventoryItems).where(eq(inventoryItems.variantId, sql.placeholder("variantId"))).prepare(),
    ).all({ variantId })
  )[0];
  return row?.t ?? null;
}

/**
 * Emits inventory.low (via the outbox) when a change takes the variant's availability from at or above its
 * threshold to below it: one event per crossing, not one per sale while stock stays low.
 */
export async function signalLowStock(tx: StoreTx, now: number, variantId: string, before: number, after: number, causeId: string): Promise<boolean> {
  const threshold = await lowStockThreshold(tx, variantId);
  if (threshold === null || !(before >= threshold && after < threshold)) return false;
  await addOutbox(tx, now, {
    topic: "event",
    key: `inventory.low:${variantId}:${causeId}`,
    payload: { type: "inventory.low", variantId, available: after, threshold },
  });
  return true;
}

export interface AdjustInput {
  variantId: string;
  locationId?: string;
  delta: number;
  reason: AdjustmentReason;
  note?: string | null;
  /** The reservation this movement commits (a sale): its hold is released in the same transaction. */
  reservation?: { id: string; quantity: number };
  /** A sale of a backordered variant may take on-hand stock below zero; a manual adjustment may not. */
  allowNegative?: boolean;
}

/**
 * The ledger move itself: the level at the location changes by `delta`, one adjustment row records it, one audit
 * entry describes it. Callers check availability and signal low stock; `locationId` is already resolved.
 */
export async function moveStockInTx(
  tx: StoreTx, ctx: AuditCtx,
  input: { variantId: string; locationId: string; delta: number; reason: AdjustmentReason; note?: string | null; reservationId?: string | null; allowNegative?: boolean },
): Promise<AdjustmentRow> {
  const now = ctx.clock.now();
  const { variantId, locationId } = input;
  const level = (
    await prepared(dbOf(tx), "inventory.level", (db) =>
      db.select().from(inventoryLevels).where(and(eq(inventoryLevels.variantId, sql.placeholder("variantId")), eq(inventoryLevels.locationId, sql.placeholder("locationId")))).prepare(),
    ).all({ variantId, locationId })
  )[0];
  const onHandAfter = (level?.onHand ?? 0) + input.delta;
  if (onHandAfter < 0 && !input.allowNegative) {
    throw new Conflict("inventory.negative_on_hand", "This adjustment would take on-hand stock below zero", {
      variantId, locationId, onHand: level?.onHand ?? 0, delta: input.delta,
    });
  }
  if (level) await updateById(tx, inventoryLevels, level.id, { onHand: onHandAfter, updatedAt: now });
  else await insertRow(tx, inventoryLevels, { id: newId("stk", now), variantId, locationId, onHand: onHandAfter, updatedAt: now });
  const row: AdjustmentRow = {
    id: newId("adj", now), variantId, locationId, delta: input.delta, reason: input.reason, note: input.note ?? null,
    onHandAfter, reservationId: input.reservationId ?? null, actorId: actorId(ctx.actor), createdAt: now,
  };
  await insertRow(tx, inventoryAdjustments, row);
  await recordAudit(tx, ctx, {
    action: "inventory.adjusted", targetType: "variant", targetId: variantId,
    before: { onHand: level?.onHand ?? 0, locationId },
    after: { onHand: onHandAfter, delta: input.delta, reason: input.reason, adjustmentId: row.id, ...(row.reservationId ? { reservationId: row.reservationId } : {}) },
  });
  return row;
}

/** One ledger row + the level it changes + its audit entry (+ inventory.low when it crosses the threshold). */
export async function adjustInTx(tx: StoreTx, ctx: AuditCtx, input: AdjustInput): Promise<AdjustmentRow> {
  const now = ctx.clock.now();
  const locationId = await resolveLocation(tx, input.locationId, now);
  const before = await availability(tx, input.variantId, now);
  const row = await moveStockInTx(tx, ctx, {
    variantId: input.variantId, locationId, delta: input.delta, reason: input.reason, note: input.note,
    reservationId: input.reservation?.id ?? null, allowNegative: input.allowNegative,
  });
  // A sale that commits a reservation moves reserved to sold: availability is unchanged, so nothing new to signal.
  const after = before.available + input.delta + (input.reservation?.quantity ?? 0);
  await signalLowStock(tx, now, input.variantId, before.available, after, row.id);
  return row;
}

export async function adjustStock(ctx: Ctx, input: Omit<AdjustInput, "allowNegative" | "reservation">): Promise<AdjustmentRow> {
  if (!Number.isSafeInteger(input.delta) || input.delta === 0) {
    throw new ValidationFailed("inventory.invalid_delta", "delta must be a non-zero integer", { field: "delta" });
  }
  await requireVariant(ctx, input.variantId);
  return withTx(ctx, (tx) => adjustInTx(tx, ctx, input));
}

/**
 * Moves stock between two locations in one transaction: the store's availability never dips (no false
 * `inventory.low`, no checkout refused between two adjustments). What stays at the source must still cover the
 * holds placed there (checkouts in progress), so a transfer never strands a reservation.
 */
export async function transferStock(ctx: Ctx, input: { variantId: string; fromLocationId: string; toLocationId: string; quantity: number; note?: string }): Promise<{ out: AdjustmentRow; in: AdjustmentRow }> {
  if (input.fromLocationId === input.toLocationId) {
    throw new ValidationFailed("inventory.same_location", "A transfer needs two different locations", { field: "toLocationId" });
  }
  await requireVariant(ctx, input.variantId);
  return withTx(ctx, async (tx) => {
    const now = ctx.clock.now();
    const from = await resolveLocation(tx, input.fromLocationId, now);
    const to = await resolveLocation(tx, input.toLocationId, now);
    const at = await availability(tx, input.variantId, now, from);
    if (at.available < input.quantity) {
      throw new Conflict("inventory.transfer_exceeds_free", "The source location does not have that much stock free of holds", {
        variantId: input.variantId, locationId: from, onHand: at.onHand, reserved: at.reserved, requested: input.quantity,
      });
    }
    const note = input.note ?? null;
    const out = await moveStockInTx(tx, ctx, { variantId: input.variantId, locationId: from, delta: -input.quantity, reason: "transfer", note });
    const into = await moveStockInTx(tx, ctx, { variantId: input.variantId, locationId: to, delta: input.quantity, reason: "transfer", note });
    return { out, in: into };
  });
}

export async function setLowStockThreshold(ctx: Ctx, variantId: string, threshold: number | null): Promise<void> {
  await requireVariant(ctx, variantId);
  await withTx(ctx, async (tx) => {
    const before = await lowStockThreshold(tx, variantId);
    const now = ctx.clock.now();
    await tx.insert(inventoryItems).values({ variantId, lowStockThreshold: threshold, updatedAt: now })
      .onConflictDoUpdate({ target: inventoryItems.variantId, set: { lowStockThreshold: threshold, updatedAt: now } });
    await recordAudit(tx, ctx, { action: "inventory.threshold_set", targetType: "variant", targetId: variantId, before: { lowStockThreshold: before }, after: { lowStockThreshold: threshold } });
  });
}

export async function createLocation(ctx: Ctx, name: string) {
  return withTx(ctx, async (tx) => {
    const now = ctx.clock.now();
    await defaultLocationId(tx, now); // the default always exists before any other location
    const clash = (await tx.select({ id: stockLocations.id }).from(stockLocations).where(eq(stockLocations.name, name)))[0];
    if (clash) throw new Conflict("location.name_taken", `A location named "${name}" already exists`, { locationId: clash.id });
    const row = { id: newId("loc", now), name, isDefault: false, createdAt: now };
    await tx.insert(stockLocations).values(row);
    await recordAudit(tx, ctx, { action: "location.created", targetType: "location", targetId: row.id, after: row });
    return row;
  });
}

export async function listLocations(ctx: Ctx) {
  const rows = await ctx.store.db.select().from(stockLocations).orderBy(stockLocations.id);
  if (rows.length > 0) return rows;
  await withTx(ctx, (tx) => defaultLocationId(tx, ctx.clock.now()));
  return ctx.store.db.select().from(stockLocations).orderBy(stockLocations.id);
}
