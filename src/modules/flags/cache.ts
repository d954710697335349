// Per-store cache of the flag definitions the storefront evaluates (running and paused flags), so an evaluation
// reads no database. Keyed by the store's open handle: a store that is closed and reopened (evicted, restored from
// a backup) starts with an empty cache. Every admin write drops the entry after its transaction (flags.ts), so
// this process serves a change at once; the TTL bounds how stale another process serving the same store can be.
import { inArray } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import type { StoreHandle } from "../../tenancy/pool.ts";
import { defineFlag, type FlagDefinition } from "./evaluate.ts";
import { flags } from "./flags.tables.ts";

export const DEFINITIONS_TTL_MS = 30_000;

interface Cached {
  loadedAt: number;
  definitions: Promise<readonly FlagDefinition[]>;
}

const cache = new WeakMap<StoreHandle, Cached>();

export function invalidateFlags(store: StoreHandle): void {
  cache.delete(store);
}

async function read(store: StoreHandle): Promise<readonly FlagDefinition[]> {
  const rows = await store.db.select().from(flags).where(inArray(flags.status, ["running", "paused"]));
  return rows.map((r) => defineFlag(r));
}

/** The store's live flag definitions; concurrent callers share one read. */
export function liveFlagDefinitions(ctx: Pick<Ctx, "store" | "clock">): Promise<readonly FlagDefinition[]> {
  const now = ctx.clock.now();
  const hit = cache.get(ctx.store);
  if (hit && now - hit.loadedAt < DEFINITIONS_TTL_MS && now >= hit.loadedAt) return hit.definitions;
  // The entry is set before the read resolves, so an invalidation during the read drops it as well.
  const entry: Cached = { loadedAt: now, definitions: read(ctx.store) };
  cache.set(ctx.store, entry);
  entry.definitions.catch(() => {
    if (cache.get(ctx.store) === entry) cache.delete(ctx.store);
  });
  return entry.definitions;
}
