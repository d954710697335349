// Outbox retention with real files: relayed rows are deleted a week after their relay, a batch per transaction;
// an unrelayed row never is, however old.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, inArray } from "drizzle-orm";
import { createTestPlatform, type TestPlatform, type TestStore } from "../testing/harness.ts";
import { ManualClock } from "../kernel/clock.ts";
import { newId } from "../kernel/ids.ts";
import { withTx } from "../db/tx.ts";
import { stores } from "../tenancy/control.tables.ts";
import { outbox } from "./outbox.tables.ts";
import { controlOutbox } from "./control-outbox.tables.ts";
import { OUTBOX_KEEP_MS, PRUNE_BATCH, pruneControlOutbox, pruneStoreOutbox } from "./outbox-retention.ts";
import { outboxPruneJob } from "./maintenance.ts";
import { drainJobs, startTestJobs } from "./testing.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = new ManualClock(Date.UTC(2026, 2, 1, 12));
let t: TestPlatform;
let A: TestStore;
let B: TestStore;

beforeAll(async () => {
  t = await createTestPlatform({ clock });
  A = await t.createStore("Store A");
  B = await t.createStore("Store B");
});
afterAll(() => t[Symbol.asyncDispose]());

interface Seed {
  key: string;
  createdAt: number;
  relayedAt: number | null;
  /** A topic no job handles keeps an unrelayed row unrelayed when the relay runs (it fails the row, keeps it). */
  topic?: string;
}

const row = (s: Seed) => ({
  id: newId("evt", s.createdAt),
  topic: s.topic ?? "email.send",
  key: s.key,
  // What these rows really hold: a buyer's address.
  payload: { template: "order_confirmation", to: `${s.key}@example.com`, data: {} },
  createdAt: s.createdAt,
  relayedAt: s.relayedAt,
});

async function seed(storeId: string, seeds: Seed[]): Promise<void> {
  const store = await t.platform.pool.get(storeId);
  for (let i = 0; i < seeds.length; i += 500) {
    await withTx({ store }, (tx) => tx.insert(outbox).values(seeds.slice(i, i + 500).map(row)));
  }
}

async function keysOf(storeId: string, keys: string[]): Promise<string[]> {
  const store = await t.platform.pool.get(storeId);
  return (await store.db.select({ key: outbox.key }).from(outbox).where(inArray(outbox.key, keys))).map((r) => r.key).sort();
}

const old = (key: string, now: number): Seed => ({ key, createdAt: now - OUTBOX_KEEP_MS - DAY, relayedAt: now - OUTBOX_KEEP_MS - 1 });

describe("store outbox", () => {
  test("a relayed row is deleted a week after its relay; an unrelayed one never is, however old", async () => {
    const now = clock.now();
    await seed(A.id, [
      old("expired", now),
      { key: "boundary", createdAt: now - OUTBOX_KEEP_MS - DAY, relayedAt: now - OUTBOX_KEEP_MS },
      { key: "recent", createdAt: now - HOUR, relayedAt: now - HOUR },
      { key: "unrelayed", createdAt: now - 30 * DAY, relayedAt: null },
    ]);
    const keys = ["expired", "boundary", "recent", "unrelayed"];
    const store = await t.platform.pool.get(A.id);

    expect(await pruneStoreOutbox(store, now)).toEqual({ deleted: 1, capped: false });
    expect(await keysOf(A.id, keys)).toEqual(["boundary", "recent", "unrelayed"]);

    // Measured from the relay, not the creation: "boundary" goes one millisecond later.
    expect(await pruneStoreOutbox(store, now + 1)).toEqual({ deleted: 1, capped: false });
    expect(await keysOf(A.id, keys)).toEqual(["recent", "unrelayed"]);

    // A year on, the unrelayed row is still there: its effect has not happened.
    expect(await pruneStoreOutbox(store, now + 365 * DAY)).toEqual({ deleted: 1, capped: false });
    expect(await keysOf(A.id, keys)).toEqual(["unrelayed"]);
    await withTx({ store }, (tx) => tx.delete(outbox).where(eq(outbox.key, "unrelayed")));
  });

  test("a backlog goes a batch per transaction: a writer waiting for the store's lock runs between two batches", async () => {
    const now = clock.now();
    const n = PRUNE_BATCH * 2 + 7;
    await seed(B.id, Array.from({ length: n }, (_, i) => old(`backlog-${i}`, now)));
    const store = await t.platform.pool.get(B.id);
    // Who holds the store's lock, in order (a spy on the real lock: nothing is replaced).
    const holders: string[] = [];
    const withLock = store.withLock;
    let firstBatchHolds!: () => void;
    const held = new Promise<void>((r) => (firstBatchHolds = r));
    store.withLock = (fn) =>
      withLock(() => {
        holders.push("prune");
        firstBatchHolds();
        return fn();
      });
    try {
      const prune = pruneStoreOutbox(store, now);
      await held;
      // While the first batch holds the lock, a checkout-like write queues behind it.
      const writer = withTx({ store: { ...store, withLock: (fn) => withLock(() => (holders.push("writer"), fn())) } }, (tx) =>
        tx.insert(outbox).values(row({ key: "written-meanwhile", createdAt: now, relayedAt: null })),
      );
      const [report] = await Promise.all([prune, writer]);
      expect(report).toEqual({ deleted: n, capped: false });
    } finally {
      store.withLock = withLock;
    }
    // One transaction for the whole backlog would have made the writer wait for all of it.
    expect(holders).toEqual(["prune", "writer", "prune", "prune"]);
    expect(await keysOf(B.id, ["written-meanwhile"])).toEqual(["written-meanwhile"]);
    await withTx({ store }, (tx) => tx.delete(outbox).where(eq(outbox.key, "written-meanwhile")));
  });

  test("a run stops after maxBatches; the next run goes on where it stopped", async () => {
    const now = clock.now();
    await seed(B.id, Array.from({ length: 250 }, (_, i) => old(`capped-${i}`, now)));
    const store = await t.platform.pool.get(B.id);
    expect(await pruneStoreOutbox(store, now, { batch: 100, maxBatches: 2 })).toEqual({ deleted: 200, capped: true });
    expect(await pruneStoreOutbox(store, now, { batch: 100, maxBatches: 2 })).toEqual({ deleted: 50, capped: false });
    expect(await pruneStoreOutbox(store, now, { batch: 100, maxBatches: 2 })).toEqual({ deleted: 0, capped: false });
  });
});

