// Acceptance 3: cookie flags, rotation at login, expiry, logout revokes, CSRF, login backoff; plus store selection,
// password reset and invites.
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { createTestPlatform } from "../../testing/harness.ts";
import { ManualClock } from "../../kernel/clock.ts";
import { controlOutbox } from "../../jobs/control-outbox.tables.ts";
import { passwordResets, sessions, invites } from "../../tenancy/control.tables.ts";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "./sessions.ts";
import { ACCOUNT_FREE_FAILURES } from "./throttle.ts";
import { sessionUser } from "./testing.ts";
import { KEEP_DEAD_MS, purgeExpiredAccessRows } from "./purge.ts";

const clock = new ManualClock();
const t = await createTestPlatform({ clock, env: { TRAFI_PUBLIC_URL: "https://shop.example.com" } });
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");
const B = await t.createStore("Store B");
const PASSWORD = "correct horse battery";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const cookieOf = (res: Response) => /trafi_session=([^;]*)/.exec(res.headers.get("set-cookie") ?? "")?.[1] ?? "";
const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  t.request("/v1/auth/login", { method: "POST", json: { email, password }, headers });

describe("dashboard sessions", () => {
  test("login sets an HttpOnly, SameSite=Lax, Secure (https) cookie; only the token's hash is stored", async () => {
    const u = await sessionUser(t, [{ storeId: A.id, role: "admin" }], { password: PASSWORD });
    const res = await login(u.email.toUpperCase(), PASSWORD);
    expect(res.status).toBe(200);
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^trafi_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+; Secure$/);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body.user.email).toBe(u.email);
    expect(body.stores).toEqual([{ storeId: A.id, storeName: "Store A", role: "admin", permissions: expect.any(Array) }]);
    const token = cookieOf(res);
    const row = (await t.platform.control.db.select().from(sessions).where(eq(sessions.id, body.session.id)))[0]!;
    expect(row.tokenHash).toBe(sha256(token));
    expect(JSON.stringify(row)).not.toContain(token);
    const me = await t.request("/v1/auth/me", { headers: { cookie: `trafi_session=${token}` } });
    expect(me.status).toBe(200);
    expect((await me.json()).csrfToken).toBe(body.csrfToken);
    const audit = await (await t.request("/v1/admin/audit-log?action=auth.login", { headers: { cookie: `trafi_session=${token}` } })).json();
    expect(audit.data[0]).toMatchObject({ actor: { type: "user", id: u.userId }, targetId: u.userId, after: { sessionId: body.session.id } });
  });

  test("rotation at login: a new token every time, and the session the browser carried is revoked", async () => {
    const u = await sessionUser(t, [{ storeId: A.id, role: "viewer" }], { password: PASSWORD });
    const first = cookieOf(await login(u.email, PASSWORD));
    const second = await login(u.email, PASSWORD, { cookie: `trafi_session=${first}` });
    const token = cookieOf(second);
    expect(token).not.toBe(first);
    expect((await second.json()).csrfToken).not.toBe(u.csrf);
    expect((await t.request("/v1/admin/settings", { headers: { cookie: `trafi_session=${first}` } })).status).toBe(401);
    expect((await t.request("/v1/admin/settings", { headers: { cookie: `trafi_session=${token}` } })).status).toBe(200);
  });

  test("idle expiry and absolute expiry", async () => {
    const idle = await sessionUser(t, [{ storeId: A.id, role: "viewer" }]);
    const busy = await sessionUser(t, [{ storeId: A.id, role: "viewer" }]);
    clock.advance(SESSION_IDLE_MS - 60_000);
    expect((await t.request("/v1/admin/settings", { headers: idle.headers() })).status).toBe(200); // touched: window restarts
    clock.advance(SESSION_IDLE_MS);
    const res = await t.request("/v1/admin/settings", { headers: idle.headers() });
    expect(res.status).toBe(401);
    expect((await res.json()).error.reason).toBe("auth.invalid_session");
    // `busy` stayed active every few hours but still dies at the absolute limit.
    const fresh = await sessionUser(t, [{ storeId: A.id, role: "viewer" }]);
    void busy;
    let elapsed = 0;
    while (elapsed + 6 * 3_600_000 < SESSION_ABSOLUTE_MS) {
      clock.advance(6 * 3_600_000);
      elapsed += 6 * 3_600_000;
      expect((await t.request("/v1/admin/settings", { headers: fresh.headers() })).status).toBe(200);
    }
    clock.advance(SESSION_ABSOLUTE_MS - elapsed);
    expect((await t.request("/v1/admin/settings", { headers: fresh.headers() })).status).toBe(401);
  });

  test("logout revokes the session and clears the cookie", async () => {
    const u = await sessionUser(t, [{ storeId: A.id, role: "viewer" }]);
    const out = await t.request("/v1/auth/logout", { method: "POST", headers: u.headers() });
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toContain("Max-Age=0");
    expect((await t.request("/v1/auth/me", { headers: { cookie: u.cookie } })).status).toBe(401);
    expect((await t.request("/v1/admin/settings", { headers: { cookie: u.cookie } })).status).toBe(401);
  });

  test("CSRF: a state-changing session request without the token, or with a wrong one, gets 403 auth.csrf", async () => {
    const u = await sessionUser(t, [{ storeId: A.id, role: "admin" }]);
    for (const csrf of [undefined, "wrong", u.csrf.slice(0, -1) + (u.csrf.endsWith("A") ? "B" : "A")]) {
      const headers: Record<string, string> = { cookie: u.cookie, ...(csrf ? { "x-csrf-token": csrf } : {}) };
      const res = await t.request("/v1/admin/settings", { method: "PATCH", headers, json: { name: "Hacked" } });
      expect(res.status).toBe(403);
      expect((await res.json()).error.reason).toBe("auth.csrf");
      const logout = await t.request("/v1/auth/logout", { method: "POST", headers });
      expect(logout.status).toBe(403);
    }
    expect((await t.request("/v1/admin/settings", { headers: { cookie: u.cookie } })).status).toBe(200); // reads need none
    const ok = await t.request("/v1/admin/settings", { method: "PATCH", headers: u.headers(), json: { name: "Store A" } });
    expect(ok.status).toBe(200);
  });

  test("login backoff per account: 429 with Retry-After even with the right password, then it passes again", async () => {
    const u = await sessionUser(t, [{ storeId: A.id, role: "viewer" }], { password: PASSWORD });
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) {
      const r = await login(u.email, "wrong password!");
      expect(r.status).toBe(401);
      expect((await r.json()).error.reason).toBe("auth.invalid_credentials");
    }
    const locked = await login(u.email, PASSWORD);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await locked.json()).error.reason).toBe("auth.too_many_attempts");
    clock.advance(1_500);
    expect((await login(u.email, "wrong password!")).status).toBe(401);
    const longer = await login(u.email, PASSWORD);
    expect(Number(longer.headers.get("retry-after"))).toBeGreaterThanOrEqual(2); // doubled
    clock.advance(5_000);
    expect((await login(u.email, PASSWORD)).status).toBe(200);
  });

  test("login backoff per IP: many accounts guessed from one address lock the address", async () => {
    clock.advance(60_000); // fresh auth-route bucket
    let locked: Response | undefined;
    for (let i = 0; i < 25 && !locked; i++) {
      const r = await login(`nobody${i}@example.com`, "wrong password!");
      if (r.status === 429) locked = r;
      else expect(r.status).toBe(401);
    }
    expect(locked).toBeDefined();
    const body = await locked!.json();
    expect(body.error.details.scope).toBe("ip");
    clock.advance(16 * 60_000);
  });

  test("several stores: x-trafi-store picks one; a store the user is not in answers 404", async () => {
    const u = await sessionUser(t, [{ storeId: A.id, role: "viewer" }, { storeId: B.id, role: "admin" }]);
    const none = await t.request("/v1/admin/settings", { headers: { cookie: u.cookie } });
    expect(none.status).toBe(422);
    expect((await none.json()).error.reason).toBe("auth.store_required");
    expect((await (await t.request("/v1/admin/settings", { headers: u.headers(B.id) })).json()).storeId).toBe(B.id);
    const viewerInA = await t.request("/v1/admin/settings", { method: "PATCH", headers: u.headers(A.id), json: { name: "x" } });
    expect(viewerInA.status).toBe(403);
    const other = await t.createStore("Store C");
    for (const s of [other.id, "store_00000000000000000000000000"]) {
      const res = await t.request("/v1/admin/settings", { headers: u.headers(s) });
      expect(res.status).toBe(404);
      expect((await res.json()).error.reason).toBe("store.not_found");
    }
  });
});

