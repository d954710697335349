// Outbox: side effects of a committed write (emails, webhooks, events) are rows written in the SAME transaction
// as the business change, relayed to the queue after commit and re-scanned at start, so a crash right after the
// commit loses nothing. `key` makes the effect idempotent: a relay twice still sends once.
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The columns of an outbox; the control DB's outbox (control-outbox.tables.ts) has the same shape. */
export const outboxColumns = () => ({
  id: text("id").primaryKey(),
  /** What to do: "email.send", "webhook.dispatch", … (a job name). */
  topic: text("topic").notNull(),
  /** Idempotency key of the effect, unique per topic: "receipt:ord_…". */
  key: text("key").notNull(),
  payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  createdAt: integer("created_at").notNull(),
  /** Set once the row is safely in the queue; unrelayed rows are re-scanned at start. */
  relayedAt: integer("relayed_at"),
  attempts: integer("attempts").notNull().default(0),
  lastError: text("last_error"),
});

/** Per-store outbox (store.db). */
export const outbox = sqliteTable("outbox", outboxColumns(), (t) => [
  index("outbox_pending_idx").on(t.relayedAt, t.createdAt),
  index("outbox_topic_key_idx").on(t.topic, t.key),
]);
