// WAL checkpoints off the JS thread. SQLite checkpoints inside the COMMIT that pushes the WAL over 1,000 pages: it
// reads the frames back (decrypting them on an encrypted file), writes them into the database file and fsyncs both
// files, all on the calling thread. Measured in the checkout bench: about one commit in 120 took 3–8 ms that way,
// the event loop blocked meanwhile, which alone made the sequential checkout's p95. Store clients therefore turn
// SQLite's automatic checkpoint off and ask this runner for one every few dozen commits (LocalClient
// `checkpoints`); it runs on a worker thread with its own connection (checkpoint-worker.ts).
//
// If the worker cannot start or dies, every request fails and the client falls back to SQLite's automatic
// checkpoint: slower, never unbounded.
import { LibsqlError } from "@libsql/client";

/** A checkpoint of the file at `path`; without a path, a ping (the thread answers once its script is loaded). */
export interface CheckpointRequest {
  id: number;
  path?: string;
  encryptionKey?: string | undefined;
}

export type CheckpointReply = { id: number; busy: boolean; log: number; checkpointed: number } | { id: number; error: string } | { id: number; pong: true };

/** `PRAGMA wal_checkpoint`'s answer: frames in the WAL and frames now copied into the database file. */
export interface CheckpointResult {
  busy: boolean;
  log: number;
  checkpointed: number;
}

/** What a LocalClient needs (tests pass their own). */
export interface CheckpointRunner {
  run(path: string, encryptionKey: string | undefined): Promise<CheckpointResult>;
}

export class WorkerCheckpointer implements CheckpointRunner {
  constructor(private readonly entry: string | URL = new URL("./checkpoint-worker.ts", import.meta.url)) {}
  #worker: Worker | null = null;
  #nextId = 1;
  #pending = new Map<number, { resolve: (r: CheckpointResult | null) => void; reject: (e: Error) => void }>();
  #broken: Error | null = null;

  run(path: string, encryptionKey: string | undefined): Promise<CheckpointResult> {
    return this.#request({ path, encryptionKey }) as Promise<CheckpointResult>;
  }

  /** Starts the thread and resolves once it answers (`serve` checks this at start and warns when it fails). */
  async ping(): Promise<void> {
    await this.#request({});
  }

  #request(req: Omit<CheckpointRequest, "id">): Promise<CheckpointResult | null> {
    if (this.#broken) return Promise.reject(this.#broken);
    const worker = this.#start();
    if (!worker) return Promise.reject(this.#broken!);
    const id = this.#nextId++;
    return new Promise<CheckpointResult | null>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, ...req } satisfies CheckpointRequest);
    });
  }

  #start(): Worker | null {
    if (this.#worker) return this.#worker;
    try {
      // A separate entry point: `bun run build` compiles it into the binary next to the main one (tools/build.ts).
      const w = new Worker(this.entry);
      // Never what keeps the process alive (Bun's Worker has unref(); the DOM type in this tsconfig does not).
      (w as unknown as { unref(): void }).unref();
      w.onmessage = (e: MessageEvent<CheckpointReply>) => {
        const r = e.data;
        const p = this.#pending.get(r.id);
        if (!p) return;
        this.#pending.delete(r.id);
        if ("error" in r) p.reject(new LibsqlError(`Checkpoint failed: ${r.error}`, "SQLITE_IOERR"));
        else if ("pong" in r) p.resolve(null);
        else p.resolve({ busy: r.busy, log: r.log, checkpointed: r.checkpointed });
      };
      w.onerror = (e) => this.#fail(new Error(`the checkpoint worker failed: ${e.message}`));
      w.addEventListener("close", () => this.#fail(new Error("the checkpoint worker exited")));
      this.#worker = w;
      return w;
    } catch (e) {
      this.#fail(e instanceof Error ? e : new Error(String(e)));
      return null;
    }
  }

  #fail(err: Error): void {
    this.#broken ??= err;
    this.#worker = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(err);
  }

  /** Stops the worker (tests, shutdown); later requests fail and their clients fall back. */
  terminate(): void {
    const w = this.#worker;
    this.#fail(new Error("the checkpoint worker was stopped"));
    w?.terminate();
  }
}

/** The process's checkpoint thread, started on the first request. */
export const checkpointer = new WorkerCheckpointer();
