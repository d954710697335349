// The jobs module's public api: the runtime (queue + worker), the outbox relay, and the registry of every job.
// A module adds its jobs to ALL_JOBS; platform.ts wires one runtime per process.
import type { Platform } from "../platform.ts";
import { JobRegistry, type JobDefinition } from "./define.ts";
import { JobRuntime } from "./runtime.ts";
import { OutboxRelay } from "./relay.ts";
import { DEFAULT_RESCAN_EVERY_MS, MAINTENANCE_JOBS, installSchedules, removeSchedules } from "./maintenance.ts";
import { WEBHOOK_JOBS } from "../modules/webhooks/jobs.ts";
import { NOTIFICATION_JOBS } from "../modules/notifications/jobs.ts";
import { ORDER_JOBS } from "../modules/orders/jobs.ts";
import { CHECKOUT_JOBS } from "../modules/checkout/jobs.ts";

export { defineJob, PermanentJobError, type JobDefinition, type JobContext } from "./define.ts";
export { addOutbox, addControlOutbox } from "./outbox.ts";
export type { JobRuntime, JobsStartOptions } from "./runtime.ts";
export type { OutboxRelay } from "./relay.ts";

export const ALL_JOBS = (): JobDefinition[] => [...MAINTENANCE_JOBS, ...WEBHOOK_JOBS, ...NOTIFICATION_JOBS, ...ORDER_JOBS, ...CHECKOUT_JOBS];

export function createJobs(platform: Platform, extra: JobDefinition[] = []): { runtime: JobRuntime; relay: OutboxRelay } {
  const registry = new JobRegistry().add(...ALL_JOBS(), ...extra);
  const runtime = new JobRuntime(platform, registry);
  const relay = new OutboxRelay(platform, runtime);
  runtime.onStart.push(async () => {
    const every = runtime.startOpts.rescanEveryMs;
    if (every === null) await removeSchedules(runtime);
    else await installSchedules(runtime, every ?? DEFAULT_RESCAN_EVERY_MS);
    // In the background: a server with many stores must not wait for the scan to answer requests.
    relay.startupScan = relay.scanAll().then(
      (r) => {
        if (r.relayed > 0 || r.failed > 0) platform.log.info("outbox start-up scan", { ...r });
      },
      (err) => platform.log.error("outbox start-up scan failed", { err }),
    );
  });
  runtime.onStop.push(() => relay.startupScan);
  return { runtime, relay };
}
