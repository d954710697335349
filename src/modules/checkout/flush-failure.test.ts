// A failed fsync after the order transaction committed (fdatasync EIO): what is on disk is unknown, so the buyer
// is not told the order exists; the store handle refuses further work and is reopened, and the buyer's retry of the
// completion returns the order if it survived — and captures it (automatic capture), instead of leaving the
// authorization hanging. (Found by review: the first version answered 500 and never captured on retry.)
import { expect, test } from "bun:test";
import { checkoutFixture } from "./checkout.testing.ts";
import { checkoutFaults } from "./complete.ts";
import { LocalClient } from "../../db/local-client.ts";

test("an fsync failure after the order commit: 500, the store is reopened, the retry returns the order and captures it", async () => {
  await using f = await checkoutFixture();
  const variantId = await f.product(1_000, 3);
  const id = await f.readyCart([{ variantId, quantity: 1 }]);
  expect((await f.pay(id)).status).toBe(201);
  const before = await f.t.platform.pool.get(f.s.id);
  let failNext = false;
  LocalClient.syncFault = () => {
    if (!failNext) return null;
    failNext = false;
    return Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
  };
  checkoutFaults.afterAuthorize = () => {
    failNext = true; // the next fsync is the order transaction's
  };
  let first;
  try {
    first = await f.complete(id);
  } finally {
    checkoutFaults.afterAuthorize = null;
    LocalClient.syncFault = null;
  }
  expect(first.status).toBe(500);
  expect(JSON.stringify(first.body)).not.toContain("EIO"); // no internals in the envelope
  expect(before.client.failed).toBe(true);
  await expect(before.client.execute("select 1")).rejects.toThrow(/reopened/);
  const retry = await f.complete(id);
  expect(retry.status).toBe(200);
  const after = await f.t.platform.pool.get(f.s.id);
  expect(after).not.toBe(before); // a new handle on the same file
  const orders = (await after.client.execute("select id, status from orders")).rows;
  expect(orders.map((r) => r.id)).toEqual([retry.body.id]);
  expect(retry.body.status).toBe("paid");
  expect((await after.client.execute("select status from payments")).rows.map((r) => r.status)).toEqual(["captured"]);
});
