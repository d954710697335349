// Control DB: e-mails of the platform itself (password resets, member invites) relayed from the control outbox.
// With no platform SMTP configured they are stored here, readable with `trafi emails list --store platform`.
import { index, sqliteTable, uniqueIndex } from "drizzle-orm/sqlite-core";
import { messageColumns } from "./notifications.tables.ts";

export const platformEmails = sqliteTable("platform_emails", messageColumns(), (t) => [
  uniqueIndex("platform_emails_key_uq").on(t.key),
  index("platform_emails_to_idx").on(t.to, t.id),
]);
