// Tax tables (store DB): the store's tax settings (one row), tax zones (a country, optionally a region) and one rate
// per zone per tax category. Rates are integers in millionths (20% = 200000): exact, no float ever stored.
import { sql } from "drizzle-orm";
import { check, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { TaxCategory } from "./vat.ts";

export const taxSettings = sqliteTable(
  "tax_settings",
  {
    id: integer("id").primaryKey(),
    /** Whether catalog prices are gross (EU shelf prices) or net (B2B, US). */
    pricesIncludeTax: integer("prices_include_tax", { mode: "boolean" }).notNull(),
    /** The store's own country: a domestic B2B sale is never reverse charged. */
    originCountry: text("origin_country"),
    shippingTaxCategory: text("shipping_tax_category").$type<TaxCategory>().notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("tax_settings_singleton", sql`${t.id} = 1`)],
);

export const taxZones = sqliteTable(
  "tax_zones",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    countryCode: text("country_code").notNull(),
    /** ISO 3166-2 subdivision code without the country ("CN" for the Canary Islands); "" = the whole country. */
    region: text("region").notNull().default(""),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  // "" rather than NULL for the whole country: SQLite unique indexes let NULLs repeat.
  (t) => [uniqueIndex("tax_zones_place_uq").on(t.countryCode, t.region)],
);

export const taxRates = sqliteTable(
  "tax_rates",
  {
    zoneId: text("zone_id").notNull().references(() => taxZones.id, { onDelete: "cascade" }),
    category: text("category").$type<TaxCategory>().notNull(),
    name: text("name").notNull(),
    ratePpm: integer("rate_ppm").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.zoneId, t.category] }), check("tax_rates_range", sql`${t.ratePpm} >= 0 and ${t.ratePpm} <= 1000000`)],
);
