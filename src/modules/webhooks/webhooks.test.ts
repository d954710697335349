// Outgoing webhooks end to end: a real receiver on loopback, the real queue (delays scaled to zero), the admin API.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { adminHeaders, createTestPlatform, type TestPlatform, type TestStore } from "../../testing/harness.ts";
import { ManualClock } from "../../kernel/clock.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { startTestJobs, drainJobs } from "../../jobs/testing.ts";
import { commitOrder } from "../../jobs/testdata/order-fixture.ts";
import { startReceiver, type Receiver } from "./receiver.testkit.ts";
import { attemptDelivery, fanOut, MAX_ATTEMPTS, RETRY_DELAYS_MS } from "./deliveries.ts";
import { createEndpoint } from "./endpoints.ts";
import { webhookDeliveries } from "./webhooks.tables.ts";
import { eq } from "drizzle-orm";

let t: TestPlatform;
let A: TestStore;
let B: TestStore;
let rx: Receiver;
let endpointId: string;
const clock = new ManualClock(Date.UTC(2026, 2, 1, 12));

beforeAll(async () => {
  t = await createTestPlatform({ env: { TRAFI_WEBHOOKS_ALLOW_PRIVATE: "true" }, clock });
  A = await t.createStore("Store A");
  B = await t.createStore("Store B");
  rx = startReceiver();
  await startTestJobs(t.platform);
  const res = await t.request("/v1/admin/webhooks", {
    method: "POST",
    headers: adminHeaders(A.sk),
    json: { url: rx.url, events: ["order.placed", "changeset.*"], description: "ERP" },
  });
  expect(res.status).toBe(201);
  const body = await res.json();
  expect(body.secret).toStartWith("whsec_");
  rx.secret = body.secret;
  endpointId = body.endpoint.id;
});

afterAll(async () => {
  await t[Symbol.asyncDispose](); // stops the workers and bunqueue before the receiver goes away
  await rx[Symbol.asyncDispose]();
});

const deliveries = async (store: TestStore) => (await (await t.request("/v1/admin/webhooks/deliveries", { headers: adminHeaders(store.sk) })).json()).data;

