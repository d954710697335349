// Test harness: a real platform on a temporary data dir (real libSQL files, never mocks), an app to drive with
// app.handle(), and helpers to provision stores with keys. `await using` cleans everything up.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig, type Config } from "../config.ts";
import { silentLogger, type Logger } from "../kernel/logger.ts";
import type { Clock } from "../kernel/clock.ts";
import { openPlatform, type Platform } from "../platform.ts";
import { createApp, type App } from "../http/app.ts";

export const TEST_MASTER_KEY = "a".repeat(64);

export interface TestPlatform extends AsyncDisposable {
  platform: Platform;
  app: App;
  dir: string;
  config: Config;
  /** Provisions a store with a publishable and an all-scopes secret key. */
  createStore(name?: string): Promise<TestStore>;
  /** app.handle on a path, with JSON helpers. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
}

export interface TestStore {
  id: string;
  pk: string;
  sk: string;
}

export function tempDataDir(prefix = "trafi-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function createTestPlatform(opts: { env?: Record<string, string>; log?: Logger; clock?: Clock } = {}): Promise<TestPlatform> {
  const dir = tempDataDir();
  const config = loadConfig({ TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY, ...opts.env });
  const platform = await openPlatform(config, { log: opts.log ?? silentLogger, clock: opts.clock });
  const app = createApp(platform);
  const request = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (json !== undefined) headers.set("content-type", "application/json");
    return app.handle(
      new Request(`http://localhost${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body }),
    );
  };
  return {
    platform,
    app,
    dir,
    config,
    request,
    async createStore(name = "Test store") {
      const store = await platform.provisionStore({ name });
      const pk = await platform.keys.create({ storeId: store.id, type: "publishable" });
      const sk = await platform.keys.create({ storeId: store.id, type: "secret" });
      return { id: store.id, pk: pk.token, sk: sk.token };
    },
    async [Symbol.asyncDispose]() {
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const adminHeaders = (sk: string, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${sk}`, ...extra });
export const storeHeaders = (pk: string, extra: Record<string, string> = {}) => ({ "x-publishable-key": pk, ...extra });
