import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { openClient } from "../db/client.ts";
import { createTestPlatform } from "../testing/harness.ts";
import { TenantPool, storeDbPath } from "./pool.ts";
import { silentLogger } from "../kernel/logger.ts";
import { NotFound } from "../kernel/errors.ts";
import { latestVersion, migrate, migrationsFor, schemaVersion } from "../db/migrate.ts";
import { getStore } from "./stores.ts";
import { newId } from "../kernel/ids.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const key = new Uint8Array(32).fill(7);

function pool(opts: { maxOpen?: number; idleMs?: number; now?: () => number } = {}) {
  return new TenantPool({ dataDir: t.dir, masterKey: t.config.masterKey, maxOpen: opts.maxOpen ?? 10, idleMs: opts.idleMs ?? 60_000, log: silentLogger, now: opts.now });
}

describe("tenant pool", () => {
  test("opens lazily, shares one handle between concurrent callers", async () => {
    const s = await t.createStore();
    const p = pool();
    expect(p.isOpen(s.id)).toBe(false);
    const [a, b] = await Promise.all([p.get(s.id), p.get(s.id)]);
    expect(a).toBe(b);
    expect(p.size).toBe(1);
    await p.closeAll();
  });

  test("stays within its bound, evicting the least recently used store", async () => {
    let clock = 1_000_000;
    const p = pool({ maxOpen: 2, now: () => clock });
    const ids = [(await t.createStore()).id, (await t.createStore()).id, (await t.createStore()).id];
    await p.get(ids[0]!);
    clock += 5_000;
    await p.get(ids[1]!);
    clock += 5_000;
    await p.get(ids[0]!); // ids[0] is now the most recent
    clock += 5_000;
    await p.get(ids[2]!);
    expect(p.size).toBe(2);
    expect(p.isOpen(ids[1]!)).toBe(false);
    expect(p.isOpen(ids[0]!)).toBe(true);
    // An evicted store reopens transparently.
    const again = await p.get(ids[1]!);
    expect((await again.client.execute("SELECT name FROM store_settings")).rows[0]?.name).toBe("Test store");
    await p.closeAll();
  });

  test("closes stores that stayed idle", async () => {
    let clock = 0;
    const p = pool({ idleMs: 1_000, now: () => clock });
    const s = await t.createStore();
    await p.get(s.id);
    clock = 500;
    expect(p.sweepIdle()).toBe(0);
    clock = 2_000;
    expect(p.sweepIdle()).toBe(1);
    expect(p.isOpen(s.id)).toBe(false);
    await p.closeAll();
  });

  test("a store written to through a handle held for long (a batched prune) counts as used at each write", async () => {
    let clock = 0;
    const p = pool({ idleMs: 1_000, now: () => clock });
    const s = await t.createStore();
    const handle = await p.get(s.id); // held, not asked for again: the pool sees the writes only through withLock
    for (let batch = 0; batch < 3; batch++) {
      clock += 900;
      await handle.withLock(async () => {});
      // Between two batches the lock is free: before the fix the handle was closed here once idleMs had passed
      // since p.get, and the next batch failed on a closed client.
      expect(p.sweepIdle()).toBe(0);
    }
    expect(p.isOpen(s.id)).toBe(true);
    clock += 2_000;
    expect(p.sweepIdle()).toBe(1);
    await p.closeAll();
  });

  test("a store on an old schema is migrated when it is opened, and the control DB records the version", async () => {
    const s = await t.createStore();
    await t.platform.pool.close(s.id);
    // Replace the store's file with one on the first schema version only, as an old release would have left it.
    const path = storeDbPath(t.dir, s.id);
    for (const f of [path, `${path}-wal`, `${path}-shm`]) rmSync(f, { force: true });
    const old = await openClient({ path, encryptionKey: t.platform.pool.fileKey(s.id) });
    await migrate(old, "store", Date.now, migrationsFor("store").slice(0, 1));
    expect(await schemaVersion(old)).toBe(1);
    old.close();
    await t.platform.control.client.execute({ sql: "UPDATE stores SET schema_version = 0 WHERE id = ?", args: [s.id] });
    const handle = await t.platform.pool.get(s.id);
    expect(await schemaVersion(handle.client)).toBe(latestVersion("store"));
    expect((await getStore(t.platform.control, s.id)).schemaVersion).toBe(latestVersion("store"));
  });

  test("an unknown store id is not created on disk: 404", async () => {
    await expect(t.platform.pool.get(newId("store"))).rejects.toBeInstanceOf(NotFound);
    await expect(t.platform.pool.get("../../etc")).rejects.toBeInstanceOf(NotFound);
  });

  test("store files are encrypted: no plaintext on disk and unreadable without the master key", async () => {
    const s = await t.createStore("Plaintext Detector Shop");
    await t.platform.pool.close(s.id);
    const bytes = readFileSync(storeDbPath(t.dir, s.id));
    expect(bytes.includes(Buffer.from("SQLite format 3"))).toBe(false);
    expect(bytes.includes(Buffer.from("Plaintext Detector Shop"))).toBe(false);
    const wrong = new TenantPool({ dataDir: t.dir, masterKey: key, maxOpen: 2, idleMs: 60_000, log: silentLogger });
    await expect(wrong.get(s.id)).rejects.toThrow();
    await wrong.closeAll();
  });
});
