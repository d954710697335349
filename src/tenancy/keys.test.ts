import { afterAll, describe, expect, test } from "bun:test";
import { createTestPlatform } from "../testing/harness.ts";
import { hashToken } from "./keys.ts";
import { ValidationFailed, NotFound } from "../kernel/errors.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

describe("API keys", () => {
  test("only the hash of a token is stored, and it resolves to its store", async () => {
    const s = await t.createStore();
    const { key, token } = await t.platform.keys.create({ storeId: s.id, type: "secret", scopes: ["settings:read"] });
    expect(token).toMatch(/^sk_[0-9A-Za-z]{32}$/);
    const rows = await t.platform.control.client.execute({ sql: "SELECT token_hash FROM api_keys WHERE id = ?", args: [key.id] });
    expect(rows.rows[0]?.token_hash).toBe(hashToken(token));
    const dump = await t.platform.control.client.execute("SELECT * FROM api_keys");
    expect(JSON.stringify(dump.rows)).not.toContain(token);
    expect((await t.platform.keys.resolve(token))?.storeId).toBe(s.id);
  });

  test("unknown, malformed, revoked and expired tokens resolve to nothing", async () => {
    const s = await t.createStore();
    expect(await t.platform.keys.resolve("sk_" + "x".repeat(32))).toBeNull();
    expect(await t.platform.keys.resolve("not a key")).toBeNull();
    const a = await t.platform.keys.create({ storeId: s.id, type: "secret" });
    expect(await t.platform.keys.resolve(a.token)).not.toBeNull(); // now cached
    await t.platform.keys.revoke(s.id, a.key.id);
    expect(await t.platform.keys.resolve(a.token)).toBeNull(); // the cache does not outlive a revocation
    const b = await t.platform.keys.create({ storeId: s.id, type: "secret", expiresAt: Date.now() - 1 });
    expect(await t.platform.keys.resolve(b.token)).toBeNull();
  });

  test("scopes must be known permissions", async () => {
    const s = await t.createStore();
    await expect(t.platform.keys.create({ storeId: s.id, type: "secret", scopes: ["orders:delete_everything"] })).rejects.toBeInstanceOf(ValidationFailed);
    const ok = await t.platform.keys.create({ storeId: s.id, type: "secret", scopes: ["settings:*", "api_keys:read"] });
    expect(ok.key.scopes).toEqual(["settings:*", "api_keys:read"]);
  });

  test("another store's key id is not found", async () => {
    const a = await t.createStore();
    const b = await t.createStore();
    const k = await t.platform.keys.create({ storeId: a.id, type: "secret" });
    await expect(t.platform.keys.get(b.id, k.key.id)).rejects.toBeInstanceOf(NotFound);
    await expect(t.platform.keys.revoke(b.id, k.key.id)).rejects.toBeInstanceOf(NotFound);
    expect(await t.platform.keys.resolve(k.token)).not.toBeNull();
  });
});
