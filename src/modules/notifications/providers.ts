// Notification providers (ARCHITECTURE "Extensibility": notification = SMTP, outbox). A provider delivers one
// rendered message; recording it (and therefore idempotency) is the job's business, not the provider's.
import nodemailer from "nodemailer";
import { eq } from "drizzle-orm";
import type { StoreDb } from "../../db/client.ts";
import { unseal } from "../../kernel/seal.ts";
import { prepared } from "../../db/prepared.ts";
import type { Logger } from "../../kernel/logger.ts";
import { emailSettings, type EmailProviderName } from "./notifications.tables.ts";
import { isLoopbackAddress, pinSmtpHost, SmtpHostRefused, type SmtpHostGuard } from "./smtp-guard.ts";

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

export interface SmtpOptions extends SmtpHostGuard {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  /**
   * Development and tests only (providerFor ties it to TRAFI_WEBHOOKS_ALLOW_PRIVATE): credentials may go in clear
   * text to a server on loopback (the test sink, a local mail catcher), where no network can read them. Elsewhere a
   * session that would carry credentials must be encrypted.
   */
  plaintextAuthOnLoopback: boolean;
  /** Where the failure detail goes: the job's error only says what kind of failure it was. */
  log: Logger;
}

/** A send that failed; `permanent` when no retry can help (a refused host). */
export class SmtpSendError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = "SmtpSendError";
  }
}

// nodemailer's error codes, as the short text a job's last error shows. Its own messages carry what the server
// answered (a greeting, a banner of whatever listens on that port), which a tenant must not be able to read back.
const SMTP_FAILURES: Record<string, string> = {
  ECONNECTION: "could not connect to the SMTP server",
  ETIMEDOUT: "the SMTP server did not answer in time",
  ESOCKET: "the connection to the SMTP server failed",
  EDNS: "SMTP host does not resolve",
  ETLS: "the TLS handshake with the SMTP server failed (or the server offers no STARTTLS)",
  EAUTH: "the SMTP server refused the credentials",
  ENOAUTH: "the SMTP server needs credentials",
  EPROTOCOL: "the server did not answer as an SMTP server",
  EENVELOPE: "the SMTP server refused the sender or a recipient",
  EMESSAGE: "the SMTP server refused the message",
  ESTREAM: "the message could not be sent",
};

function genericFailure(e: unknown): string {
  const { code, responseCode } = (e ?? {}) as { code?: unknown; responseCode?: unknown };
  const what = (typeof code === "string" && SMTP_FAILURES[code]) || "SMTP delivery failed";
  // The reply code (e.g. 550) helps the merchant and says nothing about what else listens there.
  const reply = typeof responseCode === "number" && responseCode >= 400 && responseCode <= 599 ? ` (SMTP ${responseCode})` : "";
  return `${what}${reply}`;
}

export function smtpProvider(o: SmtpOptions): NotificationProvider {
  return {
    name: "smtp",
    async send(msg) {
      let pinned;
      try {
        // Resolved and checked before every send, then connected to by address: a name that now resolves to a
        // private address (DNS rebinding) is refused, and one that changes between check and connect is not re-read.
        pinned = await pinSmtpHost(o.host, o);
      } catch (e) {
        if (!(e instanceof SmtpHostRefused)) throw e;
        o.log.warn("smtp host refused", { host: o.host, kind: e.kind });
        throw new SmtpSendError(e.message, e.kind === "private");
      }
      const hasCredentials = o.user !== null || o.password !== null;
      // Without requireTLS nodemailer sends AUTH in clear text when the server (or whoever strips STARTTLS from its
      // EHLO answer) offers no STARTTLS. Implicit TLS (secure) is encrypted from the first byte.
      const requireTLS = !o.secure && hasCredentials && !(o.plaintextAuthOnLoopback && isLoopbackAddress(pinned.address));
      const transport = nodemailer.createTransport({
        host: pinned.address,
        port: o.port,
        secure: o.secure,
        requireTLS,
        // The certificate is checked against the configured name (SNI too), not the address connected to.
        ...(pinned.servername ? { tls: { servername: pinned.servername } } : {}),
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
      } catch (e) {
        o.log.warn("smtp send failed", { host: o.host, address: pinned.address, port: o.port, code: (e as { code?: unknown }).code, error: e });
        throw new SmtpSendError(genericFailure(e), false);
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

export interface SmtpDeps {
  masterKey: Uint8Array;
  /** TRAFI_WEBHOOKS_ALLOW_PRIVATE: private SMTP hosts, and clear-text credentials to a loopback one. */
  allowPrivate: boolean;
  resolve?: SmtpHostGuard["resolve"];
  log: Logger;
}

/** The store's provider; stores that never configured one use the outbox. */
export async function providerFor(db: StoreDb, deps: SmtpDeps, storeName: string): Promise<ResolvedProvider> {
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
      password: s.smtpPasswordSealed ? unseal(deps.masterKey, SMTP_SECRET_PURPOSE, s.smtpPasswordSealed) : null,
      allowPrivate: deps.allowPrivate,
      resolve: deps.resolve,
      plaintextAuthOnLoopback: deps.allowPrivate,
      log: deps.log,
    }),
    from,
  };
}
