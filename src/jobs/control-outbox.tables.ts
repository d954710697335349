// Outbox of the control DB, for platform effects that belong to no store (password reset e-mails, …).
// Same shape and rules as the store outbox (outbox.tables.ts).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const controlOutbox = sqliteTable(
  "control_outbox",
  {
    id: text("id").primaryKey(),
    topic: text("topic").notNull(),
    key: text("key").notNull(),
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer("created_at").notNull(),
    relayedAt: integer("relayed_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("control_outbox_pending_idx").on(t.relayedAt, t.createdAt), index("control_outbox_topic_key_idx").on(t.topic, t.key)],
);
