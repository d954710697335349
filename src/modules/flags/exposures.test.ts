// Issue 8 acceptance 4: one exposure per visitor and flag version, idempotent, isolated per store. Plus visitor
// validation and determinism across a restart of the whole platform on the same data dir.
import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { eq } from "drizzle-orm";
import { createTestPlatform, adminHeaders, storeHeaders, tempDataDir, TEST_MASTER_KEY } from "../../testing/harness.ts";
import { loadConfig } from "../../config.ts";
import { silentLogger } from "../../kernel/logger.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { openPlatform } from "../../platform.ts";
import { flagExposures } from "./flags.tables.ts";
import { createFlag, getFlagsForVisitor, recordExposures, transitionFlag, updateFlag } from "./index.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");
const B = await t.createStore("Store B");

async function startFlag(sk: string, over: Record<string, unknown>) {
  const created = await t.request("/v1/admin/flags", { method: "POST", headers: adminHeaders(sk), json: { name: "F", variations: [false, true], ...over } });
  expect(created.status).toBe(201);
  const f = (await created.json()) as { id: string; key: string };
  expect((await t.request(`/v1/admin/flags/${f.id}/start`, { method: "POST", headers: adminHeaders(sk) })).status).toBe(200);
  return f;
}
const get = (pk: string, query: string) => t.request(`/v1/store/flags?${query}`, { headers: storeHeaders(pk) });
async function exposures(storeId: string, flagId: string) {
  const store = await t.platform.pool.get(storeId);
  return store.db.select().from(flagExposures).where(eq(flagExposures.flagId, flagId));
}
async function summary(sk: string, flagId: string) {
  return (await (await t.request(`/v1/admin/flags/${flagId}/exposures`, { headers: adminHeaders(sk) })).json()) as {
    currentVersion: number;
    versions: { version: number; total: number; variations: { index: number; count: number }[] }[];
  };
}

describe("exposures (acceptance 4)", () => {
  test("one exposure per visitor and flag version, however often and however concurrently the visitor asks", async () => {
    const f = await startFlag(A.sk, { key: "idem" });
    const first = await (await get(A.pk, "visitorId=alice")).json();
    const assigned = first.flags.idem.variationIndex;
    for (let i = 0; i < 3; i++) expect((await (await get(A.pk, "visitorId=alice")).json()).flags.idem.variationIndex).toBe(assigned);
    await Promise.all(Array.from({ length: 10 }, () => get(A.pk, "visitorId=bob")));
    const rows = await exposures(A.id, f.id);
    expect(rows.map((r) => r.visitorId).sort()).toEqual(["alice", "bob"]);
    expect(rows.find((r) => r.visitorId === "alice")).toMatchObject({ flagVersion: 1, variationIndex: assigned });
    const s = await summary(A.sk, f.id);
    expect(s.versions).toHaveLength(1);
    expect(s.versions[0]!.total).toBe(2);
  });

  test("the database write itself is idempotent: recording the same exposure twice keeps the first", async () => {
    const f = await startFlag(A.sk, { key: "idem-db" });
    const store = await t.platform.pool.get(A.id);
    const ctx = { store, clock: t.platform.clock };
    const row = { flagId: f.id, flagVersion: 1, visitorId: "carol", variationIndex: 1 };
    expect(await recordExposures(ctx, [row])).toBe(1);
    expect(await recordExposures(ctx, [{ ...row, variationIndex: 0 }, { ...row, visitorId: "dave" }])).toBe(1);
    const rows = await exposures(A.id, f.id);
    expect(rows).toHaveLength(2);
    expect(rows.find((r) => r.visitorId === "carol")!.variationIndex).toBe(1);
  });

  test("isolated per store: the same visitor id in store B creates B's own exposure; A's count is unchanged", async () => {
    const a = await startFlag(A.sk, { key: "shared-key" });
    const b = await startFlag(B.sk, { key: "shared-key" });
    await get(A.pk, "visitorId=eve");
    await get(B.pk, "visitorId=eve");
    await get(B.pk, "visitorId=eve");
    expect((await exposures(A.id, a.id)).map((r) => r.visitorId)).toEqual(["eve"]);
    expect((await exposures(B.id, b.id)).map((r) => r.visitorId)).toEqual(["eve"]);
    expect(await exposures(B.id, a.id)).toEqual([]); // B's file holds nothing of A's flag
    expect((await t.request(`/v1/admin/flags/${a.id}/exposures`, { headers: adminHeaders(B.sk) })).status).toBe(404);
    expect((await summary(A.sk, a.id)).versions[0]!.total).toBe(1);
  });

  test("a new version counts the same visitor again, under the new version", async () => {
    const f = await startFlag(A.sk, { key: "versioned" });
    await get(A.pk, "visitorId=frank");
    await t.request(`/v1/admin/flags/${f.id}`, { method: "PATCH", headers: adminHeaders(A.sk), json: { weights: [0.1, 0.9] } });
    const after = await (await get(A.pk, "visitorId=frank")).json();
    expect(after.flags.versioned.version).toBe(2);
    const rows = await exposures(A.id, f.id);
    expect(rows.map((r) => r.flagVersion).sort()).toEqual([1, 2]);
    const s = await summary(A.sk, f.id);
    expect(s.currentVersion).toBe(2);
    expect(s.versions.map((v) => v.total)).toEqual([1, 1]);
  });

  test("DEFAULT and DISABLED answers record no exposure", async () => {
    const covered = await startFlag(A.sk, { key: "no-coverage", coverage: 0 });
    const killed = await startFlag(A.sk, { key: "killed" });
    await t.request(`/v1/admin/flags/${killed.id}/disable`, { method: "POST", headers: adminHeaders(A.sk) });
    const r = await (await get(A.pk, "visitorId=grace")).json();
    expect(r.flags["no-coverage"].reason).toBe("DEFAULT");
    expect(r.flags.killed.reason).toBe("DISABLED");
    expect(await exposures(A.id, covered.id)).toEqual([]);
    expect(await exposures(A.id, killed.id)).toEqual([]);
  });

  test("exposure summary lists every variation, zero counts included", async () => {
    const f = await startFlag(A.sk, { key: "summary", variations: ["a", "b", "c"], weights: [0, 0, 1] });
    for (const v of ["s1", "s2", "s3"]) await get(A.pk, `visitorId=${v}`);
    const s = await summary(A.sk, f.id);
    expect(s.versions[0]!.variations).toEqual([
      { index: 0, value: "a", count: 0 },
      { index: 1, value: "b", count: 0 },
      { index: 2, value: "c", count: 3 },
    ] as never);
  });
});

