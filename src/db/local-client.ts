// A local-file implementation of @libsql/client's `Client`, over the same native driver (`libsql`) that
// @libsql/client uses for `file:` URLs, for the one job that client does slowly here: running the same few hundred
// statements over and over on a store file.
//
// Measured on a store file (STACK-NOTES "Driver"): @libsql/client 0.18 prepares every statement anew, asks the
// native side for its columns twice and builds each row with a defineProperty per value; its connection pool hands
// a transaction a different connection than the reads around it, so every commit throws away the other
// connection's page cache (SQLite resets it when the WAL moved) and, on an encrypted file, every page is read and
// decrypted again. Here:
//   - each connection keeps an LRU of prepared statements with their column names (prepared once, not per call);
//   - one writer connection runs every transaction and every write; reads use it too while no transaction is open,
//     so the page cache stays warm when a store is used one request at a time;
//   - a second, reader connection (opened on first need) serves reads while a transaction is open, so they never
//     see uncommitted rows and never wait for the writer;
//   - transactions and writes wait their turn for the writer in FIFO order (the per-store lock in withTx already
//     serializes them; this keeps any other caller correct too);
//   - with `deferredSync`, a COMMIT does not fsync on the JS thread (synchronous=NORMAL, ~25 µs instead of
//     0.3–1.5 ms of a blocked event loop); `flush()` then fdatasyncs the WAL on libuv's thread pool, one sync
//     shared by every commit that asks while it waits (group commit). withTx answers only after its flush, so an
//     acknowledged write is as durable as with synchronous=FULL; plain writes (execute, batch, migrate) flush
//     before they return. Another reader may see a commit up to one fsync before it is durable.
//   - with `checkpoints` (store files), WAL checkpoints run on another thread (checkpointer.ts), not inside the
//     COMMIT that crosses SQLite's 1,000-page mark.
//   - group commit: a write transaction ended with commitGrouped() (withTx) does not COMMIT at once; it is released
//     into the open SQLite transaction, write transactions that start before the end of this turn of the event
//     loop run in it as savepoints, and one COMMIT ends the group (at most GROUP_MAX). A COMMIT writes every page
//     its transaction dirtied, encrypted: pages shared by the group (a table's last leaf, its indexes, the outbox)
//     are written once instead of once per transaction. A member that fails is rolled back to its savepoint alone;
//     each member is told only after the COMMIT. Anything else that needs the writer commits the group first.
// Remote and replicated databases (Turso) keep using @libsql/client's createClient: this class is for files only.
import Database from "libsql";
import { AsyncLocalStorage } from "node:async_hooks";
import { close as closeFd, closeSync, fdatasync, fdatasyncSync, fstatSync, open as openFd, openSync } from "node:fs";
import type { CheckpointRunner } from "./checkpointer.ts";
import {
  LibsqlError,
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  type Replicated,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
} from "@libsql/client";

type NativeDb = Database.Database;
type NativeStmt = Database.Statement;

export interface LocalClientOptions {
  path: string;
  encryptionKey?: string;
  /** SQLite busy timeout (ms) for the rare case another process holds the file's write lock. */
  timeoutMs?: number;
  /** Prepared statements kept per connection. */
  statementCacheSize?: number;
  /** Commits skip SQLite's fsync; durability comes from flush() (see the header). Off: SQLite's own FULL sync. */
  deferredSync?: boolean;
  /**
   * Checkpoints run here instead of inside COMMIT (src/db/checkpointer.ts): SQLite's automatic checkpoint is turned
   * off and, once `checkpointEvery` commits were synced since the last one, flush() asks this runner for one. If a
   * request fails, the client goes back to SQLite's automatic checkpoint. Needs `deferredSync`.
   */
  checkpoints?: CheckpointRunner;
  /** Commits between two background checkpoints (default 50: ~1,000 WAL frames at a checkout's ~20 pages). */
  checkpointEvery?: number;
  /**
   * WAL frames past which a background checkpoint is finished with the writer held (default 4,000, ~16 MB): SQLite
   * starts the WAL over only once all of it was copied, which a checkpoint running beside steady writes never sees.
   */
  restartFrames?: number;
  /** How long the writer is held at most for that second pass (default 2,000 ms). */
  restartWaitMs?: number;
  /** Called once when the runner failed and SQLite's automatic checkpoint took over (the pool logs it). */
  onCheckpointError?: (err: unknown) => void;
}

/** A WAL grown past this by one write is checkpointed whatever the commit count (an import's one transaction). */
const LARGE_WAL_BYTES = 64 * 1024 * 1024;
/**
 * Transactions at most in one group commit. The first waits for the rest to run before it is committed (bounded:
 * each is a few hundred µs of the store's lock), and a plain write queued for the writer waits for the group.
 */
export const GROUP_MAX = 16;
/** The savepoint a grouped transaction (not the first of its group) runs in. */
const MEMBER = "trafi_grouped";
const CHECKPOINT_TIMEOUT_MS = 60_000;

class CheckpointTimeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CheckpointTimeout(`no answer from the checkpoint thread in ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

const VALUES = Symbol("values");

/** One prepared statement, with what executing it needs to know, computed once. */
interface Prepared {
  stmt: NativeStmt;
  reader: boolean;
  columns: string[];
  columnTypes: string[];
  /**
   * The property each column is also readable under, or null when the name is taken: by an earlier column of
   * the same name (a join: the first keeps it), by `length`, or by an index (as in @libsql/client's rows).
   */
  names: Array<string | null>;
  /** Rows of this statement inherit index access (row[0]) and `length` from here; names are own properties. */
  rowProto: object | null;
  /**
   * The statement may change rows: anything but a SELECT and transaction control (an INSERT … RETURNING is a
   * reader and may change rows; a PRAGMA counts, to be safe). total_changes() can only move with these.
   */
  writes: boolean;
}

const NO_ROW_CHANGES = /^\s*(SELECT|BEGIN|COMMIT|END|SAVEPOINT|RELEASE|ROLLBACK)\b/i;

/** Reads the statement's columns (again, after SQLite re-prepared it for a schema change). */
function describe(p: Prepared): void {
  const defs = p.stmt.columns();
  p.columns = defs.map((c) => c.name);
  p.columnTypes = defs.map((c) => c.type ?? "");
  const seen = new Set<string>();
  p.names = p.columns.map((name) => {
    const taken = seen.has(name) || name === "length" || (/^\d+$/.test(name) && Number(name) < p.columns.length);
    seen.add(name);
    return taken ? null : name;
  });
  p.rowProto = rowPrototype(p.columns);
}

function rowPrototype(columns: string[]): object {
  const proto: Record<PropertyKey, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    Object.defineProperty(proto, i, {
      get(this: { [VALUES]: unknown[] }) {
        return this[VALUES][i];
      },
    });
  }
  Object.defineProperty(proto, "length", { value: columns.length });
  return proto;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_I64 = -9223372036854775808n;
const MAX_I64 = 9223372036854775807n;

/** Same conversions as @libsql/client's "number" intMode: exact integers or an error, never a rounded one. */
function fromSql(v: unknown): InValue {
  if (typeof v === "bigint") {
    if (v < MIN_SAFE || v > MAX_SAFE) throw new RangeError("Received integer which cannot be safely represented as a JavaScript number");
    return Number(v);
  }
  if (v instanceof Buffer) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) as ArrayBuffer;
  return v as InValue;
}

function toSql(v: InValue | undefined): unknown {
  switch (typeof v) {
    case "string":
      return v;
    case "number":
      if (!Number.isFinite(v)) throw new RangeError("Only finite numbers (not Infinity or NaN) can be passed as arguments");
      return v;
    case "bigint":
      if (v < MIN_I64 || v > MAX_I64) throw new RangeError("bigint is too large to be represented as a 64-bit integer and passed as argument");
      return v;
    case "boolean":
      return v ? 1 : 0;
    case "undefined":
      throw new TypeError("undefined cannot be passed as argument to the database");
  }
  if (v instanceof ArrayBuffer) return Buffer.from(v);
  if (v instanceof Date) return v.valueOf();
  return v;
}

function bindArgs(args: InArgs | undefined): unknown {
  if (args === undefined) return [];
  if (Array.isArray(args)) {
    const out = new Array(args.length);
    for (let i = 0; i < args.length; i++) out[i] = toSql(args[i]);
    return out;
  }
  const named: Record<string, unknown> = {};
  for (const name in args) {
    const key = name[0] === "@" || name[0] === "$" || name[0] === ":" ? name.slice(1) : name;
    named[key] = toSql(args[name]);
  }
  return named;
}

const BASE_CODES: Record<number, string> = {
  1: "SQLITE_ERROR", 2: "SQLITE_INTERNAL", 3: "SQLITE_PERM", 4: "SQLITE_ABORT", 5: "SQLITE_BUSY", 6: "SQLITE_LOCKED", 7: "SQLITE_NOMEM",
  8: "SQLITE_READONLY", 9: "SQLITE_INTERRUPT", 10: "SQLITE_IOERR", 11: "SQLITE_CORRUPT", 12: "SQLITE_NOTFOUND", 13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN", 15: "SQLITE_PROTOCOL", 16: "SQLITE_EMPTY", 17: "SQLITE_SCHEMA", 18: "SQLITE_TOOBIG", 19: "SQLITE_CONSTRAINT",
  20: "SQLITE_MISMATCH", 21: "SQLITE_MISUSE", 22: "SQLITE_NOLFS", 23: "SQLITE_AUTH", 24: "SQLITE_FORMAT", 25: "SQLITE_RANGE", 26: "SQLITE_NOTADB",
};

/** Native errors become LibsqlError with the same codes @libsql/client gives, so callers see one error type. */
function mapError(e: unknown): unknown {
  if (e instanceof Database.SqliteError) {
    const raw = (e as { rawCode?: number }).rawCode;
    const code = raw === undefined ? "SQLITE_UNKNOWN" : (BASE_CODES[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`);
    return new LibsqlError(e.message, code, e.code, raw, e);
  }
  return e;
}

class LocalResultSet implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}

  toJSON() {
    return {
      columns: this.columns,
      columnTypes: this.columnTypes,
      rows: this.rows.map((r) => Array.prototype.slice.call(r)),
      rowsAffected: this.rowsAffected,
      lastInsertRowid: this.lastInsertRowid === undefined ? null : String(this.lastInsertRowid),
    };
  }
}