describe("delivery (acceptance 1)", () => {
  test("retries while the receiver answers 500, delivered once it answers 200; every signature verifies in constant time", async () => {
    rx.received.length = 0;
    rx.plan = [500, 500, 200];
    const orderId = await commitOrder(t.platform, A.id, "buyer@example.com");
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);

    expect(rx.received).toHaveLength(3);
    expect(rx.received.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(rx.received.map((r) => r.body)).size).toBe(1); // the same signed body on every attempt
    expect(new Set(rx.received.map((r) => r.eventId)).size).toBe(1);
    const sent = JSON.parse(rx.received[0]!.body);
    expect(sent).toMatchObject({ type: "order.placed", storeId: A.id, data: { orderId } });
    expect(rx.received[0]!.eventId).toBe(sent.id);

    const [d] = await deliveries(A);
    expect(d).toMatchObject({ endpointId, eventType: "order.placed", status: "delivered", attempts: 3, lastStatusCode: 200, lastResponseExcerpt: "ok", lastError: null });
    expect(d.lastLatencyMs).toBeGreaterThanOrEqual(0);
  });

  test("a tampered body or another secret fails the receiver's check", async () => {
    const { timingSafeVerify } = await import("./receiver.testkit.ts");
    const r = rx.received[0]!;
    expect(timingSafeVerify(rx.secret, r.signature!, r.body + " ")).toBe(false);
    expect(timingSafeVerify("whsec_other", r.signature!, r.body)).toBe(false);
  });

  test("dead after 1 + 5 attempts, response excerpt capped at 1 KiB, then replayed from the admin API", async () => {
    rx.received.length = 0;
    rx.plan = [500];
    rx.responseBody = "x".repeat(5_000);
    const res = await t.request(`/v1/admin/webhooks/${endpointId}/test`, { method: "POST", headers: adminHeaders(A.sk) });
    expect(res.status).toBe(201);
    const created = await res.json();
    expect(created.eventType).toBe("webhook.test");
    await drainJobs(t.platform);

    expect(rx.received).toHaveLength(MAX_ATTEMPTS);
    let d = await (await t.request(`/v1/admin/webhooks/deliveries/${created.id}`, { headers: adminHeaders(A.sk) })).json();
    expect(d).toMatchObject({ status: "dead", attempts: 6, lastStatusCode: 500, lastError: "HTTP 500", nextAttemptAt: null });
    expect(d.lastResponseExcerpt.length).toBe(1024);

    rx.plan = [200];
    rx.received.length = 0;
    rx.responseBody = "thanks";
    const replay = await t.request(`/v1/admin/webhooks/deliveries/${created.id}/replay`, { method: "POST", headers: adminHeaders(A.sk) });
    expect(replay.status).toBe(200);
    expect((await replay.json()).status).toBe("pending");
    await drainJobs(t.platform);
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.signatureValid).toBe(true);
    d = await (await t.request(`/v1/admin/webhooks/deliveries/${created.id}`, { headers: adminHeaders(A.sk) })).json();
    expect(d).toMatchObject({ status: "delivered", attempts: 7, lastResponseExcerpt: "thanks" });

    const again = await t.request(`/v1/admin/webhooks/deliveries/${created.id}/replay`, { method: "POST", headers: adminHeaders(A.sk) });
    expect(again.status).toBe(200); // a delivered one can be sent again too
    await drainJobs(t.platform);
  });

  test("the event fans out only to endpoints subscribed to its type", async () => {
    const before = (await deliveries(A)).length;
    await t.request(`/v1/admin/webhooks/${endpointId}`, { method: "PATCH", headers: adminHeaders(A.sk), json: { events: ["inventory.low"] } });
    await commitOrder(t.platform, A.id, "other@example.com");
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);
    expect((await deliveries(A)).length).toBe(before);
    await t.request(`/v1/admin/webhooks/${endpointId}`, { method: "PATCH", headers: adminHeaders(A.sk), json: { events: ["order.placed"] } });
  });
});

describe("business events from other modules", () => {
  test("inventory's flat `{ type, ...fields }` event reaches a family subscription (inventory.*)", async () => {
    const res = await t.request("/v1/admin/webhooks", { method: "POST", headers: adminHeaders(A.sk), json: { url: rx.url, events: ["inventory.*"] } });
    const { endpoint, secret } = await res.json();
    const { addOutbox } = await import("../../jobs/outbox.ts");
    const { withTx } = await import("../../db/tx.ts");
    const ctx = await systemCtx(t.platform, A.id, "test");
    await withTx(ctx, (tx) => addOutbox(tx, clock.now(), { topic: "event", key: "inventory.low:var_X:adj_Y", payload: { type: "inventory.low", variantId: "var_X", available: 2, threshold: 5 } }));
    rx.plan = [200];
    rx.received.length = 0;
    const previous = rx.secret;
    rx.secret = secret;
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);
    rx.secret = previous;
    expect(rx.received).toHaveLength(1);
    expect(rx.received[0]!.signatureValid).toBe(true);
    expect(JSON.parse(rx.received[0]!.body)).toMatchObject({ type: "inventory.low", data: { variantId: "var_X", available: 2, threshold: 5 } });
    await t.request(`/v1/admin/webhooks/${endpoint.id}`, { method: "DELETE", headers: adminHeaders(A.sk) });
  });
});

describe("event time", () => {
  test("the body's createdAt is when the event was committed, not when the relay got to it", async () => {
    const { addOutbox } = await import("../../jobs/outbox.ts");
    const { withTx } = await import("../../db/tx.ts");
    const ctx = await systemCtx(t.platform, A.id, "test");
    const happened = clock.now();
    await withTx(ctx, (tx) => addOutbox(tx, happened, { topic: "event", key: "order.placed:ord_LATE", payload: { type: "order.placed", orderId: "ord_LATE" } }));
    clock.advance(3_600_000); // the process was down for an hour: the start-up scan relays the row
    rx.plan = [200];
    rx.received.length = 0;
    await t.platform.outbox.kick(A.id);
    await drainJobs(t.platform);
    const bodies = rx.received.map((r) => JSON.parse(r.body)).filter((b) => b.data.orderId === "ord_LATE");
    expect(bodies).toHaveLength(1);
    expect(bodies[0].createdAt).toBe(new Date(happened).toISOString());
  });
});