describe("visitor validation", () => {
  test("visitorId must be 1–128 safe characters; attribute names are checked", async () => {
    for (const q of ["", "visitorId=", `visitorId=${"x".repeat(129)}`, "visitorId=a%20b", "visitorId=%3Cscript%3E"]) {
      const res = await get(A.pk, q);
      expect(res.status, q).toBe(422);
    }
    expect((await get(A.pk, `visitorId=${"x".repeat(128)}`)).status).toBe(200);
    expect((await get(A.pk, "visitorId=user:42@shop.example")).status).toBe(200);
    const badAttr = await get(A.pk, "visitorId=v&bad-name=1");
    expect(badAttr.status).toBe(422);
    expect((await badAttr.json()).error.reason).toBe("flags.invalid_attribute");
  });
});

describe("determinism across a restart", () => {
  test("the same visitors get the same variations after the platform is closed and reopened on the same files", async () => {
    const dir = tempDataDir();
    try {
      const config = loadConfig({ TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY, TRAFI_DEMO: "false" });
      const ids = Array.from({ length: 50 }, (_, i) => `restart-${i}`);
      const first = await openPlatform(config, { log: silentLogger });
      const store = await first.provisionStore({ name: "Restart" });
      let ctx = await systemCtx(first, store.id, "test");
      const f = await createFlag(ctx, { key: "restart", name: "Restart", variations: ["a", "b", "c"] });
      await transitionFlag(ctx, f.id, "start");
      const before = await Promise.all(ids.map((id) => getFlagsForVisitor(ctx, { id })));
      await first.close();

      const second = await openPlatform(config, { log: silentLogger });
      ctx = await systemCtx(second, store.id, "test");
      const after = await Promise.all(ids.map((id) => getFlagsForVisitor(ctx, { id })));
      expect(after).toEqual(before);
      expect(new Set(after.map((r) => r.restart!.variationIndex)).size).toBe(3);
      // And a version bump in the new process re-randomizes from seed "restart:v2".
      await updateFlag(ctx, f.id, { weights: [0.2, 0.3, 0.5] });
      const bumped = await getFlagsForVisitor(ctx, { id: "restart-0" });
      expect(bumped.restart!.version).toBe(2);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
