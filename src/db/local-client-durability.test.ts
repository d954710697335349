// Durability edges of LocalClient found by review: each test states the contract from local-client.ts; each failed
// before its fix.
import { afterAll, expect, test } from "bun:test";
import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { tempDataDir } from "../testing/harness.ts";
import { LocalClient } from "./local-client.ts";

const dir = tempDataDir("trafi-local-client-review-");
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

async function open(): Promise<LocalClient & { file: string }> {
  const file = join(dir, `r-${++n}.db`);
  const c = new LocalClient({ path: file, deferredSync: true });
  await c.execute("PRAGMA journal_mode=WAL");
  await c.execute("create table t (id integer primary key, v text)");
  return Object.assign(c, { file });
}

// The cached native statements keep libsql's connection alive after db.close() (until GC), so no checkpoint runs at
// close: a commit whose flush comes after close() (pool eviction or closeAll between withTx's commit and its flush)
// must be fdatasynced by close() itself, or it would be acknowledged with neither an fdatasync nor a checkpoint.
test("a commit flushed after close() is either fdatasynced or checkpointed", async () => {
  const c = await open();
  const tx = await c.transaction("write");
  await tx.execute("insert into t (v) values ('order')");
  await tx.commit();
  const syncsBefore = c.stats.syncs;
  c.close(); // the pool evicts the store here (lock already released by withTx)
  await c.flush(); // withTx's `await store.flush()`: resolves
  const walFrames = existsSync(`${c.file}-wal`) ? statSync(`${c.file}-wal`).size : 0;
  const synced = c.stats.syncs > syncsBefore;
  expect({ synced, walLeftUncheckpointed: walFrames > 0 }).not.toEqual({ synced: false, walLeftUncheckpointed: true });
});

// The pristine shortcut and the "changed" test after COMMIT rely on total_changes() and a schema-change regex. A
// transaction whose only write is a PRAGMA that writes the header, or DDL preceded by a comment, must count as a
// change: otherwise outside reads run inside it and see its uncommitted state, and its commit is never synced.
test("a transaction that only set user_version is neither isolated nor synced", async () => {
  const c = await open();
  await c.flush();
  const s0 = c.stats.syncs;
  const tx = await c.transaction("write");
  await tx.execute("PRAGMA user_version = 7");
  const outside = (await c.execute("select user_version as v from pragma_user_version")).rows[0]!.v;
  await tx.rollback();
  expect(outside).toBe(0); // not the uncommitted (then rolled back) 7
  const tx2 = await c.transaction("write");
  await tx2.execute("PRAGMA user_version = 8");
  await tx2.commit();
  await c.flush();
  expect(c.stats.syncs).toBe(s0 + 1);
  c.close();
});

test("a DDL-only transaction whose statement starts with a comment is synced", async () => {
  const c = await open();
  await c.flush();
  const s0 = c.stats.syncs;
  const tx = await c.transaction("write");
  await tx.execute("-- add the column\nalter table t add column note text");
  await tx.commit();
  await c.flush();
  expect(c.stats.syncs).toBe(s0 + 1);
  c.close();
});
