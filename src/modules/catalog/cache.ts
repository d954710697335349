// Read cache of published catalog data: serialized store API responses, per store. Correctness rule: every write
// that can change what the store API shows calls `invalidate(storeId)` after its transaction commits, which bumps
// the store's generation and drops its entries. A reader records the generation before it reads the database and
// stores its result only if no write happened meanwhile, so a slow read never re-inserts stale data.
// Memory is bounded by bytes across all stores (least recently used first out), so many stores or a crawler
// walking every cursor cannot grow it without limit.
// Same process only: a write from another process (e.g. the CLI seeding a running server's store) is not seen
// until the entries are evicted; the server is the only writer in normal operation.

/** A serialized response body, UTF-8 encoded once so a hit costs no encoding either. */
export type Body = Uint8Array<ArrayBuffer>;

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_ENTRY_BYTES = 2 * 1024 * 1024;

const generations = new Map<string, number>();
const entries = new Map<string, Body>(); // `${storeId} ${key}` → body; Map order = least recently used first
const keysOf = new Map<string, Set<string>>();
let bytes = 0;

function drop(fullKey: string): void {
  const body = entries.get(fullKey);
  if (body === undefined) return;
  entries.delete(fullKey);
  bytes -= body.byteLength;
  const storeId = fullKey.slice(0, fullKey.indexOf(" "));
  keysOf.get(storeId)?.delete(fullKey);
}

export const catalogCache = {
  generation(storeId: string): number {
    return generations.get(storeId) ?? 0;
  },
  get(storeId: string, key: string): Body | undefined {
    const fullKey = `${storeId} ${key}`;
    const body = entries.get(fullKey);
    if (body !== undefined) {
      entries.delete(fullKey); // move to the most recently used end
      entries.set(fullKey, body);
    }
    return body;
  },
  /** Stores `body` unless the store was written to since `generation` was read. */
  set(storeId: string, key: string, body: Body, generation: number): void {
    if ((generations.get(storeId) ?? 0) !== generation || body.byteLength > MAX_ENTRY_BYTES) return;
    const fullKey = `${storeId} ${key}`;
    drop(fullKey);
    entries.set(fullKey, body);
    bytes += body.byteLength;
    let keys = keysOf.get(storeId);
    if (!keys) keysOf.set(storeId, (keys = new Set()));
    keys.add(fullKey);
    while (bytes > MAX_BYTES) drop(entries.keys().next().value!);
  },
  invalidate(storeId: string): void {
    generations.set(storeId, (generations.get(storeId) ?? 0) + 1);
    for (const k of keysOf.get(storeId) ?? []) drop(k);
    keysOf.delete(storeId);
  },
  /** Bytes held, for tests and diagnostics. */
  get size(): { entries: number; bytes: number } {
    return { entries: entries.size, bytes };
  },
};

/** Runs a catalog write, then invalidates the store's cache once it has committed (or failed: harmless). */
export async function invalidating<T>(storeId: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } finally {
    catalogCache.invalidate(storeId);
  }
}
