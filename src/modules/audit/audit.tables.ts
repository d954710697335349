// The store's audit log: append-only, each entry chained to the previous one by hash (tampering is detectable).
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    /** 1, 2, 3, … per store: the chain order. */
    seq: integer("seq").notNull().unique(),
    at: integer("at").notNull(),
    actorType: text("actor_type").notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    requestId: text("request_id").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_action_idx").on(t.action, t.seq), index("audit_target_idx").on(t.targetType, t.targetId)],
);
