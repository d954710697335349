// The sweep of stuck deliveries, with real files, a real receiver on loopback and the real queue: a delivery whose
// job was lost is attempted again once overdue, and an attempt enqueued twice (the sweep and a job still alive, or
// one that already ran) is sent once.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { and, eq, like } from "drizzle-orm";
import { createTestPlatform, type TestPlatform, type TestStore } from "../../testing/harness.ts";
import { ManualClock } from "../../kernel/clock.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { withTx } from "../../db/tx.ts";
import { addOutbox } from "../../jobs/outbox.ts";
import { outbox } from "../../jobs/outbox.tables.ts";
import { drainJobs, startTestJobs } from "../../jobs/testing.ts";
import { startReceiver, type Receiver } from "./receiver.testkit.ts";
import { attemptDelivery, DELIVER_TOPIC, fanOut, RETRY_DELAYS_MS } from "./deliveries.ts";
import { createEndpoint } from "./endpoints.ts";
import { webhookDeliverJob, webhookSweepJob } from "./jobs.ts";
import { MAX_SWEEPS, STUCK_AFTER_MS, sweepStuckDeliveries } from "./sweep.ts";
import { webhookDeliveries, webhookEndpoints } from "./webhooks.tables.ts";

const clock = new ManualClock(Date.UTC(2026, 2, 1, 12));
let t: TestPlatform;
let A: TestStore;
let rx: Receiver;

beforeAll(async () => {
  t = await createTestPlatform({ env: { TRAFI_WEBHOOKS_ALLOW_PRIVATE: "true" }, clock });
  A = await t.createStore("Store A");
  rx = startReceiver();
  const ctx = await systemCtx(t.platform, A.id, "test");
  const { secret } = await createEndpoint(ctx, { masterKey: t.config.masterKey, allowPrivate: true }, { url: rx.url, events: ["order.placed"] });
  rx.secret = secret;
});
afterAll(async () => {
  await t[Symbol.asyncDispose]();
  await rx[Symbol.asyncDispose]();
});

let seq = 0;
/** A delivery of a fresh event, created while no worker runs (its first attempt's outbox row is unrelayed). */
async function newDelivery() {
  const eventId = `evt_SWEEP${++seq}`;
  expect(await fanOut(t.platform, A.id, { id: eventId, type: "order.placed", data: {}, createdAt: clock.now() })).toBe(1);
  const store = await t.platform.pool.get(A.id);
  return (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId)))[0]!;
}

const deliveryRows = async (deliveryId: string) =>
  (await t.platform.pool.get(A.id)).db.select().from(outbox).where(and(eq(outbox.topic, DELIVER_TOPIC), like(outbox.key, `${deliveryId}:%`))).orderBy(outbox.id);

/** Its outbox rows were relayed, and the jobs then lost (a dead-letter, a lost jobs file): nothing will run them. */
async function loseJobs(deliveryId: string): Promise<void> {
  const store = await t.platform.pool.get(A.id);
  await withTx({ store }, (tx) => tx.update(outbox).set({ relayedAt: clock.now() }).where(and(eq(outbox.topic, DELIVER_TOPIC), like(outbox.key, `${deliveryId}:%`))));
}

