// Admin API of flags: CRUD, validation, versioning of locked fields, transitions, kill switch, audit, permissions,
// isolation. Real store files through the HTTP app.
import { afterAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { createTestPlatform, adminHeaders, storeHeaders } from "../../testing/harness.ts";
import { auditLog } from "../audit/index.ts";
import { flagVersions } from "./flags.tables.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");
const B = await t.createStore("Store B");

let keyN = 0;
const body = (over: Record<string, unknown> = {}) => ({ key: `flag-${++keyN}`, name: "Flag", variations: [false, true], ...over });

async function api(method: string, path: string, sk: string, json?: unknown) {
  const res = await t.request(`/v1/admin/flags${path}`, { method, headers: adminHeaders(sk), json });
  return { status: res.status, body: await res.json() };
}
async function create(over: Record<string, unknown> = {}, sk = A.sk) {
  const r = await api("POST", "", sk, body(over));
  expect(r.status).toBe(201);
  return r.body as { id: string; key: string; version: number; seed: string };
}
async function evaluate(pk: string, visitorId: string, attrs = "") {
  const res = await t.request(`/v1/store/flags?visitorId=${visitorId}${attrs}`, { headers: storeHeaders(pk) });
  expect(res.status).toBe(200);
  return (await res.json()).flags as Record<string, { value: unknown; variationIndex: number; reason: string; version: number }>;
}
const audits = async (storeId: string, targetId: string) => {
  const store = await t.platform.pool.get(storeId);
  return (await store.db.select().from(auditLog).where(eq(auditLog.targetId, targetId))).map((r) => r.action);
};

