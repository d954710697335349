// Payments (store DB): one row per payment session, and one event row per thing that happened to it (authorized,
// captured, voided, refunded, failed), so the money trail is complete even when an order never came to be.
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const PAYMENT_STATUSES = ["requires_action", "authorized", "captured", "failed", "voided", "partially_refunded", "refunded"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    cartId: text("cart_id").notNull(),
    orderId: text("order_id"),
    provider: text("provider").notNull(),
    providerRef: text("provider_ref").notNull(),
    status: text("status", { enum: PAYMENT_STATUSES }).notNull(),
    captureMethod: text("capture_method", { enum: ["automatic", "manual"] }).notNull(),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    capturedAmount: integer("captured_amount").notNull().default(0),
    refundedAmount: integer("refunded_amount").notNull().default(0),
    clientSecret: text("client_secret"),
    nextAction: text("next_action", { mode: "json" }).$type<{ type: string; url?: string } | null>(),
    failureReason: text("failure_reason"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("payments_cart_idx").on(t.cartId),
    index("payments_order_idx").on(t.orderId),
    check("payments_refund_le_capture", sql`${t.refundedAmount} <= ${t.capturedAmount}`),
  ],
);

export const paymentEvents = sqliteTable(
  "payment_events",
  {
    id: text("id").primaryKey(),
    paymentId: text("payment_id").notNull().references(() => payments.id),
    type: text("type").notNull(), // "session_created", "authorized", "captured", "voided", "refunded", "failed"
    amount: integer("amount"),
    reference: text("reference"),
    detail: text("detail"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("payment_events_payment_idx").on(t.paymentId)],
);

/** One row (id = 1); absent = the defaults (sandbox, automatic capture). Stripe keys live in the Stripe module's table. */
export const paymentSettings = sqliteTable(
  "payment_settings",
  {
    id: integer("id").primaryKey(),
    provider: text("provider", { enum: ["sandbox", "stripe"] }).notNull(),
    captureMethod: text("capture_method", { enum: ["automatic", "manual"] }).notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("payment_settings_singleton", sql`${t.id} = 1`)],
);
