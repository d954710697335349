import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync, chmodSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./config.ts";
import { tempDataDir } from "./testing/harness.ts";

describe("config", () => {
  test("defaults, and a master key generated once with 0600 permissions then reused", () => {
    const dir = tempDataDir();
    const a = loadConfig({ TRAFI_DATA_DIR: dir }, { generateMasterKey: true });
    expect(a).toMatchObject({ port: 3000, host: "127.0.0.1", dataDir: dir, masterKeySource: "generated", poolSize: 256 });
    const file = join(dir, "master.key");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8").trim()).toMatch(/^[0-9a-f]{64}$/);
    const b = loadConfig({ TRAFI_DATA_DIR: dir });
    expect(b.masterKeySource).toBe("file");
    expect(Buffer.from(b.masterKey).equals(Buffer.from(a.masterKey))).toBe(true);
    expect(Object.isFrozen(b)).toBe(true);
    rmSync(dir, { recursive: true });
  });

  test("a world-readable key file is refused with the chmod to run", () => {
    const dir = tempDataDir();
    loadConfig({ TRAFI_DATA_DIR: dir }, { generateMasterKey: true });
    chmodSync(join(dir, "master.key"), 0o644);
    expect(() => loadConfig({ TRAFI_DATA_DIR: dir })).toThrow(/chmod 600/);
    rmSync(dir, { recursive: true });
  });

  test("read-only commands do not generate a key", () => {
    const dir = tempDataDir();
    expect(() => loadConfig({ TRAFI_DATA_DIR: dir })).toThrow(/No master key/);
    expect(existsSync(join(dir, "master.key"))).toBe(false);
    rmSync(dir, { recursive: true });
  });

  test("invalid values fail with a message naming the variable", () => {
    const dir = tempDataDir();
    const base = { TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: "c".repeat(64) };
    const bad: [Record<string, string>, RegExp][] = [
      [{ PORT: "80a" }, /^PORT must be a whole number/],
      [{ PORT: "70000" }, /^PORT must be between/],
      [{ HOST: "exa mple" }, /^HOST must be/],
      [{ TRAFI_MASTER_KEY: "abc" }, /^TRAFI_MASTER_KEY must be 32 bytes/],
      [{ TRAFI_POOL_SIZE: "0" }, /^TRAFI_POOL_SIZE must be between 1/],
      [{ TRAFI_LOG_LEVEL: "loud" }, /^TRAFI_LOG_LEVEL must be one of/],
      [{ TRAFI_DEMO: "maybe" }, /^TRAFI_DEMO must be true or false/],
      [{ TRAFI_PUBLIC_URL: "not a url" }, /^TRAFI_PUBLIC_URL must be an absolute URL/],
      [{ TRAFI_STOREFRONT_KEY: "sk_abc123" }, /^TRAFI_STOREFRONT_KEY must be a publishable key \(pk_…\), never a secret key/],
      [{ TRAFI_STOREFRONT_KEY: "pk_<script>" }, /^TRAFI_STOREFRONT_KEY must be a publishable key/],
    ];
    for (const [env, msg] of bad) {
      let err: unknown;
      try {
        loadConfig({ ...base, ...env });
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(env)).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toMatch(msg);
    }
    expect(loadConfig({ ...base, TRAFI_MASTER_KEY: Buffer.alloc(32, 9).toString("base64") }).masterKeySource).toBe("env");
    expect(loadConfig(base).storefrontKey).toBeNull();
    expect(loadConfig({ ...base, TRAFI_STOREFRONT_KEY: " pk_3kTz9 " }).storefrontKey).toBe("pk_3kTz9");
    rmSync(dir, { recursive: true });
  });
});
