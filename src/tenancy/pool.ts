// The tenant pool: a bounded LRU of open store databases, opened lazily on first use, migrated on open under the
// store's lock, and closed when idle. An open libSQL client costs ~277 KiB and a few file descriptors (STACK-NOTES; a
// LocalClient holds a writer connection, a reader once needed, and the WAL's descriptor for its fsyncs),
// so thousands of stores cannot all stay open.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { deriveFileKey, openClient, storeDrizzle, type StoreDb } from "../db/client.ts";
import { checkpointer } from "../db/checkpointer.ts";
import type { LocalClient } from "../db/local-client.ts";
import { latestVersion, migrate, schemaVersion, type MigrationResult } from "../db/migrate.ts";
import { KeyedLock } from "../kernel/lock.ts";
import { NotFound } from "../kernel/errors.ts";
import type { Logger } from "../kernel/logger.ts";

export interface StoreHandle {
  readonly id: string;
  readonly client: LocalClient;
  readonly db: StoreDb;
  /** Runs fn holding this store's write lock. */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Resolves once every transaction committed so far is on disk (withTx calls it after releasing the lock). */
  flush(): Promise<void>;
}

interface Entry {
  handle: StoreHandle;
  lastUsed: number;
}

export interface PoolOptions {
  dataDir: string;
  masterKey: Uint8Array;
  maxOpen: number;
  idleMs: number;
  log: Logger;
  now?: () => number;
  /** Called after a store was migrated on open, so the control DB can record the version. */
  onMigrated?: (storeId: string, result: MigrationResult) => void | Promise<void>;
}

export const STORE_ID_RE = /^store_[0-9A-HJKMNP-TV-Z]{26}$/;

export function storeDir(dataDir: string, storeId: string): string {
  // The id is validated before it becomes a path: no traversal out of the data dir.
  if (!STORE_ID_RE.test(storeId)) throw new NotFound("store", storeId);
  return join(dataDir, storeId);
}

export function storeDbPath(dataDir: string, storeId: string): string {
  return join(storeDir(dataDir, storeId), "store.db");
}

export class TenantPool {
  readonly locks = new KeyedLock();
  private open = new Map<string, Entry>(); // Map keeps insertion order: re-inserting on use makes it an LRU
  private opening = new Map<string, Promise<StoreHandle>>();
  private sweeper: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly opts: PoolOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Starts the idle sweeper (the server does; short-lived CLI commands don't need it). */
  startSweeper(intervalMs = Math.min(60_000, Math.max(1_000, Math.floor(this.opts.idleMs / 2)))): void {
    this.sweeper ??= setInterval(() => void this.sweepIdle(), intervalMs);
    this.sweeper.unref?.();
  }

  get size(): number {
    return this.open.size;
  }

  isOpen(storeId: string): boolean {
    return this.open.has(storeId);
  }

  fileKey(storeId: string): string {
    return deriveFileKey(this.opts.masterKey, storeId);
  }

  /** The open handle of a store, opening (and migrating) it on first use. Unknown files are never created here. */
  async get(storeId: string): Promise<StoreHandle> {
    if (this.closed) throw new Error("tenant pool is closed");
    let entry = this.open.get(storeId);
    if (entry?.handle.client.failed) {
      // A failed fsync poisoned this handle (local-client.ts): reopen the file, SQLite recovers what is on disk.
      this.opts.log.error("store file failed to sync; reopening it", { storeId });
      this.closeEntry(storeId);
      entry = undefined;
    }
    if (entry) {
      entry.lastUsed = this.now();
      this.open.delete(storeId);
      this.open.set(storeId, entry);
      return entry.handle;
    }
    let pending = this.opening.get(storeId);
    if (!pending) {
      pending = this.openStore(storeId, false).finally(() => this.opening.delete(storeId));
      this.opening.set(storeId, pending);
    }
    return pending;
  }

  /** Creates the store's database file (provisioning only) and returns its migrated handle. */
  async create(storeId: string): Promise<StoreHandle> {
    return this.openStore(storeId, true);
  }

  private async openStore(storeId: string, create: boolean): Promise<StoreHandle> {
    const dir = storeDir(this.opts.dataDir, storeId);
    const path = join(dir, "store.db");
    if (create) mkdirSync(dir, { recursive: true });
    else if (!existsSync(path)) throw new NotFound("store", storeId);

    const client = await openClient({ path, encryptionKey: this.fileKey(storeId), deferredSync: true, checkpoints: checkpointer,
      onCheckpointError: (err) => this.opts.log.warn("store checkpoints moved back into COMMIT: the checkpoint thread failed", { storeId, err }),
    });
    const handle: StoreHandle = {
      id: storeId,
      client,
      db: storeDrizzle(client),
      // A write is a use: a caller that holds the handle across many transactions (a batched prune, a long walk)
      // never calls get() again, and between two of its batches the lock is free, so without this the idle sweep
      // or the capacity bound could close the file under it.
      withLock: (fn) =>
        this.locks.run(storeId, async () => {
          try {
            return await fn();
          } finally {
            const entry = this.open.get(storeId);
            if (entry?.handle === handle) entry.lastUsed = this.now();
          }
        }),
      flush: () => client.flush(),
    };
    try {
      // A store on an old schema is migrated before anyone reads it, under its lock so no write interleaves.
      if ((await schemaVersion(client)) < latestVersion("store")) {
        const result = await handle.withLock(() => migrate(client, "store", this.now));
        if (result.applied.length > 0) {
          // A new store is "migrated" from nothing on every provisioning: only upgrades are news.
          if (!create) this.opts.log.info("store migrated", { storeId, from: result.from, to: result.to });
          await this.opts.onMigrated?.(storeId, result);
        }
      }
    } catch (e) {
      client.close();
      throw e;
    }
    this.open.set(storeId, { handle, lastUsed: this.now() });
    this.evictOverCapacity();
    return handle;
  }

  private evictOverCapacity(): void {
    if (this.open.size <= this.opts.maxOpen) return;
    const recent = this.now() - 1_000;
    for (const [id, e] of this.open) {
      if (this.open.size <= this.opts.maxOpen) break;
      // A store with a writer in flight, or used in the last second (a reader may still hold its handle), stays
      // open: the bound is soft for a moment rather than a query failing on a closed client.
      if (this.locks.isHeld(id) || e.lastUsed > recent) continue;
      this.closeEntry(id);
    }
  }

  /** Closes stores unused for longer than idleMs. */
  sweepIdle(): number {
    const cutoff = this.now() - this.opts.idleMs;
    let n = 0;
    for (const [id, e] of this.open) {
      if (e.lastUsed <= cutoff && !this.locks.isHeld(id)) {
        this.closeEntry(id);
        n++;
      }
    }
    return n;
  }

  private closeEntry(storeId: string): void {
    const e = this.open.get(storeId);
    if (!e) return;
    this.open.delete(storeId);
    e.handle.client.close();
  }

  /** Closes one store (after deleting or restoring it, or before migrating it from the CLI). */
  async close(storeId: string): Promise<void> {
    await this.locks.run(storeId, async () => this.closeEntry(storeId));
  }

  /** Waits for in-flight writes, then closes every store. */
  async closeAll(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all([...this.open.keys()].map((id) => this.locks.run(id, async () => this.closeEntry(id))));
  }
}
