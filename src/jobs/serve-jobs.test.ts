// `trafi serve` starts the workers: an order committed while no server ran is relayed and e-mailed after start,
// visible through the admin API of the running server; SIGTERM stops workers and server cleanly (exit 0).
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { silentLogger } from "../kernel/logger.ts";
import { openPlatform } from "../platform.ts";
import { TEST_MASTER_KEY, tempDataDir } from "../testing/harness.ts";
import { commitOrder } from "./testdata/order-fixture.ts";

const dir = tempDataDir("trafi-serve-jobs-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY, TRAFI_DEMO: "false", TRAFI_LOG_LEVEL: "warn" };

test("serve runs the workers and stops them gracefully", async () => {
  const p = await openPlatform(loadConfig(env), { log: silentLogger });
  const store = await p.provisionStore({ name: "Serve jobs" });
  const { token } = await p.keys.create({ storeId: store.id, type: "secret" });
  await commitOrder(p, store.id, "served@example.com");
  await p.outbox.kick(store.id); // no worker in this process: the store is marked pending
  await p.close();

  const proc = Bun.spawn(["bun", join(import.meta.dir, "..", "main.ts"), "serve", "--port", "0", "--json"], {
    env: { ...process.env, ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  try {
    const reader = proc.stdout.getReader();
    let buf = "";
    while (!buf.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve exited early: ${await new Response(proc.stderr).text()}`);
      buf += new TextDecoder().decode(value);
    }
    reader.releaseLock();
    const { url } = JSON.parse(buf.slice(0, buf.indexOf("\n")));
    const headers = { authorization: `Bearer ${token}` };
    const deadline = performance.now() + 10_000;
    for (;;) {
      const emails = await (await fetch(`${url}/v1/admin/emails`, { headers })).json();
      if (emails.data.some((e: { to: string }) => e.to === "served@example.com")) break;
      if (performance.now() > deadline) throw new Error("the server never sent the e-mail");
      await Bun.sleep(20);
    }
    const jobs = await (await fetch(`${url}/v1/admin/jobs`, { headers })).json();
    expect(jobs.counts.dead).toBe(0);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  } finally {
    proc.kill("SIGKILL");
  }
}, 20_000);
