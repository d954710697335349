// Orders (store DB). An order copies everything it needs from the cart (lines, addresses, totals) so it never
// changes when the catalog does. Status changes are written with a timeline event in the same transaction.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AddressRow, ShippingMethodRow } from "../cart/cart.tables.ts";

export const ORDER_STATUSES = ["pending", "paid", "partially_fulfilled", "fulfilled", "cancelled", "partially_refunded", "refunded"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface TaxLineRow {
  code: string;
  name: string;
  rate: string;
  amount: number;
}

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    number: integer("number").notNull(),
    /** Unguessable: the buyer's read access to this order (GET /v1/store/orders/:id?token=). */
    token: text("token").notNull(),
    cartId: text("cart_id").notNull(),
    customerId: text("customer_id").notNull(),
    paymentId: text("payment_id").notNull(),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    email: text("email").notNull(),
    currency: text("currency").notNull(),
    shippingAddress: text("shipping_address", { mode: "json" }).$type<AddressRow>().notNull(),
    billingAddress: text("billing_address", { mode: "json" }).$type<AddressRow>().notNull(),
    shippingMethod: text("shipping_method", { mode: "json" }).$type<ShippingMethodRow>().notNull(),
    subtotal: integer("subtotal").notNull(),
    discountTotal: integer("discount_total").notNull(),
    shippingTotal: integer("shipping_total").notNull(),
    taxTotal: integer("tax_total").notNull(),
    total: integer("total").notNull(),
    refundedTotal: integer("refunded_total").notNull().default(0),
    taxNote: text("tax_note"),
    cancelledAt: integer("cancelled_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("orders_number_uq").on(t.number),
    uniqueIndex("orders_cart_uq").on(t.cartId),
    index("orders_email_idx").on(t.email),
    index("orders_customer_idx").on(t.customerId),
    index("orders_status_idx").on(t.status),
    check("orders_refund_le_total", sql`${t.refundedTotal} <= ${t.total}`),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    variantId: text("variant_id").notNull(),
    title: text("title").notNull(),
    sku: text("sku"),
    quantity: integer("quantity").notNull(),
    unitPrice: integer("unit_price").notNull(),
    total: integer("total").notNull(),
    taxTotal: integer("tax_total").notNull(),
    taxLines: text("tax_lines", { mode: "json" }).$type<TaxLineRow[]>().notNull(),
    fulfilledQuantity: integer("fulfilled_quantity").notNull().default(0),
    /** Where the sold stock came from: a cancellation puts it back there. Null: none was taken (untracked variant). */
    locationId: text("location_id"),
    position: integer("position").notNull(),
  },
  (t) => [index("order_lines_order_idx").on(t.orderId), check("order_lines_fulfilled_le_qty", sql`${t.fulfilledQuantity} <= ${t.quantity}`)],
);

export const orderEvents = sqliteTable(
  "order_events",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    type: text("type").notNull(),
    message: text("message").notNull(),
    data: text("data", { mode: "json" }).$type<Record<string, unknown> | null>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("order_events_order_idx").on(t.orderId)],
);

/** One row (id = 1): the last order number handed out, bumped in the transaction that creates the order. */
export const orderCounter = sqliteTable("order_counter", { id: integer("id").primaryKey(), last: integer("last").notNull() }, (t) => [
  check("order_counter_singleton", sql`${t.id} = 1`),
]);

export const fulfillments = sqliteTable(
  "fulfillments",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    carrier: text("carrier").notNull(),
    trackingNumber: text("tracking_number").notNull(),
    trackingUrl: text("tracking_url").notNull(),
    lines: text("lines", { mode: "json" }).$type<Array<{ lineId: string; quantity: number }>>().notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("fulfillments_order_idx").on(t.orderId)],
);

export const refunds = sqliteTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    paymentId: text("payment_id").notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    reason: text("reason").notNull(),
    providerRef: text("provider_ref").notNull(),
    /**
     * requested: written (and synced) before the provider is asked, with what is asked; its id is the provider's
     * idempotency key. A retry after a crash or a failed recording asks again with the same key and parameters,
     * so the provider answers with the same refund. Views leave such attempts out.
     */
    status: text("status", { enum: ["requested", "succeeded", "pending", "failed"] }).notNull(),
    createdAt: integer("created_at").notNull(),
    /**
     * What makes a retry the same refund: SHA-256 of the admin request's caller and Idempotency-Key, or "cancel" for
     * the refund of a cancellation (one per order). A retry finds its attempt here and asks the provider again with
     * the attempt's own key and parameters.
     */
    requestKey: text("request_key"),
    /**
     * When the provider said the refund failed (its event's time, ms). A `charge.refunded` snapshot older than that
     * still counts the refund in its amount_refunded (Stripe does not deliver events in order).
     */
    failedAt: integer("failed_at"),
    /** The return this refund pays back, when it was made for one. */
    returnId: text("return_id"),
  },
  // By payment: the unsettled and failed sums of the refund checks and the Stripe webhook, and finding a refund by
  // its provider id.
  (t) => [index("refunds_order_idx").on(t.orderId), uniqueIndex("refunds_request_key_uq").on(t.orderId, t.requestKey), index("refunds_payment_idx").on(t.paymentId, t.status)],
);

export const RETURN_STATUSES = ["requested", "received", "cancelled"] as const;
export type ReturnStatus = (typeof RETURN_STATUSES)[number];

/**
 * Returns (RMA): shipped lines the buyer sends back. `requested` authorizes them (a 3PL expects the parcel);
 * `received` means they arrived, stock put back when `restocked`; `cancelled` frees the quantities. Money is a
 * separate refund (the merchant decides how much after inspection); a refund made for a return carries its id.
 * A line's quantities under requested or received returns never exceed what was shipped (returns.ts).
 */
export const returns = sqliteTable(
  "returns",
  {
    id: text("id").primaryKey(),
    orderId: text("order_id").notNull().references(() => orders.id),
    /** Per order, from 1: what the buyer writes on the parcel ("#1042-R1"). */
    number: integer("number").notNull(),
    status: text("status", { enum: RETURN_STATUSES }).notNull(),
    lines: text("lines", { mode: "json" }).$type<Array<{ lineId: string; quantity: number }>>().notNull(),
    reason: text("reason").notNull(),
    note: text("note"),
    restocked: integer("restocked", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    receivedAt: integer("received_at"),
    cancelledAt: integer("cancelled_at"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("returns_order_number_uq").on(t.orderId, t.number)],
);
