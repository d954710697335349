// Customers (store DB), minimal: found or created by e-mail at checkout so a returning guest is recognised.
import { integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const customers = sqliteTable(
  "customers",
  {
    id: text("id").primaryKey(),
    /** Lower-cased; the identity of a guest customer. */
    email: text("email").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    ordersCount: integer("orders_count").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("customers_email_uq").on(t.email)],
);
