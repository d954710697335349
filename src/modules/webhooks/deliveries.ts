// Deliveries: fan-out of a business event to the subscribed endpoints, one attempt at a time, the retry schedule,
// replay and the synthetic test event. Every new delivery is an outbox row written with it, so a crash between the
// commit and the enqueue loses nothing; retries are scheduled by the attempt that failed.
import { and, desc, eq, lt } from "drizzle-orm";
import type { Platform } from "../../platform.ts";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound } from "../../kernel/errors.ts";
import { newId } from "../../kernel/ids.ts";
import { unseal } from "../../kernel/seal.ts";
import { toPage, type Page } from "../../kernel/pagination.ts";
import { prepared } from "../../db/prepared.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { addOutbox } from "../../jobs/outbox.ts";
import { PermanentJobError } from "../../jobs/define.ts";
import { recordAudit } from "../audit/index.ts";
import { SECRET_PURPOSE, findEndpoint, subscribes, type WebhookDeps } from "./endpoints.ts";
import { signPayload } from "./signature.ts";
import { pinRequest, resolveWebhookUrl } from "./url-guard.ts";
import { webhookDeliveries, webhookEndpoints, type DeliveryStatus } from "./webhooks.tables.ts";
import type { StoreHandle } from "../../tenancy/pool.ts";

/** Delays before retries 1–5: exponential (×5) from one minute, 13 h in total, well inside the 24 h window. */
export const RETRY_DELAYS_MS: readonly number[] = [60_000, 300_000, 1_500_000, 7_500_000, 37_500_000];
/** One first attempt plus five retries, then the delivery is dead (API.md). */
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
export const EXCERPT_BYTES = 1024;
const SEND_TIMEOUT_MS = 10_000;
export const DELIVER_TOPIC = "webhook.deliver";

type Row = typeof webhookDeliveries.$inferSelect;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const deliveryView = (r: Row) => ({
  id: r.id,
  endpointId: r.endpointId,
  eventId: r.eventId,
  eventType: r.eventType,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: iso(r.nextAttemptAt),
  lastAttemptAt: iso(r.lastAttemptAt),
  lastStatusCode: r.lastStatusCode,
  lastLatencyMs: r.lastLatencyMs,
  lastResponseExcerpt: r.lastResponseExcerpt,
  lastError: r.lastError,
  deliveredAt: iso(r.deliveredAt),
  createdAt: new Date(r.createdAt).toISOString(),
});

export const webhookDeps = (p: Platform): WebhookDeps => ({ masterKey: p.config.masterKey, allowPrivate: p.config.webhooksAllowPrivate });

export interface BusinessEvent {
  id: string;
  type: string;
  data: Record<string, unknown>;
  createdAt: number;
}

async function insertDelivery(tx: StoreTx, now: number, endpointId: string, ev: BusinessEvent, storeId: string): Promise<string | null> {
  const id = newId("whd", now);
  const body = JSON.stringify({ id: ev.id, type: ev.type, createdAt: new Date(ev.createdAt).toISOString(), storeId, data: ev.data });
  const inserted = await tx
    .insert(webhookDeliveries)
    .values({ id, endpointId, eventId: ev.id, eventType: ev.type, body, status: "pending", createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id });
  if (inserted.length === 0) return null; // this event already went to this endpoint: a relay ran twice
  await addOutbox(tx, now, { topic: DELIVER_TOPIC, key: `${id}:1`, payload: { deliveryId: id, attempt: 1 } });
  return id;
}

/** The event subscriptions of the store's enabled endpoints, read without the write lock. */
async function enabledSubscriptions(store: StoreHandle): Promise<Array<{ events: string[] }>> {
  // Every business event asks (the relay's wanted(), the fan-out): prepared once per store database.
  return prepared(store.db, "webhooks.enabled", (d) => d.select({ events: webhookEndpoints.events }).from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true)).prepare()).all();
}

/** Whether the store has an enabled endpoint at all (the event job's `wanted`). */
export async function hasEnabledEndpoint(platform: Platform, storeId: string): Promise<boolean> {
  return (await enabledSubscriptions(await platform.pool.get(storeId))).length > 0;
}

