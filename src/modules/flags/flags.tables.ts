// Feature flags of a store: definitions, one row per assignment version, and exposures (the first time a visitor
// was assigned a variation of a flag version). Exposures are what experiment analysis counts, so they are keyed by
// (flag, version, visitor): one row per visitor and version, however often the storefront asks.
import { check, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import type { TargetingCondition } from "./evaluate.ts";

export const flags = sqliteTable(
  "flags",
  {
    id: text("id").primaryKey(),
    /** Stable identifier used by storefront code ("checkout-trust-badges"); unique per store, never changes. */
    key: text("key").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** draft → running ⇄ paused → archived. */
    status: text("status", { enum: ["draft", "running", "paused", "archived"] }).notNull(),
    /** Kill switch: false serves every visitor the default (variation 0). */
    enabled: integer("enabled", { mode: "boolean" }).notNull(),
    /** JSON values; index 0 is the control and the default. */
    variations: text("variations", { mode: "json" }).$type<unknown[]>().notNull(),
    weights: text("weights", { mode: "json" }).$type<number[]>().notNull(),
    coverage: real("coverage").notNull(),
    seed: text("seed").notNull(),
    hashVersion: integer("hash_version").notNull(),
    holdout: real("holdout").notNull(),
    targeting: text("targeting", { mode: "json" }).$type<TargetingCondition[]>().notNull(),
    /** Assignment version: bumped when a started flag's seed, variations, weights or hash version change. */
    version: integer("version").notNull(),
    startedAt: integer("started_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("flags_key_idx").on(t.key),
    check("flags_coverage_range", sql`${t.coverage} >= 0 AND ${t.coverage} <= 1`),
    check("flags_holdout_range", sql`${t.holdout} >= 0 AND ${t.holdout} < 1`),
  ],
);

/** What each assignment version looked like, so exposures of an old version can still be read correctly. */
export const flagVersions = sqliteTable(
  "flag_versions",
  {
    flagId: text("flag_id").notNull().references(() => flags.id),
    version: integer("version").notNull(),
    seed: text("seed").notNull(),
    hashVersion: integer("hash_version").notNull(),
    variations: text("variations", { mode: "json" }).$type<unknown[]>().notNull(),
    weights: text("weights", { mode: "json" }).$type<number[]>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagId, t.version] })],
);

export const flagExposures = sqliteTable(
  "flag_exposures",
  {
    flagId: text("flag_id").notNull().references(() => flags.id),
    flagVersion: integer("flag_version").notNull(),
    visitorId: text("visitor_id").notNull(),
    variationIndex: integer("variation_index").notNull(),
    firstExposedAt: integer("first_exposed_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.flagId, t.flagVersion, t.visitorId] })],
);
