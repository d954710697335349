// Queries built once per store database and run many times. Drizzle builds a query's SQL text every time it runs;
// on the checkout that was the largest single cost (a third of its CPU in a profile: the INSERTs alone ~10%).
// A drizzle prepared query keeps the SQL and binds placeholders; LocalClient keeps the SQLite statement.
//
// Built on the store's database handle, a prepared query runs inside withTx's transaction when called from its
// body (LocalClient.joinTransaction), and on the committed state outside one. `dbOf(tx)` finds the handle.
// Caveat: drizzle evaluates a column's $defaultFn/$onUpdateFn while building the SQL, so such a column would be
// frozen at its first value here; the store schema has none (pass the value explicitly if one is ever added).
import { getTableColumns, getTableName, is, sql, SQL } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { StoreDb } from "./client.ts";
import { dbOf, type StoreTx } from "./tx.ts";

const built = new WeakMap<object, Map<string, unknown>>();

/** The query `build` makes for this database (a store's, or the control DB), built on first use (key: one per query shape). */
export function prepared<T, D extends object = StoreDb>(db: D, key: string, build: (db: D) => T): T {
  let m = built.get(db);
  if (!m) built.set(db, (m = new Map()));
  let q = m.get(key) as T | undefined;
  if (q === undefined) m.set(key, (q = build(db)));
  return q;
}

type Row = Record<string, unknown>;

/**
 * The shape of a row's values: which columns are given, and which of them are null. A null is written as the
 * literal NULL (as drizzle does), never through a column's encoder: a JSON column would store the text "null".
 */
function shape(row: Row): { keys: string[]; nulls: Set<string>; sig: string } | null {
  const keys: string[] = [];
  const nulls = new Set<string>();
  let sig = "";
  for (const k in row) {
    const v = row[k];
    if (v === undefined) continue; // the column's default, as drizzle does
    if (is(v, SQL)) return null; // an expression: nothing to bind
    keys.push(k);
    if (v === null) nulls.add(k);
    sig += v === null ? `${k}=null,` : `${k},`;
  }
  return { keys, nulls, sig };
}

function valuesFor(s: { keys: string[]; nulls: Set<string> }): Row {
  return Object.fromEntries(s.keys.map((k) => [k, s.nulls.has(k) ? sql`null` : sql.placeholder(k)]));
}

/** `tx.insert(table).values(row)` (optionally `.onConflictDoNothing()`), prepared per table and row shape. */
export async function insertRow<T extends SQLiteTable>(
  tx: StoreTx | StoreDb, table: T, row: T["$inferInsert"], opts: { onConflictDoNothing?: boolean } = {},
): Promise<void> {
  const s = shape(row as Row);
  if (!s) {
    const q = tx.insert(table).values(row);
    await (opts.onConflictDoNothing ? q.onConflictDoNothing() : q);
    return;
  }
  const key = `insert ${getTableName(table)}${opts.onConflictDoNothing ? " or nothing" : ""} (${s.sig})`;
  const q = prepared(dbOf(tx), key, (db) => {
    const ins = db.insert(table).values(valuesFor(s) as T["$inferInsert"]);
    return (opts.onConflictDoNothing ? ins.onConflictDoNothing() : ins).prepare();
  });
  await q.run(row as Row);
}

/** `tx.update(table).set(patch).where(eq(table.id, id))`, prepared per table and patch shape. */
export async function updateById<T extends SQLiteTable>(
  tx: StoreTx | StoreDb, table: T, id: string, patch: { [K in keyof T["$inferInsert"]]?: T["$inferInsert"][K] | SQL },
): Promise<void> {
  const idColumn = getTableColumns(table).id;
  if (!idColumn) throw new Error(`updateById: table ${getTableName(table)} has no id column`);
  const s = shape(patch as Row);
  if (!s || s.keys.includes("__id")) {
    await tx.update(table).set(patch as Partial<T["$inferInsert"]>).where(sql`${idColumn} = ${id}`);
    return;
  }
  const key = `update ${getTableName(table)} (${s.sig})`;
  const q = prepared(dbOf(tx), key, (db) =>
    db.update(table).set(valuesFor(s) as Partial<T["$inferInsert"]>).where(sql`${idColumn} = ${sql.placeholder("__id")}`).prepare(),
  );
  await q.run({ ...(patch as Row), __id: id });
}