/** Creates one delivery per subscribed, enabled endpoint (idempotent per event and endpoint). */
export async function fanOut(platform: Platform, storeId: string, ev: BusinessEvent): Promise<number> {
  const store = await platform.pool.get(storeId);
  const now = platform.clock.now();
  // Most events of most stores go to no endpoint: a read says so without taking the store's write lock.
  if (!(await enabledSubscriptions(store)).some((ep) => subscribes(ep.events, ev.type))) return 0;
  const created = await withTx({ store }, async (tx) => {
    const endpoints = await tx.select({ id: webhookEndpoints.id, events: webhookEndpoints.events }).from(webhookEndpoints).where(eq(webhookEndpoints.enabled, true));
    let n = 0;
    for (const ep of endpoints) if (subscribes(ep.events, ev.type) && (await insertDelivery(tx, now, ep.id, ev, storeId))) n++;
    return n;
  });
  if (created > 0) await platform.outbox.kick(storeId);
  return created;
}

interface AttemptResult {
  statusCode: number | null;
  latencyMs: number | null;
  excerpt: string | null;
  error: string | null;
  /** No retry can help (endpoint deleted or disabled). */
  final: boolean;
}

async function readExcerpt(res: Response): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const bytes = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES);
  // Cutting may split a multi-byte character; the decoder replaces the broken tail.
  return new TextDecoder().decode(bytes);
}

async function send(platform: Platform, d: Row, url: string, secret: string): Promise<AttemptResult> {
  const unix = Math.floor(platform.clock.now() / 1000);
  const started = performance.now();
  try {
    // Re-checked before every send (the name may now resolve to a private address: DNS rebinding), and the
    // connection goes to the address that passed the check.
    const pin = pinRequest(await resolveWebhookUrl(url, { ...webhookDeps(platform), log: platform.log.child({ deliveryId: d.id }) }));
    const res = await fetch(pin.connectUrl, {
      method: "POST",
      ...(pin.serverName ? { tls: { serverName: pin.serverName } } : {}),
      headers: {
        host: pin.host,
        "content-type": "application/json",
        "user-agent": "Trafi-Webhooks/1",
        "trafi-signature": signPayload(secret, unix, d.body),
        "trafi-event-id": d.eventId,
        "trafi-event-type": d.eventType,
      },
      body: d.body,
      redirect: "manual", // a redirect could lead to a private address; receivers answer 2xx directly
      signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
    });
    const excerpt = await readExcerpt(res);
    const latencyMs = Math.round(performance.now() - started);
    const ok = res.status >= 200 && res.status < 300;
    return { statusCode: res.status, latencyMs, excerpt, error: ok ? null : `HTTP ${res.status}`, final: false };
  } catch (e) {
    const latencyMs = Math.round(performance.now() - started);
    return { statusCode: null, latencyMs, excerpt: null, error: (e as Error).message.slice(0, 500), final: false };
  }
}

export interface AttemptOutcome {
  status: DeliveryStatus;
  /** The next attempt to enqueue, when the delivery is retrying. */
  next?: { attempt: number; delayMs: number };
}

/** One attempt of a delivery. Idempotent: a job that runs twice for the same attempt sends once. */
export async function attemptDelivery(platform: Platform, storeId: string, input: { deliveryId: string; attempt: number }): Promise<AttemptOutcome> {
  const store = await platform.pool.get(storeId);
  const d = (await store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, input.deliveryId)))[0];
  if (!d) throw new PermanentJobError(`webhook delivery ${input.deliveryId} does not exist`);
  if (d.status === "delivered" || d.status === "dead") return { status: d.status };
  if (d.attempts >= input.attempt) {
    // This attempt already ran (the process died after recording it): make sure the next one is scheduled.
    const pendingNext = d.status === "retrying" && d.attempts === input.attempt && d.nextAttemptAt !== null;
    return pendingNext ? { status: d.status, next: { attempt: d.attempts + 1, delayMs: Math.max(0, d.nextAttemptAt! - platform.clock.now()) } } : { status: d.status };
  }
  if (input.attempt !== d.attempts + 1) return { status: d.status }; // a stale job of an earlier round

  const ep = (await store.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, d.endpointId)))[0];
  const result: AttemptResult = !ep
    ? { statusCode: null, latencyMs: null, excerpt: null, error: "the endpoint was deleted", final: true }
    : !ep.enabled
      ? { statusCode: null, latencyMs: null, excerpt: null, error: "the endpoint is disabled", final: true }
      : await send(platform, d, ep.url, unseal(platform.config.masterKey, SECRET_PURPOSE, ep.secretSealed));

  const now = platform.clock.now();
  const round = d.roundAttempts + 1;
  const status: DeliveryStatus = result.error === null ? "delivered" : result.final || round >= MAX_ATTEMPTS ? "dead" : "retrying";
  const delayMs = status === "retrying" ? RETRY_DELAYS_MS[round - 1]! : null;
  await withTx({ store }, (tx) =>
    tx
      .update(webhookDeliveries)
      .set({
        status,
        attempts: input.attempt,
        roundAttempts: round,
        nextAttemptAt: delayMs === null ? null : now + delayMs,
        lastAttemptAt: now,
        lastStatusCode: result.statusCode,
        lastLatencyMs: result.latencyMs,
        lastResponseExcerpt: result.excerpt,
        lastError: result.error,
        deliveredAt: status === "delivered" ? now : null,
        updatedAt: now,
      })
      .where(eq(webhookDeliveries.id, d.id)),
  );
  return delayMs === null ? { status } : { status, next: { attempt: input.attempt + 1, delayMs } };
}

