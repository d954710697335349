// Reservations: checkout holds on stock. A hold counts against availability until it is released, committed (the
// sale: on-hand stock goes down by the same quantity, through the ledger) or past its expiresAt.
import { and, desc, eq, gt, isNull, lt, lte, or } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { decodeCursor, toPage, type Page } from "../../kernel/pagination.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { insertRow } from "../../db/prepared.ts";
import { recordAudit } from "../audit/index.ts";
import { inventoryReservations } from "./inventory.tables.ts";
import { InsufficientStock } from "./inventory.errors.ts";
import { adjustInTx, availability, moveStockInTx, requireVariant, resolveLocation, sellingLocationId, signalLowStock, type AdjustmentRow } from "./stock.ts";

type AuditCtx = Pick<Ctx, "actor" | "requestId" | "clock">;
export type ReservationRow = typeof inventoryReservations.$inferSelect;
export type ReservationState = "active" | "expired" | "released" | "committed";

export interface StockPolicy {
  trackInventory: boolean;
  allowBackorder: boolean;
}

export interface ReserveInput {
  variantId: string;
  quantity: number;
  locationId?: string;
  /** Epoch ms; omitted = held until released or committed. */
  expiresAt?: number | null;
  reference?: string | null;
}

export const stateOf = (r: ReservationRow, now: number): ReservationState =>
  r.status === "active" && r.expiresAt !== null && r.expiresAt <= now ? "expired" : r.status;

/**
 * Holds `quantity` of a variant inside the caller's transaction. The per-store lock of withTx serializes every
 * reservation, so "check available, then insert" cannot oversell. The caller passes the variant's policy (read
 * from the catalog before its transaction).
 */
export async function reserveInTx(tx: StoreTx, ctx: AuditCtx, input: ReserveInput, policy: StockPolicy): Promise<ReservationRow> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
    throw new ValidationFailed("inventory.invalid_quantity", "quantity must be a positive integer", { field: "quantity" });
  }
  const now = ctx.clock.now();
  if (input.expiresAt != null && input.expiresAt <= now) {
    throw new ValidationFailed("inventory.expiry_in_past", "expiresAt must be in the future", { field: "expiresAt" });
  }
  const before = await availability(tx, input.variantId, now);
  let locationId: string;
  if (policy.trackInventory && !policy.allowBackorder) {
    // A hold sits at one location and is committed there: that location must have the quantity, and so must the
    // store as a whole (other holds may count against it). Without a location, the one a sale would take it from.
    locationId = input.locationId !== undefined
      ? await resolveLocation(tx, input.locationId, now)
      : await sellingLocationId(tx, input.variantId, input.quantity, now);
    const here = await availability(tx, input.variantId, now, locationId);
    const can = Math.min(here.available, before.available);
    if (can < input.quantity) throw new InsufficientStock(input.variantId, input.quantity, Math.max(0, can));
  } else {
    locationId = await resolveLocation(tx, input.locationId, now);
  }
  const row: ReservationRow = {
    id: newId("rsv", now), variantId: input.variantId, locationId, quantity: input.quantity, reference: input.reference ?? null,
    status: "active", expiresAt: input.expiresAt ?? null, createdAt: now, updatedAt: now,
  };
  await tx.insert(inventoryReservations).values(row);
  await recordAudit(tx, ctx, { action: "inventory.reserved", targetType: "reservation", targetId: row.id, after: row });
  if (policy.trackInventory) await signalLowStock(tx, now, input.variantId, before.available, before.available - input.quantity, row.id);
  return row;
}

async function reservationRow(tx: StoreTx, id: string): Promise<ReservationRow> {
  const r = isId("rsv", id) ? (await tx.select().from(inventoryReservations).where(eq(inventoryReservations.id, id)))[0] : undefined;
  if (!r) throw new NotFound("reservation", id);
  return r;
}

/** Releases a hold; releasing twice is a no-op, releasing a committed one a conflict. */
export async function releaseInTx(tx: StoreTx, ctx: AuditCtx, id: string): Promise<ReservationRow> {
  const r = await reservationRow(tx, id);
  if (r.status === "released") return r;
  if (r.status === "committed") throw new Conflict("inventory.reservation_committed", "This reservation was already committed to a sale", { reservationId: id });
  const now = ctx.clock.now();
  await tx.update(inventoryReservations).set({ status: "released", updatedAt: now }).where(eq(inventoryReservations.id, id));
  await recordAudit(tx, ctx, { action: "inventory.released", targetType: "reservation", targetId: id, before: { status: r.status }, after: { status: "released" } });
  return { ...r, status: "released", updatedAt: now };
}

/**
 * Turns a hold into a sale: a "sold" ledger row takes the quantity off on-hand stock and the hold ends, in one
 * transaction. Committing twice is a no-op; an expired or released hold is a conflict (the stock may be gone).
 */
