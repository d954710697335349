// The outbox relay: after a store transaction commits, its unrelayed outbox rows are enqueued (durably, keyed by the
// row, so relaying twice enqueues once while the job is pending) and then marked relayed. Nothing committed is lost:
// - `kick(storeId)` right after the commit (modules call platform.outbox.kick);
// - a periodic re-scan of stores open in the pool (a forgotten kick: writes only happen to open stores, and the
//   pool keeps a store open for minutes after its last use), of stores marked pending in the control DB (rows
//   committed by a process without a worker) and of the control outbox;
// - at start, every active store (a crash between commit and relay).
import { and, asc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import type { Platform } from "../platform.ts";
import { withTx } from "../db/tx.ts";
import { prepared } from "../db/prepared.ts";
import type { StoreDb } from "../db/client.ts";
import { KeyedLock } from "../kernel/lock.ts";
import { outbox } from "./outbox.tables.ts";
import { controlOutbox } from "./control-outbox.tables.ts";
import { outboxPending } from "./outbox-pending.tables.ts";
import { stores } from "../tenancy/control.tables.ts";
import type { JobRuntime } from "./runtime.ts";
import { PermanentJobError, type JobDefinition } from "./define.ts";
import { NotFound } from "../kernel/errors.ts";

const BATCH = 100;
type Row = { id: string; topic: string; key: string };

export async function loadOutboxPayload(platform: Platform, storeId: string | null, outboxId: string): Promise<unknown> {
  if (storeId === null) {
    const row = (await platform.control.db.select({ payload: controlOutbox.payload }).from(controlOutbox).where(eq(controlOutbox.id, outboxId)))[0];
    if (!row) throw new PermanentJobError(`control outbox row ${outboxId} no longer exists`);
    return row.payload;
  }
  let store;
  try {
    store = await platform.pool.get(storeId);
  } catch (e) {
    throw new PermanentJobError(`store ${storeId} cannot be opened: ${(e as Error).message}`);
  }
  const row = (await store.db.select({ payload: outbox.payload }).from(outbox).where(eq(outbox.id, outboxId)))[0];
  if (!row) throw new PermanentJobError(`outbox row ${outboxId} of store ${storeId} no longer exists`);
  return row.payload;
}

export interface RelayReport {
  relayed: number;
  failed: number;
}

// A store's outbox is read and marked on every kick: prepared once per store database.
const relayStatements = (db: StoreDb) =>
  prepared(db, "outbox.relay", (d) => ({
    pending: d
      .select({ id: outbox.id, topic: outbox.topic, key: outbox.key })
      .from(outbox)
      .where(and(isNull(outbox.relayedAt), gt(outbox.id, sql.placeholder("after"))))
      .orderBy(asc(outbox.id))
      .limit(BATCH)
      .prepare(),
    relayed: d
      .update(outbox)
      .set({ relayedAt: sql`${sql.placeholder("now")}`, lastError: null })
      .where(sql`${outbox.id} in (select value from json_each(${sql.placeholder("ids")}))`)
      .prepare(),
  }));

export class OutboxRelay {
  private readonly locks = new KeyedLock();
  /** Per store: the pass running now, and the one pass queued behind it that every later kick joins. */
  private readonly running = new Map<string, Promise<RelayReport>>();
  private readonly queued = new Map<string, Promise<RelayReport>>();
  /** The start-up scan, for callers (tests, `trafi jobs`) that need it finished. */
  startupScan: Promise<void> = Promise.resolve();

  constructor(
    private readonly platform: Platform,
    private readonly runtime: JobRuntime,
  ) {}

  /** Call after a withTx that wrote outbox rows has committed. Never throws; a failure leaves a marker. */
  async kick(storeId: string): Promise<void> {
    try {
      if (!this.runtime.running) return await this.mark(storeId);
      await this.relaySoon(storeId);
    } catch (err) {
      this.platform.log.warn("outbox relay failed; the re-scan will retry", { storeId, err });
      await this.mark(storeId).catch(() => {});
    }
  }

  /** Same for the control outbox. */
  async kickControl(): Promise<void> {
    if (!this.runtime.running) return; // the control outbox is re-scanned at every start and periodically
    await this.relayControl().catch((err) => this.platform.log.warn("control outbox relay failed", { err }));
  }

  private async mark(storeId: string): Promise<void> {
    const { control } = this.platform;
    const now = this.platform.clock.now();
    await control.write(() =>
      control.db.insert(outboxPending).values({ storeId, markedAt: now }).onConflictDoUpdate({ target: outboxPending.storeId, set: { markedAt: now } }),
    );
  }

  /**
   * Kicks coalesce: a burst of 100 checkouts makes one pass now and one more after it (which sees every row
   * committed meanwhile), not 100 passes. A pass that already started may have missed this caller's rows, so a
   * caller arriving during a pass waits for the queued one.
   */
  relaySoon(storeId: string): Promise<RelayReport> {
    const queued = this.queued.get(storeId);
    if (queued) return queued;
    const running = this.running.get(storeId);
    if (!running) return this.startPass(storeId);
    const next = running
      .catch(() => {})
      .then(() => {
        this.queued.delete(storeId);
        return this.startPass(storeId);
      });
    this.queued.set(storeId, next);
    return next;
  }

  private startPass(storeId: string): Promise<RelayReport> {
    const pass = this.relayStore(storeId).finally(() => {
      if (this.running.get(storeId) === pass) this.running.delete(storeId);
    });
    this.running.set(storeId, pass);
    return pass;
  }

  async relayStore(storeId: string): Promise<RelayReport> {
    return this.locks.run(storeId, async () => {
      const startedAt = this.platform.clock.now();
      const store = await this.platform.pool.get(storeId);
      const report: RelayReport = { relayed: 0, failed: 0 };
      // Ids are time-ordered: walking them with a cursor keeps rows that cannot be relayed (unknown topic) from
      // hiding the rows behind them.
      for (let after = ""; ; ) {
        const rows = await relayStatements(store.db).pending.all({ after });
        // A row read here may belong to a transaction whose fsync is still running (readers see a commit up to one
        // fsync early): no job may act on it before it is on disk.
        if (rows.length > 0) await store.flush();
        const { done, failed } = await this.enqueueAll(storeId, rows);
        report.relayed += done.length;
        report.failed += failed.length;
        const now = this.platform.clock.now();
        if (done.length > 0) await this.runtime.syncJobsFile();
        if (done.length > 0 || failed.length > 0) {
          await withTx({ store }, async (tx) => {
            if (done.length > 0) await relayStatements(store.db).relayed.run({ now, ids: JSON.stringify(done) });
            for (const f of failed) {
              await tx.update(outbox).set({ attempts: sql`${outbox.attempts} + 1`, lastError: f.error }).where(eq(outbox.id, f.id));
            }
          });
        }
        if (rows.length < BATCH) break;
        after = rows[rows.length - 1]!.id;
      }
      if (report.failed === 0) {
        // Only markers set before this scan started are cleared: a row committed meanwhile keeps its marker. Most
        // passes find none, and a read costs no control-DB write (and no fsync).
        const control = this.platform.control.db;
        const marked = await prepared(control, "outbox.marker", (d) =>
          d.select({ id: outboxPending.storeId }).from(outboxPending)
            .where(and(eq(outboxPending.storeId, sql.placeholder("storeId")), lte(outboxPending.markedAt, sql.placeholder("startedAt")))).limit(1).prepare(),
        ).all({ storeId, startedAt });
        const stale = and(eq(outboxPending.storeId, storeId), lte(outboxPending.markedAt, startedAt));
        if (marked.length > 0) await this.platform.control.write(() => control.delete(outboxPending).where(stale));
      }
      return report;
    });
  }

  async relayControl(): Promise<RelayReport> {
    return this.locks.run("control", async () => {
      const { control } = this.platform;
      const report: RelayReport = { relayed: 0, failed: 0 };
      for (let after = ""; ; ) {
        const rows = await control.db
          .select({ id: controlOutbox.id, topic: controlOutbox.topic, key: controlOutbox.key })
          .from(controlOutbox)
          .where(and(isNull(controlOutbox.relayedAt), gt(controlOutbox.id, after)))
          .orderBy(asc(controlOutbox.id))
          .limit(BATCH);
        const { done, failed } = await this.enqueueAll(null, rows);
        report.relayed += done.length;
        report.failed += failed.length;
        const now = this.platform.clock.now();
        if (done.length > 0) await this.runtime.syncJobsFile();
        if (done.length > 0 || failed.length > 0) {
          await control.write(async () => {
            if (done.length > 0) await control.db.update(controlOutbox).set({ relayedAt: now, lastError: null }).where(inArray(controlOutbox.id, done));
            for (const f of failed) {
              await control.db.update(controlOutbox).set({ attempts: sql`${controlOutbox.attempts} + 1`, lastError: f.error }).where(eq(controlOutbox.id, f.id));
            }
          });
        }
        if (rows.length < BATCH) return report;
        after = rows[rows.length - 1]!.id;
      }
    });
  }

  private async enqueueAll(storeId: string | null, rows: Row[]) {
    const done: string[] = [];
    const failed: { id: string; error: string }[] = [];
    const known: Array<{ def: JobDefinition; row: Row }> = [];
    const wanted = new Map<JobDefinition, boolean>();
    for (const row of rows) {
      const def = this.runtime.registry.get(row.topic);
      if (!def) {
        failed.push({ id: row.id, error: `no job handles the topic "${row.topic}"` });
        continue;
      }
      // When in doubt (the check failed), enqueue as always.
      if (def.wanted && !wanted.has(def)) wanted.set(def, await def.wanted(this.platform, storeId).catch(() => true));
      // Nobody would act on it (no listener): relayed, without a job.
      if (wanted.get(def) === false) done.push(row.id);
      else known.push({ def, row });
    }
    if (known.length === 0) return { done, failed };
    // One durable write to the jobs file for the whole batch; if it fails, row by row to find the culprit.
    try {
      await this.runtime.enqueueOutboxMany(storeId, known);
      done.push(...known.map((k) => k.row.id));
      return { done, failed };
    } catch {
      // fall through
    }
    for (const { def, row } of known) {
      try {
        await this.runtime.enqueueOutbox(def, storeId, row);
        done.push(row.id);
      } catch (e) {
        failed.push({ id: row.id, error: (e as Error).message.slice(0, 500) });
      }
    }
    return { done, failed };
  }

  /** The periodic re-scan: marked stores, stores open in the pool, the control outbox. */
  async rescan(): Promise<RelayReport> {
    const ids = await this.markedStoreIds();
    for (const id of await this.activeStoreIds()) if (this.platform.pool.isOpen(id)) ids.add(id);
    return this.relayMany([...ids]);
  }

  /** The start-up scan: every active store, a few at a time. */
  async scanAll(): Promise<RelayReport> {
    return this.relayMany(await this.activeStoreIds());
  }

  private async markedStoreIds(): Promise<Set<string>> {
    return new Set((await this.platform.control.db.select({ id: outboxPending.storeId }).from(outboxPending)).map((r) => r.id));
  }

  private async activeStoreIds(): Promise<string[]> {
    const rows = await this.platform.control.db.select({ id: stores.id }).from(stores).where(eq(stores.status, "active"));
    return rows.map((r) => r.id);
  }

  /** The control outbox, then the given stores, four at a time. */
  private async relayMany(ids: string[]): Promise<RelayReport> {
    const total: RelayReport = { relayed: 0, failed: 0 };
    const add = (r: RelayReport) => {
      total.relayed += r.relayed;
      total.failed += r.failed;
    };
    add(await this.relayControl());
    const marked = await this.markedStoreIds();
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        if (!this.runtime.running) return;
        try {
          // Cheap check first: most stores have nothing pending.
          const startedAt = this.platform.clock.now();
          const store = await this.platform.pool.get(id);
          const one = await store.db.select({ id: outbox.id }).from(outbox).where(isNull(outbox.relayedAt)).limit(1);
          if (one.length === 0) {
            if (!marked.has(id)) continue;
            const stale = and(eq(outboxPending.storeId, id), lte(outboxPending.markedAt, startedAt));
            await this.platform.control.write(() => this.platform.control.db.delete(outboxPending).where(stale));
            continue;
          }
          add(await this.relayStore(id));
        } catch (err) {
          if (err instanceof NotFound) {
            // A deleted store: its marker would be re-read forever.
            await this.platform.control.write(() => this.platform.control.db.delete(outboxPending).where(eq(outboxPending.storeId, id)));
            continue;
          }
          total.failed++;
          this.platform.log.warn("outbox scan of a store failed", { storeId: id, err });
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return total;
  }
}
