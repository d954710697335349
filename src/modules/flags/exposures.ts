// Exposures: the first time a visitor was assigned a variation of a flag version. One row per (flag, version,
// visitor), written with INSERT … ON CONFLICT DO NOTHING, so asking again, from any number of tabs at once,
// never adds a second row nor changes the recorded variation or time.
import { asc, count, eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import type { StoreHandle } from "../../tenancy/pool.ts";
import { withTx } from "../../db/tx.ts";
import { evaluateFlag, isExposure, type Evaluation, type FlagDefinition, type Visitor } from "./evaluate.ts";
import { liveFlagDefinitions } from "./cache.ts";
import { flagExposures, flagVersions } from "./flags.tables.ts";
import { loadFlagRow } from "./flags.ts";
import { ATTRIBUTE_PATTERN, VISITOR_ID_PATTERN } from "./flags.models.ts";

export interface ExposureInput {
  flagId: string;
  flagVersion: number;
  visitorId: string;
  variationIndex: number;
}

/** Records exposures; returns how many were new. Idempotent per (flag, version, visitor). */
export async function recordExposures(ctx: Pick<Ctx, "store" | "clock">, rows: readonly ExposureInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  const now = ctx.clock.now();
  const inserted = await withTx(ctx, (tx) =>
    tx
      .insert(flagExposures)
      .values(rows.map((r) => ({ ...r, firstExposedAt: now })))
      .onConflictDoNothing()
      .returning({ flagId: flagExposures.flagId }),
  );
  return inserted.length;
}

// Exposures this process already knows are stored, per open store and flag version: a returning visitor's page
// views then cost no write transaction. Bounded; forgetting only means one more (harmless) INSERT … ON CONFLICT DO
// NOTHING. Each cached definition object is mapped to its version's visitor set once, so the hot path is one
// WeakMap and one Set lookup per flag, with no string built.
const SEEN_CAPACITY = 100_000;

interface Seen {
  byVersion: Map<string, Set<string>>;
  size: number;
}

const seenByStore = new WeakMap<StoreHandle, Seen>();
const visitorsOfDefinition = new WeakMap<FlagDefinition, Set<string>>();

function seenOf(store: StoreHandle): Seen {
  let s = seenByStore.get(store);
  if (!s) seenByStore.set(store, (s = { byVersion: new Map(), size: 0 }));
  return s;
}

function visitorsSeen(seen: Seen, def: FlagDefinition): Set<string> {
  let visitors = visitorsOfDefinition.get(def);
  if (!visitors) {
    const key = `${def.id}:${def.version}`;
    visitors = seen.byVersion.get(key) ?? new Set();
    seen.byVersion.set(key, visitors);
    visitorsOfDefinition.set(def, visitors);
  }
  return visitors;
}

function remember(seen: Seen, sets: readonly Set<string>[], visitorId: string): void {
  if (seen.size + sets.length > SEEN_CAPACITY) {
    // Clear the sets in place: cached definitions still point at them.
    for (const s of seen.byVersion.values()) s.clear();
    seen.size = 0;
  }
  for (const s of sets) s.add(visitorId);
  seen.size += sets.length;
}

const VISITOR_ID_RE = new RegExp(VISITOR_ID_PATTERN);
const ATTRIBUTE_RE = new RegExp(ATTRIBUTE_PATTERN);
export const MAX_ATTRIBUTES = 20;

export function checkVisitor(visitor: Visitor): void {
  if (!VISITOR_ID_RE.test(visitor.id)) {
    throw new ValidationFailed("flags.invalid_visitor_id", "visitorId must be 1–128 characters of A–Z, a–z, 0–9 and . _ : @ -", { field: "visitorId" });
  }
  const names = Object.keys(visitor.attributes ?? {});
  if (names.length > MAX_ATTRIBUTES) {
    throw new ValidationFailed("flags.too_many_attributes", `At most ${MAX_ATTRIBUTES} visitor attributes`, { count: names.length });
  }
  for (const name of names) {
    if (!ATTRIBUTE_RE.test(name)) throw new ValidationFailed("flags.invalid_attribute", `"${name.slice(0, 40)}" is not a valid attribute name`, { field: name.slice(0, 40) });
  }
}

/**
 * Evaluates every live flag of the store for a visitor, keyed by flag key, and records the exposures of the flags
 * the visitor takes part in (SPLIT, TARGETING_MATCH). `record: false` evaluates without recording (previews).
 */
export async function getFlagsForVisitor(
  ctx: Pick<Ctx, "store" | "clock">,
  visitor: Visitor,
  opts: { record?: boolean } = {},
): Promise<Record<string, Evaluation>> {
  checkVisitor(visitor);
  const definitions = await liveFlagDefinitions(ctx);
  const result: Record<string, Evaluation> = {};
  const seen = seenOf(ctx.store);
  const fresh: ExposureInput[] = [];
  const freshSets: Set<string>[] = [];
  for (const def of definitions) {
    const e = evaluateFlag(def, visitor);
    result[def.key] = e;
    if (!isExposure(e)) continue;
    const visitors = visitorsSeen(seen, def);
    if (visitors.has(visitor.id)) continue;
    fresh.push({ flagId: def.id, flagVersion: def.version, visitorId: visitor.id, variationIndex: e.variationIndex });
    freshSets.push(visitors);
  }
  if (opts.record !== false && fresh.length > 0) {
    await recordExposures(ctx, fresh);
    remember(seen, freshSets, visitor.id);
  }
  return result;
}

export interface ExposureSummary {
  flagId: string;
  key: string;
  currentVersion: number;
  versions: { version: number; seed: string; total: number; variations: { index: number; value: unknown; count: number }[] }[];
}

/** Exposure counts per version and variation (every variation listed, zero included). */
export async function exposureSummary(ctx: Ctx, id: string): Promise<ExposureSummary> {
  const flag = await loadFlagRow(ctx.store.db, id);
  const db = ctx.store.db;
  const versions = await db.select().from(flagVersions).where(eq(flagVersions.flagId, id)).orderBy(asc(flagVersions.version));
  const counts = await db
    .select({ version: flagExposures.flagVersion, index: flagExposures.variationIndex, n: count() })
    .from(flagExposures)
    .where(eq(flagExposures.flagId, id))
    .groupBy(flagExposures.flagVersion, flagExposures.variationIndex);
  const countOf = (version: number, index: number) => counts.find((c) => c.version === version && c.index === index)?.n ?? 0;
  return {
    flagId: flag.id,
    key: flag.key,
    currentVersion: flag.version,
    versions: versions.map((v) => {
      const variations = v.variations.map((value, index) => ({ index, value, count: countOf(v.version, index) }));
      return { version: v.version, seed: v.seed, total: variations.reduce((s, x) => s + x.count, 0), variations };
    }),
  };
}

