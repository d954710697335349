// Request-forgery guard for a store's SMTP host, the twin of webhooks/url-guard.ts (same address rules, same switch):
// the platform must not open connections to its own loopback, link-local (cloud metadata) or private network on a
// tenant's behalf. Checked when the settings are saved AND again before every send (a name may start resolving to
// 127.0.0.1 after it was accepted: DNS rebinding); the send then connects to the address that passed the check.
// `TRAFI_WEBHOOKS_ALLOW_PRIVATE=true`, the platform's one switch for private targets (self-hosted development and
// tests), lifts the address check here too.
import { isIP } from "node:net";
import { ValidationFailed } from "../../kernel/errors.ts";
import { isPrivateAddress, systemResolver, type Resolver } from "../webhooks/url-guard.ts";

export interface SmtpHostGuard {
  allowPrivate: boolean;
  /** Tests inject a resolver; the system's otherwise. */
  resolve?: Resolver | undefined;
}

/** "[::1]" → "::1"; names lower-cased, without a trailing dot. */
export function bareHost(host: string): string {
  return host.trim().replace(/^\[|\]$/g, "").replace(/\.$/, "").toLowerCase();
}

// RFC 6761: these names are loopback whatever a resolver says; refused without asking one.
const loopbackName = (h: string) => h === "localhost" || h.endsWith(".localhost");

const privateHost = () =>
  new ValidationFailed(
    "email.smtp_host_private",
    "The SMTP host is a private, loopback or link-local address (or resolves to one); e-mail is only sent to public servers",
    { field: "smtp.host" },
  );

/**
 * The check made when the settings are saved. A name that does not resolve right now is accepted (its DNS may not
 * be published yet, and the send checks again anyway); one that resolves to any private address is refused.
 */
export async function checkSmtpHost(host: string, guard: SmtpHostGuard): Promise<void> {
  if (guard.allowPrivate) return;
  const h = bareHost(host);
  if (loopbackName(h)) throw privateHost();
  if ((await addressesOf(h, guard)).some(isPrivateAddress)) throw privateHost();
}

/** An IP literal itself, else what the name resolves to now (none when it does not resolve). */
async function addressesOf(h: string, guard: SmtpHostGuard): Promise<string[]> {
  if (isIP(h)) return [h];
  try {
    return await (guard.resolve ?? systemResolver)(h);
  } catch {
    return [];
  }
}

/** Why a send did not connect. The messages end up in the job's last error: they name no address. */
export class SmtpHostRefused extends Error {
  constructor(
    readonly kind: "private" | "unresolvable",
    message: string,
  ) {
    super(message);
    this.name = "SmtpHostRefused";
  }
}

export interface PinnedSmtpHost {
  /** The address to connect to: one that passed the check. */
  address: string;
  /** For TLS (implicit or STARTTLS): verify the certificate against the configured name, not the address. */
  servername: string | undefined;
}

/** The check made before every send: resolves the host once and returns the address the connection must use. */
export async function pinSmtpHost(host: string, guard: SmtpHostGuard): Promise<PinnedSmtpHost> {
  const h = bareHost(host);
  if (!guard.allowPrivate && loopbackName(h)) throw new SmtpHostRefused("private", "SMTP host refused: it is a loopback name");
  const addresses = await addressesOf(h, guard);
  if (addresses.length === 0) throw new SmtpHostRefused("unresolvable", "SMTP host does not resolve");
  if (!guard.allowPrivate && addresses.some(isPrivateAddress)) {
    throw new SmtpHostRefused("private", "SMTP host refused: it resolves to a private, loopback or link-local address");
  }
  return { address: addresses[0]!, servername: isIP(h) ? undefined : h };
}

/** 127.0.0.0/8 and ::1 (also IPv4-mapped): traffic that never leaves the machine. */
export function isLoopbackAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return ip.startsWith("127.");
  if (kind !== 6) return false;
  const h = new URL(`http://[${ip}]`).hostname; // WHATWG form: "[::1]", "[::ffff:7f00:1]"
  return h === "[::1]" || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(h);
}