export async function getDelivery(ctx: Pick<Ctx, "store">, id: string): Promise<Row> {
  const row = (await ctx.store.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0];
  if (!row) throw new NotFound("webhook_delivery", id);
  return row;
}

export async function listDeliveries(
  ctx: Ctx,
  q: { limit: number; before?: string | undefined; endpointId?: string | undefined; status?: DeliveryStatus | undefined },
): Promise<Page<ReturnType<typeof deliveryView>>> {
  const rows = await ctx.store.db
    .select()
    .from(webhookDeliveries)
    .where(
      and(
        q.before ? lt(webhookDeliveries.id, q.before) : undefined,
        q.endpointId ? eq(webhookDeliveries.endpointId, q.endpointId) : undefined,
        q.status ? eq(webhookDeliveries.status, q.status) : undefined,
      ),
    )
    .orderBy(desc(webhookDeliveries.id))
    .limit(q.limit + 1);
  const page = toPage(rows, q.limit);
  return { data: page.data.map(deliveryView), nextCursor: page.nextCursor };
}

/** Sends a dead (or delivered) delivery again with a fresh retry budget. */
export async function replayDelivery(platform: Platform, ctx: Ctx, id: string): Promise<Row> {
  const row = await withTx(ctx, async (tx) => {
    const d = (await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0];
    if (!d) throw new NotFound("webhook_delivery", id);
    if (d.status === "pending" || d.status === "retrying") {
      throw new Conflict("webhook.delivery_in_progress", "This delivery is still being attempted; replay it once it is delivered or dead");
    }
    const now = ctx.clock.now();
    const after = (
      await tx
        .update(webhookDeliveries)
        .set({ status: "pending", roundAttempts: 0, nextAttemptAt: null, deliveredAt: null, updatedAt: now })
        .where(eq(webhookDeliveries.id, id))
        .returning()
    )[0]!;
    const attempt = d.attempts + 1;
    await addOutbox(tx, now, { topic: DELIVER_TOPIC, key: `${id}:${attempt}`, payload: { deliveryId: id, attempt } });
    await recordAudit(tx, ctx, { action: "webhook_delivery.replayed", targetType: "webhook_delivery", targetId: id, before: { status: d.status, attempts: d.attempts } });
    return after;
  });
  await platform.outbox.kick(ctx.storeId);
  return row;
}

/** A synthetic `webhook.test` event to one endpoint, so the merchant can check their receiver. */
export async function sendTestEvent(platform: Platform, ctx: Ctx, endpointId: string): Promise<Row> {
  await findEndpoint(ctx, endpointId);
  const now = ctx.clock.now();
  const ev: BusinessEvent = { id: newId("evt", now), type: "webhook.test", createdAt: now, data: { endpointId, message: "This is a test event from Trafi." } };
  const id = await withTx(ctx, async (tx) => {
    const deliveryId = await insertDelivery(tx, now, endpointId, ev, ctx.storeId);
    await recordAudit(tx, ctx, { action: "webhook_endpoint.tested", targetType: "webhook_endpoint", targetId: endpointId, after: { deliveryId } });
    return deliveryId!;
  });
  await platform.outbox.kick(ctx.storeId);
  return getDelivery(ctx, id);
}
