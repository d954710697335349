// Login brute-force protection: failures are counted per account (e-mail) and per client IP. Past a few free
// attempts each new failure doubles the wait (1 s, 2 s, 4 s … capped at 15 min); while waiting, login answers 429
// with Retry-After without even checking the password. A success clears the account's counter (not the IP's,
// so one valid account cannot be used to launder guesses at others). In memory, bounded like the rate buckets.
import { AppError } from "../../kernel/errors.ts";

export const ACCOUNT_FREE_FAILURES = 5;
export const IP_FREE_FAILURES = 20;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 15 * 60_000;
/** A counter untouched this long is forgotten. */
const FORGET_MS = 24 * 3_600_000;

interface Entry {
  failures: number;
  lockedUntil: number;
  at: number;
}

export class TooManyAttempts extends AppError {
  constructor(readonly retryAfterSec: number, scope: "account" | "ip") {
    super("RATE_LIMITED", "auth.too_many_attempts", `Too many failed logins for this ${scope === "ip" ? "address" : "account"}; retry in ${retryAfterSec}s`, {
      scope,
      retryAfterSeconds: retryAfterSec,
    });
  }
}

export class LoginThrottle {
  private entries = new Map<string, Entry>();
  constructor(private readonly now: () => number, private readonly max = 100_000) {}

  /** Throws 429 while either the account or the IP is in its backoff window. */
  check(email: string, ip: string, headers: Record<string, string | number>): void {
    const now = this.now();
    for (const [key, scope] of [[`ip:${ip}`, "ip"], [`acct:${email}`, "account"]] as const) {
      const e = this.entries.get(key);
      if (e && e.lockedUntil > now) {
        const sec = Math.ceil((e.lockedUntil - now) / 1000);
        headers["retry-after"] = String(sec);
        throw new TooManyAttempts(sec, scope);
      }
    }
  }

  fail(email: string, ip: string): void {
    this.bump(`acct:${email}`, ACCOUNT_FREE_FAILURES);
    this.bump(`ip:${ip}`, IP_FREE_FAILURES);
  }

  succeed(email: string): void {
    this.entries.delete(`acct:${email}`);
  }

  private bump(key: string, free: number): void {
    const now = this.now();
    let e = this.entries.get(key);
    if (!e || now - e.at > FORGET_MS) e = { failures: 0, lockedUntil: 0, at: now };
    e.failures += 1;
    e.at = now;
    if (e.failures >= free) e.lockedUntil = now + Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (e.failures - free));
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, e);
  }
}
