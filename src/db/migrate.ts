// Applies the drizzle-kit migrations (embedded at build time, see migrations.gen.ts) to one database file.
// Each migration runs as one atomic batch together with its row in `_trafi_schema`, so a failure leaves the
// database on the previous version. Applied migrations are checked against their hash: migrations are
// append-only, and an edited one is refused instead of silently diverging.
import type { Client } from "@libsql/client";
import { embeddedMigrations, type EmbeddedMigration } from "./migrations.gen.ts";

export type SchemaKind = "control" | "store";

export interface MigrationResult {
  from: number;
  to: number;
  applied: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationError";
  }
}

export function migrationsFor(kind: SchemaKind): readonly EmbeddedMigration[] {
  return embeddedMigrations[kind];
}

export function latestVersion(kind: SchemaKind): number {
  return migrationsFor(kind).length;
}

const VERSION_TABLE = `CREATE TABLE IF NOT EXISTS _trafi_schema (
  version INTEGER PRIMARY KEY,
  tag TEXT NOT NULL,
  hash TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

export async function schemaVersion(client: Client): Promise<number> {
  const exists = await client.execute(
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_trafi_schema'",
  );
  if (exists.rows.length === 0) return 0;
  const r = await client.execute("SELECT COALESCE(MAX(version), 0) AS v FROM _trafi_schema");
  return Number(r.rows[0]?.v ?? 0);
}

export async function migrate(
  client: Client,
  kind: SchemaKind,
  now: () => number = Date.now,
  all: readonly EmbeddedMigration[] = migrationsFor(kind),
): Promise<MigrationResult> {
  await client.execute(VERSION_TABLE);
  const appliedRows = await client.execute("SELECT version, tag, hash FROM _trafi_schema ORDER BY version");
  const from = appliedRows.rows.length === 0 ? 0 : Number(appliedRows.rows[appliedRows.rows.length - 1]!.version);
  if (from > all.length) {
    throw new MigrationError(
      `database is on ${kind} schema version ${from}, newer than this build knows (${all.length}); upgrade Trafi`,
    );
  }
  for (const row of appliedRows.rows) {
    const m = all[Number(row.version) - 1];
    if (!m || m.hash !== row.hash) {
      throw new MigrationError(`${kind} migration ${String(row.tag)} was changed after it was applied; migrations are append-only`);
    }
  }
  const applied: string[] = [];
  for (let v = from + 1; v <= all.length; v++) {
    const m = all[v - 1]!;
    await client.batch(
      [
        ...m.statements,
        { sql: "INSERT INTO _trafi_schema (version, tag, hash, applied_at) VALUES (?, ?, ?, ?)", args: [v, m.tag, m.hash, now()] },
      ],
      "write",
    );
    applied.push(m.tag);
  }
  return { from, to: all.length, applied };
}
