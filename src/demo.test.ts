import { afterAll, expect, test } from "bun:test";
import { statSync } from "node:fs";
import { join } from "node:path";
import { createTestPlatform, adminHeaders, storeHeaders } from "./testing/harness.ts";
import { DEMO_CREDENTIALS_FILE, ensureDemoStore } from "./demo.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

test("an empty data dir gets a seeded demo store with generated keys; a restart reuses it", async () => {
  const first = await ensureDemoStore(t.platform);
  if (first.kind !== "created") throw new Error(`expected a new demo store, got ${first.kind}`);
  const c = first.credentials;
  expect(c.secretKey).toMatch(/^sk_[0-9A-Za-z]{32}$/);
  expect(statSync(join(t.dir, DEMO_CREDENTIALS_FILE)).mode & 0o777).toBe(0o600);
  const pub = await (await t.request("/v1/store/store", { headers: storeHeaders(c.publishableKey) })).json();
  expect(pub).toMatchObject({ id: c.storeId, name: "Trafi Demo Store", defaultCurrency: "EUR" });
  const settings = await (await t.request("/v1/admin/settings", { headers: adminHeaders(c.secretKey) })).json();
  expect(settings.timezone).toBe("Europe/Paris"); // seeded
  // The reference storefront at / sells from the demo store: order e-mails link there.
  expect(settings).toMatchObject({ storefrontUrl: t.platform.config.publicUrl, returnWindowDays: 30 });

  const again = await ensureDemoStore(t.platform);
  expect(again).toEqual({ kind: "reused", credentials: c });
});

test("a data dir that already has stores gets no demo store", async () => {
  await using other = await createTestPlatform();
  await other.createStore("Operator's own");
  expect(await ensureDemoStore(other.platform)).toEqual({ kind: "none" });
  await using off = await createTestPlatform({ env: { TRAFI_DEMO: "false" } });
  expect(await ensureDemoStore(off.platform)).toEqual({ kind: "none" });
});