const sweep = async () => sweepStuckDeliveries(t.platform, await t.platform.pool.get(A.id), clock.now());
const sentFor = (eventId: string) => rx.received.filter((r) => r.eventId === eventId).length;
const delivery = async (id: string) => (await (await t.platform.pool.get(A.id)).db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;

async function runQueue(opts: { then?: () => Promise<void> } = {}): Promise<void> {
  await startTestJobs(t.platform);
  try {
    await opts.then?.();
    await drainJobs(t.platform);
  } finally {
    await t.platform.jobs.stop();
  }
}

describe("stuck deliveries", () => {
  test("a pending delivery whose job was lost is re-enqueued once more than STUCK_AFTER_MS overdue, once, and delivered", async () => {
    rx.plan = [200];
    const d = await newDelivery();
    await loseJobs(d.id);

    clock.advance(STUCK_AFTER_MS);
    expect(await sweep()).toBe(0); // due, not yet overdue by more than the grace period
    clock.advance(1);
    expect(await sweep()).toBe(1);
    const rows = await deliveryRows(d.id);
    expect(rows.map((r) => [r.key, r.payload, r.relayedAt])).toEqual([
      [`${d.id}:1`, { deliveryId: d.id, attempt: 1 }, clock.now() - STUCK_AFTER_MS - 1],
      [`${d.id}:1`, { deliveryId: d.id, attempt: 1 }, null],
    ]);
    // The relay owns an unrelayed row; once relayed, the row's job gets STUCK_AFTER_MS before another sweep acts.
    expect(await sweep()).toBe(0);
    await loseJobs(d.id);
    clock.advance(STUCK_AFTER_MS - 1);
    expect(await sweep()).toBe(0);
    clock.advance(2);
    expect(await sweep()).toBe(1);

    await runQueue(); // the start-up scan relays the sweep's row
    expect(sentFor(d.eventId)).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ status: "delivered", attempts: 1 });
    clock.advance(STUCK_AFTER_MS + 1);
    expect(await sweep()).toBe(0); // delivered: nothing to do
  });

  test("a retrying delivery whose next job was lost is re-enqueued as that attempt, keyed like the job it replaces", async () => {
    rx.plan = [500];
    const d = await newDelivery();
    await loseJobs(d.id);
    // Attempt 1 ran and failed; the job that would have enqueued attempt 2 died with it.
    expect(await attemptDelivery(t.platform, A.id, { deliveryId: d.id, attempt: 1 })).toEqual({ status: "retrying", next: { attempt: 2, delayMs: RETRY_DELAYS_MS[0]! } });
    expect(sentFor(d.eventId)).toBe(1);

    clock.advance(RETRY_DELAYS_MS[0]! + STUCK_AFTER_MS);
    expect(await sweep()).toBe(0);
    clock.advance(1);
    expect(await sweep()).toBe(1);
    const last = (await deliveryRows(d.id)).at(-1)!;
    expect([last.key, last.payload]).toEqual([`${d.id}:2`, { deliveryId: d.id, attempt: 2 }]);
    // The same job id the failed attempt would have given its successor: a live one would absorb this one.
    expect(t.platform.jobs.jobId(webhookDeliverJob, A.id, last.key)).toBe(t.platform.jobs.jobId(webhookDeliverJob, A.id, webhookDeliverJob.key({ deliveryId: d.id, attempt: 2 })));

    rx.plan = [200];
    rx.received.length = 0;
    await runQueue();
    expect(sentFor(d.eventId)).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ status: "delivered", attempts: 2 });
  });

  test("the recurring webhook.sweep job walks the active stores and the lost attempt goes out", async () => {
    rx.plan = [200];
    const d = await newDelivery();
    await loseJobs(d.id);
    await runQueue({
      async then() {
        await drainJobs(t.platform);
        expect(sentFor(d.eventId)).toBe(0); // the job is lost: nothing happens by itself
        clock.advance(STUCK_AFTER_MS + 1);
        await t.platform.jobs.enqueue(webhookSweepJob, null, {});
      },
    });
    expect(sentFor(d.eventId)).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });
});

