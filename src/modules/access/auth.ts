// Dashboard login, logout, "me" and password reset. Sessions live in the control DB (sessions.ts); the e-mails go
// through the control outbox (topic "email.send") in the same control transaction as the token they carry.
import { createHash, randomBytes } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Platform } from "../../platform.ts";
import type { Actor } from "../../kernel/context.ts";
import { newId } from "../../kernel/ids.ts";
import { Unauthorized, ValidationFailed } from "../../kernel/errors.ts";
import { withTx } from "../../db/tx.ts";
import { addControlOutbox } from "../../jobs/outbox.ts";
import { passwordResets, users } from "../../tenancy/control.tables.ts";
import { recordAudit } from "../audit/index.ts";
import { access } from "./services.ts";
import { idleExpiry, type SessionRow } from "./sessions.ts";
import { checkPassword, findUserByEmail, getUser, hashPassword, membershipsOf, normalizeEmail, verifyPassword, type UserRow } from "./users.ts";

export const RESET_TTL_MS = 30 * 60_000;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export interface RequestInfo {
  ip: string;
  userAgent: string | null;
  requestId: string;
  /** The trafi_session cookie sent with the login, if any: revoked so a planted session cannot survive login. */
  previousToken?: string | undefined;
  headers: Record<string, string | number>;
}

export async function sessionView(platform: Platform, user: UserRow, session: SessionRow) {
  const stores = await membershipsOf(platform.control, user.id);
  return {
    user: { id: user.id, email: user.email, name: user.name },
    stores,
    csrfToken: access(platform).sessions.csrfFor(session),
    session: { id: session.id, expiresAt: new Date(session.expiresAt).toISOString(), idleExpiresAt: new Date(idleExpiry(session)).toISOString() },
  };
}

/** Writes one audit entry in every store the user belongs to (logins concern each store the user can act in). */
async function auditInUserStores(platform: Platform, userId: string, requestId: string, action: string, after: unknown): Promise<void> {
  const actor: Actor = { type: "user", userId, permissions: [] };
  for (const m of await membershipsOf(platform.control, userId)) {
    const store = await platform.pool.get(m.storeId);
    await withTx({ store }, (tx) => recordAudit(tx, { actor, requestId, clock: platform.clock }, { action, targetType: "user", targetId: userId, after }));
  }
}

export async function login(platform: Platform, input: { email: string; password: string }, req: RequestInfo) {
  const svc = access(platform);
  const email = normalizeEmail(input.email);
  svc.throttle.check(email, req.ip, req.headers);
  const user = await findUserByEmail(platform.control, email);
  if (!(await verifyPassword(user, input.password)) || !user) {
    svc.throttle.fail(email, req.ip);
    platform.log.warn("login failed", { requestId: req.requestId, ip: req.ip });
    throw new Unauthorized("auth.invalid_credentials", "E-mail or password is wrong");
  }
  svc.throttle.succeed(email);
  // Rotation: a login never reuses an existing session; the one the browser carried is revoked.
  if (req.previousToken) {
    const prev = await svc.sessions.findByToken(req.previousToken);
    if (prev) await svc.sessions.revoke(prev.id);
  }
  const { token, session } = await svc.sessions.create(user.id, { ip: req.ip, userAgent: req.userAgent });
  await auditInUserStores(platform, user.id, req.requestId, "auth.login", { sessionId: session.id, ip: req.ip });
  return { token, view: await sessionView(platform, user, session) };
}

export async function me(platform: Platform, session: SessionRow) {
  return sessionView(platform, await getUser(platform.control, session.userId), session);
}

/** Always answers the same, whether the e-mail is known or not (no account enumeration). */
export async function requestPasswordReset(platform: Platform, emailRaw: string): Promise<void> {
  const user = await findUserByEmail(platform.control, emailRaw);
  if (!user) return;
  const token = randomBytes(32).toString("base64url");
  const now = platform.clock.now();
  const id = newId("pwr", now);
  const expiresAt = now + RESET_TTL_MS;
  const { control } = platform;
  await control.write(() =>
    control.db.transaction(async (tx) => {
      await tx.insert(passwordResets).values({ id, userId: user.id, tokenHash: sha256(token), createdAt: now, expiresAt, usedAt: null });
      await addControlOutbox(tx, now, {
        topic: "email.send",
        key: `password_reset:${id}`,
        payload: {
          template: "password_reset",
          to: user.email,
          data: { resetUrl: `${platform.config.publicUrl}/admin/reset-password#token=${token}`, expiresAt: new Date(expiresAt).toISOString() },
        },
      });
    }),
  );
}

/** Sets the new password, burns the token and signs the user out everywhere. */
export async function confirmPasswordReset(platform: Platform, input: { token: string; password: string }, requestId: string): Promise<void> {
  checkPassword(input.password);
  const passwordHash = await hashPassword(input.password);
  const now = platform.clock.now();
  const { control } = platform;
  const userId = await control.write(async () => {
    const row = (await control.db.select().from(passwordResets).where(eq(passwordResets.tokenHash, sha256(input.token))))[0];
    if (!row || row.usedAt !== null || row.expiresAt <= now) {
      throw new ValidationFailed("auth.reset_token_invalid", "This reset link is invalid, already used or expired; request a new one", { field: "token" });
    }
    await control.db.transaction(async (tx) => {
      await tx.update(passwordResets).set({ usedAt: now }).where(and(eq(passwordResets.id, row.id), isNull(passwordResets.usedAt)));
      await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, row.userId));
    });
    return row.userId;
  });
  await access(platform).sessions.revokeAll(userId);
  await auditInUserStores(platform, userId, requestId, "auth.password_reset", null);
}
