// The real `serve` process: first start provisions the demo store and prints its keys, /health answers,
// SIGTERM stops it cleanly, and a restart reuses the same demo store.
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { tempDataDir } from "../testing/harness.ts";

const main = join(import.meta.dir, "..", "main.ts");
const dir = tempDataDir("trafi-serve-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function startOnce() {
  const proc = Bun.spawn(["bun", main, "serve", "--port", "0", "--json"], {
    env: { ...process.env, TRAFI_DATA_DIR: dir, TRAFI_LOG_LEVEL: "warn" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const reader = proc.stdout.getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve exited early: ${await new Response(proc.stderr).text()}`);
    buf += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { proc, started: JSON.parse(buf.slice(0, buf.indexOf("\n"))) };
}

test("serve: demo store on first start, health, graceful SIGTERM, same demo store after restart", async () => {
  const first = await startOnce();
  expect(first.started.demo.kind).toBe("created");
  const { publishableKey, secretKey, storeId } = first.started.demo.credentials;
  expect((await fetch(`${first.started.url}/health`)).status).toBe(200);
  const settings = await fetch(`${first.started.url}/v1/admin/settings`, { headers: { authorization: `Bearer ${secretKey}` } });
  expect((await settings.json()).storeId).toBe(storeId);
  first.proc.kill("SIGTERM");
  expect(await first.proc.exited).toBe(0);

  const second = await startOnce();
  expect(second.started.demo).toEqual({ kind: "reused", credentials: first.started.demo.credentials });
  const pub = await fetch(`${second.started.url}/v1/store/store`, { headers: { "x-publishable-key": publishableKey } });
  expect(pub.status).toBe(200);
  const hc = Bun.spawn(["bun", main, "healthcheck", "--url", second.started.url], { stdout: "pipe" });
  expect(await hc.exited).toBe(0);
  second.proc.kill("SIGINT");
  expect(await second.proc.exited).toBe(0);
  const down = Bun.spawn(["bun", main, "healthcheck", "--url", second.started.url], { stdout: "pipe", stderr: "pipe" });
  expect(await down.exited).toBe(1);
}, 30_000); // two real starts, each seeding the demo store

test("the start banner prints the storefront URL: the demo store's, TRAFI_STOREFRONT_KEY's, or how to get one", async () => {
  const { banner } = await import("./serve.ts");
  const credentials = {
    storeId: "store_1", storeName: "Demo", publishableKey: "pk_1", secretKey: "sk_1", dashboardEmail: "demo@example.com", dashboardPassword: "pw", createdAt: "",
  };
  const url = "http://127.0.0.1:3000";
  const demo = banner(url, { kind: "created", credentials }, null, false);
  expect(demo).toContain("  Storefront  http://127.0.0.1:3000/\n  Dashboard   http://127.0.0.1:3000/admin\n");
  expect(banner(url, { kind: "none" }, null, true)).toContain("  Health      http://127.0.0.1:3000/health\n  Storefront  http://127.0.0.1:3000/\n");
  expect(banner(url, { kind: "none" }, null, false)).toContain("Storefront  http://127.0.0.1:3000/  (no store yet: set TRAFI_STOREFRONT_KEY=pk_… to open one)");
  expect(banner(url, { kind: "created", credentials }, null, true).match(/Storefront/g)).toHaveLength(1);
});