describe("one attempt enqueued twice is sent once", () => {
  test("a job of the attempt still waiting in the queue absorbs the sweep's", async () => {
    rx.plan = [200];
    const d = await newDelivery();
    // The attempt's job is in the queue but nothing runs it for a while (workers down): no worker, only the queue.
    await t.platform.jobs.start({ inspectOnly: true });
    try {
      expect(await t.platform.outbox.relayStore(A.id)).toEqual({ relayed: 1, failed: 0 });
      clock.advance(STUCK_AFTER_MS + 1);
      expect(await sweep()).toBe(1); // the sweep cannot see the queue: it re-enqueues
      expect(await t.platform.outbox.relayStore(A.id)).toEqual({ relayed: 1, failed: 0 });
      expect((await t.platform.jobs.q.getJobCountsAsync()).waiting).toBe(1);
    } finally {
      await t.platform.jobs.stop();
    }
    await runQueue();
    expect(sentFor(d.eventId)).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });

  test("a duplicate that runs after the attempt was recorded sends nothing, and several racing ones send once", async () => {
    rx.plan = [200];
    const d = await newDelivery();
    await loseJobs(d.id);
    clock.advance(STUCK_AFTER_MS + 1);
    const store = await t.platform.pool.get(A.id);
    await runQueue({
      async then() {
        // Three enqueues of attempt 1 at once: the sweep's row, a direct enqueue, and a second row under the key.
        await Promise.all([
          sweep(),
          t.platform.jobs.enqueue(webhookDeliverJob, A.id, { deliveryId: d.id, attempt: 1 }),
          withTx({ store }, (tx) => addOutbox(tx, clock.now(), { topic: DELIVER_TOPIC, key: `${d.id}:1`, payload: { deliveryId: d.id, attempt: 1 } })).then(() => t.platform.outbox.kick(A.id)),
        ]);
        await drainJobs(t.platform);
        expect(sentFor(d.eventId)).toBe(1);
        // A sweep that read the delivery just before the attempt was recorded: its row is relayed after the job
        // completed (bunqueue then takes the id again), and the new job finds the attempt done.
        await withTx({ store }, (tx) => addOutbox(tx, clock.now(), { topic: DELIVER_TOPIC, key: `${d.id}:1`, payload: { deliveryId: d.id, attempt: 1 } }));
        await t.platform.outbox.kick(A.id);
      },
    });
    expect(sentFor(d.eventId)).toBe(1);
    expect(await delivery(d.id)).toMatchObject({ status: "delivered", attempts: 1 });
  });
});

describe("a delivery whose job dies every time", () => {
  test("is swept back MAX_SWEEPS times, then dead with a reason (replayable), not re-enqueued for ever", async () => {
    const p = await createTestPlatform({ env: { TRAFI_WEBHOOKS_ALLOW_PRIVATE: "true" }, clock });
    try {
      const S = await p.createStore("Poison");
      const ctx = await systemCtx(p.platform, S.id, "test");
      await createEndpoint(ctx, { masterKey: p.config.masterKey, allowPrivate: true }, { url: "http://127.0.0.1:9/hook", events: ["order.placed"] });
      expect(await fanOut(p.platform, S.id, { id: "evt_POISON1", type: "order.placed", data: {}, createdAt: clock.now() })).toBe(1);
      const store = await p.platform.pool.get(S.id);
      const d = (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, "evt_POISON1")))[0]!;
      // The endpoint's sealed secret cannot be opened any more (a row restored under another master key): every run of
      // the attempt's job throws before sending.
      await withTx({ store }, (tx) => tx.update(webhookEndpoints).set({ secretSealed: "garbage" }).where(eq(webhookEndpoints.id, d.endpointId)));
      let sweeps = 0;
      for (let run = 0; run < 10; run++) {
        await attemptDelivery(p.platform, S.id, { deliveryId: d.id, attempt: 1 }).catch(() => undefined);
        await withTx({ store }, (tx) => tx.update(outbox).set({ relayedAt: clock.now() }).where(and(eq(outbox.topic, DELIVER_TOPIC), like(outbox.key, `${d.id}:%`))));
        clock.advance(STUCK_AFTER_MS + 60_000);
        sweeps += await sweepStuckDeliveries(p.platform, store, clock.now());
      }
      expect(sweeps).toBe(MAX_SWEEPS);
      const after = (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, d.id)))[0]!;
      expect(after).toMatchObject({ status: "dead", attempts: 0, nextAttemptAt: null });
      expect(after.lastError).toContain("replay it");
    } finally {
      await p[Symbol.asyncDispose]();
    }
  });
});
