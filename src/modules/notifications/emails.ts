// Sending (the email.send job), the e-mail log and the provider settings.
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Platform } from "../../platform.ts";
import type { Ctx } from "../../kernel/context.ts";
import { NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { seal } from "../../kernel/seal.ts";
import { toPage, type Page } from "../../kernel/pagination.ts";
import { withTx } from "../../db/tx.ts";
import { insertRow, prepared } from "../../db/prepared.ts";
import type { ControlDb } from "../../db/client.ts";
import { storeSettings } from "../settings/settings.tables.ts";
import { recordAudit } from "../audit/index.ts";
import { PermanentJobError } from "../../jobs/define.ts";
import { emailMessages, emailSettings, type EmailProviderName } from "./notifications.tables.ts";
import { platformEmails } from "./platform-emails.tables.ts";
import { outboxProvider, providerFor, SMTP_SECRET_PURPOSE, SmtpSendError, type ResolvedProvider } from "./providers.ts";
import { bareHost, checkSmtpHost, type SmtpHostGuard } from "./smtp-guard.ts";
import { renderTemplate, TemplateDataError, type TemplateName } from "./templates.ts";

export interface SendEmailInput {
  template: TemplateName;
  to: string;
  data: Record<string, unknown>;
}

export type SendResult = "sent" | "already_sent";

type NewMessage = typeof emailMessages.$inferInsert;

/** Where an e-mail is rendered from and recorded: a store, or the platform (control outbox, no store). */
interface MailTarget {
  seen(key: string): Promise<boolean>;
  senderName(data: Record<string, unknown>): Promise<string>;
  provider(senderName: string): Promise<ResolvedProvider>;
  record(row: NewMessage): Promise<void>;
}

async function storeTarget(platform: Platform, storeId: string): Promise<MailTarget> {
  const store = await platform.pool.get(storeId);
  return {
    // Every order e-mail runs these: prepared once per store database.
    seen: async (key) =>
      (await prepared(store.db, "emails.seen", (d) => d.select({ id: emailMessages.id }).from(emailMessages).where(eq(emailMessages.key, sql.placeholder("key"))).prepare()).all({ key })).length > 0,
    senderName: async () =>
      (await prepared(store.db, "emails.senderName", (d) => d.select({ name: storeSettings.name }).from(storeSettings).where(eq(storeSettings.id, 1)).prepare()).all())[0]?.name ?? "Trafi store",
    provider: (name) =>
      providerFor(store.db, { masterKey: platform.config.masterKey, allowPrivate: platform.config.webhooksAllowPrivate, log: platform.log.child({ storeId }) }, name),
    record: (row) => withTx({ store }, (tx) => insertRow(tx, emailMessages, row, { onConflictDoNothing: true })),
  };
}

function platformTarget(platform: Platform): MailTarget {
  const { control } = platform;
  return {
    seen: async (key) => (await control.db.select({ id: platformEmails.id }).from(platformEmails).where(eq(platformEmails.key, key))).length > 0,
    senderName: async (data) => (typeof data.storeName === "string" ? data.storeName : "Trafi"),
    // No platform SMTP yet: platform e-mails are stored, readable with `trafi emails list --store platform`.
    provider: async () => ({ provider: outboxProvider, from: `"Trafi" <no-reply@${new URL(platform.config.publicUrl).hostname}>` }),
    record: (row) => control.write(() => control.db.insert(platformEmails).values(row).onConflictDoNothing()).then(() => {}),
  };
}

/**
 * Renders and sends one e-mail under an idempotency key. A key already in the log is not sent again. With SMTP the
 * send happens before the log row is written, so a crash in between sends twice (at-least-once); the message
 * carries X-Trafi-Key so receivers can tell.
 */
export async function sendEmail(platform: Platform, storeId: string | null, key: string, input: SendEmailInput): Promise<SendResult> {
  const target = storeId === null ? platformTarget(platform) : await storeTarget(platform, storeId);
  if (await target.seen(key)) return "already_sent";
  const name = await target.senderName(input.data);
  let rendered;
  try {
    rendered = renderTemplate(input.template, input.data, { name });
  } catch (e) {
    if (e instanceof TemplateDataError) throw new PermanentJobError(e.message);
    throw e;
  }
  const { provider, from } = await target.provider(name);
  let messageId: string | null;
  try {
    ({ messageId } = await provider.send({ from, to: input.to, key, ...rendered })); // outside any transaction
  } catch (e) {
    if (e instanceof SmtpSendError && e.permanent) throw new PermanentJobError(e.message);
    throw e;
  }
  const now = platform.clock.now();
  await target.record({ id: newId("eml", now), key, template: input.template, to: input.to, from, ...rendered, provider: provider.name, providerMessageId: messageId, createdAt: now });
  return "sent";
}

type MessageRow = typeof emailMessages.$inferSelect;

export const emailSummary = (r: MessageRow) => ({
  id: r.id,
  key: r.key,
  template: r.template,
  to: r.to,
  from: r.from,
  subject: r.subject,
  provider: r.provider,
  providerMessageId: r.providerMessageId,
  createdAt: new Date(r.createdAt).toISOString(),
});
export const emailView = (r: MessageRow) => ({ ...emailSummary(r), html: r.html, text: r.text });

export async function listEmails(ctx: Pick<Ctx, "store">, q: { limit: number; before?: string | undefined; to?: string | undefined }): Promise<Page<ReturnType<typeof emailSummary>>> {
  const rows = await ctx.store.db
    .select()
    .from(emailMessages)
    .where(and(q.before ? lt(emailMessages.id, q.before) : undefined, q.to ? eq(emailMessages.to, q.to) : undefined))
    .orderBy(desc(emailMessages.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit);
  return { data: page.data.map(emailSummary), nextCursor: page.nextCursor };
}

export async function listPlatformEmails(control: ControlDb, q: { limit: number; before?: string | undefined; to?: string | undefined }): Promise<Page<ReturnType<typeof emailSummary>>> {
  const rows = await control
    .select()
    .from(platformEmails)
    .where(and(q.before ? lt(platformEmails.id, q.before) : undefined, q.to ? eq(platformEmails.to, q.to) : undefined))
    .orderBy(desc(platformEmails.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit);
  return { data: page.data.map(emailSummary), nextCursor: page.nextCursor };
}

export async function getPlatformEmail(control: ControlDb, id: string): Promise<MessageRow> {
  const row = (await control.select().from(platformEmails).where(eq(platformEmails.id, id)))[0];
  if (!row) throw new NotFound("email", id);
  return row;
}

export async function getEmail(ctx: Pick<Ctx, "store">, id: string): Promise<MessageRow> {
  const row = (await ctx.store.db.select().from(emailMessages).where(eq(emailMessages.id, id)))[0];
  if (!row) throw new NotFound("email", id);
  return row;
}

export interface ProviderSettingsInput {
  provider: EmailProviderName;
  fromAddress?: string | undefined;
  fromName?: string | undefined;
  smtp?:
    | {
        host: string;
        port: number;
        secure?: boolean | undefined;
        user?: string | null | undefined;
        /** Omitted: the stored one is kept (it is never returned, so a form cannot send it back); null clears it. */
        password?: string | null | undefined;
      }
    | undefined;
}

const settingsView = (s: typeof emailSettings.$inferSelect | undefined) => ({
  provider: s?.provider ?? ("outbox" as const),
  fromAddress: s?.fromAddress ?? null,
  fromName: s?.fromName ?? null,
  smtp:
    s?.provider === "smtp" && s.smtpHost && s.smtpPort
      ? { host: s.smtpHost, port: s.smtpPort, secure: s.smtpSecure ?? false, user: s.smtpUser, hasPassword: s.smtpPasswordSealed !== null }
      : null,
});

export async function getProviderSettings(ctx: Pick<Ctx, "store">) {
  return settingsView((await ctx.store.db.select().from(emailSettings).where(eq(emailSettings.id, 1)))[0]);
}

/**
 * Saves the provider. `hostGuard` refuses private SMTP hosts (422 email.smtp_host_private); the HTTP route always
 * passes it. In-process callers (tests, tools) may leave it out: every send checks the host again anyway.
 */
export async function setProviderSettings(ctx: Ctx, masterKey: Uint8Array, input: ProviderSettingsInput, hostGuard?: SmtpHostGuard) {
  if (input.provider === "smtp" && !input.smtp) {
    throw new ValidationFailed("email.smtp_settings_required", "The smtp provider needs smtp.host and smtp.port", { field: "smtp" });
  }
  const now = ctx.clock.now();
  const smtp = input.provider === "smtp" ? input.smtp : undefined;
  if (smtp && hostGuard) await checkSmtpHost(smtp.host, hostGuard);
  const row = await withTx(ctx, async (tx) => {
    const before = (await tx.select().from(emailSettings).where(eq(emailSettings.id, 1)))[0];
    const values = {
      id: 1,
      provider: input.provider,
      fromAddress: input.fromAddress ?? null,
      fromName: input.fromName ?? null,
      smtpHost: smtp?.host ?? null,
      smtpPort: smtp?.port ?? null,
      smtpSecure: smtp ? (smtp.secure ?? smtp.port === 465) : null,
      smtpUser: smtp?.user ?? null,
      smtpPasswordSealed: smtp ? passwordToStore(smtp, before, masterKey) : null,
      updatedAt: now,
    };
    const saved = (await tx.insert(emailSettings).values(values).onConflictDoUpdate({ target: emailSettings.id, set: values }).returning())[0]!;
    await recordAudit(tx, ctx, { action: "email_settings.updated", targetType: "email_settings", targetId: "1", after: settingsView(saved) });
    return saved;
  });
  return settingsView(row);
}

/**
 * The sealed password to store. The settings view never returns it, so a client that re-saves what it read omits
 * it: that keeps the stored one. It is kept only for the same host, though: otherwise anyone allowed to edit the
 * settings could point the host at their own server and receive the password they were never shown.
 */
function passwordToStore(
  smtp: NonNullable<ProviderSettingsInput["smtp"]>,
  before: typeof emailSettings.$inferSelect | undefined,
  masterKey: Uint8Array,
): string | null {
  if (smtp.password !== undefined) return smtp.password ? seal(masterKey, SMTP_SECRET_PURPOSE, smtp.password) : null;
  const stored = before?.provider === "smtp" ? before.smtpPasswordSealed : null;
  if (!stored) return null;
  if (before!.smtpHost === null || bareHost(before!.smtpHost) !== bareHost(smtp.host)) {
    throw new ValidationFailed(
      "email.smtp_password_required",
      "Enter the SMTP password again when changing the host (or send password: null to save none): the stored one is only kept for the same host",
      { field: "smtp.password" },
    );
  }
  return stored;
}
