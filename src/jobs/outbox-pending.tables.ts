// Control DB: which stores may have unrelayed outbox rows. Set when a process commits outbox rows but cannot relay
// them itself (a CLI command with no worker, a failed enqueue); the server's re-scan reads it instead of opening
// every store. A missing marker is never fatal: the start-up scan walks every store.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const outboxPending = sqliteTable("outbox_pending", {
  storeId: text("store_id").primaryKey(),
  markedAt: integer("marked_at").notNull(),
});
