// The store registry: provisioning a store (its own database file, migrated, with its first rows) and listing.
import { rmSync } from "node:fs";
import { and, desc, eq, lt } from "drizzle-orm";
import { newId } from "../kernel/ids.ts";
import { NotFound } from "../kernel/errors.ts";
import { toPage, type Page } from "../kernel/pagination.ts";
import { withTx, type StoreTx } from "../db/tx.ts";
import { latestVersion } from "../db/migrate.ts";
import { stores } from "./control.tables.ts";
import type { Control } from "./control.ts";
import { storeDir, type StoreHandle, type TenantPool } from "./pool.ts";

export type StoreRecord = typeof stores.$inferSelect;

export interface ProvisionDeps {
  control: Control;
  pool: TenantPool;
  dataDir: string;
  now: () => number;
}

export interface CreateStoreInput {
  name: string;
  planId?: string;
  isDemo?: boolean;
  /** Writes the store's first rows (settings, …) inside the provisioning transaction. */
  initialize: (tx: StoreTx, handle: StoreHandle, storeId: string) => Promise<void>;
}

/**
 * Creates the store's file, migrates it, writes its first rows, and only then registers it in the control DB:
 * a store that is listed is always usable. A failure removes the half-made file.
 */
export async function createStore(deps: ProvisionDeps, input: CreateStoreInput): Promise<StoreRecord> {
  const id = newId("store", deps.now());
  const dir = storeDir(deps.dataDir, id);
  try {
    const handle = await deps.pool.create(id);
    await withTx({ store: handle }, (tx) => input.initialize(tx, handle, id));
    const now = deps.now();
    const record: StoreRecord = {
      id,
      name: input.name,
      status: "active",
      planId: input.planId ?? "self_hosted",
      schemaVersion: latestVersion("store"),
      migrationError: null,
      isDemo: input.isDemo ?? false,
      createdAt: now,
      updatedAt: now,
    };
    await deps.control.write(() => deps.control.db.insert(stores).values(record));
    return record;
  } catch (e) {
    await deps.pool.close(id).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

export async function listStores(control: Control, opts: { limit: number; before?: string | undefined }): Promise<Page<StoreRecord>> {
  const rows = await control.db
    .select()
    .from(stores)
    .where(and(eq(stores.status, "active"), opts.before ? lt(stores.id, opts.before) : undefined))
    .orderBy(desc(stores.id))
    .limit(opts.limit + 1);
  return toPage(rows, opts.limit);
}

/** Every store id, oldest first (for `migrate`). */
export async function allStoreIds(control: Control): Promise<string[]> {
  const rows = await control.db.select({ id: stores.id }).from(stores).orderBy(stores.id);
  return rows.map((r) => r.id);
}

export async function getStore(control: Control, id: string): Promise<StoreRecord> {
  const row = (await control.db.select().from(stores).where(eq(stores.id, id)))[0];
  if (!row) throw new NotFound("store", id);
  return row;
}

export async function findDemoStore(control: Control): Promise<StoreRecord | undefined> {
  return (await control.db.select().from(stores).where(eq(stores.isDemo, true)).orderBy(stores.id).limit(1))[0];
}

export async function recordSchemaVersion(control: Control, id: string, version: number, error: string | null, now: number): Promise<void> {
  await control.write(() =>
    control.db.update(stores).set({ schemaVersion: version, migrationError: error, updatedAt: now }).where(eq(stores.id, id)),
  );
}

export async function renameStore(control: Control, id: string, name: string, now: number): Promise<void> {
  await control.write(() => control.db.update(stores).set({ name, updatedAt: now }).where(eq(stores.id, id)));
}
