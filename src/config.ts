// The only reader of process.env. Everything is validated here, once, and frozen; an invalid value fails at start
// with a message that says which variable is wrong and what it should look like.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { isAbsolute, join, resolve } from "node:path";

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  /** 32 bytes; source of per-store keys and the sealing key for secrets at rest. */
  readonly masterKey: Uint8Array;
  /** Where the master key came from, for the start banner. */
  readonly masterKeySource: "env" | "file" | "generated";
  readonly poolSize: number;
  readonly poolIdleMs: number;
  readonly logLevel: "debug" | "info" | "warn" | "error";
  /** Public base URL used in printed links; defaults to http://HOST:PORT. */
  readonly publicUrl: string;
  readonly demo: boolean;
  /** Lets webhook endpoints point at private/loopback addresses (self-hosted development and tests only). */
  readonly webhooksAllowPrivate: boolean;
  /**
   * Behind a reverse proxy (the usual container setup) every connection comes from the proxy: with this on, the
   * client address is the last entry of X-Forwarded-For (the one our proxy appended), for per-IP rate limits and
   * login backoff. Off by default: without a proxy, the header is the caller's to forge.
   */
  readonly trustProxy: boolean;
  /** Tests only: where the Stripe SDK sends API calls (a loopback fake); null = Stripe's real API. */
  readonly stripeApiBase: string | null;
  /**
   * The publishable key the reference storefront at `/` uses; null = the demo store's (from its credentials file),
   * if there is one. Publishable keys are public by design: this one is written into the storefront's HTML.
   */
  readonly storefrontKey: string | null;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

export const MASTER_KEY_FILE = "master.key";

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return def;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return def;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

/** Decodes a master key given as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(raw: string, origin: string): Uint8Array {
  const s = raw.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return new Uint8Array(Buffer.from(s, "hex"));
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const b = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (b.length === 32) return new Uint8Array(b);
  }
  throw new ConfigError(
    `${origin} must be 32 bytes as 64 hex characters or base64 (generate one with: openssl rand -hex 32)`,
  );
}

/**
 * Reads TRAFI_MASTER_KEY, else `<dataDir>/master.key`, else generates one there with 0600 permissions.
 * Generation happens only when `allowGenerate` (the server and provisioning commands); read-only commands fail.
 */
function loadMasterKey(env: Env, dataDir: string, allowGenerate: boolean): Pick<Config, "masterKey" | "masterKeySource"> {
  const fromEnv = env.TRAFI_MASTER_KEY;
  if (fromEnv !== undefined && fromEnv !== "") {
    return { masterKey: parseMasterKey(fromEnv, "TRAFI_MASTER_KEY"), masterKeySource: "env" };
  }
  const file = join(dataDir, MASTER_KEY_FILE);
  if (existsSync(file)) {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) {
      throw new ConfigError(`${file} is readable by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
    }
    return { masterKey: parseMasterKey(readFileSync(file, "utf8"), file), masterKeySource: "file" };
  }
  if (!allowGenerate) {
    throw new ConfigError(`No master key: set TRAFI_MASTER_KEY or start the server once to generate ${file}`);
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(file, 0o600); // umask may have cleared bits; be explicit
  return { masterKey: new Uint8Array(key), masterKeySource: "generated" };
}

function stripeApiBase(env: Env): string | null {
  const raw = env.TRAFI_STRIPE_API_BASE?.trim();
  if (!raw) return null;
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    u = undefined;
  }
  if (!u || !["http:", "https:"].includes(u.protocol) || (u.pathname !== "/" && u.pathname !== "")) {
    throw new ConfigError(`TRAFI_STRIPE_API_BASE must be an origin such as http://127.0.0.1:12111 (tests only), got "${raw}"`);
  }
  return u.origin;
}

function storefrontKey(env: Env): string | null {
  const raw = env.TRAFI_STOREFRONT_KEY?.trim();
  if (!raw) return null;
  // A secret key here would be published to every visitor of the store: refuse it at start, loudly.
  if (raw.startsWith("sk_")) throw new ConfigError("TRAFI_STOREFRONT_KEY must be a publishable key (pk_…), never a secret key: it is written into the storefront's HTML");
  if (!/^pk_[0-9A-Za-z]+$/.test(raw)) throw new ConfigError(`TRAFI_STOREFRONT_KEY must be a publishable key such as pk_3kT…, got "${raw.slice(0, 12)}…"`);
  return raw;
}

export function loadConfig(env: Env = process.env, opts: { cwd?: string; generateMasterKey?: boolean } = {}): Config {
  const port = int(env, "PORT", 3000, 0, 65535);
  const host = (env.HOST ?? "127.0.0.1").trim();
  if (!/^[A-Za-z0-9.:\-[\]]+$/.test(host) || host === "") {
    throw new ConfigError(`HOST must be a host name or IP address such as 127.0.0.1 or 0.0.0.0, got "${env.HOST}"`);
  }
  const dirRaw = env.TRAFI_DATA_DIR?.trim() || "./tenants";
  const dataDir = isAbsolute(dirRaw) ? dirRaw : resolve(opts.cwd ?? process.cwd(), dirRaw);
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    throw new ConfigError(`TRAFI_DATA_DIR "${dataDir}" cannot be created: ${(e as Error).message}`);
  }
  if (!statSync(dataDir).isDirectory()) throw new ConfigError(`TRAFI_DATA_DIR "${dataDir}" is not a directory`);

  const level = (env.TRAFI_LOG_LEVEL ?? "info").trim();
  if (!["debug", "info", "warn", "error"].includes(level)) {
    throw new ConfigError(`TRAFI_LOG_LEVEL must be one of debug, info, warn, error, got "${level}"`);
  }
  const publicUrl = (env.TRAFI_PUBLIC_URL?.trim() || `http://${host.includes(":") ? `[${host}]` : host}:${port}`).replace(/\/+$/, "");
  try {
    new URL(publicUrl);
  } catch {
    throw new ConfigError(`TRAFI_PUBLIC_URL must be an absolute URL such as https://shop.example.com, got "${publicUrl}"`);
  }

  return Object.freeze({
    port,
    host,
    dataDir,
    ...loadMasterKey(env, dataDir, opts.generateMasterKey ?? false),
    poolSize: int(env, "TRAFI_POOL_SIZE", 256, 1, 100_000),
    poolIdleMs: int(env, "TRAFI_POOL_IDLE_MS", 5 * 60_000, 1_000, 24 * 3_600_000),
    logLevel: level as Config["logLevel"],
    publicUrl,
    demo: bool(env, "TRAFI_DEMO", true),
    webhooksAllowPrivate: bool(env, "TRAFI_WEBHOOKS_ALLOW_PRIVATE", false),
    trustProxy: bool(env, "TRAFI_TRUST_PROXY", false),
    stripeApiBase: stripeApiBase(env),
    storefrontKey: storefrontKey(env),
  });
}
