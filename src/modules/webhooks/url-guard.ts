// Request-forgery guard for webhook URLs: only http(s), no credentials, and every address the host resolves to
// must be public. Checked when an endpoint is saved AND again before every send (a DNS name may start resolving to
// 127.0.0.1 after it was accepted: DNS rebinding). `TRAFI_WEBHOOKS_ALLOW_PRIVATE=true` lifts the address check for
// self-hosted development and tests.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { ValidationFailed } from "../../kernel/errors.ts";
import type { Logger } from "../../kernel/logger.ts";

export type Resolver = (host: string) => Promise<string[]>;

export interface GuardOptions {
  allowPrivate: boolean;
  resolve?: Resolver;
  /** Where a refused address is recorded: the merchant's error names the host but not the address. */
  log?: Logger;
}

export const systemResolver: Resolver = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

function v4Parts(ip: string): number[] | null {
  const p = ip.split(".").map(Number);
  return p.length === 4 && p.every((n) => Number.isInteger(n) && n >= 0 && n <= 255) ? p : null;
}

function privateV4(ip: string): boolean {
  const p = v4Parts(ip);
  if (!p) return true; // unparseable: refuse
  const [a, b] = p as [number, number, number, number];
  return (
    a === 0 || a === 10 || a === 127 || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 192 && b === 0 && p[2] === 0) ||
    (a === 198 && (b === 18 || b === 19)) || a >= 224 || // multicast, reserved, broadcast
    // Documentation ranges (RFC 5737) and the 6to4 relay anycast (RFC 7526): never a merchant's server on the
    // internet, and a network may route them internally.
    (a === 192 && b === 0 && p[2] === 2) || (a === 198 && b === 51 && p[2] === 100) || (a === 203 && b === 0 && p[2] === 113) ||
    (a === 192 && b === 88 && p[2] === 99)
  );
}

