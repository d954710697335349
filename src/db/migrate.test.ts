import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { readFileSync } from "node:fs";
import { openClient } from "./client.ts";
import { latestVersion, migrate, MigrationError, schemaVersion } from "./migrate.ts";
import type { EmbeddedMigration } from "./migrations.gen.ts";
import { renderModule } from "../tools/embed-migrations.ts";
import { tempDataDir } from "../testing/harness.ts";

const root = join(import.meta.dir, "..", "..");
const KEY = "b".repeat(64);

const m = (tag: string, ...statements: string[]): EmbeddedMigration => ({ tag, hash: `hash-${tag}`, statements });

describe("migrations", () => {
  test("the embedded module matches migrations/ (run `bun run db:generate` after changing a schema)", () => {
    const onDisk = readFileSync(join(root, "src", "db", "migrations.gen.ts"), "utf8");
    expect(onDisk).toBe(renderModule(root));
  });

  test("a new database is migrated to the latest version and a second run applies nothing", async () => {
    const client = await openClient({ path: join(tempDataDir(), "s.db"), encryptionKey: KEY });
    const first = await migrate(client, "store");
    expect(first.from).toBe(0);
    expect(first.to).toBe(latestVersion("store"));
    expect(first.applied.length).toBe(latestVersion("store"));
    const second = await migrate(client, "store");
    expect(second.applied).toEqual([]);
    expect(await schemaVersion(client)).toBe(latestVersion("store"));
    client.close();
  });

  test("a database on an older version gets only the missing migrations", async () => {
    const client = await openClient({ path: join(tempDataDir(), "s.db"), encryptionKey: KEY });
    const v1 = [m("0000_a", "CREATE TABLE a (id INTEGER PRIMARY KEY)")];
    const v2 = [...v1, m("0001_b", "CREATE TABLE b (id INTEGER PRIMARY KEY)", "INSERT INTO b (id) VALUES (7)")];
    await migrate(client, "store", Date.now, v1);
    const r = await migrate(client, "store", Date.now, v2);
    expect(r).toEqual({ from: 1, to: 2, applied: ["0001_b"] });
    expect((await client.execute("SELECT id FROM b")).rows[0]?.id).toBe(7);
    client.close();
  });

  test("a failing migration leaves the database on its previous version, with none of its statements applied", async () => {
    const client = await openClient({ path: join(tempDataDir(), "s.db"), encryptionKey: KEY });
    const v1 = [m("0000_a", "CREATE TABLE a (id INTEGER PRIMARY KEY)")];
    const bad = [...v1, m("0001_bad", "CREATE TABLE c (id INTEGER)", "INSERT INTO missing_table VALUES (1)")];
    await migrate(client, "store", Date.now, v1);
    await expect(migrate(client, "store", Date.now, bad)).rejects.toThrow();
    expect(await schemaVersion(client)).toBe(1);
    const c = await client.execute("SELECT name FROM sqlite_master WHERE name = 'c'");
    expect(c.rows.length).toBe(0);
    client.close();
  });

  test("an applied migration that was edited afterwards is refused (append-only)", async () => {
    const client = await openClient({ path: join(tempDataDir(), "s.db"), encryptionKey: KEY });
    await migrate(client, "store", Date.now, [m("0000_a", "CREATE TABLE a (id INTEGER)")]);
    const edited = [{ ...m("0000_a", "CREATE TABLE a (id INTEGER, x TEXT)"), hash: "different" }];
    await expect(migrate(client, "store", Date.now, edited)).rejects.toBeInstanceOf(MigrationError);
    client.close();
  });

  test("a database newer than this build is refused instead of being touched", async () => {
    const client = await openClient({ path: join(tempDataDir(), "s.db"), encryptionKey: KEY });
    const v2 = [m("0000_a", "CREATE TABLE a (id INTEGER)"), m("0001_b", "CREATE TABLE b (id INTEGER)")];
    await migrate(client, "store", Date.now, v2);
    await expect(migrate(client, "store", Date.now, v2.slice(0, 1))).rejects.toThrow(/newer than this build/);
    client.close();
  });
});
