// withTx: the only way to write to a store. It takes the store's async lock (libSQL answers concurrent write
// transactions on one file with SQLITE_BUSY and waits on the JS thread; serializing in JS keeps the event loop
// free), then runs `fn` in one transaction. Never call the network (payment providers, email, HTTP) inside `fn`:
// the lock would be held for the whole round trip and every other write of the store would queue behind it.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Ctx } from "../kernel/context.ts";
import type { StoreDb } from "./client.ts";

/**
 * A store database handle whose queries run in the open withTx transaction. It is the store's drizzle database
 * itself, seen through a fresh object per transaction (so per-transaction memos can key on it): LocalClient runs
 * every query made inside the body in the transaction (`joinTransaction`). Drizzle's own transaction object was
 * not used: it builds a relational query builder for every table of the schema, per transaction (~2% of a
 * checkout's CPU, profiled).
 */
export type StoreTx = StoreDb;

const active = new AsyncLocalStorage<ReadonlySet<string>>();

/** The store database a withTx transaction belongs to: prepared queries are built on it (src/db/prepared.ts). */
const txDbs = new WeakMap<object, StoreDb>();
/** Per store database: the prototype of its transaction handles (nested transactions refused). */
const txProtos = new WeakMap<StoreDb, StoreDb>();

function txHandle(db: StoreDb, storeId: string): StoreTx {
  let proto = txProtos.get(db);
  if (!proto) {
    proto = Object.create(db) as StoreDb;
    // The writer is held by this transaction: a drizzle transaction started from it would wait for itself.
    Object.defineProperty(proto, "transaction", {
      value: () => {
        throw new NestedTransactionError(storeId);
      },
    });
    txProtos.set(db, proto);
  }
  const tx = Object.create(proto) as StoreTx;
  txDbs.set(tx, db);
  return tx;
}

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

/**
 * Runs `fn` in one transaction of the store and resolves once it is committed and on disk. With group commit an
 * earlier transaction is answered only after the later ones of its group ran their bodies, so a body must not wait
 * for anything another writer of the store may hold while it waits for its answer (a lock, an outside resource);
 * the network is ruled out anyway (above).
 */
export async function withTx<T>(ctx: Pick<Ctx, "store">, fn: (tx: StoreTx) => Promise<T>, opts: TxOptions = {}): Promise<T> {
  const store = ctx.store;
  const held = active.getStore();
  if (held?.has(store.id)) throw new NestedTransactionError(store.id);
  const next = new Set(held ?? []);
  next.add(store.id);
  let committed: Promise<void> = Promise.resolve();
  const result = await active.run(next, () =>
    store.withLock(async () => {
      const ltx = await store.client.transaction("write");
      try {
        // Every query of the body on the store's database (builders, prepared queries) runs in ltx.
        // `async`: a body may return a drizzle builder unawaited (a lazy thenable), run when awaited, so inside.
        const r = await store.client.joinTransaction(async () => await fn(txHandle(store.db, store.id)));
        // Group commit (local-client.ts): the COMMIT waits for the end of this turn of the event loop, and the
        // transactions of the store that start meanwhile (other requests being handled) join it. Awaited below,
        // once the lock is theirs. Measured over HTTP, 100 concurrent checkouts: ~20% faster than grouping only
        // the writers already queued for the lock, with the same sequential latency.
        // Not when nested in another store's withTx: this answer would then wait for later members' bodies while
        // that store's lock is held, and a later body here may be waiting for that very lock (a deadlock).
        committed = held?.size ? ltx.commit() : ltx.commitGrouped();
        committed.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
        return r;
      } catch (err) {
        // Also when already closed: a statement may have made SQLite roll the whole transaction back (INSERT OR
        // ROLLBACK, a full disk); rollback() still ends it, hands the writer on and fails the members before it.
        await ltx.rollback().catch(() => {});
        throw err;
      }
    }),
  );
  // Nobody is told before the COMMIT: if it fails, nothing of this transaction was written.
  await committed;
  // Durable before anyone is told: the fsync runs off the JS thread and outside the lock, shared with the
  // transactions that committed meanwhile (group commit, local-client.ts).
  if (opts.durability === "async") {
    store.flush().catch(() => {}); // a failed sync is retried by the next flush; nobody waits for this one
    return result;
  }
  await store.flush();
  return result;
}
