// E-mail (store DB): the provider settings of the store and the log of rendered e-mails. With the `outbox`
// provider (the default, for development) the log IS the mailbox: `GET /v1/admin/emails`, `trafi emails list`.
// With `smtp` it records what was sent, keyed, so a job that runs twice does not send twice.
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

export type EmailProviderName = "outbox" | "smtp";

export const emailSettings = sqliteTable(
  "email_settings",
  {
    id: integer("id").primaryKey(),
    provider: text("provider").$type<EmailProviderName>().notNull(),
    fromAddress: text("from_address"),
    fromName: text("from_name"),
    smtpHost: text("smtp_host"),
    smtpPort: integer("smtp_port"),
    /** true: TLS from the first byte (465); false: STARTTLS (587, 25), required when credentials are set. */
    smtpSecure: integer("smtp_secure", { mode: "boolean" }),
    smtpUser: text("smtp_user"),
    /** Sealed (kernel/seal.ts, purpose "smtp"); never returned by the API. */
    smtpPasswordSealed: text("smtp_password_sealed"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [check("email_settings_singleton", sql`${t.id} = 1`)],
);

/** Fresh column builders per table (builders are bound to the table that uses them). */
export const messageColumns = () => ({
  id: text("id").primaryKey(),
  /** Idempotency key of the e-mail (the outbox key, e.g. "receipt:ord_…"). */
  key: text("key").notNull(),
  template: text("template").notNull(),
  to: text("to").notNull(),
  from: text("from").notNull(),
  subject: text("subject").notNull(),
  html: text("html").notNull(),
  text: text("text").notNull(),
  provider: text("provider").$type<EmailProviderName>().notNull(),
  /** The SMTP server's message id, when sent through SMTP. */
  providerMessageId: text("provider_message_id"),
  createdAt: integer("created_at").notNull(),
});

export const emailMessages = sqliteTable("email_messages", messageColumns(), (t) => [
  uniqueIndex("email_messages_key_uq").on(t.key),
  index("email_messages_to_idx").on(t.to, t.id),
]);
