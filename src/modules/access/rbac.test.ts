// Acceptance 1 (every admin route declares a permission) and 2 (role template × admin route matrix).
import { afterAll, describe, expect, test } from "bun:test";
import { adminHeaders, createTestPlatform } from "../../testing/harness.ts";
import { PERMISSIONS, ROLES, ROLE_TEMPLATES, effectivePermissions, grants, patternMatches, type Role } from "../../kernel/permissions.ts";
import { RoleName } from "./access.models.ts";
import { sessionUser, type SessionUser } from "./testing.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");

const adminRoutes = () => t.app.routes.filter((r) => r.path.startsWith("/v1/admin"));
const declared = (r: ReturnType<typeof adminRoutes>[number]) => (r.hooks as { detail?: Record<string, unknown> }).detail?.["x-permission"];
const BOGUS = "usr_00000000000000000000000000";

describe("acceptance 1: every registered admin route declares a permission", () => {
  test("no admin route without x-permission, and each one is a known permission", () => {
    const routes = adminRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(15);
    const missing = routes.filter((r) => typeof declared(r) !== "string").map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    for (const r of routes) expect(PERMISSIONS as readonly string[], `${r.method} ${r.path}`).toContain(declared(r) as string);
  });

  test("a key without the declared permission gets 403 naming it, on every admin route", async () => {
    const k = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["roles:read"] });
    for (const r of adminRoutes()) {
      const p = declared(r) as string;
      if (p === "roles:read") continue;
      const res = await t.request(r.path.replace(/:[A-Za-z]+/g, BOGUS), { method: r.method, headers: adminHeaders(k.token), json: r.method === "GET" ? undefined : {} });
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect((await res.json()).error.details.permission).toBe(p);
    }
  });
});

describe("role templates", () => {
  test("the TypeBox role list matches ROLES", () => {
    expect(RoleName.anyOf.map((l: { const: string }) => l.const).sort()).toEqual([...ROLES].sort());
  });

  test("patterns cover permissions added later: a new *:read reaches readers, a new fraud:* the Risk Manager", () => {
    expect(patternMatches("*:read", "refunds:read")).toBe(true);
    expect(patternMatches("fraud:*", "fraud:write")).toBe(true);
    expect(patternMatches("orders:*", "ordersx:read")).toBe(false);
    expect(effectivePermissions("owner")).toEqual(["*"]);
    const viewer = effectivePermissions("viewer");
    expect(viewer.every((p) => p.endsWith(":read"))).toBe(true);
    expect(viewer).toContain("settings:read");
    expect(viewer).not.toContain("audit_log:read");
    expect(viewer).not.toContain("api_keys:read");
    const admin = effectivePermissions("admin");
    expect(admin).toContain("members:write");
    expect(admin).not.toContain("ownership:transfer");
    expect(effectivePermissions("operator")).not.toContain("members:read");
    expect(effectivePermissions("privacy_manager")).toContain("audit_log:read");
    expect(effectivePermissions("viewer", { grant: ["settings:write"], revoke: ["members:*"] })).toContain("settings:write");
    expect(effectivePermissions("viewer", { grant: [], revoke: ["members:*"] })).not.toContain("members:read");
    for (const r of ROLES) expect(ROLE_TEMPLATES[r].name.length).toBeGreaterThan(0);
  });
});

describe("acceptance 2: RBAC matrix, each role × each admin route", () => {
  test("allow exactly what the template grants: 0 unexpected allows, 0 unexpected denies", async () => {
    const users = new Map<Role, SessionUser>();
    for (const role of ROLES) users.set(role, await sessionUser(t, [{ storeId: A.id, role }]));
    // A second Owner so no request in the matrix can hit the last-owner rule by accident.
    await sessionUser(t, [{ storeId: A.id, role: "owner" }]);
    const unexpected: string[] = [];
    let allows = 0;
    for (const r of adminRoutes()) {
      const p = declared(r) as string;
      for (const role of ROLES) {
        const u = users.get(role)!;
        const res = await t.request(r.path.replace(/:[A-Za-z]+/g, BOGUS), { method: r.method, headers: u.headers(A.id), json: r.method === "GET" ? undefined : {} });
        const expectAllow = grants(effectivePermissions(role), p);
        const body = res.status === 204 ? null : await res.json();
        const denied = res.status === 403 && body?.error?.reason === "auth.missing_permission";
        if (expectAllow === denied) unexpected.push(`${role} ${r.method} ${r.path} → ${res.status} ${body?.error?.reason ?? ""}`);
        if (!denied) allows++;
        expect(res.status, `${role} ${r.method} ${r.path}`).not.toBe(401);
      }
    }
    expect(unexpected).toEqual([]);
    expect(allows).toBeGreaterThan(0);
  });

  test("spot checks of the matrix on real requests", async () => {
    const viewer = await sessionUser(t, [{ storeId: A.id, role: "viewer" }]);
    expect((await t.request("/v1/admin/settings", { headers: viewer.headers() })).status).toBe(200);
    expect((await t.request("/v1/admin/settings", { method: "PATCH", headers: viewer.headers(), json: { name: "x" } })).status).toBe(403);
    const operator = await sessionUser(t, [{ storeId: A.id, role: "operator" }]);
    expect((await t.request("/v1/admin/api-keys", { headers: operator.headers() })).status).toBe(403);
    const admin = await sessionUser(t, [{ storeId: A.id, role: "admin" }]);
    expect((await t.request("/v1/admin/api-keys", { headers: admin.headers() })).status).toBe(200);
    const tr = await t.request("/v1/admin/members/transfer-ownership", { method: "POST", headers: admin.headers(), json: { userId: viewer.userId, password: "whatever-long" } });
    expect(tr.status).toBe(403);
    expect((await tr.json()).error.details.permission).toBe("ownership:transfer");
    const risk = await sessionUser(t, [{ storeId: A.id, role: "risk_manager" }]);
    expect((await t.request("/v1/admin/audit-log", { headers: risk.headers() })).status).toBe(200);
    expect((await t.request("/v1/admin/members", { headers: risk.headers() })).status).toBe(403);
  });
});
