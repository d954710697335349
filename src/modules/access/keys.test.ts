// Acceptance 4: secret shown once, only its hash stored, revoked → 401, scoped key outside its scope → 403,
// rotation with an overlap window; every key change is audited.
import { afterAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { adminHeaders, createTestPlatform } from "../../testing/harness.ts";
import { ManualClock } from "../../kernel/clock.ts";
import { apiKeys } from "../../tenancy/control.tables.ts";
import { auditLog } from "../audit/audit.tables.ts";
import { sessionUser } from "./testing.ts";

const clock = new ManualClock();
const t = await createTestPlatform({ clock });
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");
const B = await t.createStore("Store B");

const create = async (json: unknown, sk = A.sk) => t.request("/v1/admin/api-keys", { method: "POST", headers: adminHeaders(sk), json });

describe("API keys", () => {
  test("the secret is shown once; the database holds only its hash", async () => {
    const res = await create({ type: "secret", name: "ERP", scopes: ["settings:read"] });
    expect(res.status).toBe(201);
    const { key, token } = await res.json();
    expect(token).toMatch(/^sk_[0-9A-Za-z]{32}$/);
    const got = await (await t.request(`/v1/admin/api-keys/${key.id}`, { headers: adminHeaders(A.sk) })).text();
    const list = await (await t.request("/v1/admin/api-keys", { headers: adminHeaders(A.sk) })).text();
    expect(got).not.toContain(token);
    expect(list).not.toContain(token);
    expect(got).toContain(key.tokenHint);
    const rows = await t.platform.control.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(rows.length).toBe(1);
    expect(rows[0]!.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    expect(JSON.stringify(rows[0])).not.toContain(token.slice(3));
    const raw = await t.platform.control.client.execute({ sql: "SELECT * FROM api_keys WHERE id = ?", args: [key.id] });
    for (const v of Object.values(raw.rows[0]!)) expect(String(v)).not.toContain(token.slice(3));
  });

  test("a revoked key answers 401; a scoped key outside its scope answers 403", async () => {
    const { key, token } = await (await create({ type: "secret", scopes: ["settings:read"] })).json();
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(token) })).status).toBe(200);
    const denied = await t.request("/v1/admin/api-keys", { headers: adminHeaders(token) });
    expect(denied.status).toBe(403);
    expect((await denied.json()).error).toMatchObject({ reason: "auth.missing_permission", details: { permission: "api_keys:read" } });
    expect((await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(token), json: { name: "x" } })).status).toBe(403);
    await t.request(`/v1/admin/api-keys/${key.id}/revoke`, { method: "POST", headers: adminHeaders(A.sk) });
    const gone = await t.request("/v1/admin/settings", { headers: adminHeaders(token) });
    expect(gone.status).toBe(401);
    expect((await gone.json()).error.reason).toBe("auth.invalid_key");
  });

  test("rotation: the new token works at once, the old one until the overlap ends", async () => {
    const { key, token: oldToken } = await (await create({ type: "secret", name: "Deploy", scopes: ["settings:read", "api_keys:read"] })).json();
    const rot = await t.request(`/v1/admin/api-keys/${key.id}/rotate`, { method: "POST", headers: adminHeaders(A.sk), json: { overlapSeconds: 600 } });
    expect(rot.status).toBe(201);
    const r = await rot.json();
    expect(r.key.id).not.toBe(key.id);
    expect(r.key).toMatchObject({ name: "Deploy", scopes: ["settings:read", "api_keys:read"], expiresAt: null });
    expect(r.previous.expiresAt).toBe(new Date(clock.now() + 600_000).toISOString());
    expect(r.token).not.toBe(oldToken);
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(oldToken) })).status).toBe(200);
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(r.token) })).status).toBe(200);
    clock.advance(599_000);
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(oldToken) })).status).toBe(200);
    clock.advance(1_000);
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(oldToken) })).status).toBe(401);
    expect((await t.request("/v1/admin/settings", { headers: adminHeaders(r.token) })).status).toBe(200);
    // An expired key cannot be rotated again; another store's key is not found.
    expect((await t.request(`/v1/admin/api-keys/${key.id}/rotate`, { method: "POST", headers: adminHeaders(A.sk) })).status).toBe(409);
    expect((await t.request(`/v1/admin/api-keys/${r.key.id}/rotate`, { method: "POST", headers: adminHeaders(B.sk) })).status).toBe(404);
    const pk = await (await create({ type: "publishable" })).json();
    const pkRot = await (await t.request(`/v1/admin/api-keys/${pk.key.id}/rotate`, { method: "POST", headers: adminHeaders(A.sk), json: {} })).json();
    expect(pkRot.token).toMatch(/^pk_/);
    expect(pkRot.previous.expiresAt).toBe(new Date(clock.now() + 86_400_000).toISOString());
  });

  test("no escalation through keys: nobody mints or rotates a key beyond their own permissions", async () => {
    const admin = await sessionUser(t, [{ storeId: A.id, role: "admin" }]);
    const full = await t.request("/v1/admin/api-keys", { method: "POST", headers: admin.headers(), json: { type: "secret" } });
    expect(full.status).toBe(403);
    expect((await full.json()).error).toMatchObject({ reason: "api_key.escalation", details: { missing: ["*"] } });
    expect((await t.request("/v1/admin/api-keys", { method: "POST", headers: admin.headers(), json: { type: "secret", scopes: ["ownership:transfer"] } })).status).toBe(403);
    const scoped = await t.request("/v1/admin/api-keys", { method: "POST", headers: admin.headers(), json: { type: "secret", scopes: ["settings:*", "members:read"] } });
    expect(scoped.status).toBe(201);
    expect((await t.request("/v1/admin/api-keys", { method: "POST", headers: admin.headers(), json: { type: "publishable" } })).status).toBe(201);
    const ownerKey = await t.platform.keys.create({ storeId: A.id, type: "secret" });
    const rot = await t.request(`/v1/admin/api-keys/${ownerKey.key.id}/rotate`, { method: "POST", headers: admin.headers() });
    expect(rot.status).toBe(403);
    const narrow = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["settings:read", "api_keys:write"] });
    const wider = await t.request("/v1/admin/api-keys", { method: "POST", headers: adminHeaders(narrow.token), json: { type: "secret", scopes: ["settings:write"] } });
    expect((await wider.json()).error.details.missing).toEqual(["settings:write"]);
  });

  test("every key change is in the audit log, with the actor", async () => {
    const store = await t.platform.pool.get(A.id);
    const rows = await store.db.select().from(auditLog);
    const actions = rows.map((r) => r.action);
    expect(actions).toContain("api_key.created");
    expect(actions).toContain("api_key.revoked");
    expect(actions).toContain("api_key.rotated");
    const rotated = rows.find((r) => r.action === "api_key.rotated")!;
    expect(rotated.actorType).toBe("key");
    expect((rotated.before as { expiresAt: string | null }).expiresAt).not.toBeNull();
    expect(JSON.stringify(rows)).not.toMatch(/sk_[0-9A-Za-z]{32}/);
  });
});
