// Notification providers (ARCHITECTURE "Extensibility": notification = SMTP, outbox). A provider delivers one
// rendered message; recording it (and therefore idempotency) is the job's business, not the provider's.
import nodemailer from "nodemailer";
import { eq } from "drizzle-orm";
import type { StoreDb } from "../../db/client.ts";
import { unseal } from "../../kernel/seal.ts";
import { prepared } from "../../db/prepared.ts";
import { emailSettings, type EmailProviderName } from "./notifications.tables.ts";

export interface OutgoingEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Sent as a Message-ID-independent header so a receiver can spot duplicates of an at-least-once send. */
  key: string;
}

export interface NotificationProvider {
  readonly name: EmailProviderName;
  /** Delivers the message; returns the provider's message id when it has one. */
  send(msg: OutgoingEmail): Promise<{ messageId: string | null }>;
}

/** Development default: nothing leaves the machine; the job stores the rendered message, readable via the API. */
export const outboxProvider: NotificationProvider = {
  name: "outbox",
  async send() {
    return { messageId: null };
  },
};

export interface SmtpOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
}

export function smtpProvider(o: SmtpOptions): NotificationProvider {
  return {
    name: "smtp",
    async send(msg) {
      const transport = nodemailer.createTransport({
        host: o.host,
        port: o.port,
        secure: o.secure,
        auth: o.user ? { user: o.user, pass: o.password ?? "" } : undefined,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      });
      try {
        const info = await transport.sendMail({
          from: msg.from,
          to: msg.to,
          subject: msg.subject,
          text: msg.text,
          html: msg.html,
          headers: { "X-Trafi-Key": msg.key },
        });
        return { messageId: info.messageId ?? null };
      } finally {
        transport.close();
      }
    },
  };
}

export const SMTP_SECRET_PURPOSE = "smtp";

export interface ResolvedProvider {
  provider: NotificationProvider;
  from: string;
}

/** The store's provider; stores that never configured one use the outbox. */
export async function providerFor(db: StoreDb, masterKey: Uint8Array, storeName: string): Promise<ResolvedProvider> {
  const s = (await prepared(db, "emails.settings", (d) => d.select().from(emailSettings).where(eq(emailSettings.id, 1)).prepare()).all())[0];
  const fromAddress = s?.fromAddress ?? "no-reply@trafi.localhost";
  const fromName = (s?.fromName ?? storeName).replace(/["\\\r\n]/g, "");
  const from = `"${fromName}" <${fromAddress}>`;
  if (!s || s.provider === "outbox" || !s.smtpHost || !s.smtpPort) return { provider: outboxProvider, from };
  return {
    provider: smtpProvider({
      host: s.smtpHost,
      port: s.smtpPort,
      secure: s.smtpSecure ?? false,
      user: s.smtpUser,
      password: s.smtpPasswordSealed ? unseal(masterKey, SMTP_SECRET_PURPOSE, s.smtpPasswordSealed) : null,
    }),
    from,
  };
}
