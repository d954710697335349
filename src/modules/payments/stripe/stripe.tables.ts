// Stripe's per-store configuration and the ledger of inbound Stripe events.
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

/** One row (id = 1). Secrets are sealed (kernel/seal.ts, purpose "stripe"): a copied store file leaks no key. */
export const stripeSettings = sqliteTable(
  "stripe_settings",
  {
    id: integer("id").primaryKey(),
    secretKeySealed: text("secret_key_sealed").notNull(),
    /** `sk_test_…abcd`: what the dashboard shows; the last 4 characters are not a secret (Stripe shows them too). */
    secretKeyHint: text("secret_key_hint").notNull(),
    publishableKey: text("publishable_key").notNull(),
    webhookSecretSealed: text("webhook_secret_sealed"),
    mode: text("mode", { enum: ["test", "live"] }).notNull(),
    revision: integer("revision").notNull().default(0),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("stripe_settings_singleton", sql`${t.id} = 1`)],
);

/**
 * Every verified Stripe event, once: the primary key is Stripe's event id, so a redelivered event finds its row
 * and is acknowledged without being applied again.
 */
export const stripeEvents = sqliteTable(
  "stripe_events",
  {
    id: text("id").primaryKey(), // evt_… from Stripe
    type: text("type").notNull(),
    objectId: text("object_id"), // pi_…, ch_…
    cartId: text("cart_id"),
    amount: integer("amount"),
    currency: text("currency"),
    /** What we did: completed (cart → order), recorded (state noted), ignored (not ours / not handled), rejected. */
    outcome: text("outcome").notNull(),
    detail: text("detail"),
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(), // Stripe's `created`, ms
    receivedAt: integer("received_at").notNull(),
  },
  (t) => [index("stripe_events_object").on(t.objectId, t.receivedAt)],
);
