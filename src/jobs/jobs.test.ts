// The queue and the outbox relay with real files (store DBs, control DB, bunqueue's jobs file).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { t as T } from "elysia";
import { eq, isNull } from "drizzle-orm";
import { adminHeaders, createTestPlatform, type TestPlatform, type TestStore } from "../testing/harness.ts";
import { withTx } from "../db/tx.ts";
import { systemCtx } from "../kernel/system-ctx.ts";
import { addControlOutbox, addOutbox } from "./outbox.ts";
import { defineJob } from "./define.ts";
import { drainJobs, startTestJobs } from "./testing.ts";
import { commitOrder } from "./testdata/order-fixture.ts";
import { outbox } from "./outbox.tables.ts";
import { outboxPending } from "./outbox-pending.tables.ts";
import { emailMessages } from "../modules/notifications/notifications.tables.ts";
import { emailSendJob } from "../modules/notifications/jobs.ts";
import { cleanCompletedJob, outboxRescanJob } from "./maintenance.ts";
import { runCli } from "../main.ts";
import { TEST_MASTER_KEY } from "../testing/harness.ts";

let t: TestPlatform;
let A: TestStore;
let B: TestStore;
const calls = { fails: 0, platform: [] as Array<string | null> };

const alwaysFails = defineJob({
  name: "test.always_fails",
  input: T.Object({ n: T.Integer() }),
  retry: { attempts: 3, backoffMs: 1_000 },
  timeoutMs: 5_000,
  key: (i) => String(i.n),
  async handler() {
    calls.fails++;
    throw new Error("the warehouse API said no");
  },
});

let release: () => void = () => {};
const slowDone: string[] = [];
const slowJob = defineJob({
  name: "test.slow",
  input: T.Object({ id: T.String() }),
  retry: { attempts: 1, backoffMs: 0 },
  timeoutMs: 10_000,
  key: (i) => i.id,
  async handler(_ctx, input) {
    await new Promise<void>((r) => (release = r));
    slowDone.push(input.id);
  },
});

const platformJob = defineJob({
  name: "test.platform",
  input: T.Object({ note: T.String() }),
  retry: { attempts: 1, backoffMs: 0 },
  timeoutMs: 5_000,
  key: (i) => i.note,
  async handler(ctx) {
    calls.platform.push(ctx.storeId);
  },
});

beforeAll(async () => {
  t = await createTestPlatform();
  A = await t.createStore("Store A");
  B = await t.createStore("Store B");
  t.platform.jobs.registry.add(alwaysFails, platformJob, slowJob);
  await startTestJobs(t.platform);
});
afterAll(() => t[Symbol.asyncDispose]());

const emailsOf = async (storeId: string) => (await t.platform.pool.get(storeId)).db.select().from(emailMessages);
const status = async (s: TestStore) => (await t.request("/v1/admin/jobs", { headers: adminHeaders(s.sk) })).json();

