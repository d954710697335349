// The job of a relayed outbox row is named by the row's key (rows that share a key run once) unless its definition
// says relayKey "row": business events, where two rows are two events even when their keys meet.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { t as T } from "elysia";
import { adminHeaders, createTestPlatform, type TestPlatform, type TestStore } from "../testing/harness.ts";
import { withTx } from "../db/tx.ts";
import { systemCtx } from "../kernel/system-ctx.ts";
import { addOutbox } from "./outbox.ts";
import { defineJob } from "./define.ts";
import { drainJobs, startTestJobs } from "./testing.ts";
import { emitProductEvent } from "../modules/catalog/events.ts";
import { startReceiver, type Receiver } from "../modules/webhooks/receiver.testkit.ts";

let t: TestPlatform;
let A: TestStore;
let rx: Receiver;
const ran = { byKey: [] as string[], byRow: [] as string[] };
const byKey = defineJob({
  name: "test.by_key", input: T.Object({ n: T.Integer() }), retry: { attempts: 1, backoffMs: 0 }, timeoutMs: 5_000, key: (i) => String(i.n),
  async handler(ctx) {
    ran.byKey.push(ctx.outboxId!);
  },
});
const byRow = defineJob({
  name: "test.by_row", input: T.Object({ n: T.Integer() }), retry: { attempts: 1, backoffMs: 0 }, timeoutMs: 5_000, key: (i) => String(i.n), relayKey: "row",
  async handler(ctx) {
    ran.byRow.push(ctx.outboxId!);
  },
});

beforeAll(async () => {
  t = await createTestPlatform({ env: { TRAFI_WEBHOOKS_ALLOW_PRIVATE: "true" } });
  A = await t.createStore("Store A");
  t.platform.jobs.registry.add(byKey, byRow);
  rx = startReceiver();
  await startTestJobs(t.platform);
});
afterAll(async () => {
  await t[Symbol.asyncDispose]();
  await rx[Symbol.asyncDispose]();
});

test("rows sharing a key: one job by default, one job per row with relayKey 'row'", async () => {
  const ctx = await systemCtx(t.platform, A.id, "test");
  // Both rows relayed in one pass, so the first job is still pending when the second is added.
  await withTx(ctx, async (tx) => {
    for (let i = 0; i < 2; i++) {
      await addOutbox(tx, ctx.clock.now(), { topic: "test.by_key", key: "same", payload: { n: i } });
      await addOutbox(tx, ctx.clock.now(), { topic: "test.by_row", key: "same", payload: { n: i } });
    }
  });
  await t.platform.outbox.relayStore(A.id);
  await drainJobs(t.platform);
  expect(ran.byKey).toHaveLength(1);
  expect(new Set(ran.byRow).size).toBe(2);
});

test("two changes of one product in the same millisecond are two webhook events", async () => {
  const res = await t.request("/v1/admin/webhooks", { method: "POST", headers: adminHeaders(A.sk), json: { url: rx.url, events: ["*"] } });
  expect(res.status).toBe(201);
  rx.secret = ((await res.json()) as { secret: string }).secret;
  const ctx = await systemCtx(t.platform, A.id, "test");
  const now = ctx.clock.now();
  // Two transactions (say two variants created back to back) whose events get the same key.
  await withTx(ctx, (tx) => emitProductEvent(tx, now, "product.updated", "prod_X", { variantId: "var_1" }));
  await withTx(ctx, (tx) => emitProductEvent(tx, now, "product.updated", "prod_X", { variantId: "var_2" }));
  await t.platform.outbox.relayStore(A.id);
  await drainJobs(t.platform);
  const variants = rx.received.map((r) => (JSON.parse(r.body) as { data: { variantId: string } }).data.variantId).sort();
  expect(variants).toEqual(["var_1", "var_2"]);
});
