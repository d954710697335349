// Per-store security settings (store DB): the origins allowed to call the store API from a browser (CORS).
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export const storeSecurity = sqliteTable(
  "store_security",
  {
    id: integer("id").primaryKey(),
    /** JSON list of origins such as "https://shop.example.com"; "*" allows any origin. */
    allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("store_security_singleton", sql`${t.id} = 1`)],
);