describe("control outbox", () => {
  test("the same retention: relayed rows older than a week go, unrelayed ones stay", async () => {
    const now = clock.now();
    const { control } = t.platform;
    await control.write(() =>
      control.db.insert(controlOutbox).values([
        { ...row(old("reset-expired", now)), topic: "platform.email" },
        { ...row({ key: "reset-recent", createdAt: now - HOUR, relayedAt: now - HOUR }), topic: "platform.email" },
        { ...row({ key: "reset-unrelayed", createdAt: now - 30 * DAY, relayedAt: null }), topic: "platform.email" },
      ]),
    );
    expect(await pruneControlOutbox(control, now)).toEqual({ deleted: 1, capped: false });
    const left = await control.db.select({ key: controlOutbox.key }).from(controlOutbox).where(eq(controlOutbox.topic, "platform.email"));
    expect(left.map((r) => r.key).sort()).toEqual(["reset-recent", "reset-unrelayed"]);
    await control.write(() => control.db.delete(controlOutbox).where(eq(controlOutbox.topic, "platform.email")));
  });
});

describe("the outbox.prune job", () => {
  test("walks every store, suspended ones too, and the control outbox, on the platform clock", async () => {
    const now = clock.now();
    // Listed before the others (ids are walked in order) and without a file: skipped, the walk goes on.
    const ghost = "store_01AAAAAAAAAAAAAAAAAAAAAAAA";
    await t.platform.control.write(() => t.platform.control.db.insert(stores).values({ id: ghost, name: "Ghost", planId: "free", createdAt: now, updatedAt: now }));
    await seed(A.id, [old("job-a", now), { key: "job-a-unrelayed", createdAt: now - 30 * DAY, relayedAt: null, topic: "test.nobody" }]);
    await seed(B.id, [old("job-b", now)]);
    const { control } = t.platform;
    await control.write(() => control.db.insert(controlOutbox).values({ ...row(old("job-control", now)), topic: "platform.email" }));
    await control.write(() => control.db.update(stores).set({ status: "suspended" }).where(eq(stores.id, B.id)));
    try {
      await startTestJobs(t.platform);
      await t.platform.jobs.enqueue(outboxPruneJob, null, {});
      await drainJobs(t.platform);
      expect((await t.platform.jobs.q.getDlqAsync()).filter((e) => e.job.name === outboxPruneJob.name)).toEqual([]);
    } finally {
      await t.platform.jobs.stop();
      await control.write(() => control.db.update(stores).set({ status: "active" }).where(eq(stores.id, B.id)));
      await control.write(() => control.db.delete(stores).where(eq(stores.id, ghost)));
    }
    expect(await keysOf(A.id, ["job-a", "job-a-unrelayed"])).toEqual(["job-a-unrelayed"]);
    expect(await keysOf(B.id, ["job-b"])).toEqual([]);
    expect(await control.db.select().from(controlOutbox).where(eq(controlOutbox.key, "job-control"))).toEqual([]);
  });
});