describe("password reset", () => {
  test("e-mailed through the outbox, single use, 30 minutes, only the hash stored; signs out every session", async () => {
    const u = await sessionUser(t, [{ storeId: A.id, role: "viewer" }], { password: PASSWORD });
    const unknown = await t.request("/v1/auth/password-reset/request", { method: "POST", json: { email: "ghost@example.com" } });
    expect(unknown.status).toBe(202);
    const res = await t.request("/v1/auth/password-reset/request", { method: "POST", json: { email: u.email } });
    expect(res.status).toBe(202);
    const rows = await t.platform.control.db.select().from(controlOutbox).where(eq(controlOutbox.topic, "email.send"));
    const mail = rows.find((r) => (r.payload as { to?: string }).to === u.email)!;
    expect(mail.key).toMatch(/^password_reset:pwr_/);
    expect(mail.payload.template).toBe("password_reset");
    expect(rows.some((r) => (r.payload as { to?: string }).to === "ghost@example.com")).toBe(false);
    const token = /#token=([A-Za-z0-9_-]+)/.exec((mail.payload.data as { resetUrl: string }).resetUrl)![1]!;
    const stored = (await t.platform.control.db.select().from(passwordResets).where(eq(passwordResets.userId, u.userId)))[0]!;
    expect(stored.tokenHash).toBe(sha256(token));
    expect(stored.expiresAt - stored.createdAt).toBe(30 * 60_000);

    const weak = await t.request("/v1/auth/password-reset/confirm", { method: "POST", json: { token, password: "short" } });
    expect(weak.status).toBe(422);
    const ok = await t.request("/v1/auth/password-reset/confirm", { method: "POST", json: { token, password: "a brand new password" } });
    expect(ok.status).toBe(200);
    expect((await t.request("/v1/auth/me", { headers: { cookie: u.cookie } })).status).toBe(401);
    const again = await t.request("/v1/auth/password-reset/confirm", { method: "POST", json: { token, password: "another new password" } });
    expect(again.status).toBe(422);
    expect((await again.json()).error.reason).toBe("auth.reset_token_invalid");
    expect((await login(u.email, "a brand new password")).status).toBe(200);

    await t.request("/v1/auth/password-reset/request", { method: "POST", json: { email: u.email } });
    const latest = (await t.platform.control.db.select().from(controlOutbox)).filter((r) => (r.payload as { to?: string }).to === u.email).at(-1)!;
    const late = /#token=([A-Za-z0-9_-]+)/.exec((latest.payload.data as { resetUrl: string }).resetUrl)![1]!;
    clock.advance(30 * 60_000 + 1);
    expect((await t.request("/v1/auth/password-reset/confirm", { method: "POST", json: { token: late, password: "too late password" } })).status).toBe(422);
  });
});