const NO_COLUMNS: string[] = [];

/** A connection and its statement cache. Every call is synchronous: libSQL's local API is. */
class Connection {
  readonly db: NativeDb;
  /** DDL statements run here: a transaction that only changed the schema changed no row, but must be flushed. */
  schemaChanges = 0;
  #cache = new Map<string, Prepared>();
  /** Counts statements run here that may change rows; totalChanges() is cached against it. */
  #mayHaveChanged = 0;
  #changesAsked = -1;
  #changes = 0;

  constructor(
    path: string,
    opts: { encryptionKey?: string; timeoutMs: number },
    readonly cacheSize: number,
    /** Called after DDL ran here: every connection's cached column lists may be stale. */
    private readonly onSchemaChange: () => void,
    private readonly counters: { statements: number; statementMs: number },
  ) {
    try {
      this.db = new Database(path, { encryptionKey: opts.encryptionKey, timeout: opts.timeoutMs } as Database.Options);
    } catch (e) {
      throw mapError(e);
    }
  }

  #prepare(sql: string): Prepared {
    const hit = this.#cache.get(sql);
    if (hit) {
      // Least recently used goes first: re-inserting moves a hit to the end of the Map's order.
      this.#cache.delete(sql);
      this.#cache.set(sql, hit);
      return hit;
    }
    const stmt = this.db.prepare(sql);
    const reader = stmt.reader;
    const p: Prepared = { stmt, reader, columns: NO_COLUMNS, columnTypes: NO_COLUMNS, names: [], rowProto: null, writes: !NO_ROW_CHANGES.test(sql) };
    if (reader) {
      stmt.raw(true);
      stmt.safeIntegers(true);
      describe(p);
    }
    if (this.#cache.size >= this.cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(sql, p);
    return p;
  }

  /** After DDL the cached column lists may be stale; SQLite re-prepares the statements but not our metadata. */
  forgetStatements(): void {
    this.#cache.clear();
  }

  execute(stmt: InStatement): LocalResultSet {
    this.counters.statements++;
    // Timed for bench/checkout-cost.ts: the database's share of a checkout. performance.now() costs ~30 ns here,
    // against ~30 µs for the cheapest statement.
    const t0 = performance.now();
    try {
      return this.#execute(stmt);
    } finally {
      this.counters.statementMs += performance.now() - t0;
    }
  }

  #execute(stmt: InStatement): LocalResultSet {
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    const args = typeof stmt === "string" ? [] : bindArgs(stmt.args);
    try {
      const p = this.#prepare(sql);
      if (p.writes) this.#mayHaveChanged++;
      if (!p.reader) {
        const info = p.stmt.run(args);
        if (DDL.test(sql)) {
          this.schemaChanges++;
          this.onSchemaChange();
        }
        return new LocalResultSet(NO_COLUMNS, NO_COLUMNS, [], info.changes, BigInt(info.lastInsertRowid));
      }
      const raw = p.stmt.all(args) as unknown[][];
      // A schema change (ours on the other connection, a rolled-back DDL, another process's migration) makes
      // SQLite re-prepare the statement: a row of another width says our column list is stale.
      if (raw.length > 0 && raw[0]!.length !== p.columns.length) describe(p);
      const { columns, names, rowProto } = p;
      const rows: Row[] = new Array(raw.length);
      for (let r = 0; r < raw.length; r++) {
        const src = raw[r]!;
        const values = new Array(src.length);
        const row = Object.create(rowProto) as Record<string, unknown>;
        Object.defineProperty(row, VALUES, { value: values });
        for (let i = 0; i < src.length; i++) {
          const v = fromSql(src[i]);
          values[i] = v;
          const name = names[i];
          if (name === "__proto__") Object.defineProperty(row, name, { value: v, enumerable: true, writable: true, configurable: true });
          else if (name != null) row[name] = v;
        }
        rows[r] = row as unknown as Row;
      }
      return new LocalResultSet(columns, p.columnTypes, rows, 0, undefined);
    } catch (e) {
      throw mapError(e);
    }
  }

  exec(sql: string): void {
    this.#mayHaveChanged++;
    try {
      this.db.exec(sql);
    } catch (e) {
      throw mapError(e);
    } finally {
      this.schemaChanges++;
      this.onSchemaChange();
    }
  }

  /** Rows changed by this connection since it opened (SQLite's total_changes()). */
  totalChanges(): number {
    // It can only have moved if a statement that may change rows ran here since the last time it was asked: a read
    // outside a transaction asks before choosing its connection (pristine()), ~20 times per checkout under load.
    if (this.#changesAsked !== this.#mayHaveChanged) {
      // Bookkeeping, not counted as a statement of the caller's.
      this.#changes = Number(this.#execute("SELECT total_changes()").rows[0]![0]);
      this.#changesAsked = this.#mayHaveChanged;
    }
    return this.#changes;
  }

  get inTransaction(): boolean {
    return this.db.open && this.db.inTransaction;
  }

  close(): void {
    this.#cache.clear();
    try {
      if (this.db.open) this.db.close();
    } catch {
      // closing a broken connection: nothing left to do
    }
  }
}

