// Test helpers for the queue: start the runtime with delays scaled to zero and no recurring schedules, and wait
// (by polling the queue, not by sleeping a fixed time) until every job has run.
import type { Platform } from "../platform.ts";
import type { JobsStartOptions } from "./runtime.ts";

export async function startTestJobs(platform: Platform, opts: JobsStartOptions = {}): Promise<void> {
  await platform.jobs.start({ delayScale: 0, rescanEveryMs: null, concurrency: 2, ...opts });
  await platform.outbox.startupScan;
}

/** Resolves once nothing is waiting, delayed or running; fails after `timeoutMs`. */
export async function drainJobs(platform: Platform, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quiet = 0;
  while (performance.now() < deadline) {
    const c = await platform.jobs.q.getJobCountsAsync();
    const busy = c.waiting + c.prioritized + c.active + c.delayed;
    // Two quiet reads in a row: a finishing job may enqueue its follow-up between them.
    quiet = busy === 0 ? quiet + 1 : 0;
    if (quiet >= 2) return;
    await Bun.sleep(5);
  }
  throw new Error(`jobs still running after ${timeoutMs} ms: ${JSON.stringify(await platform.jobs.q.getJobCountsAsync())}`);
}
