// The checkpoint thread (src/db/checkpointer.ts): copies a store file's WAL back into the database file on its own
// connection, so the main thread never does it inside a COMMIT. One request at a time; the connection is opened for
// the request and closed after it (a checkpoint is due every few dozen commits of a store, and an open connection
// per store would hold descriptors of files the pool may have closed or deleted).
// The connection runs with SQLite's default synchronous=FULL: the WAL is fsynced before its pages are copied and
// the database file after, so a WAL the writer later restarts from the beginning is never the only copy of a page.
import Database from "libsql";
import type { CheckpointReply, CheckpointRequest } from "./checkpointer.ts";

declare const self: Worker;

function checkpoint(path: string, encryptionKey: string | undefined): { busy: boolean; log: number; checkpointed: number } {
  // mode=rw: a store file removed meanwhile (the store deleted) is an error, never re-created empty.
  const uri = `file:${path.replace(/[%?#]/g, (c) => `%${c.charCodeAt(0).toString(16)}`)}?mode=rw`;
  const db = new Database(uri, { encryptionKey, timeout: 1_000 } as Database.Options);
  try {
    // PASSIVE: copies what no reader still needs and never waits for (or blocks) the store's writer or readers.
    const stmt = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    stmt.raw(true);
    const [busy, log, checkpointed] = stmt.get() as [number, number, number];
    return { busy: busy !== 0, log, checkpointed };
  } finally {
    db.close();
  }
}

self.onmessage = (e: MessageEvent<CheckpointRequest>) => {
  const { id, path, encryptionKey } = e.data;
  if (path === undefined) return self.postMessage({ id, pong: true } satisfies CheckpointReply);
  let reply: CheckpointReply;
  try {
    reply = { id, ...checkpoint(path, encryptionKey) };
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  // libsql frees a closed connection (its descriptors, page cache and cipher state) only once its statements are
  // collected, and this thread allocates too little for the collector to run on its own: without this, every
  // checkpoint left two descriptors and a connection behind (review, checkpointer.test.ts).
  Bun.gc(true);
  self.postMessage(reply);
};
