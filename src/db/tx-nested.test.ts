// The transaction join (LocalClient's AsyncLocalStorage) is kept per client. withTx refuses nesting only for the
// same store, so a withTx of store B inside store A's body is allowed; inside B's body A's prepared queries (cartRow,
// getOrderRow, insertRow, updateById, recordAudit's head read...) must still join A's transaction — with one shared
// slot (found by review) reads went to A's reader connection, missing A's own rows, and writes deadlocked.
import { afterAll, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { createTestPlatform } from "../testing/harness.ts";
import { withTx } from "./tx.ts";
import { carts } from "../modules/cart/cart.tables.ts";
import { cartRow } from "../modules/cart/carts.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

test("inside a nested withTx of another store, the outer store's tx still reads its own rows", async () => {
  const a = await t.platform.pool.get((await t.createStore()).id);
  const b = await t.platform.pool.get((await t.createStore()).id);
  const id = "cart_01HZZZZZZZZZZZZZZZZZZZZZZZ";
  const seen = await withTx({ store: a }, async (txA) => {
    await txA.insert(carts).values({ id, currency: "EUR", createdAt: 1, updatedAt: 1 });
    expect((await cartRow(txA, id)).id).toBe(id); // joined: fine here
    return withTx({ store: b }, async () => {
      // Same call, same txA, one level deeper: runs outside txA.
      const viaBuilder = (await txA.select().from(carts).where(eq(carts.id, id))).length;
      const viaPrepared = await cartRow(txA, id).then(() => 1, () => 0);
      return { viaBuilder, viaPrepared };
    });
  });
  expect(seen).toEqual({ viaBuilder: 1, viaPrepared: 1 }); // with one shared slot: viaPrepared 0 (NotFound)
});
