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
