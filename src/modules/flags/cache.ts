// Per-store cache of the flag definitions the storefront evaluates (running and paused flags), so an evaluation
// reads no database: the shared per-store memo (tenancy/config-cache.ts). Keyed by the store's open handle: a store
// that is closed and reopened (evicted, restored from a backup) starts empty. Every admin write drops the entry
// after its transaction (flags.ts), so this process serves a change at once; the TTL bounds how stale another
// process serving the same store can be.
import { inArray } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import type { StoreHandle } from "../../tenancy/pool.ts";
import { CONFIG_TTL_MS, cachedConfig, invalidateConfig } from "../../tenancy/config-cache.ts";
import { defineFlag, type FlagDefinition } from "./evaluate.ts";
import { flags } from "./flags.tables.ts";

export const DEFINITIONS_TTL_MS = CONFIG_TTL_MS;
const KEY = "flags.definitions";

export function invalidateFlags(store: StoreHandle): void {
  invalidateConfig(store, KEY);
}

/** The store's live flag definitions; concurrent callers share one read. */
export function liveFlagDefinitions(ctx: Pick<Ctx, "store" | "clock">): Promise<readonly FlagDefinition[]> {
  return cachedConfig(
    ctx.store,
    KEY,
    async () => (await ctx.store.db.select().from(flags).where(inArray(flags.status, ["running", "paused"]))).map((r) => defineFlag(r)),
    () => ctx.clock.now(),
  );
}
