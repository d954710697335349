// The sweep of stuck deliveries. A "pending" or "retrying" delivery moves on only through its job; when that job is
// lost (dead-lettered after our own failures, a lost or restored jobs file), nothing else attempts it again. The sweep
// re-enqueues the due attempt through the outbox, exactly as a new delivery or a replay does, and under the same key
// (`<deliveryId>:<attempt>`: the job id a new delivery's row and a failed attempt give the attempt's job too):
// - a job of that attempt still alive in the queue absorbs the new one (bunqueue keeps one live job per id);
// - one that ran meanwhile makes the new one a no-op (attemptDelivery sends only attempt `attempts + 1`; a re-run of
//   an attempt already recorded sends nothing and re-schedules the same next job).
import { and, asc, eq, gt, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Platform } from "../../platform.ts";
import type { StoreHandle } from "../../tenancy/pool.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { addOutbox } from "../../jobs/outbox.ts";
import { outbox } from "../../jobs/outbox.tables.ts";
import { DELIVER_TOPIC } from "./deliveries.ts";
import { webhookDeliveries as wd } from "./webhooks.tables.ts";

/**
 * How overdue an attempt must be before its job counts as lost. Erring early is harmless (a job still alive absorbs
 * the re-enqueue), only wasted writes; a busy queue runs its jobs seconds late, not minutes.
 */
export const STUCK_AFTER_MS = 10 * 60_000;
/**
 * Every run opens every active store (no control-DB record says which have endpoints): a lost attempt goes out
 * 10–25 minutes late, against retries spaced 1 minute to 10 hours apart.
 */
export const SWEEP_EVERY_MS = 15 * 60_000;
const SWEEP_BATCH = 100;
/** Re-enqueues of one attempt before the delivery is given up as dead (replayable from the dashboard). */
export const MAX_SWEEPS = 3;

const stuck = (cutoff: number) =>
  or(
    and(eq(wd.status, "retrying"), lt(wd.nextAttemptAt, cutoff)),
    // A pending delivery's attempt is due at once, from its creation or its replay: both set updatedAt, while
    // createdAt stays the original's on a replay.
    and(eq(wd.status, "pending"), lt(wd.updatedAt, cutoff)),
  );

/** Re-enqueues the due attempt of each stuck delivery of the store; returns how many. */
export async function sweepStuckDeliveries(platform: Platform, store: StoreHandle, now: number): Promise<number> {
  const cutoff = now - STUCK_AFTER_MS;
  let enqueued = 0;
  for (let after = ""; ; ) {
    // Read without the lock (nearly always empty): the status index narrows it to unfinished deliveries.
    const rows = await store.db.select({ id: wd.id }).from(wd).where(and(gt(wd.id, after), stuck(cutoff))).orderBy(asc(wd.id)).limit(SWEEP_BATCH);
    if (rows.length > 0) enqueued += await withTx({ store }, (tx) => requeue(tx, rows.map((r) => r.id), now, cutoff));
    if (rows.length < SWEEP_BATCH) break;
    after = rows[rows.length - 1]!.id;
  }
  if (enqueued > 0) await platform.outbox.kick(store.id);
  return enqueued;
}

async function requeue(tx: StoreTx, ids: string[], now: number, cutoff: number): Promise<number> {
  // Again in the transaction: an attempt may have been recorded since the read.
  const due = await tx.select({ id: wd.id, attempts: wd.attempts }).from(wd).where(and(inArray(wd.id, ids), stuck(cutoff)));
  if (due.length === 0) return 0;
  const keyOf = (r: { id: string; attempts: number }) => `${r.id}:${r.attempts + 1}`;
  // A row for this attempt that is still unrelayed belongs to the relay (its re-scan retries it); one written less
  // than STUCK_AFTER_MS ago (an earlier sweep, a replay) has not had its chance yet. Either way, no second row.
  const waiting = await tx
    .select({ key: outbox.key })
    .from(outbox)
    .where(and(eq(outbox.topic, DELIVER_TOPIC), inArray(outbox.key, due.map(keyOf)), or(isNull(outbox.relayedAt), gte(outbox.createdAt, cutoff))));
  const skip = new Set(waiting.map((w) => w.key));
  // Rows already written for the attempt: the one that first scheduled it, then one per sweep. A job that dies every
  // time (on our side: an endpoint secret that cannot be opened) would otherwise be swept back for ever.
  const written = new Map(
    (await tx.select({ key: outbox.key, n: sql<number>`count(*)` }).from(outbox).where(and(eq(outbox.topic, DELIVER_TOPIC), inArray(outbox.key, due.map(keyOf)))).groupBy(outbox.key))
      .map((w) => [w.key, Number(w.n)]),
  );
  let n = 0;
  for (const r of due) {
    if (skip.has(keyOf(r))) continue;
    if ((written.get(keyOf(r)) ?? 0) > MAX_SWEEPS) {
      await tx.update(wd).set({
        status: "dead", nextAttemptAt: null, updatedAt: now,
        lastError: `its job was lost or failed ${MAX_SWEEPS + 1} times on our side; replay it once the cause is fixed`,
      }).where(eq(wd.id, r.id));
      continue;
    }
    await addOutbox(tx, now, { topic: DELIVER_TOPIC, key: keyOf(r), payload: { deliveryId: r.id, attempt: r.attempts + 1 } });
    n++;
  }
  return n;
}
