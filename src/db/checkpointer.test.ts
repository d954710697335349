// Background WAL checkpoints (checkpointer.ts, LocalClient `checkpoints`): the writer never checkpoints in COMMIT,
// the checkpoint thread does, the WAL starts over once it was copied whole, and a broken thread falls back to
// SQLite's own automatic checkpoint.
import { afterAll, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tempDataDir } from "../testing/harness.ts";
import { WorkerCheckpointer, type CheckpointResult, type CheckpointRunner } from "./checkpointer.ts";
import { LocalClient } from "./local-client.ts";

const dir = tempDataDir("trafi-checkpointer-");
const KEY = "ab".repeat(32);
const worker = new WorkerCheckpointer();
afterAll(() => {
  worker.terminate();
  rmSync(dir, { recursive: true, force: true });
});
let n = 0;

async function open(checkpoints: CheckpointRunner, over: { checkpointEvery?: number; restartFrames?: number } = {}) {
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
  const c = await open(runner, { checkpointEvery: 5 });
  expect(await pragma(c, "wal_autocheckpoint")).toBe(0);
  await commits(c, 4);
  await c.checkpointIdle();
  expect(runner.calls).toHaveLength(0);
  await commits(c, 8);
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
  await expect(worker.run(join(dir, "gone.db"), KEY)).rejects.toThrow(/no database file/);
  expect(existsSync(join(dir, "gone.db"))).toBe(false);
  expect((await worker.run(c.file, KEY)).checkpointed).toBeGreaterThan(0);
  c.close();
});

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
  const c = await open(runner, { checkpointEvery: 3, restartFrames: 40 });
  await commits(c, 3);
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

test("a runner that fails puts SQLite's automatic checkpoint back, and is not asked again", async () => {
  const runner = new Recording(async () => {
    throw new Error("no worker");
  });
  const c = await open(runner, { checkpointEvery: 2 });
  await commits(c, 2);
  await c.checkpointIdle();
  expect(await pragma(c, "wal_autocheckpoint")).toBe(1000);
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
