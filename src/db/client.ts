// The only place that knows the driver. A database handle is a libSQL client plus its drizzle wrapper. Files are
// opened with LocalClient (local-client.ts: @libsql/client's interface with cached statements and one writer
// connection); a remote or replicated database would use @libsql/client's createClient behind the same interface.
import type { Client } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { hkdfSync } from "node:crypto";
import { LocalClient } from "./local-client.ts";
import type { CheckpointRunner } from "./checkpointer.ts";
import * as controlSchema from "./control.schema.ts";
import * as storeSchema from "./store.schema.ts";

export type ControlDb = LibSQLDatabase<typeof controlSchema>;
export type StoreDb = LibSQLDatabase<typeof storeSchema>;
export { controlSchema, storeSchema };

/**
 * Per-file encryption key, derived from the master key (HKDF-SHA256) so each store has its own key and a copied
 * store file is unreadable without the master key.
 */
export function deriveFileKey(masterKey: Uint8Array, label: string): string {
  const bytes = hkdfSync("sha256", masterKey, new Uint8Array(0), `trafi:file:${label}`, 32);
  return Buffer.from(bytes).toString("hex");
}

export interface OpenOptions {
  path: string;
  encryptionKey: string;
  /** Busy timeout; kept short because writers are already serialized by the per-store lock. */
  timeoutMs?: number;
  /** Commits fsync in flush() off the JS thread instead of inside COMMIT (store files; withTx flushes). */
  deferredSync?: boolean;
  /** WAL checkpoints on this runner's thread instead of in COMMIT (store files: checkpointer.ts). */
  checkpoints?: CheckpointRunner;
  /** Called once if the checkpoint thread fails for this file (it then checkpoints in COMMIT). */
  onCheckpointError?: (err: unknown) => void;
}

export async function openClient(opts: OpenOptions): Promise<LocalClient> {
  const client = new LocalClient({ path: opts.path, encryptionKey: opts.encryptionKey, timeoutMs: opts.timeoutMs ?? 5_000, deferredSync: opts.deferredSync, checkpoints: opts.checkpoints, onCheckpointError: opts.onCheckpointError });
  try {
    // WAL is stored in the file, so once is enough; it must not run inside a batch (STACK-NOTES).
    await client.execute("PRAGMA journal_mode=WAL");
  } catch (e) {
    client.close();
    throw e;
  }
  return client;
}

export function storeDrizzle(client: Client): StoreDb {
  return drizzle(client, { schema: storeSchema });
}

export function controlDrizzle(client: Client): ControlDb {
  return drizzle(client, { schema: controlSchema });
}
