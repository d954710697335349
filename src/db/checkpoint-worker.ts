// The checkpoint thread (src/db/checkpointer.ts): copies a store file's WAL back into the database file on its own
// connection, so the main thread never does it inside a COMMIT. One request at a time; the connection is opened for
// the request and closed after it (a checkpoint is due every few dozen commits of a store, and an open connection
// per store would hold three file descriptors here for nothing).
// The connection runs with SQLite's default synchronous=FULL: the WAL is fsynced before its pages are copied and
// the database file after, so a WAL the writer later restarts from the beginning is never the only copy of a page.
import Database from "libsql";
import { existsSync } from "node:fs";
import type { CheckpointReply, CheckpointRequest } from "./checkpointer.ts";

declare const self: Worker;

self.onmessage = (e: MessageEvent<CheckpointRequest>) => {
  const { id, path, encryptionKey } = e.data;
  if (path === undefined) return self.postMessage({ id, pong: true } satisfies CheckpointReply);
  let db: Database.Database | null = null;
  let reply: CheckpointReply;
  try {
    // Opening would create an empty database where a store file was removed (the store deleted meanwhile).
    if (!existsSync(path)) throw new Error(`no database file at ${path}`);
    db = new Database(path, { encryptionKey, timeout: 1_000 } as Database.Options);
    // PASSIVE: copies what no reader still needs and never waits for (or blocks) the store's writer or readers.
    const stmt = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    stmt.raw(true);
    const [busy, log, checkpointed] = stmt.get() as [number, number, number];
    reply = { id, busy: busy !== 0, log, checkpointed };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  } finally {
    try {
      db?.close();
    } catch {
      // closing after a failure: nothing left to do
    }
  }
  self.postMessage(reply);
};
