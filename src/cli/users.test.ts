import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { runCli } from "../main.ts";
import type { CommandIO } from "./args.ts";
import { TEST_MASTER_KEY, tempDataDir } from "../testing/harness.ts";
import { loadConfig } from "../config.ts";
import { openPlatform } from "../platform.ts";
import { silentLogger } from "../kernel/logger.ts";
import { createApp } from "../http/app.ts";

const dir = tempDataDir("trafi-users-cli-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY };

async function cli(argv: string[], stdin = "") {
  let out = "";
  let err = "";
  const io = { out: (s: string) => (out += s), err: (s: string) => (err += s), env, isTTY: false, stdin: async () => stdin } as CommandIO;
  return { code: await runCli(argv, io), out, err };
}

describe("trafi users create", () => {
  test("bad arguments exit 2 with a clear message", async () => {
    const store = JSON.parse((await cli(["stores", "create", "Shop", "--json"])).out).id as string;
    const cases: [string[], string, RegExp][] = [
      [["users", "create", "--store", store, "--role", "owner", "--password-stdin"], "long enough pw", /--email is required/],
      [["users", "create", "--email", "nope", "--store", store, "--role", "owner"], "", /--email must be an e-mail/],
      [["users", "create", "--email", "a@b.co", "--store", "x", "--role", "owner"], "", /--store must be a store id/],
      [["users", "create", "--email", "a@b.co", "--store", store, "--role", "god"], "", /--role must be one of/],
      [["users", "create", "--email", "a@b.co", "--store", store, "--role", "owner", "--password-stdin"], "short\n", /10 to 256 characters/],
      [["users", "create", "--email", "a@b.co", "--store", store, "--role", "owner"], "", /--password-stdin is required/],
      [["users", "create", "--email", "a@b.co", "--store", "store_01JD0000000000000000000000", "--role", "owner", "--password-stdin"], "long enough pw", /no store/],
      [["users", "create", "--password", "x"], "", /password/],
    ];
    for (const [argv, stdin, msg] of cases) {
      const r = await cli(argv, stdin);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.err).toMatch(msg);
    }
  });

  test("creates the user and membership (--json), reuses the user for a second store, and the login works", async () => {
    const s1 = JSON.parse((await cli(["stores", "create", "One", "--json"])).out).id as string;
    const s2 = JSON.parse((await cli(["stores", "create", "Two", "--json"])).out).id as string;
    const r = await cli(["users", "create", "--email", "Boss@Example.com", "--password-stdin", "--store", s1, "--role", "owner", "--json"], "a long password\n");
    expect(r.code).toBe(0);
    const made = JSON.parse(r.out);
    expect(made).toMatchObject({ email: "boss@example.com", storeId: s1, role: "owner", created: true });
    const again = await cli(["users", "create", "--email", "boss@example.com", "--store", s2, "--role", "viewer"]);
    expect(again.code).toBe(0);
    expect(again.out).toContain("already existed");
    expect((await cli(["users", "create", "--email", "boss@example.com", "--store", s2, "--role", "viewer"])).code).toBe(2); // already a member

    const platform = await openPlatform(loadConfig(env), { log: silentLogger });
    try {
      const app = createApp(platform);
      const res = await app.handle(
        new Request("http://localhost/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "boss@example.com", password: "a long password" }) }),
      );
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.stores.map((s: { storeId: string; role: string }) => [s.storeId, s.role]).sort()).toEqual([[s1, "owner"], [s2, "viewer"]].sort());
    } finally {
      await platform.close();
    }
  });
});

describe("trafi keys revoke / rotate", () => {
  test("rotate prints a new token once, revoke kills a key; both audited; bad ids exit 2", async () => {
    const store = JSON.parse((await cli(["stores", "create", "Keys", "--json"])).out).id as string;
    const key = JSON.parse((await cli(["keys", "create", "--store", store, "--type", "secret", "--json"])).out);
    const rotated = await cli(["keys", "rotate", "--store", store, "--id", key.id, "--overlap", "60", "--json"]);
    expect(rotated.code).toBe(0);
    const r = JSON.parse(rotated.out);
    expect(r.token).toMatch(/^sk_/);
    expect(r.previous.id).toBe(key.id);
    expect(r.previous.expiresAt).not.toBeNull();
    const revoked = await cli(["keys", "revoke", "--store", store, "--id", r.key.id, "--json"]);
    expect(JSON.parse(revoked.out).revokedAt).not.toBeNull();
    expect((await cli(["keys", "rotate", "--store", store, "--id", r.key.id])).code).toBe(2); // revoked: cannot rotate
    expect((await cli(["keys", "revoke", "--store", store, "--id", "key_01JD0000000000000000000000"])).code).toBe(2);
    expect((await cli(["keys", "rotate", "--store", store, "--id", "nope"])).code).toBe(2);
    expect((await cli(["keys", "rotate", "--store", store, "--id", key.id, "--overlap", "-5"])).code).toBe(2);
    expect((await cli(["audit", "verify", "--store", store])).out).toContain("intact: 2 entries");
  });
});
