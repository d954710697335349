import { afterAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createTestPlatform } from "../testing/harness.ts";
import { withTx, NestedTransactionError } from "./tx.ts";
import { storeSettings } from "../modules/settings/settings.tables.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

async function revision(storeId: string): Promise<number> {
  const store = await t.platform.pool.get(storeId);
  return (await store.db.select({ r: storeSettings.revision }).from(storeSettings))[0]!.r;
}

describe("withTx", () => {
  test("50 concurrent read-modify-write transactions on one store all commit and none is lost", async () => {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    // Read, yield to the event loop, then write what was read + 1: without the per-store lock these interleave
    // (lost updates) or fail with SQLITE_BUSY.
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, () =>
        withTx({ store }, async (tx) => {
          const r = (await tx.select({ r: storeSettings.revision }).from(storeSettings))[0]!.r;
          await new Promise((res) => setTimeout(res, 0));
          await tx.update(storeSettings).set({ revision: r + 1 });
        }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    expect(await revision(s.id)).toBe(50);
  });

  test("a throw inside the transaction rolls every statement back", async () => {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    await expect(
      withTx({ store }, async (tx) => {
        await tx.update(storeSettings).set({ name: "half-written", revision: sql`${storeSettings.revision} + 1` });
        throw new Error("boom after the first write");
      }),
    ).rejects.toThrow("boom");
    const row = (await store.db.select().from(storeSettings))[0]!;
    expect(row.name).toBe("Test store");
    expect(row.revision).toBe(0);
    // The lock was released: the next transaction runs.
    await withTx({ store }, async (tx) => tx.update(storeSettings).set({ name: "after" }));
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("after");
  });

  test("a write is on disk when withTx resolves; with durability async it is visible at once and synced right after", async () => {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    const b0 = store.client.stats.syncs;
    await withTx({ store }, (tx) => tx.update(storeSettings).set({ name: "sync" }));
    expect(store.client.stats.syncs).toBe(b0 + 1); // the fdatasync finished before withTx resolved
    const b1 = store.client.stats.syncs;
    await withTx({ store }, (tx) => tx.update(storeSettings).set({ name: "async" }), { durability: "async" });
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("async");
    await store.flush(); // the sync withTx started in the background, or a new one: either way, on disk now
    expect(store.client.stats.syncs).toBe(b1 + 1);
  });

  test("a query the body started but left running after the transaction ended fails instead of writing outside it", async () => {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    let stray!: Promise<unknown>;
    await withTx({ store }, async (tx) => {
      await tx.update(storeSettings).set({ name: "in the transaction" });
      // Not awaited by the body: runs after COMMIT, still in the transaction's context.
      stray = new Promise((r) => setTimeout(r, 10)).then(() => tx.update(storeSettings).set({ name: "stray write" }));
    });
    const err = await stray.then(() => null, (e: Error) => e);
    expect((err?.cause as { code?: string } | undefined)?.code).toBe("TRANSACTION_CLOSED");
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("in the transaction");
  });

  test("each transaction gets its own handle (per-transaction memos); starting a drizzle transaction from it is refused", async () => {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    const handles: object[] = [];
    for (let i = 0; i < 2; i++) await withTx({ store }, async (tx) => void handles.push(tx));
    expect(handles[0]).not.toBe(handles[1]);
    expect(handles[0]).not.toBe(store.db);
    await expect(withTx({ store }, async (tx) => tx.transaction(async () => 1))).rejects.toBeInstanceOf(NestedTransactionError);
    // The writer was not left waiting for itself: the next transaction runs.
    await withTx({ store }, (tx) => tx.update(storeSettings).set({ name: "next" }));
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("next");
  });

  // Found by review: tx is the store's drizzle database, so tx.batch type-checks; it queued for the writer its own
  // transaction held, and the store's writes hung for good.
  test("tx.batch in a body runs inside the transaction, all or nothing; calls that would wait for the writer fail", async () => {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    await withTx({ store }, (tx) => tx.batch([tx.update(storeSettings).set({ name: "a" }), tx.update(storeSettings).set({ name: "b" })]));
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("b");
    // A failing statement undoes the batch's earlier ones, and the body may go on.
    await withTx({ store }, async (tx) => {
      await tx.update(storeSettings).set({ name: "kept" });
      await expect(tx.batch([tx.update(storeSettings).set({ name: "undone" }), tx.run(sql`select no_such_function()`)])).rejects.toThrow();
    });
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("kept");
    // A batch rolled back with its transaction leaves nothing.
    await expect(withTx({ store }, async (tx) => {
      await tx.batch([tx.update(storeSettings).set({ name: "rolled back" })]);
      throw new Error("after the batch");
    })).rejects.toThrow("after the batch");
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("kept");
    // Client calls that need the writer fail at once instead of waiting for the body that holds it.
    await expect(withTx({ store }, () => store.client.executeMultiple("select 1"))).rejects.toMatchObject({ code: "TRANSACTION_ACTIVE" });
    await expect(withTx({ store }, () => store.client.transaction("write"))).rejects.toMatchObject({ code: "TRANSACTION_ACTIVE" });
    await withTx({ store }, (tx) => tx.update(storeSettings).set({ name: "next" }));
    expect((await store.db.select().from(storeSettings))[0]!.name).toBe("next");
  });

  test("nesting withTx on the same store is refused instead of deadlocking", async () => {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    await expect(withTx({ store }, () => withTx({ store }, async () => 1))).rejects.toBeInstanceOf(NestedTransactionError);
  });

  test("transactions of two stores do not wait for each other", async () => {
    const a = await t.platform.pool.get((await t.createStore()).id);
    const b = await t.platform.pool.get((await t.createStore()).id);
    let releaseA!: () => void;
    const gate = new Promise<void>((r) => (releaseA = r));
    const slowA = withTx({ store: a }, async (tx) => {
      await tx.update(storeSettings).set({ name: "A" });
      await gate; // A holds its lock until B has committed
    });
    await withTx({ store: b }, async (tx) => tx.update(storeSettings).set({ name: "B" }));
    releaseA();
    await slowA;
    expect((await b.db.select().from(storeSettings))[0]!.name).toBe("B");
  });
});

describe("group commit (withTx)", () => {
  /** A store with a scratch table; `rows()` reads it from outside any transaction. */
  async function scratch() {
    const s = await t.createStore();
    const store = await t.platform.pool.get(s.id);
    await store.client.execute("CREATE TABLE gc_parent (id INTEGER PRIMARY KEY)");
    await store.client.execute(
      "CREATE TABLE gc_rows (id INTEGER PRIMARY KEY, v TEXT NOT NULL, parent INTEGER REFERENCES gc_parent(id) DEFERRABLE INITIALLY DEFERRED)",
    );
    const insert = (tx: { run: (q: ReturnType<typeof sql>) => Promise<unknown> }, v: string, parent: number | null = null) =>
      tx.run(sql`INSERT INTO gc_rows (v, parent) VALUES (${v}, ${parent})`);
    const rows = async () => (await store.client.execute("SELECT v FROM gc_rows ORDER BY id")).rows.map((r) => String(r[0]));
    /** SQLite COMMITs since `before` (every member here changed rows, so commits - grouped counts them). */
    const commitsSince = (before: { commits: number; grouped: number }) =>
      store.client.stats.commits - before.commits - (store.client.stats.grouped - before.grouped);
    return { store, insert, rows, commitsSince };
  }

  test("write transactions started together share COMMITs, at most 16 to one, and each stays all or nothing", async () => {
    const { store, insert, rows, commitsSince } = await scratch();
    const before = { ...store.client.stats };
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        withTx({ store }, async (tx) => {
          await insert(tx, `r${i}`);
          if (i % 7 === 3) throw new Error(`member ${i} fails after its insert`);
        }),
      ),
    );
    const failed = results.flatMap((r, i) => (r.status === "rejected" ? [i] : []));
    expect(failed).toEqual([3, 10, 17, 24, 31, 38]);
    expect(results.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.message)).toEqual(
      failed.map((i) => `member ${i} fails after its insert`),
    );
    // Every member that did not fail is committed, in order; the failed ones left nothing.
    expect(await rows()).toEqual(Array.from({ length: 40 }, (_, i) => i).filter((i) => i % 7 !== 3).map((i) => `r${i}`));
    expect(store.client.stats.grouped - before.grouped).toBeGreaterThan(0);
    const commits = commitsSince(before);
    expect(commits).toBeLessThan(34);
    expect(commits).toBeGreaterThanOrEqual(Math.ceil(34 / 16)); // GROUP_MAX
  });

  test("a member is answered only once the COMMIT that includes it is done; reads outside never see the group before", async () => {
    const { store, insert, rows } = await scratch();
    const events: string[] = [];
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const a = withTx({ store }, (tx) => insert(tx, "a")).then(() => events.push("a answered"));
    const b = withTx({ store }, async (tx) => {
      events.push("b started");
      await gate; // b has written nothing yet: a's row is in the open transaction, not committed
      await insert(tx, "b");
      events.push("b done");
    }).then(() => events.push("b answered"));
    while (!events.includes("b started")) await new Promise((r) => setTimeout(r, 1));
    // b joined a's group (it ran in a's open transaction); a waits for the COMMIT.
    expect(events).toEqual(["b started"]);
    expect(await rows()).toEqual([]);
    expect(await store.db.run(sql`SELECT 1`)).toBeDefined(); // the reader connection answers meanwhile
    open();
    await Promise.all([a, b]);
    expect(events.slice(0, 2)).toEqual(["b started", "b done"]);
    expect(new Set(events.slice(2))).toEqual(new Set(["a answered", "b answered"]));
    expect(await rows()).toEqual(["a", "b"]);
  });

  test("a COMMIT that fails fails every member of its group, and none of their rows is kept", async () => {
    const { store, insert, rows } = await scratch();
    // b's row breaks a deferred foreign key: SQLite refuses the COMMIT, which a's row shares.
    const a = withTx({ store }, (tx) => insert(tx, "a"));
    const b = withTx({ store }, (tx) => insert(tx, "b", 999));
    const [ra, rb] = await Promise.allSettled([a, b]);
    expect(ra.status).toBe("rejected");
    expect(rb.status).toBe("rejected");
    expect(String((ra as PromiseRejectedResult).reason.message)).toContain("FOREIGN KEY");
    expect(await rows()).toEqual([]);
    // The writer went back: the next transaction commits alone.
    await withTx({ store }, (tx) => insert(tx, "c"));
    expect(await rows()).toEqual(["c"]);
  });

  test("a plain write waiting for the writer is not passed by transactions that join the group later", async () => {
    const { store, insert, rows } = await scratch();
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let started = false;
    const a = withTx({ store }, async (tx) => {
      started = true;
      await gate;
      await insert(tx, "a");
    });
    while (!started) await new Promise((r) => setTimeout(r, 1));
    const plain = store.client.execute("INSERT INTO gc_rows (v) VALUES ('plain')");
    const c = withTx({ store }, (tx) => insert(tx, "c"));
    open();
    await Promise.all([a, plain, c]);
    expect(await rows()).toEqual(["a", "plain", "c"]);
  });

  test("a member whose statement makes SQLite roll back the whole transaction fails its group; the store keeps working", async () => {
    const { store, insert, rows } = await scratch();
    await store.client.execute("CREATE UNIQUE INDEX gc_rows_v ON gc_rows (v)");
    await withTx({ store }, (tx) => insert(tx, "taken"));
    const a = withTx({ store }, (tx) => insert(tx, "a"));
    // OR ROLLBACK undoes the whole SQLite transaction, a's row with it (a full disk does the same).
    const b = withTx({ store }, (tx) => tx.run(sql`INSERT OR ROLLBACK INTO gc_rows (v) VALUES ('taken')`));
    const [ra, rb] = await Promise.allSettled([a, b]);
    expect(rb.status).toBe("rejected");
    expect(ra.status).toBe("rejected"); // a's row is gone: it must not be told it was committed
    expect(await rows()).toEqual(["taken"]);
    await withTx({ store }, (tx) => insert(tx, "after"));
    expect(await rows()).toEqual(["taken", "after"]);
  });

  test("withTx nested in another store's withTx commits at once: no deadlock with a request taking the stores the other way", async () => {
    const x = await scratch();
    const y = await scratch();
    // R1 holds Y's lock around its X transaction; R2 joins X's transactions and then wants Y's lock.
    const r1 = withTx({ store: y.store }, async (ty) => {
      await y.insert(ty, "r1");
      await withTx({ store: x.store }, async (tx) => {
        await x.insert(tx, "r1");
        await new Promise((r) => setTimeout(r, 20)); // R2 queues for X's lock meanwhile
      });
    });
    await new Promise((r) => setTimeout(r, 5));
    const r2 = withTx({ store: x.store }, async (tx) => {
      await x.insert(tx, "r2");
      await withTx({ store: y.store }, (ty) => y.insert(ty, "r2"));
    });
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("deadlock: still waiting after 3 s")), 3_000));
    await Promise.race([Promise.all([r1, r2]), timeout]);
    expect(await x.rows()).toEqual(["r1", "r2"]);
    expect(await y.rows()).toEqual(["r1", "r2"]);
  });
});
