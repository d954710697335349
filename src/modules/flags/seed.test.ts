import { expect, test } from "bun:test";
import { createTestPlatform, adminHeaders, storeHeaders } from "../../testing/harness.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { flagsSeeder } from "./seed.ts";

test("the demo flags seeder is idempotent and leaves a running 50/50 experiment and a draft", async () => {
  await using t = await createTestPlatform();
  const s = await t.createStore();
  const ctx = await systemCtx(t.platform, s.id, "seed");
  await flagsSeeder.run(ctx);
  await flagsSeeder.run(ctx);
  const list = await (await t.request("/v1/admin/flags", { headers: adminHeaders(s.sk) })).json();
  const byKey = Object.fromEntries(list.data.map((f: { key: string; status: string }) => [f.key, f.status]));
  expect(byKey).toEqual({ "free-shipping-banner": "running", "checkout-trust-badges": "running", "one-page-checkout": "draft" });
  const served = await (await t.request("/v1/store/flags?visitorId=demo-1&country=FR", { headers: storeHeaders(s.pk) })).json();
  expect(Object.keys(served.flags).sort()).toEqual(["checkout-trust-badges", "free-shipping-banner"]);
  expect(served.flags["free-shipping-banner"].reason).toBe("SPLIT");
});