/** Schema changes, after any leading comments: DDL, and PRAGMA assignments (user_version = …) that total_changes() misses. */
const DDL = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/)*(?:create|alter|drop|pragma\s+[\w.]+\s*=)/i;
/** Statements that only read: safe on the reader connection while a transaction is open on the writer. */
const READ_ONLY = /^\s*select\b/i;

/**
 * The transaction whose body is running, for the client's own execute(): a query built once on the database
 * handle (a drizzle prepared statement) and run inside withTx's body joins that transaction instead of reading
 * the committed state on the reader connection (or waiting for the writer it holds).
 */
const joined = new AsyncLocalStorage<ReadonlyMap<LocalClient, LocalTransaction>>();

function beginFor(mode: TransactionMode): string {
  switch (mode) {
    case "write":
      return "BEGIN IMMEDIATE";
    case "read":
      return "BEGIN TRANSACTION READONLY";
    case "deferred":
      return "BEGIN DEFERRED";
    default:
      throw new RangeError('Unknown transaction mode, supported values are "write", "read" and "deferred"');
  }
}

export class LocalClient implements Client {
  readonly protocol = "file";
  #opts: Required<Omit<LocalClientOptions, "encryptionKey" | "checkpoints" | "onCheckpointError">> &
    Pick<LocalClientOptions, "encryptionKey" | "checkpoints" | "onCheckpointError">;
  /** Writes committed (counted) and made durable (up to which count): a flush with nothing new does nothing. */
  #written = 0;
  #synced = 0;
  #syncing: Promise<void> | null = null;
  #nextSync: Promise<void> | null = null;
  /** Descriptor of the WAL file, opened on the first flush. (Callback fs, not fs/promises: under Bun, a
   *  FileHandle's datasync() spends a good part of the sync on the JS thread; fs.fdatasync runs it off-thread.) */
  #wal: number | null = null;
  /**
   * What this client did, for tests and the bench: statements run (ours included: BEGIN, COMMIT, total_changes)
   * and the time spent in them on the JS thread (SQLite and building the rows), transactions committed with changes, and fdatasyncs of the WAL done by flush() (one per group of commits).
   */
  readonly stats = { statements: 0, statementMs: 0, commits: 0, syncs: 0, checkpoints: 0, grouped: 0 };
  /**
   * The group commit open on the writer: the SQLite transaction its members share, from the first member's BEGIN to
   * the COMMIT. `done` are the members released into it, waiting for that COMMIT.
   */
  #group: Group | null = null;
  /** Set while the group waits for its next member: the writer is the group's, no transaction runs on it. */
  #parked: ReturnType<typeof setImmediate> | null = null;
  /** Background checkpoints: the commit count when the last one was asked for, and the one running. */
  #checkpointedAt = 0;
  #walBytesAtCheckpoint = 0;
  #checkpointing: Promise<void> | null = null;
  /**
   * Set when an fdatasync failed: what is on disk is unknown (after EIO, Linux may mark the pages clean, so a retry
   * would "succeed" without the data), so this client refuses all further work and the pool reopens the file:
   * SQLite's recovery from the WAL on disk is then the truth (the "fsyncgate" lesson: never retry a failed fsync).
   */
  #failed: Error | null = null;

  /** Test seam: makes the next fdatasync fail as the disk would (EIO). */
  static syncFault: (() => Error | null) | null = null;

  get failed(): boolean {
    return this.#failed !== null;
  }
  #writer: Connection | null;
  #reader: Connection | null = null;
  /** The writer is lent to one transaction (or one autocommit write) at a time; the rest wait here, in order. */
  #writerBusy = false;
  /** The transaction holding the writer, if any. */
  #current: LocalTransaction | null = null;
  #waiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  #closed = false;