/** Expands an IPv6 address to 8 groups of 16 bits (a dotted IPv4 tail becomes the last two groups). */
function v6Groups(ip: string): number[] | null {
  let s = ip.toLowerCase().split("%")[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const p = v4Parts(v4[1]!);
    if (!p) return null;
    s = s.slice(0, -v4[1]!.length) + `${((p[0]! << 8) | p[1]!).toString(16)}:${((p[2]! << 8) | p[3]!).toString(16)}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const h = halves[0] ? halves[0].split(":") : [];
  const r = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = 8 - h.length - r.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const groups = [...h, ...Array<string>(fill).fill("0"), ...r].map((g) => (/^[0-9a-f]{1,4}$/.test(g) ? parseInt(g, 16) : NaN));
  return groups.some(Number.isNaN) ? null : groups;
}

function privateV6(ip: string): boolean {
  const g = v6Groups(ip);
  if (!g || g.length !== 8) return true;
  const allZero = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (allZero(0, 8)) return true; // ::
  if (allZero(0, 7) && g[7] === 1) return true; // ::1
  // Forms that carry an IPv4 address reach that address (through the host's own stack, a NAT64/SIIT translator or a
  // 6to4 relay): judge the IPv4 address, so ::ffff:127.0.0.1 is as private as 127.0.0.1 and ::ffff:8.8.8.8 stays public.
  const v4At = (i: number) => `${g[i]! >> 8}.${g[i]! & 0xff}.${g[i + 1]! >> 8}.${g[i + 1]! & 0xff}`;
  const embedded = v4At(6);
  if (allZero(0, 5) && (g[5] === 0xffff || g[5] === 0)) return privateV4(embedded); // ::ffff:a.b.c.d, ::a.b.c.d
  if (allZero(0, 4) && g[4] === 0xffff && g[5] === 0) return privateV4(embedded); // ::ffff:0:a.b.c.d (SIIT, RFC 6145)
  if (g[0] === 0x64 && g[1] === 0xff9b && allZero(2, 6)) return privateV4(embedded); // 64:ff9b::/96 NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) {
    // 64:ff9b:1::/48, local-use NAT64 (RFC 8215): a DNS64 may synthesize public names with it as a /96. Its other
    // prefix lengths split the IPv4 address around the u-octet; which one the network uses cannot be told from the
    // address, so only the /96 form is judged and the rest refused.
    return allZero(3, 6) ? privateV4(embedded) : true;
  }
  if (g[0] === 0x2002) return privateV4(v4At(1)); // 6to4 (RFC 3056): 2002:AABB:CCDD::/48 carries AA.BB.CC.DD
  const first = g[0]!;
  // Everything outside 2000::/3 is reserved or special-purpose (the rest of ::/8 and 100::/64 discard-only among
  // them), or one of fc00::/7 unique local, fe80::/10 link-local, fec0::/10 site-local, ff00::/8 multicast: every
  // global unicast address is allocated from 2000::/3.
  if ((first & 0xe000) !== 0x2000) return true;
  return (
    // 2001::/23, IETF protocol assignments: Teredo (2001::/32, which tunnels to an IPv4 address it hides, so it cannot
    // be judged), benchmarking (2001:2::/48), ORCHID and a few anycast services; no regional registry allocation
    // lies in it (those start at 2001:200::/23).
    (first === 0x2001 && g[1]! < 0x0200) ||
    (first === 0x2001 && g[1] === 0x0db8) || // 2001:db8::/32 documentation
    (first === 0x3fff && g[1]! < 0x1000) // 3fff::/20 documentation (RFC 9637)
  );
}

export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip);
  if (kind === 4) return privateV4(ip);
  if (kind === 6) return privateV6(ip);
  return true;
}

const fail = (reason: string, message: string) => new ValidationFailed(reason, message, { field: "url" });

/** Syntax and scheme only (no network). Returns the parsed URL. */
export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw fail("webhook.invalid_url", "url must be an absolute URL such as https://example.com/hooks/trafi");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw fail("webhook.unsupported_scheme", `Only http and https URLs can receive webhooks, not ${url.protocol.replace(/:$/, "")}`);
  }
  if (url.username || url.password) throw fail("webhook.url_credentials", "Put no credentials in the URL; verify the trafi-signature header instead");
  if (!url.hostname) throw fail("webhook.invalid_url", "url must name a host");
  return url;
}

/** Full check: syntax, then every resolved address must be public unless private targets are allowed. */
export async function checkWebhookUrl(raw: string, opts: GuardOptions): Promise<URL> {
  return (await resolveWebhookUrl(raw, opts)).url;
}

export interface CheckedUrl {
  url: URL;
  /** The public addresses the host resolved to; empty when private targets are allowed (nothing to pin). */
  addresses: string[];
}

/** Same check, returning the addresses that passed it, so the request can be pinned to one of them. */
export async function resolveWebhookUrl(raw: string, opts: GuardOptions): Promise<CheckedUrl> {
  const url = parseWebhookUrl(raw);
  if (opts.allowPrivate) return { url, addresses: [] };
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try {
      addresses = await (opts.resolve ?? systemResolver)(host);
    } catch {
      throw fail("webhook.unresolvable_host", `The host ${host} does not resolve`);
    }
    if (addresses.length === 0) throw fail("webhook.unresolvable_host", `The host ${host} does not resolve`);
  }
  const bad = addresses.find(isPrivateAddress);
  if (bad !== undefined) {
    // The address stays out of the message: it reaches the merchant (the 422, a delivery's lastError), and naming
    // it would let a tenant map internal DNS names by trying them. The operator gets it from the log.
    opts.log?.warn("webhook URL refused: its host resolves to a private or reserved address", { host, address: bad });
    throw fail("webhook.private_address", `The host ${host} resolves to a private or reserved address; webhooks only go to public addresses`);
  }
  return { url, addresses };
}

export interface PinnedRequest {
  /** The URL to connect to: the checked address in place of the name. */
  connectUrl: string;
  /** Host header carrying the original name. */
  host: string;
  /** For https: verify the certificate against the original name. */
  serverName: string | undefined;
}

/**
 * Connects to an address that was just checked instead of letting fetch resolve the name again: otherwise a DNS
 * answer that changes between the check and the connection (rebinding) would still reach a private address.
 */
export function pinRequest(checked: CheckedUrl): PinnedRequest {
  const { url, addresses } = checked;
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const ip = addresses[0];
  if (ip === undefined || isIP(host)) return { connectUrl: url.toString(), host: url.host, serverName: undefined };
  const target = new URL(url.toString());
  target.hostname = isIP(ip) === 6 ? `[${ip}]` : ip;
  return { connectUrl: target.toString(), host: url.host, serverName: url.protocol === "https:" ? url.hostname : undefined };
}
