import { afterAll, expect, test } from "bun:test";
import { createTestPlatform, adminHeaders, storeHeaders } from "../../testing/harness.ts";
import { ManualClock } from "../../kernel/clock.ts";

const clock = new ManualClock(Date.UTC(2026, 10, 1));
const t = await createTestPlatform({ clock });
afterAll(() => t[Symbol.asyncDispose]());

test("the cached profile follows every update at once, and another process's write within the TTL", async () => {
  const s = await t.createStore("Before");
  const read = async () => (await (await t.request("/v1/store/store", { headers: storeHeaders(s.pk) })).json()).name;
  expect(await read()).toBe("Before");
  await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { name: "After" } });
  expect(await read()).toBe("After");
  // A write that bypasses this process (as the CLI would): visible once the TTL has passed.
  const handle = await t.platform.pool.get(s.id);
  await handle.client.execute("UPDATE store_settings SET name = 'Elsewhere'");
  expect(await read()).toBe("After");
  clock.advance(30_001);
  expect(await read()).toBe("Elsewhere");
});

test("the public store view tells a storefront whether returns are offered online and which payment provider to name", async () => {
  const s = await t.createStore("Returns");
  const view = async () => (await t.request("/v1/store/store", { headers: storeHeaders(s.pk) })).json();
  expect(await view()).toEqual({ id: s.id, name: "Returns", defaultCurrency: "EUR", returnWindowDays: null, paymentProvider: "sandbox" });
  await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { returnWindowDays: 30 } });
  expect((await view()).returnWindowDays).toBe(30);
  await t.request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(s.sk), json: { returnWindowDays: null } });
  expect((await view()).returnWindowDays).toBeNull();
  await t.request("/v1/admin/settings/payments", { method: "PATCH", headers: adminHeaders(s.sk), json: { provider: "stripe" } });
  expect((await view()).paymentProvider).toBe("stripe");
  // Private settings stay private: no support address, revision or time zone on the public view.
  expect(Object.keys(await view()).sort()).toEqual(["defaultCurrency", "id", "name", "paymentProvider", "returnWindowDays"]);
});
