// Queue status for one store (GET /v1/admin/jobs, `trafi jobs`): every store shares one queue, so counts are
// computed from the jobs' data (bounded scans; the queue holds live work, completed jobs are cleaned hourly).
import type { Job } from "bunqueue/client";
import type { Platform } from "../platform.ts";
import { NotFound } from "../kernel/errors.ts";
import { loadOutboxPayload } from "./relay.ts";
import type { JobData } from "./runtime.ts";

const SCAN = 10_000;
/** The problems list is for a person to read; counts stay exact. */
const MAX_PROBLEMS = 100;

export interface JobCounts {
  waiting: number;
  active: number;
  delayed: number;
  /** Failed at least once and waiting for their next retry. */
  failed: number;
  /** Out of retries: in the dead-letter list until retried. */
  dead: number;
}

export interface JobProblem {
  id: string;
  name: string;
  storeId: string | null;
  state: "failed" | "dead";
  attempts: number;
  lastError: string | null;
  payload: unknown;
  failedAt: string | null;
}

/** A store's jobs, the platform's (null), or every job ("all", for the operator's CLI). */
export type JobScope = string | null | "all";
const mine = (scope: JobScope) => (j: Job<JobData>) => scope === "all" || (j.data?.storeId ?? null) === scope;

async function payloadOf(p: Platform, data: JobData): Promise<unknown> {
  if (data.outboxId === undefined) return data.input ?? null;
  try {
    return await loadOutboxPayload(p, data.storeId, data.outboxId);
  } catch {
    return null; // the outbox row was cleaned up; the job still shows
  }
}

async function jobsIn(p: Platform, state: string | string[]): Promise<Job<JobData>[]> {
  return (await p.jobs.q.getJobsAsync({ state, start: 0, end: SCAN - 1 })) as Job<JobData>[];
}

async function deadEntries(p: Platform, storeId: JobScope) {
  const entries = await p.jobs.q.getDlqAsync({ limit: SCAN });
  return entries.filter((e) => mine(storeId)(e.job));
}

export async function jobStatus(p: Platform, storeId: JobScope): Promise<{ counts: JobCounts; problems: JobProblem[] }> {
  const own = mine(storeId);
  const [waiting, active, delayed, dead] = await Promise.all([
    jobsIn(p, ["waiting", "prioritized"]),
    jobsIn(p, "active"),
    jobsIn(p, "delayed"),
    deadEntries(p, storeId),
  ]);
  const delayedMine = delayed.filter(own);
  const retrying = delayedMine.filter((j) => j.attemptsMade > 0);
  const problems: JobProblem[] = [];
  for (const j of retrying.slice(0, MAX_PROBLEMS)) {
    problems.push({ id: j.id, name: j.name, storeId: j.data.storeId ?? null, state: "failed", attempts: j.attemptsMade, lastError: j.failedReason ?? null, payload: await payloadOf(p, j.data), failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null });
  }
  for (const e of dead.slice(0, MAX_PROBLEMS - problems.length)) {
    problems.push({
      id: e.job.id,
      name: e.job.name,
      storeId: (e.job.data as JobData).storeId ?? null,
      state: "dead",
      attempts: e.attempts.length,
      lastError: e.error,
      payload: await payloadOf(p, e.job.data as JobData),
      failedAt: new Date(e.enteredAt).toISOString(),
    });
  }
  return {
    counts: {
      waiting: waiting.filter(own).length,
      active: active.filter(own).length,
      delayed: delayedMine.length - retrying.length,
      failed: retrying.length,
      dead: dead.length,
    },
    problems,
  };
}

/** Moves one dead job of this store back to the queue with a fresh retry budget. */
export async function retryDeadJob(p: Platform, storeId: string | null, jobId: string): Promise<void> {
  const entry = (await deadEntries(p, storeId)).find((e) => e.job.id === jobId);
  if (!entry) throw new NotFound("job", jobId); // another store's job answers the same
  await p.jobs.q.retryDlqAsync(jobId);
}

export async function retryAllDeadJobs(p: Platform, storeId: string | null): Promise<number> {
  let n = 0;
  for (const e of await deadEntries(p, storeId)) n += await p.jobs.q.retryDlqAsync(e.job.id);
  return n;
}
