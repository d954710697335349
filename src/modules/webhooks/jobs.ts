// The webhook jobs: `event` (a business event from an outbox → its subscribers, today the webhooks),
// `webhook.dispatch` (the same fan-out, explicitly), `webhook.deliver` (one attempt of one delivery) and the recurring
// `webhook.sweep` (re-enqueues the attempts of deliveries whose job was lost; scheduled in jobs/maintenance.ts).
import { t } from "elysia";
import { eq, sql } from "drizzle-orm";
import { defineJob, inputKey, PermanentJobError, type JobContext, type JobDefinition } from "../../jobs/define.ts";
import { attemptDelivery, fanOut, hasEnabledEndpoint, DELIVER_TOPIC } from "./deliveries.ts";
import { Int } from "../../kernel/schema.ts";
import { prepared } from "../../db/prepared.ts";
import { outbox } from "../../jobs/outbox.tables.ts";
import { forEachStore, WALK_TIMEOUT_MS } from "../../jobs/each-store.ts";
import { sweepStuckDeliveries } from "./sweep.ts";

/** A business event: `{ type, ...fields }` (inventory writes `{ type: "inventory.low", variantId, available, … }`). */
const EventInput = t.Object(
  {
    type: t.String({ pattern: "^[a-z_]+(\\.[a-z_]+)+$", maxLength: 64 }),
    /** Optional explicit event id; by default the outbox row id. */
    id: t.Optional(t.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: true },
);
type EventInput = typeof EventInput.static;

function storeOf(ctx: JobContext): string {
  if (ctx.storeId === null) throw new PermanentJobError("webhook events belong to a store");
  return ctx.storeId;
}

/**
 * When the event happened: its outbox row's createdAt, written in the transaction of the change. The job may run
 * much later (a relay after a restart, retries), and the body a receiver orders events by must not say so. An event
 * enqueued directly has no row: now.
 */
async function occurredAt(ctx: JobContext, storeId: string): Promise<number> {
  if (ctx.outboxId === null) return ctx.clock.now();
  const store = await ctx.platform.pool.get(storeId);
  const rows = await prepared(store.db, "webhooks.event_time", (d) =>
    d.select({ createdAt: outbox.createdAt }).from(outbox).where(eq(outbox.id, sql.placeholder("id"))).prepare(),
  ).all({ id: ctx.outboxId });
  // The runtime has just read the row's payload; should it be gone since, the time of the fan-out is the best left.
  return rows[0]?.createdAt ?? ctx.clock.now();
}

async function dispatch(ctx: JobContext, input: EventInput): Promise<void> {
  const id = input.id ?? ctx.outboxId;
  if (!id) throw new PermanentJobError("an event enqueued directly needs an id");
  const storeId = storeOf(ctx);
  const { type, id: _id, ...data } = input as EventInput & Record<string, unknown>;
  const n = await fanOut(ctx.platform, storeId, { id, type, data, createdAt: await occurredAt(ctx, storeId) });
  if (n > 0) ctx.log.info("webhook deliveries created", { eventId: id, type: input.type, deliveries: n });
}

export const eventJob = defineJob({
  name: "event",
  input: EventInput,
  retry: { attempts: 5, backoffMs: 5_000 },
  timeoutMs: 30_000,
  key: (i) => i.id ?? inputKey(i),
  handler: dispatch,
  // Each outbox row is one event (its id is the event id): rows whose keys meet are still two events.
  relayKey: "row",
  // Webhooks are the only subscribers of business events today: a store without an enabled endpoint needs no job
  // (the fan-out would find nobody). One indexed read per relay pass.
  wanted: (platform, storeId) => (storeId === null ? Promise.resolve(true) : hasEnabledEndpoint(platform, storeId)),
});

export const webhookDispatchJob = defineJob({
  name: "webhook.dispatch",
  input: EventInput,
  retry: { attempts: 5, backoffMs: 5_000 },
  timeoutMs: 30_000,
  key: (i) => i.id ?? inputKey(i),
  handler: dispatch,
});

export const webhookDeliverJob = defineJob({
  name: DELIVER_TOPIC,
  input: t.Object({ deliveryId: t.String({ pattern: "^whd_" }), attempt: Int({ minimum: 1 }) }, { additionalProperties: false }),
  // These retries cover our own failures (a busy store file); the receiver's failures follow RETRY_DELAYS_MS.
  retry: { attempts: 3, backoffMs: 5_000 },
  timeoutMs: 30_000,
  key: (i) => `${i.deliveryId}:${i.attempt}`,
  async handler(ctx, input) {
    const outcome = await attemptDelivery(ctx.platform, storeOf(ctx), input);
    if (outcome.next) {
      // Keyed by delivery and attempt: a re-run of this job after a crash schedules the same job, once.
      await ctx.platform.jobs.enqueue(webhookDeliverJob, ctx.storeId, { deliveryId: input.deliveryId, attempt: outcome.next.attempt }, { delayMs: outcome.next.delayMs });
    }
  },
});

export const webhookSweepJob = defineJob({
  name: "webhook.sweep",
  input: t.Object({}),
  retry: { attempts: 1, backoffMs: 0 }, // the next run is the retry
  timeoutMs: WALK_TIMEOUT_MS,
  key: () => "sweep",
  async handler(ctx) {
    let enqueued = 0;
    // Active stores only, like the relay's scans.
    const walk = await forEachStore(ctx, ["active"], async (store) => {
      enqueued += await sweepStuckDeliveries(ctx.platform, store, ctx.clock.now());
    });
    // A re-enqueued attempt means a job was lost: worth a look even when it then succeeds.
    if (enqueued > 0 || walk.failed > 0) ctx.log.warn("stuck webhook deliveries re-enqueued", { enqueued, ...walk });
  },
});

export const WEBHOOK_JOBS: JobDefinition[] = [eventJob, webhookDispatchJob, webhookDeliverJob, webhookSweepJob];
