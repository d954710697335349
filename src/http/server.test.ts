import { expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { loadConfig } from "../config.ts";
import { createLogger } from "../kernel/logger.ts";
import { openPlatform } from "../platform.ts";
import { startServer } from "./server.ts";
import { TEST_MASTER_KEY, tempDataDir } from "../testing/harness.ts";

test("a real server logs one JSON line per request and drains in-flight requests on stop", async () => {
  const dir = tempDataDir();
  const lines: string[] = [];
  const config = loadConfig({ TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY, PORT: "0" });
  const platform = await openPlatform(config, { log: createLogger({ sink: (l) => lines.push(l) }) });
  const store = await platform.provisionStore({ name: "S" });
  const sk = (await platform.keys.create({ storeId: store.id, type: "secret" })).token;
  const running = startServer(platform, { port: 0, host: "127.0.0.1" });
  try {
    const health = await fetch(`${running.url}/health`);
    expect(health.status).toBe(200);
    const settings = await fetch(`${running.url}/v1/admin/settings`, { headers: { authorization: `Bearer ${sk}`, "x-request-id": "trace-abcdef12" } });
    expect(settings.status).toBe(200);
    const log = lines.map((l) => JSON.parse(l)).find((l) => l.msg === "request" && l.requestId === "trace-abcdef12");
    expect(log).toMatchObject({ method: "GET", path: "/v1/admin/settings", status: 200, storeId: store.id, level: "info" });
    expect(typeof log.durationMs).toBe("number");

    // Hold the store's write lock so a PATCH is in flight when stop() begins.
    const handle = await platform.pool.get(store.id);
    let release!: () => void;
    const held = handle.withLock(() => new Promise<void>((r) => (release = r)));
    const inflight = fetch(`${running.url}/v1/admin/settings`, {
      method: "PATCH",
      headers: { authorization: `Bearer ${sk}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "during shutdown" }),
    });
    await Bun.sleep(50); // let the request reach the lock (a real socket: no clock to inject here)
    const stopping = running.stop(5_000);
    await expect(fetch(`${running.url}/health`)).rejects.toThrow(); // no new connections
    release();
    await held;
    const res = await inflight;
    expect(res.status).toBe(200);
    expect((await res.json()).name).toBe("during shutdown");
    await stopping;
  } finally {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