describe("invites", () => {
  test("invite by e-mail (outbox row), accept once, the new member can log in with the invited role", async () => {
    const owner = await sessionUser(t, [{ storeId: A.id, role: "owner" }]);
    const inv = await t.request("/v1/admin/members/invites", { method: "POST", headers: owner.headers(), json: { email: "New.Person@example.com", role: "operator" } });
    expect(inv.status).toBe(201);
    const view = await inv.json();
    expect(view).toMatchObject({ email: "new.person@example.com", role: "operator", status: "pending", invitedBy: owner.userId });
    const mail = (await t.platform.control.db.select().from(controlOutbox).where(eq(controlOutbox.key, `invite:${view.id}`)))[0]!;
    expect(mail.payload).toMatchObject({ template: "member_invite", to: "new.person@example.com" });
    const token = /#token=([A-Za-z0-9_-]+)/.exec((mail.payload.data as { acceptUrl: string }).acceptUrl)![1]!;
    const row = (await t.platform.control.db.select().from(invites).where(eq(invites.id, view.id)))[0]!;
    expect(row.tokenHash).toBe(sha256(token));

    const accepted = await t.request("/v1/auth/invites/accept", { method: "POST", json: { token, password: PASSWORD, name: "New Person" } });
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ storeId: A.id, role: "operator" });
    expect((await t.request("/v1/auth/invites/accept", { method: "POST", json: { token, password: PASSWORD } })).status).toBe(422);
    const res = await login("new.person@example.com", PASSWORD);
    expect((await res.json()).stores[0]).toMatchObject({ storeId: A.id, role: "operator" });

    const dup = await t.request("/v1/admin/members/invites", { method: "POST", headers: owner.headers(), json: { email: "new.person@example.com", role: "viewer" } });
    expect(dup.status).toBe(409);
    const list = await (await t.request("/v1/admin/members/invites", { headers: owner.headers() })).json();
    expect(list.data.find((i: { id: string }) => i.id === view.id).status).toBe("accepted");
  });

  test("an expired or revoked invite cannot be accepted; an existing account must prove its password", async () => {
    const owner = await sessionUser(t, [{ storeId: A.id, role: "owner" }]);
    const tokenOf = async (id: string) => {
      const mail = (await t.platform.control.db.select().from(controlOutbox).where(eq(controlOutbox.key, `invite:${id}`)))[0]!;
      return /#token=([A-Za-z0-9_-]+)/.exec((mail.payload.data as { acceptUrl: string }).acceptUrl)![1]!;
    };
    const a = await (await t.request("/v1/admin/members/invites", { method: "POST", headers: owner.headers(), json: { email: "late@example.com", role: "viewer" } })).json();
    const b = await (await t.request("/v1/admin/members/invites", { method: "POST", headers: owner.headers(), json: { email: "revoked@example.com", role: "viewer" } })).json();
    const revoked = await t.request(`/v1/admin/members/invites/${b.id}/revoke`, { method: "POST", headers: owner.headers() });
    expect((await revoked.json()).status).toBe("revoked");
    expect((await t.request("/v1/auth/invites/accept", { method: "POST", json: { token: await tokenOf(b.id), password: PASSWORD } })).status).toBe(422);
    clock.advance(8 * 24 * 3_600_000);
    expect((await t.request("/v1/auth/invites/accept", { method: "POST", json: { token: await tokenOf(a.id), password: PASSWORD } })).status).toBe(422);

    const existing = await sessionUser(t, [{ storeId: B.id, role: "viewer" }], { password: PASSWORD });
    const owner2 = await sessionUser(t, [{ storeId: A.id, role: "owner" }]);
    const c = await (await t.request("/v1/admin/members/invites", { method: "POST", headers: owner2.headers(), json: { email: existing.email, role: "viewer" } })).json();
    const wrong = await t.request("/v1/auth/invites/accept", { method: "POST", json: { token: await tokenOf(c.id), password: "not the password" } });
    expect(wrong.status).toBe(401);
    expect((await t.request("/v1/auth/invites/accept", { method: "POST", json: { token: await tokenOf(c.id), password: PASSWORD } })).status).toBe(200);
  });
});

describe("housekeeping", () => {
  test("dead sessions, reset tokens and invites are purged a week after they stopped mattering", async () => {
    const live = await sessionUser(t, [{ storeId: A.id, role: "viewer" }]);
    const first = await purgeExpiredAccessRows(t.platform.control, clock.now());
    expect(first.sessions).toBeGreaterThan(0); // the expired sessions of the tests above
    expect((await t.request("/v1/admin/settings", { headers: live.headers() })).status).toBe(200);
    clock.advance(SESSION_ABSOLUTE_MS + KEEP_DEAD_MS + 1);
    const later = await purgeExpiredAccessRows(t.platform.control, clock.now());
    expect(later.sessions).toBeGreaterThanOrEqual(1);
    expect(later.invites + later.resets).toBeGreaterThan(0);
    expect(await t.platform.control.db.select().from(sessions)).toEqual([]);
  });
});

