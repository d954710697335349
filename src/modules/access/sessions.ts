// Dashboard sessions: a random token in an HttpOnly cookie, its SHA-256 in the control DB. The CSRF token is an
// HMAC of the session's token hash under a key derived from the master key: the server stores nothing extra, a
// new session (every login rotates) gets a new CSRF token, and a page can read it from /v1/auth/me.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Control } from "../../tenancy/control.ts";
import { sessions } from "../../tenancy/control.tables.ts";
import { newId } from "../../kernel/ids.ts";

export const SESSION_COOKIE = "trafi_session";
/** A session unused this long dies (dashboard left open overnight). */
export const SESSION_IDLE_MS = 12 * 3_600_000;
/** …and none lives longer than this, however active. */
export const SESSION_ABSOLUTE_MS = 7 * 24 * 3_600_000;
/** lastSeenAt is written at most this often: one control write per user per minute, not per request. */
const TOUCH_RESOLUTION_MS = 60_000;

export type SessionRow = typeof sessions.$inferSelect;

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export class SessionService {
  private readonly csrfKey: Buffer;
  private readonly lookup;

  constructor(private readonly control: Control, masterKey: Uint8Array, private readonly now: () => number) {
    this.csrfKey = Buffer.from(hkdfSync("sha256", masterKey, new Uint8Array(0), "trafi:csrf", 32));
    this.lookup = control.db.select().from(sessions).where(eq(sessions.tokenHash, sql.placeholder("hash"))).prepare();
  }

  async create(userId: string, meta: { ip?: string | null; userAgent?: string | null } = {}): Promise<{ token: string; session: SessionRow; csrfToken: string }> {
    const token = randomBytes(32).toString("base64url");
    const now = this.now();
    const session: SessionRow = {
      id: newId("ses", now),
      userId,
      tokenHash: sha256(token),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: now + SESSION_ABSOLUTE_MS,
      revokedAt: null,
      ip: meta.ip ?? null,
      userAgent: meta.userAgent?.slice(0, 200) ?? null,
    };
    await this.control.write(() => this.control.db.insert(sessions).values(session));
    return { token, session, csrfToken: this.csrfFor(session) };
  }

  /** The live session of a cookie token, or null (unknown, revoked, idle too long, or past its absolute expiry). */
  async resolve(token: string): Promise<SessionRow | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const row = (await this.lookup.execute({ hash: sha256(token) }))[0];
    const now = this.now();
    if (!row || !isLive(row, now)) return null;
    if (now - row.lastSeenAt >= TOUCH_RESOLUTION_MS) {
      row.lastSeenAt = now;
      await this.control.write(() => this.control.db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, row.id)));
    }
    return row;
  }

  csrfFor(session: Pick<SessionRow, "tokenHash">): string {
    return createHmac("sha256", this.csrfKey).update(session.tokenHash).digest("base64url");
  }

  checkCsrf(session: Pick<SessionRow, "tokenHash">, given: string | null): boolean {
    if (!given) return false;
    const a = Buffer.from(this.csrfFor(session));
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  async revoke(id: string): Promise<void> {
    const now = this.now();
    await this.control.write(() => this.control.db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.id, id), isNull(sessions.revokedAt))));
  }

  /** Every session of a user (password reset, account takeover response). */
  async revokeAll(userId: string): Promise<void> {
    const now = this.now();
    await this.control.write(() => this.control.db.update(sessions).set({ revokedAt: now }).where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt))));
  }

  /** The session of a raw token even if dead, to revoke the previous one at login (rotation). */
  async findByToken(token: string): Promise<SessionRow | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    return (await this.lookup.execute({ hash: sha256(token) }))[0] ?? null;
  }
}

export function isLive(s: SessionRow, now: number): boolean {
  return s.revokedAt === null && now < s.expiresAt && now - s.lastSeenAt < SESSION_IDLE_MS;
}

export function idleExpiry(s: SessionRow): number {
  return Math.min(s.expiresAt, s.lastSeenAt + SESSION_IDLE_MS);
}

/** Reads one cookie from a Cookie header without trusting its format. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

export function sessionCookie(token: string, opts: { secure: boolean; maxAgeSec: number }): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${opts.maxAgeSec}${opts.secure ? "; Secure" : ""}`;
}

export const clearedSessionCookie = (secure: boolean): string =>
  `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0${secure ? "; Secure" : ""}`;
