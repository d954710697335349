// Control database (tenants/_control.db): what spans stores. Each store's own data lives in its store.db.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const plans = sqliteTable("plans", {
  id: text("id").primaryKey(), // "free", "pro", …
  name: text("name").notNull(),
  /** JSON: rate limits and quotas of the plan, read by the rate limiter and quota checks. */
  limits: text("limits", { mode: "json" }).$type<Record<string, number>>().notNull(),
  createdAt: integer("created_at").notNull(),
});

export const stores = sqliteTable(
  "stores",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    status: text("status", { enum: ["active", "suspended", "deleted"] }).notNull().default("active"),
    planId: text("plan_id").notNull().references(() => plans.id),
    /** Last store-schema version this store was migrated to (the store file is the truth; this is for reports). */
    schemaVersion: integer("schema_version").notNull().default(0),
    /** Set when the last migration attempt failed, cleared on success; `trafi stores list` shows it. */
    migrationError: text("migration_error"),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("stores_created_idx").on(t.createdAt)],
);

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash"),
  name: text("name"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const memberships = sqliteTable(
  "memberships",
  {
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    storeId: text("store_id").notNull().references(() => stores.id, { onDelete: "cascade" }),
    role: text("role").notNull(),
    /** JSON: per-membership permission overrides { grant: [], revoke: [] }. */
    overrides: text("overrides", { mode: "json" }).$type<{ grant: string[]; revoke: string[] }>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.storeId] }), index("memberships_store_idx").on(t.storeId)],
);

/**
 * The key index: every API key of every store, hashed. A request's key is hashed and looked up here to find its
 * store, so one lookup resolves the tenant without opening any store file.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull().references(() => stores.id, { onDelete: "cascade" }),
    type: text("type", { enum: ["publishable", "secret"] }).notNull(),
    name: text("name").notNull(),
    /** SHA-256 of the full token (tokens carry 192 bits of randomness, so a fast hash is enough). */
    tokenHash: text("token_hash").notNull(),
    /** First characters of the token, shown in lists so people can tell keys apart. */
    tokenHint: text("token_hint").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer("created_at").notNull(),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    expiresAt: integer("expires_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_idx").on(t.tokenHash), index("api_keys_store_idx").on(t.storeId, t.createdAt)],
);

export const controlMeta = sqliteTable("control_meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull().default(sql`(unixepoch() * 1000)`),
});

/**
 * Dashboard sessions. Only the SHA-256 of the cookie token is stored (the token carries 256 random bits, so a
 * fast hash is enough). A session dies at `expiresAt` (absolute), after the idle window since `lastSeenAt`, or
 * when revoked (logout, password reset).
 */
export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    revokedAt: integer("revoked_at"),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [uniqueIndex("sessions_hash_idx").on(t.tokenHash), index("sessions_user_idx").on(t.userId)],
);

/** Member invites: single-use, expiring; only the token's hash is stored. */
export const invites = sqliteTable(
  "invites",
  {
    id: text("id").primaryKey(),
    storeId: text("store_id").notNull().references(() => stores.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    role: text("role").notNull(),
    overrides: text("overrides", { mode: "json" }).$type<{ grant: string[]; revoke: string[] }>(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    acceptedAt: integer("accepted_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [uniqueIndex("invites_hash_idx").on(t.tokenHash), index("invites_store_idx").on(t.storeId, t.createdAt)],
);

/** Password reset tokens: single-use, 30 minutes, only the hash stored. */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    usedAt: integer("used_at"),
  },
  (t) => [uniqueIndex("password_resets_hash_idx").on(t.tokenHash)],
);
