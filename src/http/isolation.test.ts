// Acceptance: two stores; A's keys on B's ids answer 404 on every route; unknown keys answer 401.
import { afterAll, describe, expect, test } from "bun:test";
import { createTestPlatform, adminHeaders, storeHeaders } from "../testing/harness.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");
const B = await t.createStore("Store B");
const bKey = (await t.platform.keys.create({ storeId: B.id, type: "secret", name: "B's integration" })).key;

describe("tenant isolation", () => {
  test("A's secret key on B's key id → 404 on every route that takes an id", async () => {
    for (const [method, path] of [
      ["GET", `/v1/admin/api-keys/${bKey.id}`],
      ["POST", `/v1/admin/api-keys/${bKey.id}/revoke`],
    ] as const) {
      const res = await t.request(path, { method, headers: adminHeaders(A.sk) });
      expect(res.status, `${method} ${path}`).toBe(404);
      const body = await res.json();
      expect(body.error.code).toBe("NOT_FOUND");
    }
    // And B's key was not revoked by the attempt.
    const still = await t.request(`/v1/admin/api-keys/${bKey.id}`, { headers: adminHeaders(B.sk) });
    expect((await still.json()).revokedAt).toBeNull();
  });

  test("each key sees only its own store's data", async () => {
    await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(B.sk), json: { name: "B renamed" } });
    const a = await (await t.request("/v1/admin/settings", { headers: adminHeaders(A.sk) })).json();
    expect(a.storeId).toBe(A.id);
    expect(a.name).toBe("Store A");
    const aPublic = await (await t.request("/v1/store/store", { headers: storeHeaders(A.pk) })).json();
    expect(aPublic).toEqual({ id: A.id, name: "Store A", defaultCurrency: "EUR", returnWindowDays: null, paymentProvider: "sandbox" });
    const list = await (await t.request("/v1/admin/api-keys", { headers: adminHeaders(A.sk) })).json();
    expect(list.data.length).toBe(2);
    expect(list.data.map((k: { id: string }) => k.id)).not.toContain(bKey.id);
  });

  test("every store and admin route answers 401 to an unknown key, a missing key and the wrong kind of key", async () => {
    const routes = t.app.routes.filter((r) => r.path.startsWith("/v1/store") || r.path.startsWith("/v1/admin"));
    expect(routes.length).toBeGreaterThanOrEqual(6);
    for (const r of routes) {
      const path = r.path.replace(/:id/g, bKey.id);
      const admin = r.path.startsWith("/v1/admin");
      const cases: [string, Record<string, string>][] = admin
        ? [["unknown", adminHeaders("sk_" + "0".repeat(32))], ["missing", {}], ["publishable", adminHeaders(A.pk)]]
        : [["unknown", storeHeaders("pk_" + "0".repeat(32))], ["missing", {}], ["secret", storeHeaders(A.sk)]];
      for (const [name, headers] of cases) {
        const res = await t.request(path, { method: r.method, headers, json: r.method === "GET" ? undefined : {} });
        expect(res.status, `${r.method} ${r.path} with ${name} key`).toBe(401);
        expect((await res.json()).error.code).toBe("UNAUTHORIZED");
      }
    }
  });

  test("a revoked key answers 401 at once", async () => {
    const k = await t.platform.keys.create({ storeId: A.id, type: "secret" });
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(k.token) })).status).toBe(200);
    await t.request(`/v1/admin/api-keys/${k.key.id}/revoke`, { method: "POST", headers: adminHeaders(A.sk) });
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(k.token) })).status).toBe(401);
  });
});

describe("permissions", () => {
  test("every admin route declares a permission: a key without it gets 403 naming the permission", async () => {
    const none = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["api_keys:read"] });
    const admin = t.app.routes.filter((r) => r.path.startsWith("/v1/admin"));
    for (const r of admin) {
      const declared = (r.hooks as { detail?: Record<string, unknown> }).detail?.["x-permission"];
      expect(typeof declared, `${r.method} ${r.path} declares a permission`).toBe("string");
      if (declared === "api_keys:read") continue;
      const res = await t.request(r.path.replace(/:id/g, bKey.id), { method: r.method, headers: adminHeaders(none.token), json: r.method === "GET" ? undefined : {} });
      const body = await res.json();
      expect(res.status, `${r.method} ${r.path}`).toBe(403);
      expect(body.error.details.permission).toBe(declared);
    }
  });

  test("a scoped key can do what its scopes allow", async () => {
    const reader = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["settings:read"] });
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(reader.token) })).status).toBe(200);
    const w = await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(reader.token), json: { name: "x" } });
    expect(w.status).toBe(403);
    expect((await w.json()).error.reason).toBe("auth.missing_permission");
  });
});
