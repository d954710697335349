// The storefront evaluates from an in-memory copy of the store's flag definitions: a change made behind the
// module's back (another process, a restored file) is not seen until an admin write of this process or the TTL.
import { expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { ManualClock } from "../../kernel/clock.ts";
import { createTestPlatform, adminHeaders, storeHeaders } from "../../testing/harness.ts";
import { DEFINITIONS_TTL_MS } from "./cache.ts";
import { flags } from "./flags.tables.ts";

test("definitions are cached per store, dropped by every admin write and by the TTL", async () => {
  const clock = new ManualClock();
  await using t = await createTestPlatform({ clock });
  const s = await t.createStore();
  const admin = (method: string, path: string, json?: unknown) =>
    t.request(`/v1/admin/flags${path}`, { method, headers: adminHeaders(s.sk), json });
  const reason = async () =>
    (await (await t.request("/v1/store/flags?visitorId=v1", { headers: storeHeaders(s.pk) })).json()).flags.cached?.reason;

  const f = await (await admin("POST", "", { key: "cached", name: "Cached", variations: [false, true] })).json();
  await admin("POST", `/${f.id}/start`);
  expect(await reason()).toBe("SPLIT");

  // Written straight to the file, as another process would: this process keeps serving its cached copy.
  const store = await t.platform.pool.get(s.id);
  await store.db.update(flags).set({ enabled: false }).where(eq(flags.id, f.id));
  expect(await reason()).toBe("SPLIT");

  // Any admin write of the store drops the cache (here: creating an unrelated flag).
  await admin("POST", "", { key: "other", name: "Other", variations: [1, 2] });
  expect(await reason()).toBe("DISABLED");

  await store.db.update(flags).set({ enabled: true }).where(eq(flags.id, f.id));
  clock.advance(DEFINITIONS_TTL_MS - 1);
  expect(await reason()).toBe("DISABLED");
  clock.advance(1);
  expect(await reason()).toBe("SPLIT");
});
