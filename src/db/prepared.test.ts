// Prepared queries on a real store file: the rows they write are the rows drizzle's builder writes (nulls stay
// NULL, JSON is encoded once, expressions still work), and inside withTx they run in its transaction.
import { afterAll, describe, expect, test } from "bun:test";
import { eq, isNull, sql } from "drizzle-orm";
import { createTestPlatform } from "../testing/harness.ts";
import { withTx } from "./tx.ts";
import { insertRow, prepared, updateById } from "./prepared.ts";
import { outbox } from "../jobs/outbox.tables.ts";
import { customers } from "../modules/customers/customers.tables.ts";
import { storeSettings } from "../modules/settings/settings.tables.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

async function storeOf() {
  const s = await t.createStore();
  return t.platform.pool.get(s.id);
}

const raw = async (store: Awaited<ReturnType<typeof storeOf>>, q: string, args: unknown[] = []) =>
  (await store.client.execute({ sql: q, args: args as never })).rows.map((r): Record<string, unknown> => ({ ...r }));

describe("insertRow", () => {
  test("writes what the builder writes: NULL stays NULL (also in a JSON column), JSON is encoded once", async () => {
    const store = await storeOf();
    await withTx({ store }, async (tx) => {
      await insertRow(tx, outbox, { id: "evt_a", topic: "t", key: "a", payload: { n: 1, s: "x" }, createdAt: 1, relayedAt: null, lastError: null });
      await insertRow(tx, outbox, { id: "evt_b", topic: "t", key: "b", payload: { n: 2 }, createdAt: 2, relayedAt: 5, lastError: "boom" });
      await tx.insert(outbox).values({ id: "evt_c", topic: "t", key: "c", payload: { n: 3 }, createdAt: 3 });
    });
    const rows = await raw(store, "select id, payload, relayed_at, last_error, typeof(relayed_at) as t1, typeof(last_error) as t2 from outbox order by id");
    expect(rows).toEqual([
      { id: "evt_a", payload: '{"n":1,"s":"x"}', relayed_at: null, last_error: null, t1: "null", t2: "null" },
      { id: "evt_b", payload: '{"n":2}', relayed_at: 5, last_error: "boom", t1: "integer", t2: "text" },
      { id: "evt_c", payload: '{"n":3}', relayed_at: null, last_error: null, t1: "null", t2: "null" },
    ]);
    // The same shape again reuses the statement and binds the new values; drizzle reads them back decoded.
    await withTx({ store }, (tx) => insertRow(tx, outbox, { id: "evt_d", topic: "t", key: "d", payload: { n: 4 }, createdAt: 4, relayedAt: null, lastError: null }));
    const unrelayed = await store.db.select({ id: outbox.id, payload: outbox.payload }).from(outbox).where(isNull(outbox.relayedAt));
    expect(unrelayed).toEqual([
      { id: "evt_a", payload: { n: 1, s: "x" } },
      { id: "evt_c", payload: { n: 3 } },
      { id: "evt_d", payload: { n: 4 } },
    ]);
  });

  test("onConflictDoNothing keeps the first row; without it a duplicate fails and the transaction rolls back", async () => {
    const store = await storeOf();
    const row = { id: "cus_1", email: "a@example.com", firstName: null, lastName: null, ordersCount: 1, createdAt: 1, updatedAt: 1 };
    await withTx({ store }, (tx) => insertRow(tx, customers, row));
    await withTx({ store }, (tx) => insertRow(tx, customers, { ...row, ordersCount: 9 }, { onConflictDoNothing: true }));
    expect((await store.db.select().from(customers))[0]!.ordersCount).toBe(1);
    await expect(
      withTx({ store }, async (tx) => {
        await insertRow(tx, customers, { ...row, id: "cus_2", email: "b@example.com" });
        await insertRow(tx, customers, row);
      }),
    ).rejects.toThrow();
    expect((await store.db.select().from(customers)).map((c) => c.id)).toEqual(["cus_1"]);
  });
});

describe("updateById", () => {
  test("updates one row by id; an SQL expression in the patch falls back to the builder", async () => {
    const store = await storeOf();
    const row = { id: "cus_1", email: "a@example.com", firstName: "Ada", lastName: null, ordersCount: 1, createdAt: 1, updatedAt: 1 };
    await withTx({ store }, async (tx) => {
      await insertRow(tx, customers, row);
      await insertRow(tx, customers, { ...row, id: "cus_2", email: "b@example.com" });
    });
    await withTx({ store }, (tx) => updateById(tx, customers, "cus_1", { firstName: null, lastName: "Lovelace", updatedAt: 2 }));
    await withTx({ store }, (tx) => updateById(tx, customers, "cus_1", { ordersCount: sql`${customers.ordersCount} + 10` }));
    const rows = await store.db.select().from(customers).orderBy(customers.id);
    expect(rows.map((r) => [r.id, r.firstName, r.lastName, r.ordersCount, r.updatedAt])).toEqual([
      ["cus_1", null, "Lovelace", 11, 2],
      ["cus_2", "Ada", null, 1, 1],
    ]);
  });
});

describe("prepared queries and withTx", () => {
  test("inside withTx a query prepared on the store db sees the transaction's own writes; outside, only committed rows", async () => {
    const store = await storeOf();
    const byName = () => prepared(store.db, "test.settingsName", (db) => db.select({ name: storeSettings.name }).from(storeSettings).where(eq(storeSettings.id, sql.placeholder("id"))).prepare());
    let seenInside = "";
    // Another caller, set up outside the transaction (as another request would be), reads while it is open.
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    const outside = gate.then(() => byName().all({ id: 1 })).then((r) => r[0]!.name);
    let seenOutside = "";
    await withTx({ store }, async (tx) => {
      await tx.update(storeSettings).set({ name: "Renamed" });
      seenInside = (await byName().all({ id: 1 }))[0]!.name;
      go();
      seenOutside = await outside;
    });
    expect(seenInside).toBe("Renamed");
    expect(seenOutside).toBe("Test store");
    expect((await byName().all({ id: 1 }))[0]!.name).toBe("Renamed");
  });

  test("a write prepared on the store db joins the transaction: it rolls back with it instead of waiting for the writer", async () => {
    const store = await storeOf();
    await expect(
      withTx({ store }, async (tx) => {
        await insertRow(store.db, outbox, { id: "evt_x", topic: "t", key: "x", payload: {}, createdAt: 1 });
        expect(await tx.select({ id: outbox.id }).from(outbox)).toEqual([{ id: "evt_x" }]);
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(await store.db.select().from(outbox)).toEqual([]);
  });
});
