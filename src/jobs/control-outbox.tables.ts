// Outbox of the control DB, for platform effects that belong to no store (password reset e-mails, …).
// Same shape and rules as the store outbox (outbox.tables.ts).
import { index, sqliteTable } from "drizzle-orm/sqlite-core";
import { outboxColumns } from "./outbox.tables.ts";

export const controlOutbox = sqliteTable(
  "control_outbox",
  outboxColumns(),
  (t) => [index("control_outbox_pending_idx").on(t.relayedAt, t.createdAt), index("control_outbox_topic_key_idx").on(t.topic, t.key)],
);
