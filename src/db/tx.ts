// withTx: the only way to write to a store. It takes the store's async lock (libSQL answers concurrent write
// transactions on one file with SQLITE_BUSY and waits on the JS thread; serializing in JS keeps the event loop
// free), then runs `fn` in one transaction. Never call the network (payment providers, email, HTTP) inside `fn`:
// the lock would be held for the whole round trip and every other write of the store would queue behind it.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Ctx } from "../kernel/context.ts";
import type { StoreDb } from "./client.ts";

export type StoreTx = Parameters<Parameters<StoreDb["transaction"]>[0]>[0];

const active = new AsyncLocalStorage<ReadonlySet<string>>();

/** The store database a withTx transaction belongs to: prepared queries are built on it (src/db/prepared.ts). */
const txDbs = new WeakMap<object, StoreDb>();

/** The database handle behind `tx` (itself when it already is one). */
export function dbOf(tx: StoreTx | StoreDb): StoreDb {
  return txDbs.get(tx) ?? (tx as StoreDb);
}

export class NestedTransactionError extends Error {
  constructor(storeId: string) {
    super(`withTx called inside another withTx of store ${storeId}; pass the outer tx down instead (it would deadlock)`);
    this.name = "NestedTransactionError";
  }
}

export interface TxOptions {
  /**
   * "sync" (default): withTx resolves once the commit is on disk. "async": it resolves at COMMIT and the fsync
   * follows at once in the background (Postgres' synchronous_commit = off, per transaction): a crash of the process
   * loses nothing, a power cut may lose the last few milliseconds of such writes. Only for writes whose loss a
   * user simply redoes — cart edits — never for money, orders, stock or anything with an outbox row.
   */
  durability?: "sync" | "async";
}

export async function withTx<T>(ctx: Pick<Ctx, "store">, fn: (tx: StoreTx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  const store = ctx.store;
  const held = active.getStore();
  if (held?.has(store.id)) throw new NestedTransactionError(store.id);
  const next = new Set(held ?? []);
  next.add(store.id);
  const result = await active.run(next, () =>
    store.withLock(() =>
      store.db.transaction((tx) => {
        txDbs.set(tx, store.db);
        // Queries prepared once on store.db (src/db/prepared.ts) run in this transaction when called from fn.
        return store.client.joinTransaction(() => fn(tx));
      }),
    ),
  );
  // Durable before anyone is told: the fsync runs off the JS thread and outside the lock, shared with the
  // transactions that committed meanwhile (group commit, local-client.ts).
  if (opts.durability === "async") {
    store.flush().catch(() => {}); // a failed sync is retried by the next flush; nobody waits for this one
    return result;
  }
  await store.flush();
  return result;
}
