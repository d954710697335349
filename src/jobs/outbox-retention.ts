// Outbox retention. A relayed row has done its work once its job ran, yet it still holds the effect's payload
// (buyers' e-mail addresses, names and addresses; reset links in the control outbox): personal data kept for no
// purpose. Relayed rows are deleted OUTBOX_KEEP_MS after their relay; a row not yet relayed is never touched (its
// effect has not happened, and the relay still needs it).
import { and, inArray, isNotNull, lt } from "drizzle-orm";
import { withTx } from "../db/tx.ts";
import type { Control } from "../tenancy/control.ts";
import type { StoreHandle } from "../tenancy/pool.ts";
import { outbox } from "./outbox.tables.ts";
import { controlOutbox } from "./control-outbox.tables.ts";

/**
 * A week after the relay. A job runs within minutes of it (relay delays are minutes), and bunqueue keeps
 * a dead job for 7 days: a dead job retried from the list usually still finds its payload. Later, it dies again as
 * "row no longer exists" and the status API shows its payload as null (status.ts), which is the point.
 */
export const OUTBOX_KEEP_MS = 7 * 24 * 3_600_000;
/** Rows per transaction: the store's write lock is held for milliseconds, and a writer queued behind it goes next. */
export const PRUNE_BATCH = 500;
/** Batches per store and run: a backlog of millions is worked off over several runs, not in one that runs for minutes. */
export const PRUNE_MAX_BATCHES = 100;

export interface PruneOptions {
  batch?: number;
  maxBatches?: number;
}

export interface PruneReport {
  deleted: number;
  /** The run stopped at maxBatches: expired rows may remain for the next run. */
  capped: boolean;
}

// `relayed_at < ?` alone already excludes unrelayed rows (NULL compares as unknown); said out loud because it is
// the one rule this file must never break. Served by the (relayed_at, created_at) index.
const expired = (table: typeof outbox | typeof controlOutbox, cutoff: number) => and(isNotNull(table.relayedAt), lt(table.relayedAt, cutoff));

async function inBatches(deleteBatch: (limit: number) => Promise<number>, opts: PruneOptions): Promise<PruneReport> {
  const batch = opts.batch ?? PRUNE_BATCH;
  const maxBatches = opts.maxBatches ?? PRUNE_MAX_BATCHES;
  let deleted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const n = await deleteBatch(batch);
    deleted += n;
    if (n < batch) return { deleted, capped: false };
  }
  return { deleted, capped: true };
}

/** Deletes the store's relayed outbox rows older than the retention, a batch per transaction. */
export async function pruneStoreOutbox(store: StoreHandle, now: number, opts: PruneOptions = {}): Promise<PruneReport> {
  const cutoff = now - OUTBOX_KEEP_MS;
  // Most stores have nothing to delete most hours: a read says so without taking the write lock (or an fsync).
  const any = await store.db.select({ id: outbox.id }).from(outbox).where(expired(outbox, cutoff)).limit(1);
  if (any.length === 0) return { deleted: 0, capped: false };
  // One withTx per batch, never one for the whole backlog: the lock is released in between, and KeyedLock hands it
  // out in arrival order, so a checkout waiting on it runs before the next batch.
  return inBatches(async (limit) => {
    const gone = await withTx({ store }, (tx) =>
      tx
        .delete(outbox)
        .where(inArray(outbox.id, tx.select({ id: outbox.id }).from(outbox).where(expired(outbox, cutoff)).limit(limit)))
        .returning({ id: outbox.id }),
    );
    return gone.length;
  }, opts);
}

/** The same for the control outbox, under the control DB's write lock. */
export async function pruneControlOutbox(control: Control, now: number, opts: PruneOptions = {}): Promise<PruneReport> {
  const cutoff = now - OUTBOX_KEEP_MS;
  const any = await control.db.select({ id: controlOutbox.id }).from(controlOutbox).where(expired(controlOutbox, cutoff)).limit(1);
  if (any.length === 0) return { deleted: 0, capped: false };
  return inBatches(async (limit) => {
    const gone = await control.write(() =>
      control.db
        .delete(controlOutbox)
        .where(inArray(controlOutbox.id, control.db.select({ id: controlOutbox.id }).from(controlOutbox).where(expired(controlOutbox, cutoff)).limit(limit)))
        .returning({ id: controlOutbox.id }),
    );
    return gone.length;
  }, opts);
}
