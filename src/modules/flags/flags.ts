// Admin verbs on flags: create, read, update (with versioning of locked fields), status transitions, kill switch.
// Every write is one withTx with its audit entry, then drops this store's cached definitions (cache.ts).
import { and, desc, eq, lt } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { decodeCursor, toPage, type Page } from "../../kernel/pagination.ts";
import { withTx, type StoreTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { getEqualWeights } from "./bucketing.ts";
import type { FlagStatus, TargetingCondition } from "./evaluate.ts";
import { flags, flagVersions } from "./flags.tables.ts";
import { invalidateFlags } from "./cache.ts";

export type FlagRow = typeof flags.$inferSelect;

export interface FlagView {
  id: string;
  key: string;
  name: string;
  description: string;
  status: FlagStatus;
  enabled: boolean;
  variations: unknown[];
  weights: number[];
  coverage: number;
  seed: string;
  hashVersion: number;
  holdout: number;
  targeting: TargetingCondition[];
  version: number;
  startedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const flagView = (r: FlagRow): FlagView => ({
  id: r.id,
  key: r.key,
  name: r.name,
  description: r.description,
  status: r.status,
  enabled: r.enabled,
  variations: r.variations,
  weights: r.weights,
  coverage: r.coverage,
  seed: r.seed,
  hashVersion: r.hashVersion,
  holdout: r.holdout,
  targeting: r.targeting,
  version: r.version,
  startedAt: r.startedAt === null ? null : iso(r.startedAt),
  createdAt: iso(r.createdAt),
  updatedAt: iso(r.updatedAt),
});

export interface CreateFlagInput {
  key: string;
  name: string;
  description?: string;
  variations: unknown[];
  weights?: number[];
  coverage?: number;
  seed?: string;
  hashVersion?: 1 | 2;
  holdout?: number;
  targeting?: TargetingCondition[];
}

export type UpdateFlagInput = Partial<Omit<CreateFlagInput, "key">>;

/** Fields that decide who gets which variation: changing them on a started flag creates a new version. */
const LOCKED = ["seed", "variations", "weights", "hashVersion"] as const;
const MAX_VARIATIONS_JSON = 16 * 1024;
/** Weights are shares of traffic; a sum off by more than this is a mistake, not rounding (1/3 + 1/3 + 1/3 passes). */
const WEIGHT_SUM_TOLERANCE = 1e-6;

function checkAssignment(variations: unknown[], weights: number[]): void {
  if (JSON.stringify(variations).length > MAX_VARIATIONS_JSON) {
    throw new ValidationFailed("flag.variations_too_large", `variations must serialize to at most ${MAX_VARIATIONS_JSON} bytes of JSON`, { field: "variations" });
  }
  if (weights.length !== variations.length) {
    throw new ValidationFailed("flag.weights_count", `weights needs one entry per variation (${variations.length}), got ${weights.length}`, {
      field: "weights",
      expected: variations.length,
      actual: weights.length,
    });
  }
  const sum = weights.reduce((s, w) => s + w, 0);
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
    throw new ValidationFailed("flag.weights_sum", `weights must sum to 1, got ${sum}`, { field: "weights", sum });
  }
}

async function load(tx: Pick<StoreTx, "select">, id: string): Promise<FlagRow> {
  const row = isId("flag", id) ? (await tx.select().from(flags).where(eq(flags.id, id)))[0] : undefined;
  if (!row) throw new NotFound("flag", id);
  return row;
}

export async function getFlag(ctx: Ctx, id: string): Promise<FlagView> {
  return flagView(await load(ctx.store.db, id));
}

export async function listFlags(ctx: Ctx, q: { limit?: number; cursor?: string; status?: FlagStatus }): Promise<Page<FlagView>> {
  const limit = q.limit ?? 20;
  const before = decodeCursor(q.cursor);
  const rows = await ctx.store.db
    .select()
    .from(flags)
    .where(and(before ? lt(flags.id, before) : undefined, q.status ? eq(flags.status, q.status) : undefined))
    .orderBy(desc(flags.id))
    .limit(limit + 1);
  const page = toPage(rows, limit);
  return { data: page.data.map(flagView), nextCursor: page.nextCursor };
}

/** Runs a write, then drops the cached definitions so the next evaluation reads what was committed. */
async function write<T>(ctx: Ctx, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
  try {
    return await withTx(ctx, fn);
  } finally {
    invalidateFlags(ctx.store);
  }
}

async function recordVersion(tx: StoreTx, r: FlagRow, now: number): Promise<void> {
  await tx.insert(flagVersions).values({
    flagId: r.id, version: r.version, seed: r.seed, hashVersion: r.hashVersion, variations: r.variations, weights: r.weights, createdAt: now,
  });
}

export async function createFlag(ctx: Ctx, input: CreateFlagInput): Promise<FlagView> {
  const weights = input.weights ?? getEqualWeights(input.variations.length);
  checkAssignment(input.variations, weights);
  return write(ctx, async (tx) => {
    // The store lock serializes writers, so check-then-insert cannot race; the unique index stays as a backstop.
    const taken = (await tx.select({ id: flags.id }).from(flags).where(eq(flags.key, input.key)))[0];
    if (taken) throw new Conflict("flag.key_taken", `A flag with key "${input.key}" already exists`, { key: input.key, id: taken.id });
    const now = ctx.clock.now();
    const row: FlagRow = {
      id: newId("flag", now),
      key: input.key,
      name: input.name,
      description: input.description ?? "",
      status: "draft",
      enabled: true,
      variations: input.variations,
      weights,
      coverage: input.coverage ?? 1,
      seed: input.seed ?? input.key,
      hashVersion: input.hashVersion ?? 2,
      holdout: input.holdout ?? 0,
      targeting: input.targeting ?? [],
      version: 1,
      startedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    await tx.insert(flags).values(row);
    await recordVersion(tx, row, now);
    await recordAudit(tx, ctx, { action: "flag.created", targetType: "flag", targetId: row.id, after: flagView(row) });
    return flagView(row);
  });
}

const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Updates a flag. Name, description, coverage, holdout and targeting change in place. Seed, variations, weights and
 * hash version decide which variation each visitor gets: on a draft flag they change in place; on a started flag
 * (running or paused) changing any of them creates a new version: `version` + 1, and unless a new seed is given
 * the seed becomes `<key>:v<version>`, so every visitor is re-randomized and exposures of the old and new assignment are
 * never counted together.
 */
export async function updateFlag(ctx: Ctx, id: string, patch: UpdateFlagInput): Promise<FlagView> {
  return write(ctx, async (tx) => {
    const before = await load(tx, id);
    if (before.status === "archived") throw new Conflict("flag.archived", "An archived flag cannot be changed");
    const variations = patch.variations ?? before.variations;
    const weights =
      patch.weights ?? (variations.length === before.weights.length ? before.weights : getEqualWeights(variations.length));
    checkAssignment(variations, weights);
    const next: FlagRow = {
      ...before,
      name: patch.name ?? before.name,
      description: patch.description ?? before.description,
      coverage: patch.coverage ?? before.coverage,
      holdout: patch.holdout ?? before.holdout,
      targeting: patch.targeting ?? before.targeting,
      variations,
      weights,
      seed: patch.seed ?? before.seed,
      hashVersion: patch.hashVersion ?? before.hashVersion,
      updatedAt: ctx.clock.now(),
    };
    const lockedChanged = LOCKED.some((f) => !sameJson(next[f], before[f]));
    const started = before.status === "running" || before.status === "paused";
    if (started && lockedChanged) {
      next.version = before.version + 1;
      // A client that sends the whole flag back repeats the current seed: only a different seed is a choice.
      if (patch.seed === undefined || patch.seed === before.seed) next.seed = `${before.key}:v${next.version}`;
      await recordVersion(tx, next, next.updatedAt);
    } else if (lockedChanged) {
      // A draft has no exposures yet: its current version row is simply rewritten.
      await tx
        .update(flagVersions)
        .set({ seed: next.seed, hashVersion: next.hashVersion, variations: next.variations, weights: next.weights })
        .where(and(eq(flagVersions.flagId, id), eq(flagVersions.version, before.version)));
    }
    const { id: _id, ...values } = next;
    await tx.update(flags).set(values).where(eq(flags.id, id));
    await recordAudit(tx, ctx, {
      action: next.version !== before.version ? "flag.version_created" : "flag.updated",
      targetType: "flag",
      targetId: id,
      before: flagView(before),
      after: flagView(next),
    });
    return flagView(next);
  });
}

const TRANSITIONS: Record<"start" | "pause" | "archive", { from: readonly FlagStatus[]; to: FlagStatus; audit: string }> = {
  start: { from: ["draft", "paused"], to: "running", audit: "flag.started" },
  pause: { from: ["running"], to: "paused", audit: "flag.paused" },
  archive: { from: ["draft", "running", "paused"], to: "archived", audit: "flag.archived" },
};

export async function transitionFlag(ctx: Ctx, id: string, action: keyof typeof TRANSITIONS): Promise<FlagView> {
  const { from, to, audit } = TRANSITIONS[action];
  return write(ctx, async (tx) => {
    const before = await load(tx, id);
    if (!from.includes(before.status)) {
      throw new Conflict("flag.invalid_transition", `A ${before.status} flag cannot ${action}; allowed from: ${from.join(", ")}`, {
        status: before.status,
        action,
      });
    }
    const now = ctx.clock.now();
    const next: FlagRow = { ...before, status: to, startedAt: before.startedAt ?? (to === "running" ? now : null), updatedAt: now };
    await tx.update(flags).set({ status: next.status, startedAt: next.startedAt, updatedAt: now }).where(eq(flags.id, id));
    await recordAudit(tx, ctx, { action: audit, targetType: "flag", targetId: id, before: { status: before.status }, after: { status: to } });
    return flagView(next);
  });
}

/** The kill switch. Idempotent: setting the state it already has changes nothing and writes no audit entry. */
export async function setFlagEnabled(ctx: Ctx, id: string, enabled: boolean): Promise<FlagView> {
  return write(ctx, async (tx) => {
    const before = await load(tx, id);
    if (before.enabled === enabled) return flagView(before);
    const now = ctx.clock.now();
    await tx.update(flags).set({ enabled, updatedAt: now }).where(eq(flags.id, id));
    await recordAudit(tx, ctx, {
      action: enabled ? "flag.enabled" : "flag.disabled",
      targetType: "flag",
      targetId: id,
      before: { enabled: before.enabled },
      after: { enabled },
    });
    return flagView({ ...before, enabled, updatedAt: now });
  });
}

export { load as loadFlagRow };
