// defineJob: a named unit of background work with a typed input (TypeBox), a retry policy, a timeout and an
// idempotency key. Handlers are idempotent and re-check state when they start (STYLE.md rule 12): the queue is
// at-least-once, and a relay that runs twice after a crash enqueues the same key twice.
import type { Static, TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { createHash } from "node:crypto";
import type { Platform } from "../platform.ts";
import type { Logger } from "../kernel/logger.ts";
import type { Clock } from "../kernel/clock.ts";

export interface RetryPolicy {
  /** Total runs before the job is dead (1 = no retry). */
  attempts: number;
  /** First retry delay; each next one doubles (bunqueue's exponential backoff). */
  backoffMs: number;
}

export interface JobContext {
  readonly platform: Platform;
  /** The store the job belongs to; null for platform jobs (control outbox, maintenance). */
  readonly storeId: string | null;
  readonly jobId: string;
  /** The job's idempotency key (the outbox row's key for relayed jobs): effects are recorded under it. */
  readonly key: string;
  /** The outbox row the job was relayed from (its id doubles as a business event id), or null. */
  readonly outboxId: string | null;
  /** 1 on the first run. */
  readonly attempt: number;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface JobDefinition<S extends TSchema = TSchema> {
  readonly name: string;
  readonly input: S;
  readonly retry: RetryPolicy;
  readonly timeoutMs: number;
  /** Idempotency key of one unit of work: two enqueues with the same key while it is pending run once. */
  // Method syntax on purpose: the registry holds definitions of many input types (bivariant parameters).
  key(input: Static<S>): string;
  handler(ctx: JobContext, input: Static<S>): Promise<void>;
  /**
   * Optional: whether a job of this kind would do anything for this store now. When it answers false, the relay
   * marks the store's outbox rows of this topic relayed without enqueueing (e.g. business events of a store that
   * no webhook endpoint listens to): a job costs a few writes to the jobs file for nothing.
   */
  wanted?(platform: Platform, storeId: string | null): Promise<boolean>;
  /** Optional: a job relayed from an outbox row runs this long after it is relayed (a check made later on). */
  readonly relayDelayMs?: number;
  /**
   * Optional: what names the job of a relayed outbox row. "key" (the default): the row's key, so two rows written
   * with one key while the first job is pending run once (an e-mail written twice is sent once). "row": the row's
   * id, for rows that are each their own unit of work even when their keys meet (business events: two changes of
   * one product in the same millisecond are two events, and the second must not be folded into the first).
   */
  readonly relayKey?: "key" | "row";
}

/** A key derived from the whole input, for jobs whose input has no natural identity. */
export function inputKey(input: unknown): string {
  return createHash("sha256").update(JSON.stringify(input)).digest("base64url").slice(0, 22);
}

const NAME_RE = /^[a-z][a-z0-9_.-]{0,63}$/;

export function defineJob<S extends TSchema>(def: JobDefinition<S>): JobDefinition<S> {
  if (!NAME_RE.test(def.name)) throw new Error(`job name must match ${NAME_RE}, got "${def.name}"`);
  if (!Number.isInteger(def.retry.attempts) || def.retry.attempts < 1 || def.retry.attempts > 50) {
    throw new Error(`job ${def.name}: retry.attempts must be 1–50`);
  }
  if (def.retry.backoffMs < 0 || def.timeoutMs <= 0) throw new Error(`job ${def.name}: backoffMs ≥ 0 and timeoutMs > 0`);
  return def;
}

/** An input that does not match the job's schema can never succeed: it goes to the dead-letter list at once. */
export class InvalidJobInput extends Error {
  constructor(job: string, detail: string) {
    super(`invalid input for job ${job}: ${detail}`);
    this.name = "InvalidJobInput";
  }
}

/** Thrown by a handler when retrying cannot help (deleted store, missing row): straight to the dead-letter list. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PermanentJobError";
  }
}

export function checkInput<S extends TSchema>(def: JobDefinition<S>, input: unknown): Static<S> {
  if (Value.Check(def.input, input)) return input;
  const first = Value.Errors(def.input, input).First();
  throw new InvalidJobInput(def.name, first ? `${first.path || "/"} ${first.message}` : "does not match");
}

/** The job registry: one definition per name. Modules contribute theirs through jobs/registry.ts. */
export class JobRegistry {
  private readonly defs = new Map<string, JobDefinition>();

  add(...defs: JobDefinition[]): this {
    for (const d of defs) {
      if (this.defs.has(d.name)) throw new Error(`job ${d.name} is defined twice`);
      this.defs.set(d.name, d);
    }
    return this;
  }

  get(name: string): JobDefinition | undefined {
    return this.defs.get(name);
  }

  names(): string[] {
    return [...this.defs.keys()];
  }
}
