// Recurring platform jobs. bunqueue's `every` repeats (cron patterns fire at most about once every 48 s:
// STACK-NOTES). A new recurring job is a defineJob plus one entry in SCHEDULES.
import { t } from "elysia";
import { defineJob, type JobDefinition } from "./define.ts";
import type { JobRuntime } from "./runtime.ts";
import { forEachStore, WALK_TIMEOUT_MS } from "./each-store.ts";
import { pruneControlOutbox, pruneStoreOutbox } from "./outbox-retention.ts";
import { SWEEP_EVERY_MS } from "../modules/webhooks/sweep.ts";
import { webhookSweepJob } from "../modules/webhooks/jobs.ts";

export const DEFAULT_RESCAN_EVERY_MS = 30_000;
const CLEAN_EVERY_MS = 3_600_000;
/** Completed jobs are kept a day for inspection, then removed so the jobs file does not grow forever. */
const KEEP_COMPLETED_MS = 24 * 3_600_000;
/** Hourly against a week's retention: a row outlives it by at most an hour (more while a backlog is worked off). */
const PRUNE_EVERY_MS = 3_600_000;

export const outboxRescanJob = defineJob({
  name: "outbox.rescan",
  input: t.Object({}),
  retry: { attempts: 1, backoffMs: 0 },
  timeoutMs: 120_000,
  key: () => "rescan",
  async handler(ctx) {
    const r = await ctx.platform.outbox.rescan();
    if (r.relayed > 0 || r.failed > 0) ctx.log.info("outbox re-scan", { ...r });
  },
});

export const cleanCompletedJob = defineJob({
  name: "jobs.clean",
  input: t.Object({}),
  retry: { attempts: 1, backoffMs: 0 },
  timeoutMs: 120_000,
  key: () => "clean",
  async handler(ctx) {
    const removed = await ctx.platform.jobs.q.cleanAsync(KEEP_COMPLETED_MS, 10_000, "completed");
    if (removed.length > 0) ctx.log.info("completed jobs cleaned", { removed: removed.length });
  },
});

export const outboxPruneJob = defineJob({
  name: "outbox.prune",
  input: t.Object({}),
  retry: { attempts: 1, backoffMs: 0 }, // the next run is the retry
  timeoutMs: WALK_TIMEOUT_MS,
  key: () => "prune",
  async handler(ctx) {
    const control = await pruneControlOutbox(ctx.platform.control, ctx.clock.now());
    let deleted = control.deleted;
    let capped = control.capped ? 1 : 0;
    // Suspended stores too: their buyers' data is no less personal, and rows relayed before the suspension expire.
    const walk = await forEachStore(ctx, ["active", "suspended"], async (store) => {
      const r = await pruneStoreOutbox(store, ctx.clock.now());
      deleted += r.deleted;
      if (r.capped) capped++;
    });
    if (deleted > 0 || walk.failed > 0) ctx.log.info("outbox rows past retention deleted", { deleted, capped, ...walk });
  },
});

export const MAINTENANCE_JOBS: JobDefinition[] = [outboxRescanJob, cleanCompletedJob, outboxPruneJob];

/**
 * Every recurring job and its period ("rescan": the start option's). A function, not a constant: modules and
 * jobs/index.ts import each other (orders → jobs/index → orders/jobs), so a module's job may not be initialised yet
 * when this file is evaluated; by the time schedules are installed, every module has loaded.
 */
export const SCHEDULES = (): Array<[JobDefinition, number | "rescan"]> => [
  [outboxRescanJob, "rescan"],
  [cleanCompletedJob, CLEAN_EVERY_MS],
  [outboxPruneJob, PRUNE_EVERY_MS],
  [webhookSweepJob, SWEEP_EVERY_MS],
];

/** Installs (or updates) the recurring schedules; idempotent across restarts. */
export async function installSchedules(runtime: JobRuntime, rescanEveryMs: number): Promise<void> {
  for (const [def, period] of SCHEDULES()) {
    const every = period === "rescan" ? rescanEveryMs : period;
    // The definition's retry and timeout, as enqueue() gives every other job (bunqueue's cron defaults are 3 attempts
    // and no timeout); a run still going when the next is due is not doubled.
    await runtime.q.upsertJobScheduler(def.name, { every, preventOverlap: true }, {
      name: def.name,
      data: { storeId: null, input: {} },
      opts: { attempts: def.retry.attempts, backoff: { type: "exponential", delay: def.retry.backoffMs }, timeout: def.timeoutMs },
    });
  }
}

export async function removeSchedules(runtime: JobRuntime): Promise<void> {
  for (const [def] of SCHEDULES()) await runtime.q.removeJobScheduler(def.name);
}
