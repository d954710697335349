// The store's profile: one row (id = 1). The store file is the source of truth for its own settings.
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const storeSettings = sqliteTable(
  "store_settings",
  {
    id: integer("id").primaryKey(),
    name: text("name").notNull(),
    defaultCurrency: text("default_currency").notNull(),
    timezone: text("timezone").notNull(),
    supportEmail: text("support_email"),
    /** Days after shipping during which a buyer may start a return from the storefront; null: only the merchant can. */
    returnWindowDays: integer("return_window_days"),
    /** The storefront's address: order e-mails link to <storefrontUrl>/orders/<id>?token=…; null: no link. */
    storefrontUrl: text("storefront_url"),
    /** Incremented by every update: concurrent writers are serialized, so no update is ever lost. */
    revision: integer("revision").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("store_settings_singleton", sql`${t.id} = 1`)],
);
