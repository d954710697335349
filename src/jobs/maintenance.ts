// Recurring platform jobs. bunqueue's `every` repeats (cron patterns fire at most about once every 48 s:
// STACK-NOTES). A new recurring job is a defineJob plus one entry in SCHEDULES.
import { t } from "elysia";
import { defineJob, type JobDefinition } from "./define.ts";
import type { JobRuntime } from "./runtime.ts";

export const DEFAULT_RESCAN_EVERY_MS = 30_000;
const CLEAN_EVERY_MS = 3_600_000;
/** Completed jobs are kept a day for inspection, then removed so the jobs file does not grow forever. */
const KEEP_COMPLETED_MS = 24 * 3_600_000;

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

export const MAINTENANCE_JOBS: JobDefinition[] = [outboxRescanJob, cleanCompletedJob];

/** Installs (or updates) the recurring schedules; idempotent across restarts. */
export async function installSchedules(runtime: JobRuntime, rescanEveryMs: number): Promise<void> {
  const schedules: Array<[JobDefinition, number]> = [
    [outboxRescanJob, rescanEveryMs],
    [cleanCompletedJob, CLEAN_EVERY_MS],
  ];
  for (const [def, every] of schedules) {
    await runtime.q.upsertJobScheduler(def.name, { every }, { name: def.name, data: { storeId: null, input: {} } });
  }
}

export async function removeSchedules(runtime: JobRuntime): Promise<void> {
  for (const def of [outboxRescanJob, cleanCompletedJob]) await runtime.q.removeJobScheduler(def.name);
}