  constructor(opts: LocalClientOptions) {
    this.#opts = { timeoutMs: 5_000, statementCacheSize: 500, deferredSync: false, checkpointEvery: 50, restartFrames: 4_000, restartWaitMs: 2_000, ...opts };
    if (this.#opts.checkpoints && !this.#opts.deferredSync) throw new RangeError("checkpoints need deferredSync");
    this.#writer = this.#open();
    try {
      this.#writer.execute("SELECT 1");
      this.#configureWriter(this.#writer);
    } catch (e) {
      this.#writer.close();
      throw e;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  #configureWriter(w: Connection): void {
    if (this.#opts.deferredSync) w.exec("PRAGMA synchronous=NORMAL");
    // Only the writer ever commits, so only its automatic checkpoint matters.
    if (this.#opts.checkpoints) w.exec("PRAGMA wal_autocheckpoint=0");
  }

  /** After a sync: asks for a background checkpoint when enough commits piled up and none is running. */
  #maybeCheckpoint(): void {
    const runner = this.#opts.checkpoints;
    if (!runner || this.#checkpointing || this.#closed || this.#failed) return;
    // Every write counts (transactions, batches, migrations, plain writes), and one huge transaction (an import)
    // counts by the size it left the WAL at: the file only grows when it was not started over.
    let walBytes = 0;
    try {
      if (this.#wal !== null) walBytes = fstatSync(this.#wal).size;
    } catch {
      // only a hint
    }
    const grew = walBytes > LARGE_WAL_BYTES && walBytes > this.#walBytesAtCheckpoint;
    if (this.#written - this.#checkpointedAt < this.#opts.checkpointEvery && !grew) return;
    this.#checkpointedAt = this.#written;
    this.#walBytesAtCheckpoint = walBytes;
    // Outside any transaction's context: this may hold the writer, which only the transaction queue may hand out.
    this.#checkpointing = joined
      .exit(() => this.#checkpoint(runner))
      .catch((err) => {
        if (this.#closed) return;
        // No checkpoint thread: SQLite's own automatic checkpoint again (in COMMIT, as without a runner).
        this.#opts.checkpoints = undefined;
        try {
          this.#writer?.db.exec("PRAGMA wal_autocheckpoint=1000");
        } catch {
          // a closed or broken writer: the pool reopens the file, and the new client asks the runner again
        }
        this.#opts.onCheckpointError?.(err);
      })
      .finally(() => {
        this.#checkpointing = null;
      });
  }

  async #checkpoint(runner: CheckpointRunner): Promise<void> {
    // A thread that never answers must not leave the WAL growing for good: give up, and fall back (above).
    const r = await withTimeout(runner.run(this.#opts.path, this.#opts.encryptionKey), CHECKPOINT_TIMEOUT_MS);
    this.stats.checkpoints++;
    if (r.log < this.#opts.restartFrames || this.#closed) return;
    // The frames committed since the first pass, with no writer adding more: afterwards the whole WAL is in the
    // database file and the next write starts it over. Writers wait in the queue meanwhile; the event loop does not.
    await this.#acquireWriter();
    try {
      // The thread is shared by every store: behind other stores' checkpoints this store's writes would wait.
      // Past a short wait the writer goes back; the WAL starts over at a later round.
      await withTimeout(runner.run(this.#opts.path, this.#opts.encryptionKey), this.#opts.restartWaitMs).then(
        () => void this.stats.checkpoints++,
        (e) => {
          if (!(e instanceof CheckpointTimeout)) throw e;
        },
      );
    } finally {
      this.#releaseWriter();
    }
  }

  /** Resolves when no background checkpoint is running (tests). */
  async checkpointIdle(): Promise<void> {
    await this.#checkpointing;
  }

  #open(): Connection {
    const forget = () => {
      this.#writer?.forgetStatements();
      this.#reader?.forgetStatements();
    };
    return new Connection(this.#opts.path, { encryptionKey: this.#opts.encryptionKey, timeoutMs: this.#opts.timeoutMs }, this.#opts.statementCacheSize, forget, this.stats);
  }

  #check(): Connection {
    if (this.#failed) throw new LibsqlError(`The store file failed to sync to disk and must be reopened: ${this.#failed.message}`, "SQLITE_IOERR");
    if (this.#closed || !this.#writer) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
    return this.#writer;
  }

  /** Waits for the writer connection; `release` hands it to the next waiter. */
  async #acquireWriter(): Promise<Connection> {
    const w = this.#check();
    // From inside the transaction that holds the writer (a batch, a migration or a new transaction started in a
    // withTx body), waiting would never end: the body waits for the writer, the writer for the body.
    if (this.#joinedHolder()) {
      throw new LibsqlError("This transaction holds the store's writer: the call would wait for itself", "TRANSACTION_ACTIVE");
    }
    // A group waiting for its next member is committed first: anything else gets a writer with no transaction open.
    if (this.#parked !== null) this.#commitGroup();
    if (!this.#writerBusy) {
      this.#writerBusy = true;
      return w;
    }
    await new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    return this.#check();
  }

  #releaseWriter(): void {
    const w = this.#writer;
    // A connection never goes back mid-transaction: whatever was left open is rolled back first.
    if (w?.inTransaction) {
      try {
        w.db.exec("ROLLBACK");
      } catch {
        // the next BEGIN will report a broken connection
      }
    }
    const next = this.#waiters.shift();
    if (next) next.resolve();
    else this.#writerBusy = false;
  }

  #readConnection(): Connection {
    const w = this.#check();
    if (!this.#writerBusy) return w;
    // A transaction that has not changed anything yet sees exactly the committed state: it holds the write lock,
    // so nothing can commit under it. Reading through it keeps the writer's warm page cache; the reader's is
    // thrown away by SQLite after every commit, and on an encrypted file every page it reads again is decrypted
    // (a point read: ~58 µs instead of ~14 µs, measured).
    const tx = this.#current;
    if (tx !== null && tx.pristine()) return w;
    this.#reader ??= this.#open();
    return this.#reader;
  }

  /** The transaction the caller's body runs in (`joinTransaction`), when it is the one holding the writer now. */
  #joinedHolder(): LocalTransaction | undefined {
    const tx = joined.getStore()?.get(this);
    return tx !== undefined && tx === this.#current && !tx.closed ? tx : undefined;
  }

  /** Runs fn so that this client's execute() calls made inside it run in the transaction open now (see `joined`). */
  joinTransaction<T>(fn: () => T): T {
    const tx = this.#current;
    if (!tx || tx.closed) throw new LibsqlError("No open transaction to join", "TRANSACTION_CLOSED");
    // Keyed by client: a withTx of another store inside this body keeps this store's join intact.
    const next = new Map(joined.getStore() ?? []);
    next.set(this, tx);
    return joined.run(next, fn);
  }

  async execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const stmt: InStatement = typeof stmtOrSql === "string" ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql;
    const inTx = this.#joinedHolder();
    if (inTx) return inTx.execute(stmt);
    // A query made in a transaction's body that runs after it ended (a stray promise): it must not run on its own,
    // outside the transaction it was written for.
    if (joined.getStore()?.get(this)?.closed) throw new LibsqlError("The transaction this query belongs to has ended", "TRANSACTION_CLOSED");
    const sql = typeof stmt === "string" ? stmt : stmt.sql;
    if (READ_ONLY.test(sql)) return this.#readConnection().execute(stmt);
    const w = await this.#acquireWriter();
    let r: ResultSet;
    try {
      r = w.execute(stmt);
      this.#written++;
    } finally {
      this.#releaseWriter();
    }
    await this.flush();
    return r;
  }

  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = "deferred"): Promise<ResultSet[]> {
    // drizzle's db.batch() in a withTx body: part of that transaction, still all or nothing (a savepoint).
    const inTx = this.#joinedHolder();
    if (inTx) {
      return inTx.savepointBatch(stmts.map((s) => (Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s)));
    }
    const w = await this.#acquireWriter();
    const out: ResultSet[] = [];
    try {
      w.execute(beginFor(mode));
      for (const s of stmts) out.push(w.execute(Array.isArray(s) ? { sql: s[0], args: s[1] ?? [] } : s));
      w.execute("COMMIT");
      this.#written++;
    } finally {
      this.#releaseWriter();
    }
    await this.flush();
    return out;
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    const w = await this.#acquireWriter();
    const out: ResultSet[] = [];
    try {
      w.execute("PRAGMA foreign_keys=off");
      w.execute("BEGIN DEFERRED");
      for (const s of stmts) out.push(w.execute(s));
      w.execute("COMMIT");
      this.#written++;
    } finally {
      try {
        if (w.inTransaction) w.execute("ROLLBACK");
        w.execute("PRAGMA foreign_keys=on");
      } finally {
        this.#releaseWriter();
      }
    }
    await this.flush();
    return out;
  }

  async transaction(mode: TransactionMode = "write"): Promise<LocalTransaction> {
    // A write transaction arriving while a group waits for its next member joins it (nobody else waits for the
    // writer: a parked group is never joined past them).
    const joining = mode === "write" && this.#parked !== null && this.#waiters.length === 0 && this.#group !== null;
    let w: Connection;
    if (joining) {
      w = this.#check();
      clearImmediate(this.#parked!);
      this.#parked = null;
    } else {
      w = await this.#acquireWriter();
    }
    let changesBefore: number;
    const schemaBefore = w.schemaChanges;
    try {
      changesBefore = w.totalChanges();
      w.execute(joining ? `SAVEPOINT ${MEMBER}` : beginFor(mode));
    } catch (e) {
      if (joining) this.#commitGroup();
      else this.#releaseWriter();
      throw e;
    }
    // Only write transactions are grouped: a read or deferred one commits (and releases the writer) on its own.
    const group = joining ? this.#group : mode === "write" ? (this.#group = { changesBefore, schemaBefore, done: [], size: 0 }) : null;
    if (group) group.size++;
    // A transaction that has changed nothing, in a group where nothing changed yet, sees the committed state: it
    // holds the write lock (BEGIN IMMEDIATE), so nothing can commit under it. Rows left by earlier members are not
    // committed yet: then reads outside must not see this connection.
    const base = group ?? { changesBefore, schemaBefore };
    const unchanged = () => mode === "write" && w.inTransaction && w.totalChanges() === base.changesBefore && w.schemaChanges === base.schemaBefore;
    const tx: LocalTransaction = new LocalTransaction(w, unchanged, (outcome) => {
      if (this.#current === tx) this.#current = null;
      // A commit whose changes cannot be counted is counted: flushing once too often is harmless.
      let changed = true;
      try {
        changed = w.totalChanges() !== changesBefore || w.schemaChanges !== schemaBefore;
      } catch {
        // keep `changed`
      }
      return group ? this.#endMember(w, group, joining, outcome, changed) : this.#endAlone(w, outcome, changed);
    });
    this.#current = tx;
    return tx;
  }

  /** A transaction outside any group (read, deferred): COMMIT or ROLLBACK, and the writer goes to the next. */
  #endAlone(w: Connection, outcome: Outcome, changed: boolean): Promise<void> {
    try {
      if (outcome !== "rollback") {
        w.execute("COMMIT");
        if (changed) {
          this.#written++;
          this.stats.commits++;
        }
      }
    } catch (e) {
      return Promise.reject(e);
    } finally {
      this.#releaseWriter();
    }
    return Promise.resolve();
  }

  /**
   * A member of a group ends. Rolled back: only its savepoint is undone (the first member, with nothing before it,
   * rolls the transaction back). Committed: it is released into the group, and the group either waits for the next
   * member (`defer`: more writers are queued for the store) or commits now. Resolves once its COMMIT happened.
   */
  #endMember(w: Connection, group: Group, savepoint: boolean, outcome: Outcome, changed: boolean): Promise<void> {
    if (group !== this.#group) {
      // The client was closed while this member ran: the group went with the connection (close() told the others).
      this.#releaseWriter();
      return outcome === "rollback" ? Promise.resolve() : Promise.reject(new LibsqlError("The client was closed before the transaction committed", "CLIENT_CLOSED"));
    }
    if (outcome === "rollback") {
      if (!savepoint) {
        // The first member: nothing else is in the group.
        this.#group = null;
        this.#releaseWriter();
        return Promise.resolve();
      }
      try {
        w.execute(`ROLLBACK TO ${MEMBER}`);
        w.execute(`RELEASE ${MEMBER}`);
      } catch {
        // SQLite already rolled the whole transaction back (a full disk): the COMMIT below fails the group
      }
      this.#commitGroup();
      return Promise.resolve();
    }
    if (savepoint) {
      try {
        w.execute(`RELEASE ${MEMBER}`);
      } catch (e) {
        try {
          w.execute(`ROLLBACK TO ${MEMBER}`);
          w.execute(`RELEASE ${MEMBER}`);
        } catch {
          // as above
        }
        this.#commitGroup();
        return Promise.reject(e);
      }
    }
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    group.done.push({ resolve, reject, changed });
    if (outcome === "defer" && group.size < GROUP_MAX && this.#waiters.length === 0 && !this.#closed) {
      // The writer stays with the group until the event loop's check phase (setImmediate): write transactions
      // started by the requests handled in this turn join it. A caller waiting for the writer itself is not
      // made to wait for the group.
      this.#parked = setImmediate(() => {
        this.#parked = null;
        this.#commitGroup();
      });
    } else {
      this.#commitGroup();
    }
    return promise;
  }

  /** COMMITs the open group, tells its members, and hands the writer on. */
  #commitGroup(): void {
    const g = this.#group;
    if (this.#parked !== null) {
      clearImmediate(this.#parked);
      this.#parked = null;
    }
    if (!g) return;
    this.#group = null;
    let err: unknown = null;
    try {
      if (!this.#writer) throw new LibsqlError("The client is closed", "CLIENT_CLOSED");
      this.#writer.execute("COMMIT");
    } catch (e) {
      err = e;
    }
    if (err === null) {
      for (const m of g.done) {
        if (!m.changed) continue;
        this.#written++;
        this.stats.commits++;
      }
      this.stats.grouped += Math.max(0, g.done.length - 1);
    }
    // After a failed COMMIT the transaction is rolled back here: no member's rows were committed.
    this.#releaseWriter();
    for (const m of g.done) {
      if (err === null) m.resolve();
      else m.reject(err);
    }
  }

  async executeMultiple(sql: string): Promise<void> {
    const w = await this.#acquireWriter();
    try {
      w.exec(sql);
      this.#written++;
    } finally {
      this.#releaseWriter();
    }
    await this.flush();
  }

  /**
   * Resolves once every write committed before the call is on disk. One fdatasync of the WAL at a time; callers
   * that arrive while it runs share the next one. A no-op without `deferredSync` (SQLite synced at COMMIT).
   */
  flush(): Promise<void> {
    if (this.#failed) return Promise.reject(new LibsqlError(`The store file failed to sync to disk: ${this.#failed.message}`, "SQLITE_IOERR"));
    if (!this.#opts.deferredSync || this.#closed) return Promise.resolve();
    if (!this.#syncing) {
      if (this.#written === this.#synced) return Promise.resolve();
      const upTo = this.#written;
      this.#syncing = this.#sync(upTo).finally(() => {
        this.#syncing = null;
      });
      return this.#syncing;
    }
    // The running sync may have started before this caller's commit: wait for the next one.
    this.#nextSync ??= this.#syncing
      .catch(() => {})
      .then(() => {
        this.#nextSync = null;
        return this.flush();
      });
    return this.#nextSync;
  }

  async #sync(upTo: number): Promise<void> {
    if (this.#wal === null) {
      try {
        this.#wal = await new Promise<number>((resolve, reject) => openFd(`${this.#opts.path}-wal`, "r+", (e, fd) => (e ? reject(e) : resolve(fd))));
      } catch (e) {
        // No WAL file: the last close checkpointed it into the (synced) database file.
        if ((e as NodeJS.ErrnoException).code === "ENOENT") {
          this.#synced = Math.max(this.#synced, upTo);
          return;
        }
        throw e;
      }
    }
    const fd = this.#wal;
    try {
      const fault = LocalClient.syncFault?.() ?? null;
      if (fault) throw fault;
      await new Promise<void>((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
    } catch (e) {
      this.#failed ??= e instanceof Error ? e : new Error(String(e));
      throw new LibsqlError(`Syncing the store file to disk failed: ${this.#failed.message}`, "SQLITE_IOERR", undefined, undefined, this.#failed);
    }
    this.stats.syncs++;
    this.#synced = Math.max(this.#synced, upTo);
    this.#maybeCheckpoint();
  }

  async sync(): Promise<Replicated> {
    return undefined;
  }

  close(): void {
    if (this.#closed) return;
    // A group waiting for its next member is committed; one whose member is still running is lost with the
    // connection (SQLite rolls it back), and its released members are told so.
    if (this.#parked !== null) this.#commitGroup();
    const group = this.#group;
    this.#group = null;
    for (const m of group?.done ?? []) m.reject(new LibsqlError("The client was closed before the transaction committed", "CLIENT_CLOSED"));
    this.#closed = true;
    // Closing does not checkpoint at once (the native connection lives until its cached statements are collected),
    // so commits not yet synced are synced here, on the spot: a flush waiting for them then resolves (closed).
    if (this.#opts.deferredSync && this.#written !== this.#synced && !this.#failed) {
      try {
        const fd = this.#wal ?? openSync(`${this.#opts.path}-wal`, "r+");
        fdatasyncSync(fd);
        if (fd !== this.#wal) closeSync(fd);
        this.stats.syncs++;
        this.#synced = this.#written;
      } catch (e) {
        this.#failed = e instanceof Error ? e : new Error(String(e));
      }
    }
    // A sync still running keeps its file handle until it is done.
    const wal = this.#wal;
    this.#wal = null;
    if (wal !== null) void (this.#syncing ?? Promise.resolve()).catch(() => {}).finally(() => closeFd(wal, () => {}));
    this.#writer?.close();
    this.#reader?.close();
    this.#writer = null;
    this.#reader = null;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(new LibsqlError("The client is closed", "CLIENT_CLOSED"));
  }

  reconnect(): void {
    if (this.#parked !== null) this.#commitGroup();
    // The open transaction's connection would keep the file's write lock and its settle would release the new one.
    if (this.#writerBusy) throw new LibsqlError("Cannot reconnect while a transaction or write is using the connection", "TRANSACTION_ACTIVE");
    this.close();
    this.#closed = false;
    this.#writerBusy = false;
    this.#writer = this.#open();
    this.#configureWriter(this.#writer);
  }
}

type Outcome = "commit" | "defer" | "rollback";

interface Group {
  /** The writer's total_changes() and DDL count at the group's BEGIN. */
  changesBefore: number;
  schemaBefore: number;
  /** Members released into the group, told when its COMMIT is done. */
  done: Array<{ resolve: () => void; reject: (e: unknown) => void; changed: boolean }>;
  /** Members so far, the running one included. */
  size: number;
}

export class LocalTransaction implements Transaction {
  #conn: Connection | null;
  #end: ((outcome: Outcome) => Promise<void>) | null;

  constructor(
    conn: Connection,
    /** True while the transaction has changed no row and no schema (its reads are the committed state). */
    readonly unchanged: () => boolean,
    end: (outcome: Outcome) => Promise<void>,
  ) {
    this.#conn = conn;
    this.#end = end;
  }

  /** Open and unchanged: a read outside it may run on its connection and see exactly the committed state. */
  pristine(): boolean {
    return this.#conn !== null && this.#conn.inTransaction && this.unchanged();
  }

  get closed(): boolean {
    return this.#conn === null || !this.#conn.inTransaction;
  }

  #active(): Connection {
    if (this.closed) throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
    return this.#conn!;
  }

  #finish(outcome: Outcome): Promise<void> {
    const end = this.#end;
    this.#conn = null;
    this.#end = null;
    return end ? end(outcome) : Promise.resolve();
  }

  async execute(stmt: InStatement): Promise<ResultSet> {
    return this.#active().execute(stmt);
  }

  async batch(stmts: InStatement[]): Promise<ResultSet[]> {
    const c = this.#active();
    return stmts.map((s) => c.execute(s));
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#active().exec(sql);
  }

  /** The statements inside this transaction, all or none of them (a batch() called from a withTx body). */
  async savepointBatch(stmts: InStatement[]): Promise<ResultSet[]> {
    const c = this.#active();
    c.execute("SAVEPOINT local_batch");
    try {
      const out = stmts.map((s) => c.execute(s));
      c.execute("RELEASE local_batch");
      return out;
    } catch (e) {
      try {
        c.execute("ROLLBACK TO local_batch");
        c.execute("RELEASE local_batch");
      } catch {
        // the transaction itself is broken: the caller's rollback follows
      }
      throw e;
    }
  }

  /** Commits now (with the transactions of its group released before it). Resolves once committed. */
  async commit(): Promise<void> {
    return this.#commit("commit");
  }

  /**
   * Ends the transaction as committed and gives the writer back at once; the COMMIT waits until the end of this
   * turn of the event loop for more write transactions to join the group (local-client.ts header). The promise
   * resolves once the COMMIT that includes this transaction is done, and rejects if it failed (then nothing of it
   * was committed). Call it holding the store's lock; await the promise after releasing it.
   */
  commitGrouped(): Promise<void> {
    return this.#commit("defer");
  }

  #commit(outcome: Outcome): Promise<void> {
    if (this.closed) {
      // Ended already, or rolled back by SQLite itself (a full disk): nothing to commit, but the writer goes back.
      return this.#finish("rollback").then(() => {
        throw new LibsqlError("The transaction is closed", "TRANSACTION_CLOSED");
      });
    }
    return this.#finish(outcome);
  }

  async rollback(): Promise<void> {
    await this.#finish("rollback");
  }

  close(): void {
    this.#finish("rollback").catch(() => {});
  }
}