describe("retry schedule (driven by hand, injected clock)", () => {
  test("exponential backoff, 5 retries inside 24 h, then dead", async () => {
    expect(RETRY_DELAYS_MS).toHaveLength(5);
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) expect(RETRY_DELAYS_MS[i]!).toBe(RETRY_DELAYS_MS[i - 1]! * 5);
    expect(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(24 * 3_600_000);

    rx.plan = [503];
    const eventId = `evt_MANUAL${Date.now()}`;
    await t.platform.jobs.stop(); // drive attempts ourselves
    try {
      expect(await fanOut(t.platform, A.id, { id: eventId, type: "order.placed", data: {}, createdAt: clock.now() })).toBe(1);
      const store = await t.platform.pool.get(A.id);
      const row = (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, eventId)))[0]!;
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const out = await attemptDelivery(t.platform, A.id, { deliveryId: row.id, attempt });
        const now = clock.now();
        const d = (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row.id)))[0]!;
        if (attempt < MAX_ATTEMPTS) {
          expect(out).toEqual({ status: "retrying", next: { attempt: attempt + 1, delayMs: RETRY_DELAYS_MS[attempt - 1]! } });
          expect(d.nextAttemptAt).toBe(now + RETRY_DELAYS_MS[attempt - 1]!);
          // Running the same attempt again (a crash after it was recorded) sends nothing and reschedules the same next one.
          const sent = rx.received.length;
          expect((await attemptDelivery(t.platform, A.id, { deliveryId: row.id, attempt })).next?.attempt).toBe(attempt + 1);
          expect(rx.received.length).toBe(sent);
          clock.advance(RETRY_DELAYS_MS[attempt - 1]!);
        } else {
          expect(out).toEqual({ status: "dead" });
          expect(d.status).toBe("dead");
        }
      }
    } finally {
      await startTestJobs(t.platform);
      await drainJobs(t.platform);
    }
  });

  test("a name that resolves to a private address at send time is not called (DNS rebinding)", async () => {
    await using strict = await createTestPlatform();
    const s = await strict.createStore();
    const ctx = await systemCtx(strict.platform, s.id, "test");
    // Accepted while the name looked public…
    const { endpoint } = await createEndpoint(ctx, { masterKey: strict.config.masterKey, allowPrivate: false, resolve: async () => ["93.184.216.34"] }, {
      url: rx.url.replace("127.0.0.1", "localhost"),
      events: ["order.placed"],
    });
    // …but at send time it resolves to 127.0.0.1.
    await fanOut(strict.platform, s.id, { id: "evt_REBIND", type: "order.placed", data: {}, createdAt: Date.now() });
    const store = await strict.platform.pool.get(s.id);
    const row = (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.id)))[0]!;
    const sent = rx.received.length;
    const out = await attemptDelivery(strict.platform, s.id, { deliveryId: row.id, attempt: 1 });
    expect(out.status).toBe("retrying");
    expect(rx.received.length).toBe(sent);
    const d = (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, row.id)))[0]!;
    expect(d.lastError).toContain("private");
    expect(d.lastError).not.toContain("127.0.0.1"); // the merchant reads lastError: no internal address in it
  });
});

