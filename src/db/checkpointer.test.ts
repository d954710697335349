// Background WAL checkpoints (checkpointer.ts, LocalClient `checkpoints`): the writer never checkpoints in COMMIT,
// the checkpoint thread does, the WAL starts over once it was copied whole, and a broken thread falls back to
// SQLite's own automatic checkpoint.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tempDataDir } from "../testing/harness.ts";
import { WorkerCheckpointer, type CheckpointResult, type CheckpointRunner } from "./checkpointer.ts";
import { LocalClient, type LocalClientOptions } from "./local-client.ts";

const dir = tempDataDir("trafi-checkpointer-");
const KEY = "ab".repeat(32);
const worker = new WorkerCheckpointer();
afterAll(() => {
  worker.terminate();
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;

async function open(checkpoints: CheckpointRunner, over: Partial<Pick<LocalClientOptions, "checkpointEvery" | "restartFrames" | "restartWaitMs" | "onCheckpointError">> = {}) {
  const file = join(dir, `c-${++n}.db`);
  const c = new LocalClient({ path: file, encryptionKey: KEY, deferredSync: true, checkpoints, ...over });
  await c.execute("PRAGMA journal_mode=WAL");
  await c.execute("create table t (id integer primary key, v text)");
  return Object.assign(c, { file });
}

/** `count` write transactions of ~4 pages each, each flushed (as withTx does). */
async function commits(c: LocalClient, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const tx = await c.transaction("write");
    await tx.execute({ sql: "insert into t (v) values (?)", args: ["x".repeat(12_000)] });
    await tx.commit();
    await c.flush();
  }
}

const pragma = async (c: LocalClient, name: string) => Number((await c.execute(`PRAGMA ${name}`)).rows[0]![0]);

class Recording implements CheckpointRunner {
  calls: string[] = [];
  constructor(private readonly answer: (call: number) => Promise<CheckpointResult>) {}
  run(path: string): Promise<CheckpointResult> {
    this.calls.push(path);
    return this.answer(this.calls.length);
  }
}

test("with a runner the writer's automatic checkpoint is off and the runner is asked once per `checkpointEvery` synced commits", async () => {
  const runner = new Recording(async () => ({ busy: false, log: 10, checkpointed: 10 }));
  const c = await open(runner, { checkpointEvery: 5 }); // 2 writes: the WAL pragma, the table
  expect(await pragma(c, "wal_autocheckpoint")).toBe(0); // (a third: PRAGMA goes through the writer)
  await commits(c, 1);
  await c.checkpointIdle();
  expect(runner.calls).toHaveLength(0);
  await commits(c, 1); // 5 writes
  await c.checkpointIdle();
  expect(runner.calls).toEqual([c.file]);
  await commits(c, 4);
  await c.checkpointIdle();
  expect(runner.calls).toHaveLength(1);
  await commits(c, 1); // 10 writes
  await c.checkpointIdle();
  expect(runner.calls).toEqual([c.file, c.file]);
  expect(c.stats.checkpoints).toBe(2);
  c.close();
});

test("without a runner SQLite checkpoints in COMMIT as usual (1,000 pages)", async () => {
  const file = join(dir, `plain-${++n}.db`);
  const c = new LocalClient({ path: file, deferredSync: true });
  await c.execute("PRAGMA journal_mode=WAL");
  expect(await pragma(c, "wal_autocheckpoint")).toBe(1000);
  c.close();
});

test("the worker thread checkpoints an encrypted store file whose writer keeps writing, and the WAL starts over", async () => {
  const c = await open(worker, { checkpointEvery: 1_000_000 }); // only the explicit runs below
  await commits(c, 30);
  const first = await worker.run(c.file, KEY);
  expect(first.busy).toBe(false);
  expect(first.log).toBeGreaterThan(60);
  expect(first.checkpointed).toBe(first.log);
  // The whole WAL is in the database file: the next write starts the WAL from its first frame.
  await commits(c, 1);
  const second = await worker.run(c.file, KEY);
  expect(second.log).toBeLessThan(first.log);
  expect(second.checkpointed).toBe(second.log);
  expect(Number((await c.execute("select count(*) from t")).rows[0]![0])).toBe(31);
  c.close();
  // Another connection (the checkpoint's) never broke the file: it opens and reads with the key.
  const again = new LocalClient({ path: c.file, encryptionKey: KEY });
  expect(Number((await again.execute("select count(*) from t")).rows[0]![0])).toBe(31);
  again.close();
});

test("a wrong key or a missing file fails the request, not the thread", async () => {
  const c = await open(worker, { checkpointEvery: 1_000_000 });
  await commits(c, 2);
  await expect(worker.run(c.file, "cd".repeat(32))).rejects.toThrow(/Checkpoint failed/);
  await expect(worker.run(join(dir, "nope", "x.db"), KEY)).rejects.toThrow(/Checkpoint failed/);
  // A store file removed (store deleted) is not created again, empty, by the checkpoint.
  await expect(worker.run(join(dir, "gone.db"), KEY)).rejects.toThrow(/Checkpoint failed/);
  expect(existsSync(join(dir, "gone.db"))).toBe(false);
  expect((await worker.run(c.file, KEY)).checkpointed).toBeGreaterThan(0);
  c.close();
});

test("a path with URI characters (% ? #) is opened as a file path", async () => {
  const sub = join(dir, "odd %3F?#dir");
  mkdirSync(sub);
  const file = join(sub, "s.db");
  const c = new LocalClient({ path: file, encryptionKey: KEY, deferredSync: true, checkpoints: worker, checkpointEvery: 1_000_000 });
  await c.execute("PRAGMA journal_mode=WAL");
  await c.execute("create table t (v)");
  expect((await worker.run(file, KEY)).busy).toBe(false);
  c.close();
});

const fdsUnder = (p: string) =>
  readdirSync("/proc/self/fd").filter((f) => {
    try {
      return readlinkSync(`/proc/self/fd/${f}`).startsWith(p);
    } catch {
      return false;
    }
  }).length;

// Found by review: libsql closes a connection only once its statements are collected, which the idle worker never
// did, so each checkpoint left two descriptors (store.db, store.db-wal) and a connection open.
test.if(process.platform === "linux")("200 checkpoints leave no descriptors or connections behind", async () => {
  const c = await open(worker, { checkpointEvery: 1_000_000 });
  await commits(c, 1);
  const before = fdsUnder(dir);
  for (let i = 0; i < 200; i++) await worker.run(c.file, KEY);
  expect(fdsUnder(dir) - before).toBeLessThan(10);
  c.close();
}, 60_000);

test("past `restartFrames` the checkpoint is finished with the writer held: a write waits for it", async () => {
  let releaseSecond!: () => void;
  const secondStarted = Promise.withResolvers<void>();
  const runner = new Recording(async (call) => {
    if (call === 2) {
      secondStarted.resolve();
      await new Promise<void>((r) => (releaseSecond = r));
    }
    return { busy: false, log: 50, checkpointed: 50 };
  });
  const c = await open(runner, { checkpointEvery: 5, restartFrames: 40 });
  await commits(c, 3); // with the 2 writes of open(): the 5th asks
  await secondStarted.promise;
  let written = false;
  const write = c.execute("insert into t (v) values ('during')").then(() => (written = true));
  await Bun.sleep(20);
  expect(written).toBe(false);
  releaseSecond();
  await write;
  await c.checkpointIdle();
  expect(runner.calls).toHaveLength(2);
  expect(c.stats.checkpoints).toBe(2);
  c.close();
});

// Review: the thread is shared by all stores; a store must not keep its writer while other stores' checkpoints run.
test("the writer is held for the second pass at most `restartWaitMs`; a write then goes through", async () => {
  const runner = new Recording(async (call) => {
    if (call === 2) await new Promise<never>(() => {}); // stuck behind other stores' work
    return { busy: false, log: 50, checkpointed: 50 };
  });
  const c = await open(runner, { checkpointEvery: 5, restartFrames: 40, restartWaitMs: 50 });
  await commits(c, 3);
  const t0 = performance.now();
  await c.execute("insert into t (v) values ('after the wait')");
  expect(performance.now() - t0).toBeLessThan(2_000);
  await c.checkpointIdle();
  expect(runner.calls).toHaveLength(2);
  expect(c.stats.checkpoints).toBe(1); // the second pass did not finish
  expect(await pragma(c, "wal_autocheckpoint")).toBe(0); // a slow thread is not a broken one
  c.close();
});

test("one large transaction asks for a checkpoint whatever the commit count", async () => {
  let calls = 0;
  const runner: CheckpointRunner = { run: (path, key) => (calls++, worker.run(path, key)) };
  const c = await open(runner, { checkpointEvery: 1_000_000, restartFrames: 1_000_000_000 });
  const tx = await c.transaction("write");
  const chunk = "x".repeat(1 << 20);
  for (let i = 0; i < 70; i++) await tx.execute({ sql: "insert into t (v) values (?)", args: [chunk] }); // ~70 MB
  await tx.commit();
  await c.flush();
  await c.checkpointIdle();
  expect(calls).toBe(1);
  // The file keeps its size after the WAL starts over: that alone asks for nothing more.
  await commits(c, 1);
  await c.checkpointIdle();
  expect(calls).toBe(1);
  c.close();
}, 30_000);

test("a runner that fails puts SQLite's automatic checkpoint back, and is not asked again", async () => {
  const runner = new Recording(async () => {
    throw new Error("no worker");
  });
  const errors: unknown[] = [];
  const c = await open(runner, { checkpointEvery: 3, onCheckpointError: (e) => errors.push(e) });
  await commits(c, 1);
  await c.checkpointIdle();
  expect(await pragma(c, "wal_autocheckpoint")).toBe(1000);
  expect(errors).toHaveLength(1); // the pool logs it
  await commits(c, 6);
  await c.checkpointIdle();
  expect(runner.calls).toHaveLength(1);
  expect(c.stats.checkpoints).toBe(0);
  c.close();
});

test("ping answers once the thread's script is loaded; a thread whose script is missing fails ping and runs", async () => {
  await worker.ping();
  const missing = new WorkerCheckpointer(new URL("./no-such-worker.ts", import.meta.url));
  await expect(missing.ping()).rejects.toThrow(/checkpoint worker/);
  await expect(missing.run(join(dir, "x.db"), KEY)).rejects.toThrow(/checkpoint worker/);
});

test("a stopped checkpoint thread fails every request at once", async () => {
  const w = new WorkerCheckpointer();
  w.terminate();
  await expect(w.run(join(dir, "x.db"), KEY)).rejects.toThrow(/stopped/);
});
