// A per-open-store memo for small configuration that every cart view reads and only a few admin routes write: tax
// settings and zones, shipping zones and rates, payment settings. Without it, each cart response re-read ~7 rows
// sets from the store file (measured: a quarter of the statements of a checkout).
//
// The writers call invalidateConfig after their transaction committed (never before: a reader could reload the old
// rows in between and keep them). A write by another process (the CLI's `seed` while the server runs) shows after
// at most CONFIG_TTL_MS, like the settings cache. A reopened store handle starts empty.
import type { StoreHandle } from "./pool.ts";

export const CONFIG_TTL_MS = 30_000;

type Slot = { value: Promise<unknown>; at: number };
const memo = new WeakMap<StoreHandle, Map<string, Slot>>();

/** The value of `key` for this store: loaded once, shared by concurrent callers, kept until invalidated or stale. */
export function cachedConfig<T>(store: StoreHandle, key: string, load: () => Promise<T>): Promise<T> {
  let slots = memo.get(store);
  if (!slots) memo.set(store, (slots = new Map()));
  const now = performance.now();
  const hit = slots.get(key);
  if (hit && now - hit.at < CONFIG_TTL_MS) return hit.value as Promise<T>;
  const slot: Slot = { value: load(), at: now };
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
