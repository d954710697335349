// Members and roles: the last Owner is protected, ownership moves only with a password confirmation (FR39),
// overrides (not for Owner), no privilege escalation, every change audited, another store's members are 404.
import { afterAll, describe, expect, test } from "bun:test";
import { adminHeaders, createTestPlatform } from "../../testing/harness.ts";
import { eq } from "drizzle-orm";
import { auditLog } from "../audit/audit.tables.ts";
import { stores } from "../../tenancy/control.tables.ts";
import { sessionUser } from "./testing.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");
const B = await t.createStore("Store B");
const PASSWORD = "owner password 123";

const patch = (path: string, headers: Record<string, string>, json: unknown) => t.request(path, { method: "PATCH", headers, json });

describe("members", () => {
  test("the last Owner cannot be demoted or removed (409 with the reason)", async () => {
    const owner = await sessionUser(t, [{ storeId: A.id, role: "owner" }], { password: PASSWORD });
    for (const res of [
      await patch(`/v1/admin/members/${owner.userId}`, owner.headers(), { role: "admin" }),
      await t.request(`/v1/admin/members/${owner.userId}`, { method: "DELETE", headers: owner.headers() }),
      await patch(`/v1/admin/members/${owner.userId}`, adminHeaders(A.sk), { role: "viewer" }),
    ]) {
      expect(res.status).toBe(409);
      expect((await res.json()).error.reason).toBe("members.last_owner");
    }
    const list = await (await t.request("/v1/admin/members", { headers: owner.headers() })).json();
    expect(list.data).toEqual([expect.objectContaining({ userId: owner.userId, role: "owner", permissions: ["*"] })]);
  });

  test("ownership transfer needs the Owner's password; the old Owner becomes Admin", async () => {
    const owner = await sessionUser(t, [{ storeId: B.id, role: "owner" }], { password: PASSWORD });
    const next = await sessionUser(t, [{ storeId: B.id, role: "operator" }]);
    const wrong = await t.request("/v1/admin/members/transfer-ownership", { method: "POST", headers: owner.headers(), json: { userId: next.userId, password: "not my password" } });
    expect(wrong.status).toBe(403);
    expect((await wrong.json()).error.reason).toBe("ownership.confirmation_failed");
    const byKey = await t.request("/v1/admin/members/transfer-ownership", { method: "POST", headers: adminHeaders(B.sk), json: { userId: next.userId, password: PASSWORD } });
    expect((await byKey.json()).error.reason).toBe("ownership.session_required");
    const ok = await t.request("/v1/admin/members/transfer-ownership", { method: "POST", headers: owner.headers(), json: { userId: next.userId, password: PASSWORD } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).role).toBe("owner");
    const me = await (await t.request(`/v1/admin/members/${owner.userId}`, { headers: next.headers() })).json();
    expect(me.role).toBe("admin");
    // The former owner (now Admin) can no longer transfer or touch the Owner.
    expect((await t.request("/v1/admin/members/transfer-ownership", { method: "POST", headers: owner.headers(), json: { userId: owner.userId, password: PASSWORD } })).status).toBe(403);
    const touch = await patch(`/v1/admin/members/${next.userId}`, owner.headers(), { role: "viewer" });
    expect((await touch.json()).error.reason).toBe("members.owner_assignment");
    const store = await t.platform.pool.get(B.id);
    const entry = (await store.db.select().from(auditLog)).find((r) => r.action === "ownership.transferred")!;
    expect(entry).toMatchObject({ actorType: "user", actorId: owner.userId, targetId: next.userId });
  });

  test("overrides adjust a role (never the Owner's), and nobody grants what they do not hold", async () => {
    const owner = await sessionUser(t, [{ storeId: A.id, role: "owner" }]);
    const admin = await sessionUser(t, [{ storeId: A.id, role: "admin" }]);
    const viewer = await sessionUser(t, [{ storeId: A.id, role: "viewer" }]);
    const r = await patch(`/v1/admin/members/${viewer.userId}`, admin.headers(), { overrides: { grant: ["settings:write"], revoke: ["members:*"] } });
    expect(r.status).toBe(200);
    const m = await r.json();
    expect(m.permissions).toContain("settings:write");
    expect(m.permissions).not.toContain("members:read");
    // Effective at once on the viewer's session.
    expect((await patch("/v1/admin/settings", viewer.headers(), { supportEmail: null })).status).toBe(200);
    expect((await t.request("/v1/admin/members", { headers: viewer.headers() })).status).toBe(403);

    const ownerOverride = await patch(`/v1/admin/members/${owner.userId}`, owner.headers(), { overrides: { grant: [], revoke: ["settings:write"] } });
    expect(ownerOverride.status).toBe(422);
    expect((await ownerOverride.json()).error.reason).toBe("members.owner_fixed");
    const unknown = await patch(`/v1/admin/members/${viewer.userId}`, admin.headers(), { overrides: { grant: ["nukes:launch"], revoke: [] } });
    expect((await unknown.json()).error.reason).toBe("members.invalid_overrides");

    const escalate = await patch(`/v1/admin/members/${viewer.userId}`, admin.headers(), { overrides: { grant: ["ownership:transfer"], revoke: [] } });
    expect(escalate.status).toBe(403);
    expect((await escalate.json()).error.reason).toBe("members.escalation");
    const promote = await patch(`/v1/admin/members/${viewer.userId}`, admin.headers(), { role: "owner" });
    expect((await promote.json()).error.reason).toBe("members.owner_assignment");
    const ok = await patch(`/v1/admin/members/${viewer.userId}`, owner.headers(), { role: "owner" });
    expect(ok.status).toBe(200);
    expect((await ok.json()).overrides).toBeNull();

    const store = await t.platform.pool.get(A.id);
    const updates = (await store.db.select().from(auditLog)).filter((e) => e.action === "member.updated" && e.targetId === viewer.userId);
    expect(updates[0]).toMatchObject({ actorId: admin.userId, before: { role: "viewer", overrides: null }, after: { role: "viewer", overrides: { grant: ["settings:write"], revoke: ["members:*"] } } });
    expect(updates.at(-1)).toMatchObject({ actorId: owner.userId, after: { role: "owner", overrides: null } });
  });

  test("removing a member ends their access; another store's member answers 404", async () => {
    const admin = await sessionUser(t, [{ storeId: A.id, role: "admin" }]);
    const op = await sessionUser(t, [{ storeId: A.id, role: "operator" }]);
    const inB = await sessionUser(t, [{ storeId: B.id, role: "viewer" }]);
    for (const [method, json] of [["GET", undefined], ["PATCH", { role: "admin" }], ["DELETE", undefined]] as const) {
      const res = await t.request(`/v1/admin/members/${inB.userId}`, { method, headers: admin.headers(), json });
      expect(res.status, method).toBe(404);
    }
    expect((await t.request(`/v1/admin/members/${op.userId}`, { method: "DELETE", headers: admin.headers() })).status).toBe(204);
    const after = await t.request("/v1/admin/settings", { headers: op.headers() });
    expect(after.status).toBe(403);
    expect((await after.json()).error.reason).toBe("auth.no_store");
    expect((await t.request(`/v1/admin/members/${inB.userId}`, { headers: inB.headers() })).status).toBe(200); // B's own view is intact
  });

  test("the plan's member limit counts members and pending invitations", async () => {
    const C = await t.createStore("Small shop");
    await t.platform.control.db.update(stores).set({ planId: "free" }).where(eq(stores.id, C.id)); // members: 3
    const owner = await sessionUser(t, [{ storeId: C.id, role: "owner" }]);
    for (const email of ["one@example.com", "two@example.com"]) {
      expect((await t.request("/v1/admin/members/invites", { method: "POST", headers: owner.headers(), json: { email, role: "viewer" } })).status).toBe(201);
    }
    const full = await t.request("/v1/admin/members/invites", { method: "POST", headers: owner.headers(), json: { email: "three@example.com", role: "viewer" } });
    expect(full.status).toBe(409);
    expect((await full.json()).error).toMatchObject({ reason: "members.plan_limit", details: { limit: "members", max: 3, plan: "free" } });
  });

  test("GET /v1/admin/roles lists the six templates with today's permissions", async () => {
    const roles = await (await t.request("/v1/admin/roles", { headers: adminHeaders(A.sk) })).json();
    expect(roles.map((r: { id: string }) => r.id)).toEqual(["owner", "admin", "operator", "viewer", "risk_manager", "privacy_manager"]);
    expect(roles[0]).toMatchObject({ name: "Owner", overridable: false, permissions: ["*"] });
  });
});
