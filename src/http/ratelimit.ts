// Token buckets in memory (one process). Each bucket holds up to `perMinute` tokens and refills continuously, so
// a client may burst up to its minute budget and then gets one request per 60/perMinute seconds. Buckets are
// keyed per store (and per client IP or credential within a store), so one store's flood only drains its own
// buckets: another store's requests never wait on them. Memory is bounded: least recently used buckets are
// dropped past `maxBuckets` (a dropped bucket comes back full, which only ever errs towards allowing).
import { eq } from "drizzle-orm";
import type { Control } from "../tenancy/control.ts";
import { plans, stores } from "../tenancy/control.tables.ts";
import { AppError } from "../kernel/errors.ts";

interface Bucket {
  tokens: number;
  at: number;
}

export interface Decision {
  ok: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSec: number;
  /** Seconds until one request is allowed (0 when ok). */
  retryAfterSec: number;
}

export class TokenBuckets {
  private buckets = new Map<string, Bucket>();

  constructor(private readonly now: () => number, private readonly maxBuckets = 100_000) {}

  take(key: string, perMinute: number): Decision {
    const now = this.now();
    const rate = perMinute / 60_000; // tokens per ms
    let b = this.buckets.get(key);
    if (b) {
      b.tokens = Math.min(perMinute, b.tokens + (now - b.at) * rate);
      b.at = now;
      this.buckets.delete(key); // re-insert: Map order is our LRU order
    } else {
      b = { tokens: perMinute, at: now };
      if (this.buckets.size >= this.maxBuckets) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(key, b);
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    return {
      ok,
      limit: perMinute,
      remaining: Math.floor(b.tokens),
      resetSec: Math.ceil((perMinute - b.tokens) / rate / 1000),
      retryAfterSec: ok ? 0 : Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000)),
    };
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** Limit names read from `plans.limits`, with the defaults used when a plan does not set them. */
export const LIMIT_DEFAULTS = {
  storeRequestsPerMinute: 600,
  adminRequestsPerMinute: 300,
  /** One client IP on the store API: by default half the store's budget, so one visitor cannot exhaust it. */
  storeClientRequestsPerMinute: 0,
  /** One credential (key or user) on the admin API: by default half the store's admin budget. */
  adminCredentialRequestsPerMinute: 0,
} as const;

/** Auth routes are not tied to a store or plan: per client IP, platform-wide. */
export const AUTH_REQUESTS_PER_MINUTE = 30;

export interface StoreLimits {
  planId: string;
  store: number;
  client: number;
  admin: number;
  credential: number;
}

const PLAN_CACHE_MS = 60_000;

/** A store's limits from its plan, cached a minute (a plan change applies within a minute). */
export class PlanLimits {
  private cache = new Map<string, { limits: StoreLimits; at: number }>();
  constructor(private readonly control: Control, private readonly now: () => number) {}

  async get(storeId: string): Promise<StoreLimits> {
    const hit = this.cache.get(storeId);
    if (hit && this.now() - hit.at < PLAN_CACHE_MS) return hit.limits;
    const row = (
      await this.control.db.select({ planId: stores.planId, limits: plans.limits }).from(stores).innerJoin(plans, eq(plans.id, stores.planId)).where(eq(stores.id, storeId))
    )[0];
    const l = row?.limits ?? {};
    const store = l.storeRequestsPerMinute ?? LIMIT_DEFAULTS.storeRequestsPerMinute;
    const admin = l.adminRequestsPerMinute ?? LIMIT_DEFAULTS.adminRequestsPerMinute;
    const limits: StoreLimits = {
      planId: row?.planId ?? "unknown",
      store,
      admin,
      client: l.storeClientRequestsPerMinute || Math.max(1, Math.ceil(store / 2)),
      credential: l.adminCredentialRequestsPerMinute || Math.max(1, Math.ceil(admin / 2)),
    };
    if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(storeId, { limits, at: this.now() });
    return limits;
  }

  forget(storeId: string): void {
    this.cache.delete(storeId);
  }
}

export interface LimitCheck {
  /** Bucket key. */
  key: string;
  perMinute: number;
  /** The name of the limit, as in plans.limits (or "authRequestsPerMinute"). */
  name: string;
  /** Set when the limit comes from the store's plan: the 429 then says how to raise it. */
  planId?: string;
}

type Headers = Record<string, string | number>;

/**
 * Takes one token from each bucket in order. On success the response carries the RateLimit-* headers of the
 * tightest bucket; on refusal it throws 429 naming the limit, with Retry-After.
 */
export function enforce(buckets: TokenBuckets, headers: Headers, checks: LimitCheck[]): void {
  let tightest: Decision | undefined;
  for (const c of checks) {
    const d = buckets.take(c.key, c.perMinute);
    if (!d.ok) {
      setHeaders(headers, d);
      headers["retry-after"] = String(d.retryAfterSec);
      throw new RateLimited(c, d);
    }
    if (!tightest || d.remaining < tightest.remaining) tightest = d;
  }
  if (tightest) setHeaders(headers, tightest);
}

function setHeaders(h: Headers, d: Decision): void {
  h["ratelimit-limit"] = String(d.limit);
  h["ratelimit-remaining"] = String(d.remaining);
  h["ratelimit-reset"] = String(d.resetSec);
}

export class RateLimited extends AppError {
  constructor(c: LimitCheck, d: Decision) {
    const plan = c.planId !== undefined;
    super(
      "RATE_LIMITED",
      "rate_limit.exceeded",
      plan
        ? `Rate limit ${c.name} (${c.perMinute} per minute on plan "${c.planId}") exceeded; retry in ${d.retryAfterSec}s, or move the store to a larger plan to raise it`
        : `Rate limit ${c.name} (${c.perMinute} per minute) exceeded; retry in ${d.retryAfterSec}s`,
      { limit: c.name, perMinute: c.perMinute, retryAfterSeconds: d.retryAfterSec, ...(plan ? { plan: c.planId, raise: "Upgrade the store's plan (plans.limits)" } : {}) },
    );
  }
}

/**
 * The client's address: the socket's peer, or — when `trustProxy` (TRAFI_TRUST_PROXY) — the last X-Forwarded-For
 * entry, which our own proxy appended (entries before it are the caller's to forge). "local" for in-process calls.
 */
export function clientIp(
  request: Request,
  server: { requestIP(r: Request): { address: string } | null } | null | undefined,
  trustProxy = false,
): string {
  if (trustProxy) {
    const forwarded = request.headers.get("x-forwarded-for");
    const last = forwarded?.split(",").at(-1)?.trim();
    if (last && /^[0-9A-Fa-f.:]{2,45}$/.test(last)) return last;
  }
  return server?.requestIP(request)?.address ?? "local";
}