describe("dead-letter list (acceptance 4)", () => {
  test("a job that always fails is dead after its retries, visible with its error and payload, and can be retried", async () => {
    const ctx = await systemCtx(t.platform, A.id, "test");
    await withTx(ctx, (tx) => addOutbox(tx, ctx.clock.now(), { topic: alwaysFails.name, key: "job-7", payload: { n: 7 } }));
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);
    expect(calls.fails).toBe(3);

    const a = await status(A);
    expect(a.counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, dead: 1 });
    expect(a.problems).toHaveLength(1);
    const dead = a.problems[0];
    expect(dead).toMatchObject({ name: "test.always_fails", state: "dead", attempts: 3, payload: { n: 7 } });
    expect(dead.lastError).toContain("the warehouse API said no");

    // Store B sees nothing of it and cannot retry it.
    expect(await status(B)).toEqual({ counts: { waiting: 0, active: 0, delayed: 0, failed: 0, dead: 0 }, problems: [] });
    const foreign = await t.request(`/v1/admin/jobs/${encodeURIComponent(dead.id)}/retry`, { method: "POST", headers: adminHeaders(B.sk) });
    expect(foreign.status).toBe(404);

    const retry = await t.request(`/v1/admin/jobs/${encodeURIComponent(dead.id)}/retry`, { method: "POST", headers: adminHeaders(A.sk) });
    expect(await retry.json()).toEqual({ retried: 1 });
    await drainJobs(t.platform);
    expect(calls.fails).toBe(6); // a fresh budget of 3 runs
    expect((await status(A)).counts.dead).toBe(1);

    const all = await t.request("/v1/admin/jobs/retry", { method: "POST", headers: adminHeaders(A.sk) });
    expect(await all.json()).toEqual({ retried: 1 });
    await drainJobs(t.platform);
    expect(calls.fails).toBe(9);
    const { auditLog } = await import("../modules/audit/index.ts");
    const audited = await (await t.platform.pool.get(A.id)).db.select().from(auditLog).where(eq(auditLog.action, "jobs.retried"));
    expect(audited.map((a) => a.targetId)).toEqual([dead.id, null]);
  });

  test("the CLI shows the dead job and retries it (`trafi jobs`, `trafi jobs retry`)", async () => {
    await t.platform.jobs.stop(); // the CLI opens the jobs file itself; one embedded queue per process
    const env = { TRAFI_DATA_DIR: t.dir, TRAFI_MASTER_KEY: TEST_MASTER_KEY };
    const cli = async (argv: string[]) => {
      let out = "";
      let err = "";
      const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), env, isTTY: false });
      return { code, out, err };
    };
    const human = await cli(["jobs", "--store", A.id]);
    expect(human.code).toBe(0);
    expect(human.out).toContain("dead 1");
    expect(human.out).toContain("the warehouse API said no");
    const json = JSON.parse((await cli(["jobs", "--json"])).out);
    expect(json.counts.dead).toBe(1);
    expect((await cli(["jobs", "retry", "--store", A.id])).code).toBe(2); // --id or --all
    expect((await cli(["jobs", "retry", "--store", "nope", "--all"])).code).toBe(2);
    const retried = await cli(["jobs", "retry", "--store", A.id, "--all", "--json"]);
    expect(JSON.parse(retried.out)).toEqual({ retried: 1 });
    await startTestJobs(t.platform);
    await drainJobs(t.platform);
    expect(calls.fails).toBe(12);
  });

  test("an input that does not match the job's schema is dead at once", async () => {
    const ctx = await systemCtx(t.platform, B.id, "test");
    await withTx(ctx, (tx) => addOutbox(tx, ctx.clock.now(), { topic: "email.send", key: "bad", payload: { template: "nope", to: "x@example.com", data: {} } }));
    await t.platform.outbox.kick(B.id);
    await drainJobs(t.platform);
    const b = await status(B);
    expect(b.counts.dead).toBe(1);
    expect(b.problems[0]).toMatchObject({ name: "email.send", attempts: 1 });
    expect(b.problems[0].lastError).toContain("invalid input for job email.send");
  });

  test("jobs:read cannot retry", async () => {
    const { token } = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["jobs:read"] });
    expect((await t.request("/v1/admin/jobs", { headers: adminHeaders(token) })).status).toBe(200);
    expect((await t.request("/v1/admin/jobs/retry", { method: "POST", headers: adminHeaders(token) })).status).toBe(403);
  });
});

