// The queue: bunqueue embedded, one jobs file per process (`<dataDir>/_jobs.db`; bunqueue allows only one embedded
// data file per process, STACK-NOTES), one queue for every store; the store id travels in every job's data and
// the status API filters on it. Jobs relayed from an outbox carry only the row's id: the payload (e-mail
// addresses, order data) stays in the encrypted store file, never in the plain jobs file.
import { join } from "node:path";
import { Queue, UnrecoverableError, Worker, shutdownManager, type Job } from "bunqueue/client";
import type { Platform } from "../platform.ts";
import { syncFile } from "../kernel/fsync.ts";
import { checkInput, InvalidJobInput, PermanentJobError, type JobDefinition, type JobRegistry } from "./define.ts";
import { loadOutboxPayload } from "./relay.ts";

export const JOBS_FILE = "_jobs.db";
const QUEUE = "trafi";

/** What a job carries. Exactly one of `input` (direct) and `outboxId` (relayed) is set. */
export interface JobData {
  storeId: string | null;
  input?: unknown;
  outboxId?: string;
}

export interface JobsStartOptions {
  /** Multiplies every scheduled delay (retry backoff, webhook retries). Tests use 0 to run schedules at once. */
  delayScale?: number;
  concurrency?: number;
  /** Period of the outbox re-scan (ms); null disables recurring jobs (tests drive them by hand). */
  rescanEveryMs?: number | null;
  /** Open the jobs file to read and retry, without a worker or start-up hooks (the `trafi jobs` CLI). */
  inspectOnly?: boolean;
}

export interface EnqueueOptions {
  /** Wall-clock delay before the job may run, before scaling. */
  delayMs?: number;
  /** Overrides the definition's key (e.g. the outbox row's key). */
  key?: string;
}

/** A single process-wide runtime: bunqueue's embedded manager is a process singleton. */
let active: JobRuntime | null = null;

/** The key of the job of a relayed outbox row (JobDefinition.relayKey). */
const relayKeyOf = (def: JobDefinition, row: { id: string; key: string }): string => (def.relayKey === "row" ? row.id : row.key);

export class JobRuntime {
  private queue: Queue<JobData> | null = null;
  private worker: Worker<JobData> | null = null;
  private scale = 1;
  private startOptions: JobsStartOptions = {};
  private stopping: Promise<void> | null = null;
  /** Hooks run once the worker is up (the relay's start-up scan) and before it stops. */
  readonly onStart: Array<() => Promise<void>> = [];
  readonly onStop: Array<() => Promise<void>> = [];

  constructor(
    private readonly platform: Platform,
    readonly registry: JobRegistry,
  ) {}

  /** True while workers run (not in inspect-only mode, not stopping): relaying into the queue makes sense. */
  get running(): boolean {
    return this.worker !== null && this.stopping === null;
  }

  get startOpts(): Readonly<JobsStartOptions> {
    return this.startOptions;
  }

  get delayScale(): number {
    return this.scale;
  }

