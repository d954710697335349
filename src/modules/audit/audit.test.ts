// Acceptance 5: `trafi audit verify` detects an edited or a deleted audit row. Also the audit-log route.
import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { runCli } from "../../main.ts";
import type { CommandIO } from "../../cli/args.ts";
import { TEST_MASTER_KEY, adminHeaders, createTestPlatform } from "../../testing/harness.ts";
import { ManualClock } from "../../kernel/clock.ts";
import { auditLog } from "./audit.tables.ts";

const clock = new ManualClock();
const t = await createTestPlatform({ clock });
afterAll(() => t[Symbol.asyncDispose]());

async function verify(storeId: string, json = false) {
  let out = "";
  let err = "";
  const io: CommandIO = { out: (s) => (out += s), err: (s) => (err += s), env: { TRAFI_DATA_DIR: t.dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY }, isTTY: false };
  const code = await runCli(["audit", "verify", "--store", storeId, ...(json ? ["--json"] : [])], io);
  return { code, out, err };
}

async function storeWithHistory(name: string) {
  const s = await t.createStore(name);
  for (const n of ["One", "Two", "Three", "Four"]) {
    clock.advance(60_000);
    const r = await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { name: `${name} ${n}` } });
    expect(r.status).toBe(200);
  }
  return s;
}

describe("trafi audit verify", () => {
  test("an intact chain exits 0", async () => {
    const s = await storeWithHistory("Intact");
    const r = await verify(s.id);
    expect(r.code).toBe(0);
    expect(r.out).toContain("intact: 4 entries");
    expect(JSON.parse((await verify(s.id, true)).out)).toEqual({ storeId: s.id, ok: true, checked: 4 });
  });

  test("an edited row: exit 1 and the seq that broke", async () => {
    const s = await storeWithHistory("Edited");
    const db = (await t.platform.pool.get(s.id)).db;
    await db.update(auditLog).set({ after: { name: "Innocent" } }).where(eq(auditLog.seq, 3));
    const r = await verify(s.id);
    expect(r.code).toBe(1);
    expect(r.out).toContain("BROKEN at seq 3");
    expect(JSON.parse((await verify(s.id, true)).out)).toMatchObject({ ok: false, brokenAt: 3, checked: 2 });
  });

  test("a deleted row: exit 1 at the gap", async () => {
    const s = await storeWithHistory("Deleted");
    const db = (await t.platform.pool.get(s.id)).db;
    await db.delete(auditLog).where(eq(auditLog.seq, 2));
    const r = await verify(s.id);
    expect(r.code).toBe(1);
    expect(r.out).toContain("BROKEN at seq 3");
  });

  test("bad arguments exit 2", async () => {
    const io: CommandIO = { out: () => {}, err: () => {}, env: { TRAFI_DATA_DIR: t.dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY }, isTTY: false };
    expect(await runCli(["audit", "verify"], io)).toBe(2);
    expect(await runCli(["audit", "verify", "--store", "nope"], io)).toBe(2);
    expect(await runCli(["audit", "verify", "--store", "store_01JD0000000000000000000000"], io)).toBe(2);
  });
});

describe("GET /v1/admin/audit-log", () => {
  test("newest first, with filters (action, action prefix, target, actor, dates) and a cursor; no other store's entries", async () => {
    const s = await storeWithHistory("Listed");
    const other = await storeWithHistory("Other");
    await t.request("/v1/admin/api-keys", { method: "POST", headers: adminHeaders(s.sk), json: { type: "secret", scopes: ["settings:read"] } });
    const get = async (q: string, sk = s.sk) => {
      const res = await t.request(`/v1/admin/audit-log${q}`, { headers: adminHeaders(sk) });
      expect(res.status, q).toBe(200);
      return res.json();
    };
    const all = await get("");
    expect(all.data.map((e: { seq: number }) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(all.data[0]).toMatchObject({ action: "api_key.created", actor: { type: "key" }, targetType: "api_key" });
    expect(all.data[1]).toMatchObject({ action: "settings.updated", before: { name: "Listed Three" }, after: { name: "Listed Four" } });
    expect(all.data.every((e: { requestId: string }) => e.requestId.length > 0)).toBe(true);

    expect((await get("?action=settings.updated")).data.length).toBe(4);
    expect((await get("?action=api_key.*")).data.length).toBe(1);
    expect((await get("?targetType=settings&targetId=profile")).data.length).toBe(4);
    expect((await get(`?actorId=${all.data[0].actor.id}`)).data.length).toBe(5);
    expect((await get("?actorType=user")).data.length).toBe(0);
    const secondAt = all.data[3].at; // seq 2
    const thirdAt = all.data[2].at;
    expect((await get(`?from=${secondAt}&to=${thirdAt}`)).data.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);

    const p1 = await get("?limit=2");
    expect(p1.data.map((e: { seq: number }) => e.seq)).toEqual([5, 4]);
    const p2 = await get(`?limit=2&cursor=${p1.nextCursor}`);
    expect(p2.data.map((e: { seq: number }) => e.seq)).toEqual([3, 2]);
    const p3 = await get(`?limit=2&cursor=${p2.nextCursor}`);
    expect(p3.nextCursor).toBeNull();

    const ids = new Set((await get("", other.sk)).data.map((e: { id: string }) => e.id));
    for (const e of all.data) expect(ids.has(e.id)).toBe(false);
    const bad = await t.request("/v1/admin/audit-log?cursor=garbage", { headers: adminHeaders(s.sk) });
    expect(bad.status).toBe(422);
    const injection = await t.request("/v1/admin/audit-log?action=%25", { headers: adminHeaders(s.sk) });
    expect(injection.status).toBe(422);
  });
});
