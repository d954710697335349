// `trafi jobs` and `trafi jobs retry`: the queue's status and its dead-letter list, read from the jobs file.
// While `trafi serve` runs, the server owns the queue in memory: use GET/POST /v1/admin/jobs for retries then.
import type { Command, CommandIO } from "./args.ts";
import { UsageError, str, withPlatform } from "./args.ts";
import type { Platform } from "../platform.ts";
import { jobStatus, retryAllDeadJobs, retryDeadJob, type JobScope } from "../jobs/status.ts";
import { STORE_ID_RE } from "../tenancy/pool.ts";

function scopeOf(values: Record<string, unknown>): JobScope {
  const store = str(values, "store");
  if (store === undefined) return "all";
  if (store === "platform") return null;
  if (!STORE_ID_RE.test(store)) throw new UsageError(`--store must be a store id (store_…) or "platform", got "${store}"`);
  return store;
}

async function withQueue<T>(io: CommandIO, fn: (p: Platform) => Promise<T>): Promise<T> {
  return withPlatform(io, async (p) => {
    await p.jobs.start({ inspectOnly: true });
    try {
      return await fn(p);
    } finally {
      await p.jobs.stop();
    }
  });
}

export const jobsStatus: Command = {
  name: "jobs",
  summary: "Queue status: counts (waiting, active, delayed, failed, dead) and failed/dead jobs with their last error.",
  usage: "jobs [--store <id>|platform] [--json]",
  options: { store: { type: "string", description: "only this store's jobs (or platform jobs); all by default" } },
  async run({ values }, io) {
    const scope = scopeOf(values);
    const s = await withQueue(io, (p) => jobStatus(p, scope));
    if (values.json) {
      io.out(JSON.stringify(s) + "\n");
      return 0;
    }
    const c = s.counts;
    io.out(`waiting ${c.waiting}   active ${c.active}   delayed ${c.delayed}   failed ${c.failed}   dead ${c.dead}\n`);
    if (s.problems.length === 0) return 0;
    io.out(`\n${"STATE".padEnd(7)} ${"ATTEMPTS".padEnd(9)} ${"STORE".padEnd(33)} JOB\n`);
    for (const j of s.problems) {
      io.out(`${j.state.padEnd(7)} ${String(j.attempts).padEnd(9)} ${(j.storeId ?? "platform").padEnd(33)} ${j.id}\n        last error: ${j.lastError ?? "—"}\n`);
    }
    if (c.dead > 0) io.out(`\nRetry: trafi jobs retry --store <id> --all   (or --id <job id>)\n`);
    return 0;
  },
};

export const jobsRetry: Command = {
  name: "jobs retry",
  summary: "Move dead jobs back to the queue with a fresh retry budget (stop the server first, or use the admin API).",
  usage: "jobs retry --store <id>|platform (--id <job id> | --all) [--json]",
  options: {
    store: { type: "string", description: "the store whose jobs to retry, or platform" },
    id: { type: "string", description: "one dead job's id (from trafi jobs)" },
    all: { type: "boolean", description: "every dead job of the store" },
  },
  async run({ values }, io) {
    const scope = scopeOf(values);
    if (scope === "all") throw new UsageError("--store is required: a store id or platform");
    const id = str(values, "id");
    if ((id === undefined) === (values.all !== true)) throw new UsageError("give exactly one of --id <job id> and --all");
    const retried = await withQueue(io, async (p) => (id !== undefined ? (await retryDeadJob(p, scope, id), 1) : retryAllDeadJobs(p, scope)));
    io.out(values.json ? JSON.stringify({ retried }) + "\n" : `Retried ${retried} job${retried === 1 ? "" : "s"}.\n`);
    return 0;
  },
};