describe("outbox relay", () => {
  test("relaying the same row twice still sends once", async () => {
    const orderId = await commitOrder(t.platform, A.id, "twice@example.com");
    const store = await t.platform.pool.get(A.id);
    const row = (await store.db.select().from(outbox).where(eq(outbox.key, `receipt:${orderId}`)))[0]!;
    // Two relays racing (a kick and the periodic re-scan), plus a direct enqueue of the same row.
    await Promise.all([t.platform.outbox.relayStore(A.id), t.platform.outbox.relayStore(A.id), t.platform.jobs.enqueueOutbox(emailSendJob, A.id, row)]);
    await drainJobs(t.platform);
    // A crash between the enqueue and marking the row relayed: the row is relayed again after the job completed.
    await withTx({ store }, (tx) => tx.update(outbox).set({ relayedAt: null }).where(eq(outbox.id, row.id)));
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);
    const sent = (await emailsOf(A.id)).filter((e) => e.to === "twice@example.com");
    expect(sent).toHaveLength(1);
    expect(sent[0]!.key).toBe(`receipt:${orderId}`);
  });

  test("a burst of 12 kicks coalesces into a few relay passes (not 12), and every row of the burst is relayed", async () => {
    const relay = t.platform.outbox;
    const passes: number[] = [];
    const original = relay.relayStore.bind(relay);
    relay.relayStore = async (storeId: string) => {
      const r = await original(storeId);
      passes.push(r.relayed);
      return r;
    };
    try {
      const emails = Array.from({ length: 12 }, (_, i) => `burst${i}@example.com`);
      // Each commit kicks at once, as the checkout does; the commits land while the first pass runs.
      await Promise.all(emails.map(async (e) => {
        await commitOrder(t.platform, A.id, e);
        await relay.kick(A.id);
      }));
      expect(passes.length).toBeGreaterThanOrEqual(1);
      expect(passes.length).toBeLessThan(emails.length / 2);
      const store = await t.platform.pool.get(A.id);
      expect(await store.db.select().from(outbox).where(isNull(outbox.relayedAt))).toEqual([]);
      await drainJobs(t.platform);
      const sent = (await emailsOf(A.id)).map((m) => m.to);
      for (const e of emails) expect(sent).toContain(e);
    } finally {
      relay.relayStore = original;
    }
  });

  test("events of a store no webhook endpoint listens to are relayed without a job", async () => {
    const ctx = await systemCtx(t.platform, B.id, "test");
    await withTx(ctx, (tx) => addOutbox(tx, ctx.clock.now(), { topic: "event", key: "order.placed:nolistener", payload: { type: "order.placed", orderId: "ord_x" } }));
    const r = await t.platform.outbox.relayStore(B.id);
    expect(r).toEqual({ relayed: 1, failed: 0 });
    expect(await t.platform.jobs.q.getJob(`event:${B.id}:order.placed:nolistener`)).toBeFalsy();
    const store = await t.platform.pool.get(B.id);
    const row = (await store.db.select().from(outbox).where(eq(outbox.key, "order.placed:nolistener")))[0]!;
    expect(row.relayedAt).not.toBeNull();
  });

  test("a forgotten kick is caught by the re-scan of open stores", async () => {
    await commitOrder(t.platform, B.id, "forgotten@example.com"); // no kick
    const store = await t.platform.pool.get(B.id);
    expect((await store.db.select().from(outbox).where(isNull(outbox.relayedAt))).length).toBeGreaterThan(0);
    const r = await t.platform.outbox.rescan();
    expect(r.relayed).toBe(2);
    await drainJobs(t.platform);
    expect((await emailsOf(B.id)).map((e) => e.to)).toContain("forgotten@example.com");
  });

  test("without a worker, a kick marks the store pending; the next start relays it and clears the mark", async () => {
    await t.platform.jobs.stop();
    await commitOrder(t.platform, A.id, "later@example.com");
    await t.platform.outbox.kick(A.id);
    const marks = await t.platform.control.db.select().from(outboxPending);
    expect(marks.map((m) => m.storeId)).toEqual([A.id]);
    await startTestJobs(t.platform); // the start-up scan
    await drainJobs(t.platform);
    expect((await emailsOf(A.id)).map((e) => e.to)).toContain("later@example.com");
    expect(await t.platform.control.db.select().from(outboxPending)).toEqual([]);
  });

  test("a marker left by a store that no longer exists is dropped by the re-scan", async () => {
    const ghost = "store_01JD0000000000000000000000";
    await t.platform.control.db.insert(outboxPending).values({ storeId: ghost, markedAt: 0 });
    await t.platform.outbox.rescan();
    expect(await t.platform.control.db.select().from(outboxPending)).toEqual([]);
  });

  test("the control outbox is relayed with no store id", async () => {
    await addControlOutbox(t.platform.control.db, t.platform.clock.now(), { topic: platformJob.name, key: "p1", payload: { note: "p1" } });
    await t.platform.outbox.kickControl();
    await drainJobs(t.platform);
    expect(calls.platform).toEqual([null]);
  });

  test("a topic no job handles stays unrelayed with the reason, without holding up later rows", async () => {
    const ctx = await systemCtx(t.platform, B.id, "test");
    await withTx(ctx, async (tx) => {
      await addOutbox(tx, ctx.clock.now(), { topic: "nobody.listens", key: "k", payload: {} });
      // A good row behind the bad one is not held up by it.
      await addOutbox(tx, ctx.clock.now(), { topic: "email.send", key: "behind", payload: { template: "refund", to: "behind@example.com", data: { orderNumber: "5", amount: { amount: 100, currency: "EUR" } } } });
    });
    const r = await t.platform.outbox.relayStore(B.id);
    expect(r).toEqual({ relayed: 1, failed: 1 });
    await drainJobs(t.platform);
    expect((await emailsOf(B.id)).map((e) => e.to)).toContain("behind@example.com");
    const store = await t.platform.pool.get(B.id);
    const row = (await store.db.select().from(outbox).where(eq(outbox.topic, "nobody.listens")))[0]!;
    expect(row).toMatchObject({ relayedAt: null, attempts: 1, lastError: 'no job handles the topic "nobody.listens"' });
    await withTx({ store }, (tx) => tx.delete(outbox).where(eq(outbox.id, row.id)));
  });
});