export async function commitInTx(tx: StoreTx, ctx: AuditCtx, id: string): Promise<{ reservation: ReservationRow; adjustment: AdjustmentRow | null }> {
  const r = await reservationRow(tx, id);
  if (r.status === "committed") return { reservation: r, adjustment: null };
  const now = ctx.clock.now();
  const state = stateOf(r, now);
  if (state === "released") throw new Conflict("inventory.reservation_released", "This reservation was released", { reservationId: id });
  if (state === "expired") throw new Conflict("inventory.reservation_expired", "This reservation expired; reserve again", { reservationId: id });
  const adjustment = await adjustInTx(tx, ctx, {
    variantId: r.variantId, locationId: r.locationId, delta: -r.quantity, reason: "sold", reservation: { id: r.id, quantity: r.quantity },
    allowNegative: true, // a backordered sale: on-hand goes negative and the ledger shows it
  });
  await tx.update(inventoryReservations).set({ status: "committed", updatedAt: now }).where(eq(inventoryReservations.id, id));
  return { reservation: { ...r, status: "committed", updatedAt: now }, adjustment };
}

/**
 * A sale in one step (the checkout's order transaction): the same checks and rows as reserveInTx + commitInTx —
 * availability over all locations, a hold at the location it sells from (sellingLocationId: the default when it has
 * the stock; written already committed, referencing the order), a "sold" ledger row taking the quantity off that
 * location's level, one audit entry
 * (inventory.adjusted, naming the hold) and the low-stock signal — with each row read and written once. An untracked
 * variant takes nothing: null.
 */
export async function sellInTx(
  tx: StoreTx, ctx: AuditCtx, input: { variantId: string; quantity: number; reference: string }, policy: StockPolicy,
): Promise<{ reservation: ReservationRow; adjustment: AdjustmentRow } | null> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
    throw new ValidationFailed("inventory.invalid_quantity", "quantity must be a positive integer", { field: "quantity" });
  }
  const now = ctx.clock.now();
  // An untracked variant has no stock to take: no hold, no ledger row, no level moved (its on-hand stays what the
  // merchant counted, for the day tracking is turned on).
  if (!policy.trackInventory) return null;
  const before = await availability(tx, input.variantId, now);
  if (!policy.allowBackorder && before.available < input.quantity) {
    throw new InsufficientStock(input.variantId, input.quantity, Math.max(0, before.available));
  }
  const locationId = await sellingLocationId(tx, input.variantId, input.quantity, now);
  const reservation: ReservationRow = {
    id: newId("rsv", now), variantId: input.variantId, locationId, quantity: input.quantity, reference: input.reference,
    status: "committed", expiresAt: null, createdAt: now, updatedAt: now,
  };
  await insertRow(tx, inventoryReservations, reservation);
  const adjustment = await moveStockInTx(tx, ctx, {
    variantId: input.variantId, locationId, delta: -input.quantity, reason: "sold", reservationId: reservation.id,
    allowNegative: true, // a backordered sale: on-hand goes negative and the ledger shows it
  });
  await signalLowStock(tx, now, input.variantId, before.available, before.available - input.quantity, adjustment.id);
  return { reservation, adjustment };
}

export async function reserve(ctx: Ctx, input: ReserveInput): Promise<ReservationRow> {
  const v = await requireVariant(ctx, input.variantId);
  return withTx(ctx, (tx) => reserveInTx(tx, ctx, input, v));
}

export const release = (ctx: Ctx, id: string) => withTx(ctx, (tx) => releaseInTx(tx, ctx, id));
export const commitReservation = (ctx: Ctx, id: string) => withTx(ctx, (tx) => commitInTx(tx, ctx, id));

export async function getReservation(ctx: Pick<Ctx, "store">, id: string): Promise<ReservationRow> {
  const r = isId("rsv", id) ? (await ctx.store.db.select().from(inventoryReservations).where(eq(inventoryReservations.id, id)))[0] : undefined;
  if (!r) throw new NotFound("reservation", id);
  return r;
}

/** The SQL side of stateOf: "active" excludes holds past their expiry, "expired" is exactly those. */
function stateIs(state: ReservationState, now: number) {
  const r = inventoryReservations;
  if (state === "active") return and(eq(r.status, "active"), or(isNull(r.expiresAt), gt(r.expiresAt, now)));
  if (state === "expired") return and(eq(r.status, "active"), lte(r.expiresAt, now));
  return eq(r.status, state);
}

export async function listReservations(
  ctx: Pick<Ctx, "store" | "clock">, q: { limit?: number; cursor?: string; variantId?: string; status?: ReservationState },
): Promise<Page<ReservationRow>> {
  const limit = q.limit ?? 20;
  const before = decodeCursor(q.cursor);
  const rows = await ctx.store.db
    .select()
    .from(inventoryReservations)
    .where(and(
      before ? lt(inventoryReservations.id, before) : undefined,
      q.variantId ? eq(inventoryReservations.variantId, q.variantId) : undefined,
      q.status ? stateIs(q.status, ctx.clock.now()) : undefined,
    ))
    .orderBy(desc(inventoryReservations.id))
    .limit(limit + 1);
  return toPage(rows, limit);
}
