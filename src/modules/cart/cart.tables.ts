// Carts (store DB). A line keeps a snapshot of what the buyer saw when adding it (title, sku, unit price), so a
// catalog edit never changes a cart silently; the difference is reported until the buyer accepts it.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export interface AddressRow {
  firstName: string;
  lastName: string;
  company?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  region?: string | null;
  countryCode: string;
  phone?: string | null;
}

export interface ShippingMethodRow {
  optionId: string;
  name: string;
  carrier: string;
  amount: number;
  currency: string;
  /** On an order: the tax on shipping, by rate (amount in minor units). Absent on carts and older orders. */
  taxLines?: Array<{ code: string; name: string; rate: string; amount: number }>;
}

export const carts = sqliteTable(
  "carts",
  {
    id: text("id").primaryKey(),
    currency: text("currency").notNull(),
    email: text("email"),
    customerId: text("customer_id"),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<AddressRow | null>(),
    billingAddress: text("billing_address", { mode: "json" }).$type<AddressRow | null>(),
    shippingMethod: text("shipping_method", { mode: "json" }).$type<ShippingMethodRow | null>(),
    /** The current payment session (payments table); replaced when the buyer starts another one. */
    paymentId: text("payment_id"),
    status: text("status", { enum: ["open", "completed"] }).notNull().default("open"),
    orderId: text("order_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    completedAt: integer("completed_at"),
  },
  (t) => [index("carts_updated_idx").on(t.updatedAt)],
);

export const cartLines = sqliteTable(
  "cart_lines",
  {
    id: text("id").primaryKey(),
    cartId: text("cart_id").notNull().references(() => carts.id, { onDelete: "cascade" }),
    variantId: text("variant_id").notNull(),
    title: text("title").notNull(),
    sku: text("sku"),
    quantity: integer("quantity").notNull(),
    /** Snapshot: minor units in the cart's currency when the line was added or the price was last accepted. */
    unitPrice: integer("unit_price").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("cart_lines_variant_uq").on(t.cartId, t.variantId)],
);