describe("recurring jobs", () => {
  test("the outbox re-scan runs by itself every N ms (bunqueue `every`)", async () => {
    await t.platform.jobs.stop();
    await startTestJobs(t.platform, { rescanEveryMs: 50 });
    const names = (await t.platform.jobs.q.getJobSchedulers()).map((s) => s.id).sort();
    expect(names).toEqual(["jobs.clean", "outbox.prune", "outbox.rescan", "webhook.sweep"]);
    await commitOrder(t.platform, A.id, "scheduled@example.com"); // no kick
    const deadline = performance.now() + 5_000;
    while (!(await emailsOf(A.id)).some((e) => e.to === "scheduled@example.com")) {
      if (performance.now() > deadline) throw new Error("the scheduled re-scan never relayed the row");
      await Bun.sleep(10);
    }
    // A scheduled run carries its definition's retry and timeout (bunqueue's cron defaults: 3 attempts, no timeout).
    const fired = (await t.platform.jobs.q.getJobsAsync({ state: ["completed", "active", "waiting"], start: 0, end: 20 })).find((j) => j.name === "outbox.rescan");
    expect(fired?.opts).toMatchObject({ attempts: outboxRescanJob.retry.attempts, timeout: outboxRescanJob.timeoutMs });
    await t.platform.jobs.stop();
    await startTestJobs(t.platform); // rescanEveryMs: null removes the schedules again
    expect(await t.platform.jobs.q.getJobSchedulers()).toEqual([]);
  });

  test("the cleaning job runs (completed jobs older than a day are removed)", async () => {
    await t.platform.jobs.enqueue(cleanCompletedJob, null, {});
    await drainJobs(t.platform);
    expect((await t.platform.jobs.q.getDlqAsync()).filter((e) => e.job.name === "jobs.clean")).toEqual([]);
  });

  test("stop is graceful: a running job finishes before the jobs file closes, and does not run again", async () => {
    await t.platform.jobs.enqueue(slowJob, A.id, { id: "s1" });
    while ((await t.platform.jobs.q.getJobCountsAsync()).active === 0) await Bun.sleep(5);
    let stopped = false;
    const stopping = t.platform.jobs.stop().then(() => (stopped = true));
    await Bun.sleep(20);
    expect(stopped).toBe(false); // still waiting for the running job
    release();
    await stopping;
    expect(slowDone).toEqual(["s1"]);
    await startTestJobs(t.platform);
    await drainJobs(t.platform);
    expect(slowDone).toEqual(["s1"]);
  });

  test("defineJob refuses bad definitions", () => {
    const base = { input: T.Object({}), retry: { attempts: 1, backoffMs: 0 }, timeoutMs: 1, key: () => "k", handler: async () => {} };
    expect(() => defineJob({ ...base, name: "Bad Name" })).toThrow();
    expect(() => defineJob({ ...base, name: "ok", retry: { attempts: 0, backoffMs: 0 } })).toThrow();
    expect(() => t.platform.jobs.registry.add(alwaysFails)).toThrow("defined twice");
  });
});
