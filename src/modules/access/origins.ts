// Per-store allowed origins for browser calls to the store API (CORS). Empty list: only the server's own public
// origin; "*": any origin (publishable keys are public, so this is a choice, not a hole). Cached per store in this
// process and dropped on every change made here.
import { eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import type { StoreHandle } from "../../tenancy/pool.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import { withTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { storeSecurity } from "./access.tables.ts";

const CACHE_MS = 30_000;
const cache = new Map<string, { origins: string[]; at: number }>();

export async function allowedOrigins(store: StoreHandle, storeId: string, now: number): Promise<string[]> {
  const hit = cache.get(storeId);
  if (hit && now - hit.at < CACHE_MS) return hit.origins;
  const row = (await store.db.select().from(storeSecurity).where(eq(storeSecurity.id, 1)))[0];
  const origins = row?.allowedOrigins ?? [];
  if (cache.size >= 10_000) cache.delete(cache.keys().next().value!);
  cache.set(storeId, { origins, at: now });
  return origins;
}

/** An origin is `scheme://host[:port]` with nothing after it. */
export function normalizeOrigin(value: string): string | null {
  if (value === "*") return "*";
  try {
    const u = new URL(value);
    if ((u.protocol !== "https:" && u.protocol !== "http:") || u.origin !== value.replace(/\/$/, "")) return null;
    return u.origin;
  } catch {
    return null;
  }
}

export async function setAllowedOrigins(ctx: Ctx, origins: string[]): Promise<string[]> {
  const bad = origins.filter((o) => normalizeOrigin(o) === null);
  if (bad.length > 0) {
    throw new ValidationFailed("settings.invalid_origin", "Each origin must look like https://shop.example.com (no path) or be *", { invalid: bad });
  }
  const list = [...new Set(origins.map((o) => normalizeOrigin(o)!))];
  const now = ctx.clock.now();
  await withTx(ctx, async (tx) => {
    const before = (await tx.select().from(storeSecurity).where(eq(storeSecurity.id, 1)))[0];
    await tx
      .insert(storeSecurity)
      .values({ id: 1, allowedOrigins: list, updatedAt: now })
      .onConflictDoUpdate({ target: storeSecurity.id, set: { allowedOrigins: list, updatedAt: now } });
    await recordAudit(tx, ctx, { action: "settings.allowed_origins_changed", targetType: "settings", targetId: "allowed_origins", before: before?.allowedOrigins ?? [], after: list });
  });
  cache.delete(ctx.storeId);
  return list;
}

export function originAllowed(origin: string, allowed: readonly string[], ownOrigin: string): boolean {
  return origin === ownOrigin || allowed.includes("*") || allowed.includes(origin);
}
