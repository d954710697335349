// The control database: opened once per process, migrated at start, holds the cross-store registry.
import type { Client } from "@libsql/client";
import { join } from "node:path";
import { controlDrizzle, deriveFileKey, openClient, type ControlDb } from "../db/client.ts";
import { latestVersion, migrate, schemaVersion } from "../db/migrate.ts";
import { KeyedLock } from "../kernel/lock.ts";
import { plans } from "./control.tables.ts";

export const CONTROL_FILE = "_control.db";

export interface Control {
  readonly client: Client;
  readonly db: ControlDb;
  /** Serializes control writes for the same reason stores are serialized (STACK-NOTES). */
  write<T>(fn: () => Promise<T>): Promise<T>;
  close(): void;
}

/** Plans and their limits; rate limiting and quotas read them (limits per minute unless named otherwise). */
export const DEFAULT_PLANS: { id: string; name: string; limits: Record<string, number> }[] = [
  { id: "free", name: "Free", limits: { storeRequestsPerMinute: 600, adminRequestsPerMinute: 300, members: 3 } },
  { id: "pro", name: "Pro", limits: { storeRequestsPerMinute: 6000, adminRequestsPerMinute: 3000, members: 25 } },
  { id: "self_hosted", name: "Self-hosted", limits: { storeRequestsPerMinute: 60000, adminRequestsPerMinute: 30000, members: 1000 } },
];

export async function openControl(dataDir: string, masterKey: Uint8Array, now: () => number = Date.now): Promise<Control> {
  const client = await openClient({ path: join(dataDir, CONTROL_FILE), encryptionKey: deriveFileKey(masterKey, "control") });
  const lock = new KeyedLock();
  try {
    await lock.run("control", () => migrate(client, "control", now));
    const db = controlDrizzle(client);
    await db
      .insert(plans)
      .values(DEFAULT_PLANS.map((p) => ({ ...p, createdAt: now() })))
      .onConflictDoNothing();
    return {
      client,
      db,
      write: (fn) => lock.run("control", fn),
      close: () => client.close(),
    };
  } catch (e) {
    client.close();
    throw e;
  }
}

export async function controlReady(control: Control): Promise<{ ok: boolean; version: number; latest: number }> {
  const version = await schemaVersion(control.client);
  const latest = latestVersion("control");
  return { ok: version === latest, version, latest };
}
