// Acceptance: 50 concurrent writes against one store all succeed, and meanwhile a second store keeps answering.
import { afterAll, expect, test } from "bun:test";
import { createTestPlatform, adminHeaders, storeHeaders } from "../testing/harness.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

test("50 concurrent writes to store A succeed while store B keeps being answered", async () => {
  const A = await t.createStore("A");
  const B = await t.createStore("B");
  let writesDone = 0;
  let readsOfBDuringWrites = 0;
  const writes = Array.from({ length: 50 }, (_, i) =>
    t
      .request("/v1/admin/settings", { method: "PATCH", headers: adminHeaders(A.sk), json: { supportEmail: `w${i}@example.com` } })
      .then(async (res) => {
        writesDone++;
        return res;
      }),
  );
  const reads = (async () => {
    const statuses: number[] = [];
    // Keep asking B while A's writes are queued behind its lock. Each round yields to the event loop as a network
    // client would: A's commits finish on I/O callbacks (the fsync), which a loop of microtasks alone would starve.
    while (writesDone < 50) {
      await new Promise((r) => setImmediate(r));
      const res = await t.request("/v1/store/store", { headers: storeHeaders(B.pk) });
      statuses.push(res.status);
      if (writesDone < 50) readsOfBDuringWrites++;
    }
    return statuses;
  })();
  const results = await Promise.all(writes);
  const statuses = await reads;
  expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
  expect(statuses.every((s) => s === 200)).toBe(true);
  expect(readsOfBDuringWrites).toBeGreaterThan(0);
  const final = await (await t.request("/v1/admin/settings", { headers: adminHeaders(A.sk) })).json();
  expect(final.revision).toBe(50); // every write landed, none lost
});
