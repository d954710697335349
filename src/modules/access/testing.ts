// Test helpers of the access module: users with memberships and live sessions, without going through argon2.
import type { TestPlatform } from "../../testing/harness.ts";
import type { Role } from "../../kernel/permissions.ts";
import { access } from "./services.ts";
import { addMembership, createUser } from "./users.ts";
import { SESSION_COOKIE } from "./sessions.ts";

let n = 0;

export interface SessionUser {
  userId: string;
  email: string;
  cookie: string;
  csrf: string;
  /** Headers for an admin request as this user: cookie, CSRF token and (optionally) the store to act in. */
  headers(storeId?: string, extra?: Record<string, string>): Record<string, string>;
}

export async function sessionUser(t: TestPlatform, memberships: { storeId: string; role: Role }[], opts: { password?: string; email?: string } = {}): Promise<SessionUser> {
  const now = t.platform.clock.now();
  const email = opts.email ?? `user${++n}-${now}@example.com`;
  const user = await createUser(t.platform.control, now, { email, password: opts.password });
  for (const m of memberships) await addMembership(t.platform.control, now, { userId: user.id, storeId: m.storeId, role: m.role });
  const { token, csrfToken } = await access(t.platform).sessions.create(user.id);
  const cookie = `${SESSION_COOKIE}=${token}`;
  return {
    userId: user.id,
    email,
    cookie,
    csrf: csrfToken,
    headers: (storeId, extra = {}) => ({ cookie, "x-csrf-token": csrfToken, ...(storeId ? { "x-trafi-store": storeId } : {}), ...extra }),
  };
}