  async start(opts: JobsStartOptions = {}): Promise<void> {
    if (this.queue) return;
    if (active && active !== this) {
      throw new Error("another job runtime is running in this process (bunqueue allows one embedded jobs file per process)");
    }
    active = this;
    this.scale = opts.delayScale ?? 1;
    this.startOptions = opts;
    const dataPath = join(this.platform.config.dataDir, JOBS_FILE);
    this.queue = new Queue<JobData>(QUEUE, { embedded: true, dataPath });
    if (opts.inspectOnly) return;
    this.worker = new Worker<JobData>(QUEUE, (job) => this.process(job), {
      embedded: true,
      dataPath,
      concurrency: opts.concurrency ?? 4,
    });
    this.worker.on("failed", (job, err) => {
      const j = job as Job<JobData> | undefined;
      this.platform.log.warn("job failed", { job: j?.name, jobId: j?.id, storeId: j?.data.storeId, attempt: j?.attemptsMade, err });
    });
    try {
      for (const fn of this.onStart) await fn();
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** Stops taking jobs, lets running ones finish, closes the jobs file. */
  stop(): Promise<void> {
    if (!this.queue) return Promise.resolve();
    this.stopping ??= (async () => {
      for (const fn of this.onStop) await fn().catch((err) => this.platform.log.error("job stop hook failed", { err }));
      await this.worker?.close();
      this.queue?.close();
      shutdownManager();
      this.queue = null;
      this.worker = null;
      if (active === this) active = null;
    })().finally(() => {
      this.stopping = null;
    });
    return this.stopping;
  }

  /** The bunqueue queue, for the status API; throws when the runtime is not started. */
  get q(): Queue<JobData> {
    if (!this.queue) throw new Error("the job runtime is not started (trafi serve starts it)");
    return this.queue;
  }

  jobId(def: JobDefinition, storeId: string | null, key: string): string {
    return `${def.name}:${storeId ?? "platform"}:${key}`;
  }

  private options(def: JobDefinition, storeId: string | null, key: string, delayMs = 0) {
    return {
      jobId: this.jobId(def, storeId, key),
      attempts: def.retry.attempts,
      backoff: { type: "exponential" as const, delay: Math.round(def.retry.backoffMs * this.scale) },
      timeout: def.timeoutMs,
      delay: Math.max(0, Math.round(delayMs * this.scale)),
      // Written to the jobs file before add() returns: the relay marks outbox rows relayed only after this.
      durable: true,
    };
  }

  /** Enqueues a job with its input in the job data (use for inputs without personal data). */
  async enqueue<D extends JobDefinition>(def: D, storeId: string | null, input: Parameters<D["key"]>[0], opts: EnqueueOptions = {}): Promise<string> {
    const checked = checkInput(def, input);
    const key = opts.key ?? def.key(checked);
    const job = await this.q.add(def.name, { storeId, input: checked }, this.options(def, storeId, key, opts.delayMs));
    return job.id;
  }

  /** Enqueues the job of an outbox row; the worker reads the payload from the row. */
  async enqueueOutbox(def: JobDefinition, storeId: string | null, row: { id: string; key: string }): Promise<string> {
    const job = await this.q.add(def.name, { storeId, outboxId: row.id }, this.options(def, storeId, relayKeyOf(def, row), def.relayDelayMs));
    return job.id;
  }

  /**
   * bunqueue writes its file with synchronous=NORMAL: an added job survives a crash of this process but not a power
   * cut. The relay marks outbox rows relayed only after this, so a power cut cannot lose a job whose row says sent.
   */
  async syncJobsFile(): Promise<void> {
    // A missing WAL was checkpointed into the (synced) main file: nothing to do.
    await syncFile(`${join(this.platform.config.dataDir, JOBS_FILE)}-wal`);
  }

  /** Enqueues the jobs of several outbox rows in one durable write (the relay's batches). */
  async enqueueOutboxMany(storeId: string | null, items: Array<{ def: JobDefinition; row: { id: string; key: string } }>): Promise<string[]> {
    const jobs = await this.q.addBulk(items.map(({ def, row }) => ({ name: def.name, data: { storeId, outboxId: row.id }, opts: this.options(def, storeId, relayKeyOf(def, row), def.relayDelayMs) })));
    return jobs.map((j) => j.id);
  }

  private async process(job: Job<JobData>): Promise<void> {
    const def = this.registry.get(job.name);
    if (!def) throw new UnrecoverableError(`no job named "${job.name}" is defined`);
    const { storeId } = job.data;
    try {
      const raw = job.data.outboxId !== undefined ? await loadOutboxPayload(this.platform, storeId, job.data.outboxId) : job.data.input;
      const input = checkInput(def, raw);
      await def.handler(
        {
          platform: this.platform,
          storeId,
          jobId: job.id,
          key: job.id.slice(`${def.name}:${storeId ?? "platform"}:`.length),
          outboxId: job.data.outboxId ?? null,
          attempt: job.attemptsMade + 1,
          clock: this.platform.clock,
          log: this.platform.log.child({ job: job.name, jobId: job.id, storeId }),
        },
        input,
      );
    } catch (e) {
      if (e instanceof InvalidJobInput || e instanceof PermanentJobError) throw new UnrecoverableError(e.message);
      throw e;
    }
  }
}
