// A per-open-store memo for small configuration that every request reads and only a few admin routes write: store
// settings, tax settings and zones, shipping zones and rates, payment settings, live flag definitions. Without it, each cart response re-read ~7 rows
// sets from the store file (measured: a quarter of the statements of a checkout).
//
// The writers call invalidateConfig after their transaction committed (never before: a reader could reload the old
// rows in between and keep them). A write by another process (the CLI's `seed` while the server runs) shows after
// at most CONFIG_TTL_MS, like the settings cache. A reopened store handle starts empty.
import type { StoreHandle } from "./pool.ts";

export const CONFIG_TTL_MS = 30_000;

type Slot = { value: Promise<unknown>; at: number };
const memo = new WeakMap<StoreHandle, Map<string, Slot>>();

/**
 * The value of `key` for this store: loaded once, shared by concurrent callers, kept until invalidated or stale.
 * `now` is the caller's clock (a request's ctx.clock, so tests can age entries); a clock that went back reloads.
 */
export function cachedConfig<T>(store: StoreHandle, key: string, load: () => Promise<T>, now: () => number = Date.now): Promise<T> {
  let slots = memo.get(store);
  if (!slots) memo.set(store, (slots = new Map()));
  const at = now();
  const hit = slots.get(key);
  if (hit && at - hit.at < CONFIG_TTL_MS && at >= hit.at) return hit.value as Promise<T>;
  const slot: Slot = { value: load(), at };
  slots.set(key, slot);
  // A failed load is not remembered; the next caller tries again.
  slot.value.catch(() => {
    if (slots.get(key) === slot) slots.delete(key);
  });
  return slot.value as Promise<T>;
}

export function invalidateConfig(store: StoreHandle, key: string): void {
  memo.get(store)?.delete(key);
}
