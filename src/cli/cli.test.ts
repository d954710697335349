import { afterAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../main.ts";
import type { CommandIO } from "./args.ts";
import { TEST_MASTER_KEY, tempDataDir } from "../testing/harness.ts";
import { storeDbPath } from "../tenancy/pool.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function env(extra: Record<string, string> = {}) {
  const dir = tempDataDir("trafi-cli-");
  dirs.push(dir);
  return { TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY, ...extra };
}

async function cli(argv: string[], e: Record<string, string | undefined>) {
  let out = "";
  let err = "";
  const io: CommandIO = { out: (s) => (out += s), err: (s) => (err += s), env: e, isTTY: false };
  const code = await runCli(argv, io);
  return { code, out, err };
}

describe("CLI", () => {
  test("--help everywhere, and bad arguments exit 2 with a clear message", async () => {
    const e = env();
    expect((await cli(["--help"], e)).out).toContain("stores create");
    for (const c of [["serve"], ["migrate"], ["stores", "create"], ["stores", "list"], ["keys", "create"], ["seed"]]) {
      const r = await cli([...c, "--help"], e);
      expect(r.code, c.join(" ")).toBe(0);
      expect(r.out).toContain("Usage: trafi");
      expect(r.out).toContain("--json");
    }
    const cases: [string[], RegExp][] = [
      [["frobnicate"], /unknown command "frobnicate"/],
      [["stores"], /choose one of: stores create, stores list/],
      [["stores", "create"], /a store name is required/],
      [["stores", "list", "--bogus"], /bogus/],
      [["stores", "list", "--limit", "0"], /--limit must be/],
      [["keys", "create", "--type", "secret"], /--store is required/],
      [["keys", "create", "--store", "nope", "--type", "secret"], /--store must be a store id/],
      [["keys", "create", "--store", "store_01JD0000000000000000000000", "--type", "admin"], /--type must be publishable or secret/],
      [["seed"], /--store is required/],
      [["migrate", "--concurrency", "99"], /--concurrency must be 1–16/],
    ];
    for (const [argv, msg] of cases) {
      const r = await cli(argv, e);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });

  test("invalid configuration fails with a message that says what to fix (exit 2)", async () => {
    const r = await cli(["stores", "list"], { ...env(), PORT: "http" });
    expect(r.code).toBe(2);
    expect(r.err).toContain("PORT must be a whole number");
    const k = await cli(["stores", "list"], { ...env(), TRAFI_MASTER_KEY: "short" });
    expect(k.code).toBe(2);
    expect(k.err).toContain("TRAFI_MASTER_KEY must be 32 bytes");
  });

  test("stores create / list, keys create and seed, in --json", async () => {
    const e = env();
    const created = await cli(["stores", "create", "Corner", "Shop", "--currency", "usd", "--json"], e);
    expect(created.code).toBe(0);
    const store = JSON.parse(created.out);
    expect(store.name).toBe("Corner Shop");
    const list = JSON.parse((await cli(["stores", "list", "--json"], e)).out);
    expect(list.data.map((s: { id: string }) => s.id)).toEqual([store.id]);
    const human = await cli(["stores", "list"], e);
    expect(human.out).toContain(store.id);

    const pk = JSON.parse((await cli(["keys", "create", "--store", store.id, "--type", "publishable", "--json"], e)).out);
    expect(pk.token).toMatch(/^pk_/);
    const sk = await cli(["keys", "create", "--store", store.id, "--type", "secret", "--scopes", "settings:read,api_keys:*", "--json"], e);
    expect(JSON.parse(sk.out).scopes).toEqual(["settings:read", "api_keys:*"]);
    const badScope = await cli(["keys", "create", "--store", store.id, "--type", "secret", "--scopes", "everything"], e);
    expect(badScope.code).toBe(2);
    const missing = await cli(["keys", "create", "--store", "store_01JD0000000000000000000000", "--type", "secret"], e);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain("no store");

    const seeded = await cli(["seed", "--store", store.id, "--json"], e);
    expect(seeded.code).toBe(0);
    expect(JSON.parse(seeded.out).steps.length).toBeGreaterThan(0);
  });

  test("migrate walks every store, reports a corrupted one, continues, and exits non-zero", async () => {
    const e = env();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(JSON.parse((await cli(["stores", "create", `s${i}`, "--json"], e)).out).id);
    const ok = await cli(["migrate", "--json"], e);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.out)).toMatchObject({ total: 12, upToDate: 12, failed: [] });

    const bad = ids[5]!;
    const path = storeDbPath(e.TRAFI_DATA_DIR, bad);
    for (const f of [`${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    writeFileSync(path, Buffer.alloc(4096, "garbage"));
    const r = await cli(["migrate"], e);
    expect(r.code).toBe(1);
    expect(r.out).toContain("12 stores: 0 migrated, 11 already on version");
    expect(r.out).toContain(`FAILED ${bad}`);
    expect(r.err).toContain("migrating stores 12/12 (100%)"); // progress lines
    const listed = (await cli(["stores", "list"], e)).out;
    expect(listed).toContain("(last migration failed)");
  });

  test("the real process exits 2 on bad usage", async () => {
    const p = Bun.spawn(["bun", join(import.meta.dir, "..", "main.ts"), "stores", "create"], { env: { ...process.env, ...env() }, stderr: "pipe", stdout: "pipe" });
    expect(await p.exited).toBe(2);
    expect(await new Response(p.stderr).text()).toContain("a store name is required");
  });
});
