// Outgoing webhooks (store DB): the merchant's endpoints and the log of deliveries to them (API.md "Outgoing
// webhooks"). A delivery is one event to one endpoint; its row is the state machine of the at-least-once retries.
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  description: text("description"),
  /** The signing secret, sealed (kernel/seal.ts, purpose "webhook"): the plain value is shown once, at creation. */
  secretSealed: text("secret_sealed").notNull(),
  /** Event types, exact ("order.placed") or a family ("changeset.*", "*"). */
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export type DeliveryStatus = "pending" | "retrying" | "delivered" | "dead";

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    endpointId: text("endpoint_id").notNull(),
    /** Sent as trafi-event-id; the receiver deduplicates on it. */
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The exact JSON body sent (and signed) on every attempt. */
    body: text("body").notNull(),
    status: text("status").$type<DeliveryStatus>().notNull(),
    /** Attempts made in total, replays included. */
    attempts: integer("attempts").notNull().default(0),
    /** Attempts since the delivery was created or last replayed; 6 (1 + 5 retries) failed ones make it dead. */
    roundAttempts: integer("round_attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at"),
    lastAttemptAt: integer("last_attempt_at"),
    lastStatusCode: integer("last_status_code"),
    lastLatencyMs: integer("last_latency_ms"),
    /** First bytes of the response body (≤ 1 KiB), for the merchant's debugging. */
    lastResponseExcerpt: text("last_response_excerpt"),
    lastError: text("last_error"),
    deliveredAt: integer("delivered_at"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("webhook_deliveries_event_endpoint_uq").on(t.eventId, t.endpointId),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id),
    index("webhook_deliveries_status_idx").on(t.status, t.id),
  ],
);