describe("create and read", () => {
  test("a new flag is a draft, enabled, seed = key, hash v2, equal weights, coverage 1, version 1", async () => {
    const f = await create({ key: "checkout-trust-badges", variations: ["none", "badges", "badges+reviews"] });
    expect(f).toMatchObject({
      key: "checkout-trust-badges", status: "draft", enabled: true, seed: "checkout-trust-badges", hashVersion: 2,
      coverage: 1, holdout: 0, targeting: [], version: 1, startedAt: null,
    });
    expect((f as unknown as { weights: number[] }).weights).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect((await api("GET", `/${f.id}`, A.sk)).body).toEqual(f);
    expect(await audits(A.id, f.id)).toEqual(["flag.created"]);
  });

  test("list is paginated newest first, with a cursor, and filters by status", async () => {
    const made = [await create(), await create(), await create()];
    const first = await api("GET", "?limit=2", A.sk);
    expect(first.body.data.map((f: { id: string }) => f.id)).toEqual([made[2]!.id, made[1]!.id]);
    const second = await api("GET", `?limit=2&cursor=${first.body.nextCursor}`, A.sk);
    expect(second.body.data[0].id).toBe(made[0]!.id);
    await api("POST", `/${made[0]!.id}/start`, A.sk);
    const running = await api("GET", "?status=running&limit=100", A.sk);
    expect(running.body.data.map((f: { id: string }) => f.id)).toEqual([made[0]!.id]);
    const drafts = await api("GET", "?status=draft&limit=100", A.sk);
    expect(drafts.body.data.map((f: { id: string }) => f.id)).toContain(made[2]!.id);
    expect(drafts.body.data.map((f: { id: string }) => f.id)).not.toContain(made[0]!.id);
  });

  test("validation: weights of the wrong count or not summing to 1 → 422 with a reason; duplicate key → 409", async () => {
    const count = await api("POST", "", A.sk, body({ weights: [0.2, 0.3, 0.5] }));
    expect(count.status).toBe(422);
    expect(count.body.error.reason).toBe("flag.weights_count");
    const sum = await api("POST", "", A.sk, body({ weights: [0.5, 0.6] }));
    expect(sum.status).toBe(422);
    expect(sum.body.error.reason).toBe("flag.weights_sum");
    expect((await api("POST", "", A.sk, body({ variations: [true] }))).status).toBe(422); // < 2 variations
    expect((await api("POST", "", A.sk, body({ key: "Bad Key" }))).status).toBe(422);
    expect((await api("POST", "", A.sk, body({ coverage: 1.5 }))).status).toBe(422);
    expect((await api("POST", "", A.sk, body({ holdout: 1 }))).status).toBe(422);
    expect((await api("POST", "", A.sk, body({ targeting: [{ attribute: "country", op: "lt", value: "x" }] }))).status).toBe(422);
    const f = await create();
    const dup = await api("POST", "", A.sk, body({ key: f.key }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.reason).toBe("flag.key_taken");
    // The same key in another store is fine: keys are unique per store.
    expect((await api("POST", "", B.sk, body({ key: f.key }))).status).toBe(201);
  });

  test("weights 1/3 each pass (rounding is not a mistake)", async () => {
    expect((await api("POST", "", A.sk, body({ variations: [1, 2, 3], weights: [1 / 3, 1 / 3, 1 / 3] }))).status).toBe(201);
  });
});

describe("versioning of locked fields", () => {
  test("on a draft, seed/variations/weights change in place (version stays 1)", async () => {
    const f = await create();
    const r = await api("PATCH", `/${f.id}`, A.sk, { weights: [0.2, 0.8], seed: "custom" });
    expect(r.body).toMatchObject({ version: 1, weights: [0.2, 0.8], seed: "custom" });
    const store = await t.platform.pool.get(A.id);
    const versions = await store.db.select().from(flagVersions).where(eq(flagVersions.flagId, f.id));
    expect(versions).toMatchObject([{ version: 1, seed: "custom", weights: [0.2, 0.8] }]);
  });

  test("on a running flag, changing weights creates version 2 with seed <key>:v2, recorded and audited", async () => {
    const f = await create();
    await api("POST", `/${f.id}/start`, A.sk);
    const before = await evaluate(A.pk, "returning-visitor");
    expect(before[f.key]).toMatchObject({ version: 1, reason: "SPLIT" });
    const r = await api("PATCH", `/${f.id}`, A.sk, { weights: [0.3, 0.7] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ version: 2, seed: `${f.key}:v2`, weights: [0.3, 0.7], status: "running" });
    const store = await t.platform.pool.get(A.id);
    const v2 = await store.db.select().from(flagVersions).where(and(eq(flagVersions.flagId, f.id), eq(flagVersions.version, 2)));
    expect(v2).toMatchObject([{ seed: `${f.key}:v2`, weights: [0.3, 0.7] }]);
    expect(await audits(A.id, f.id)).toEqual(["flag.created", "flag.started", "flag.version_created"]);
    // The storefront sees the new version at once (the cached definitions were dropped by the write).
    expect((await evaluate(A.pk, "returning-visitor"))[f.key]!.version).toBe(2);
  });

  test("changing variations (or giving an explicit seed) also creates a version; other fields do not", async () => {
    const f = await create();
    await api("POST", `/${f.id}/start`, A.sk);
    const renamed = await api("PATCH", `/${f.id}`, A.sk, { name: "Renamed", coverage: 0.5, holdout: 0.05, weights: [0.5, 0.5] });
    expect(renamed.body).toMatchObject({ version: 1, name: "Renamed", coverage: 0.5, seed: f.key });
    const three = await api("PATCH", `/${f.id}`, A.sk, { variations: ["a", "b", "c"] });
    expect(three.body).toMatchObject({ version: 2, seed: `${f.key}:v2`, weights: [1 / 3, 1 / 3, 1 / 3] });
    const seeded = await api("PATCH", `/${f.id}`, A.sk, { seed: "my-seed" });
    expect(seeded.body).toMatchObject({ version: 3, seed: "my-seed" });
    // Sending the current seed back with new weights (a client echoing the whole flag) still re-randomizes.
    const echoed = await api("PATCH", `/${f.id}`, A.sk, { seed: "my-seed", weights: [0.2, 0.3, 0.5] });
    expect(echoed.body).toMatchObject({ version: 4, seed: `${f.key}:v4` });
    const bad = await api("PATCH", `/${f.id}`, A.sk, { weights: [0.5, 0.5] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.reason).toBe("flag.weights_count");
  });
});

describe("transitions and kill switch", () => {
  test("draft → running → paused → running → archived; invalid transitions → 409; archived cannot change", async () => {
    const f = await create();
    expect((await api("POST", `/${f.id}/pause`, A.sk)).body.error.reason).toBe("flag.invalid_transition");
    const started = await api("POST", `/${f.id}/start`, A.sk);
    expect(started.body.status).toBe("running");
    expect(started.body.startedAt).not.toBeNull();
    expect((await api("POST", `/${f.id}/pause`, A.sk)).body.status).toBe("paused");
    expect((await evaluate(A.pk, "v1"))[f.key]).toMatchObject({ reason: "DISABLED", variationIndex: 0, value: false });
    expect((await api("POST", `/${f.id}/start`, A.sk)).body.startedAt).toBe(started.body.startedAt);
    expect((await api("POST", `/${f.id}/archive`, A.sk)).body.status).toBe("archived");
    expect((await evaluate(A.pk, "v1"))[f.key]).toBeUndefined(); // archived flags are not served
    const patch = await api("PATCH", `/${f.id}`, A.sk, { name: "x" });
    expect(patch.status).toBe(409);
    expect(patch.body.error.reason).toBe("flag.archived");
    expect((await api("POST", `/${f.id}/start`, A.sk)).status).toBe(409);
    expect(await audits(A.id, f.id)).toEqual(["flag.created", "flag.started", "flag.paused", "flag.started", "flag.archived"]);
  });

  test("kill switch off → every visitor gets the default with reason DISABLED, at once; on again → SPLIT", async () => {
    const f = await create({ weights: [0, 1] });
    await api("POST", `/${f.id}/start`, A.sk);
    expect((await evaluate(A.pk, "k1"))[f.key]).toMatchObject({ value: true, reason: "SPLIT" });
    const off = await api("POST", `/${f.id}/disable`, A.sk);
    expect(off.body).toMatchObject({ enabled: false, status: "running" });
    for (const v of ["k1", "k2", "k3"]) expect((await evaluate(A.pk, v))[f.key]).toMatchObject({ value: false, variationIndex: 0, reason: "DISABLED" });
    await api("POST", `/${f.id}/disable`, A.sk); // idempotent: no second audit entry
    await api("POST", `/${f.id}/enable`, A.sk);
    expect((await evaluate(A.pk, "k1"))[f.key]).toMatchObject({ value: true, reason: "SPLIT" });
    expect(await audits(A.id, f.id)).toEqual(["flag.created", "flag.started", "flag.disabled", "flag.enabled"]);
  });

  test("targeting on query attributes: TARGETING_MATCH for a match, DEFAULT otherwise", async () => {
    const f = await create({ weights: [0, 1], targeting: [{ attribute: "country", op: "in", values: ["FR", "BE"] }] });
    await api("POST", `/${f.id}/start`, A.sk);
    expect((await evaluate(A.pk, "t1", "&country=BE"))[f.key]).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect((await evaluate(A.pk, "t1", "&country=DE"))[f.key]).toMatchObject({ value: false, reason: "DEFAULT" });
    expect((await evaluate(A.pk, "t1"))[f.key]).toMatchObject({ reason: "DEFAULT" });
  });
});

describe("permissions and isolation", () => {
  test("a key without flags:write → 403 on every write; flags:read can read", async () => {
    const f = await create();
    const reader = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["flags:read"] });
    expect((await api("GET", "", reader.token)).status).toBe(200);
    expect((await api("GET", `/${f.id}`, reader.token)).status).toBe(200);
    expect((await api("GET", `/${f.id}/exposures`, reader.token)).status).toBe(200);
    for (const [method, path, json] of [
      ["POST", "", body()],
      ["PATCH", `/${f.id}`, { name: "x" }],
      ["POST", `/${f.id}/start`, undefined],
      ["POST", `/${f.id}/pause`, undefined],
      ["POST", `/${f.id}/archive`, undefined],
      ["POST", `/${f.id}/disable`, undefined],
      ["POST", `/${f.id}/enable`, undefined],
    ] as const) {
      const r = await api(method, path, reader.token, json);
      expect(r.status, `${method} ${path}`).toBe(403);
      expect(r.body.error.details.permission).toBe("flags:write");
    }
    const none = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["settings:read"] });
    expect((await api("GET", "", none.token)).status).toBe(403);
  });

  test("A's flag ids answer 404 from B's key on every route, and nothing changes", async () => {
    const f = await create();
    for (const [method, path, json] of [
      ["GET", `/${f.id}`, undefined],
      ["PATCH", `/${f.id}`, { name: "stolen" }],
      ["POST", `/${f.id}/start`, undefined],
      ["POST", `/${f.id}/pause`, undefined],
      ["POST", `/${f.id}/archive`, undefined],
      ["POST", `/${f.id}/disable`, undefined],
      ["POST", `/${f.id}/enable`, undefined],
      ["GET", `/${f.id}/exposures`, undefined],
    ] as const) {
      const r = await api(method, path, B.sk, json);
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(r.body.error.reason).toBe("flag.not_found");
    }
    expect((await api("GET", `/${f.id}`, A.sk)).body).toMatchObject({ name: "Flag", status: "draft", enabled: true });
    expect((await api("GET", "/not-an-id", A.sk)).status).toBe(404);
    // B's storefront never sees A's flags.
    await api("POST", `/${f.id}/start`, A.sk);
    expect((await evaluate(B.pk, "anyone"))[f.key]).toBeUndefined();
  });
});