describe("bad endpoint input → 422 with the reason (acceptance 5)", () => {
  test("invalid URL, non-http scheme, private or loopback address", async () => {
    await using strict = await createTestPlatform(); // TRAFI_WEBHOOKS_ALLOW_PRIVATE is off by default
    const s = await strict.createStore();
    const cases: Array<[string, string]> = [
      ["not a url", "webhook.invalid_url"],
      ["ftp://example.com/hooks", "webhook.unsupported_scheme"],
      ["javascript:alert(1)", "webhook.unsupported_scheme"],
      ["file:///etc/passwd", "webhook.unsupported_scheme"],
      ["https://user:pw@example.com/hooks", "webhook.url_credentials"],
      ["http://127.0.0.1:8080/hooks", "webhook.private_address"],
      ["http://10.0.0.8/hooks", "webhook.private_address"],
      ["http://169.254.169.254/latest/meta-data", "webhook.private_address"],
      ["http://[::1]:3000/hooks", "webhook.private_address"],
      ["http://[::ffff:192.168.1.1]/hooks", "webhook.private_address"],
      ["http://localhost:3000/hooks", "webhook.private_address"],
      ["https://does-not-exist.invalid/hooks", "webhook.unresolvable_host"],
    ];
    for (const [url, reason] of cases) {
      const res = await strict.request("/v1/admin/webhooks", { method: "POST", headers: adminHeaders(s.sk), json: { url, events: ["order.placed"] } });
      expect(res.status, url).toBe(422);
      const body = await res.json();
      expect(body.error.reason, url).toBe(reason);
      expect(body.error.details.field).toBe("url");
    }
    const events = await strict.request("/v1/admin/webhooks", { method: "POST", headers: adminHeaders(s.sk), json: { url: "https://example.com/h", events: ["Order Placed"] } });
    expect(events.status).toBe(422);
    const list = await (await strict.request("/v1/admin/webhooks", { headers: adminHeaders(s.sk) })).json();
    expect(list.data).toEqual([]);
  });

  test("PATCH re-checks the URL", async () => {
    const res = await t.request(`/v1/admin/webhooks/${endpointId}`, { method: "PATCH", headers: adminHeaders(A.sk), json: { url: "gopher://example.com" } });
    expect(res.status).toBe(422);
    expect((await res.json()).error.reason).toBe("webhook.unsupported_scheme");
  });
});

describe("isolation and permissions", () => {
  test("another store's endpoint and delivery ids answer 404", async () => {
    const [d] = await deliveries(A);
    for (const [method, path] of [
      ["GET", `/v1/admin/webhooks/${endpointId}`],
      ["PATCH", `/v1/admin/webhooks/${endpointId}`],
      ["DELETE", `/v1/admin/webhooks/${endpointId}`],
      ["POST", `/v1/admin/webhooks/${endpointId}/test`],
      ["GET", `/v1/admin/webhooks/deliveries/${d.id}`],
      ["POST", `/v1/admin/webhooks/deliveries/${d.id}/replay`],
    ] as const) {
      const res = await t.request(path, { method, headers: adminHeaders(B.sk), json: method === "PATCH" ? { enabled: false } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    expect(await deliveries(B)).toEqual([]);
    const mine = await (await t.request(`/v1/admin/webhooks/${endpointId}`, { headers: adminHeaders(A.sk) })).json();
    expect(mine.enabled).toBe(true);
  });

  test("webhooks:read cannot write; the secret is never returned again", async () => {
    const { token } = await t.platform.keys.create({ storeId: A.id, type: "secret", scopes: ["webhooks:read"] });
    const write = await t.request("/v1/admin/webhooks", { method: "POST", headers: adminHeaders(token), json: { url: rx.url, events: ["order.placed"] } });
    expect(write.status).toBe(403);
    const read = await t.request(`/v1/admin/webhooks/${endpointId}`, { headers: adminHeaders(token) });
    expect(read.status).toBe(200);
    expect(JSON.stringify(await read.json())).not.toContain("whsec_");
  });

  test("an endpoint can be deleted", async () => {
    const res = await t.request("/v1/admin/webhooks", { method: "POST", headers: adminHeaders(B.sk), json: { url: rx.url, events: ["*"] } });
    const { endpoint } = await res.json();
    const del = await t.request(`/v1/admin/webhooks/${endpoint.id}`, { method: "DELETE", headers: adminHeaders(B.sk) });
    expect(await del.json()).toEqual({ id: endpoint.id, deleted: true });
    expect((await t.request(`/v1/admin/webhooks/${endpoint.id}`, { headers: adminHeaders(B.sk) })).status).toBe(404);
  });
});
