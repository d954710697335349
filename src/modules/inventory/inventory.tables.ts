// Inventory tables (store DB). Stock is per variant per location; every change of on-hand stock is a ledger row
// (inventory_adjustments) written in the same transaction as the level it changes, so the ledger always explains
// the level. Reservations (checkout holds) reduce what is available without touching on-hand stock until committed.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const stockLocations = sqliteTable(
  "stock_locations",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** Exactly one default location; it is created on first use. */
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("stock_locations_name_uq").on(t.name), uniqueIndex("stock_locations_default_uq").on(t.isDefault).where(sql`${t.isDefault} = 1`)],
);

export const inventoryLevels = sqliteTable(
  "inventory_levels",
  {
    id: text("id").primaryKey(),
    variantId: text("variant_id").notNull(),
    locationId: text("location_id").notNull().references(() => stockLocations.id),
    onHand: integer("on_hand").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("inventory_levels_place_uq").on(t.variantId, t.locationId), index("inventory_levels_location_idx").on(t.locationId)],
);

/** Per-variant settings: the low-stock threshold (available below it → inventory.low). */
export const inventoryItems = sqliteTable("inventory_items", {
  variantId: text("variant_id").primaryKey(),
  lowStockThreshold: integer("low_stock_threshold"),
  updatedAt: integer("updated_at").notNull(),
});

export const ADJUSTMENT_REASONS = ["received", "sold", "returned", "damaged", "lost", "correction", "transfer"] as const;
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

export const inventoryAdjustments = sqliteTable(
  "inventory_adjustments",
  {
    id: text("id").primaryKey(),
    variantId: text("variant_id").notNull(),
    locationId: text("location_id").notNull(),
    delta: integer("delta").notNull(),
    reason: text("reason").$type<AdjustmentReason>().notNull(),
    note: text("note"),
    onHandAfter: integer("on_hand_after").notNull(),
    /** The reservation this movement commits, when it is a sale. */
    reservationId: text("reservation_id"),
    actorId: text("actor_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("inventory_adjustments_variant_idx").on(t.variantId, t.id)],
);

export type ReservationStatus = "active" | "released" | "committed";

export const inventoryReservations = sqliteTable(
  "inventory_reservations",
  {
    id: text("id").primaryKey(),
    variantId: text("variant_id").notNull(),
    locationId: text("location_id").notNull(),
    quantity: integer("quantity").notNull(),
    /** What holds it: a cart or order id. Free text for the owner module. */
    reference: text("reference"),
    status: text("status").$type<ReservationStatus>().notNull(),
    /** Epoch ms; an active reservation past it no longer counts. Null = held until released or committed. */
    expiresAt: integer("expires_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("inventory_reservations_variant_idx").on(t.variantId, t.status),
    check("inventory_reservations_positive", sql`${t.quantity} > 0`),
  ],
);
