// Shipping tables (store DB): zones (a list of countries, each country in at most one zone) and their rates.
// A rate is flat or weight-based (brackets by grams), optionally free at or above an order subtotal; amounts are
// integer minor units in the rate's currency.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const shippingZones = sqliteTable("shipping_zones", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** One row per country of a zone; the unique index enforces "a country is in one zone". */
export const shippingZoneCountries = sqliteTable(
  "shipping_zone_countries",
  {
    zoneId: text("zone_id").notNull().references(() => shippingZones.id, { onDelete: "cascade" }),
    countryCode: text("country_code").notNull(),
  },
  (t) => [uniqueIndex("shipping_zone_countries_uq").on(t.countryCode), index("shipping_zone_countries_zone_idx").on(t.zoneId)],
);

export interface WeightBracket {
  /** Inclusive upper bound of the bracket in grams. */
  maxGrams: number;
  amount: number;
}

export const shippingRates = sqliteTable(
  "shipping_rates",
  {
    id: text("id").primaryKey(),
    zoneId: text("zone_id").notNull().references(() => shippingZones.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    carrier: text("carrier").notNull(),
    type: text("type").$type<"flat" | "weight">().notNull(),
    currency: text("currency").notNull(),
    /** Flat price; null for weight-based rates. */
    amount: integer("amount"),
    /** Weight brackets sorted by maxGrams; null for flat rates. */
    brackets: text("brackets", { mode: "json" }).$type<WeightBracket[]>(),
    /** Subtotal (same currency) at or above which the rate is free; null = never free. */
    freeAbove: integer("free_above"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("shipping_rates_zone_idx").on(t.zoneId)],
);
