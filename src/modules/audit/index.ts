// Audit log API. Call `recordAudit(tx, ctx, entry)` inside the same withTx as the change it describes, so the
// entry exists exactly when the change does. Entries are hash-chained: hash = SHA-256(prevHash + canonical JSON).
import { createHash } from "node:crypto";
import { asc, desc } from "drizzle-orm";
import type { Ctx, Actor } from "../../kernel/context.ts";
import { dbOf, type StoreTx } from "../../db/tx.ts";
import { insertRow, prepared } from "../../db/prepared.ts";
import type { StoreDb } from "../../db/client.ts";
import { newId } from "../../kernel/ids.ts";
import { auditLog } from "./audit.tables.ts";

export { auditLog };

export interface AuditEntry {
  action: string; // "api_key.created", "inventory.adjusted", …
  targetType: string;
  targetId?: string | null;
  before?: unknown;
  after?: unknown;
}

export const GENESIS_HASH = "0".repeat(64);

export function actorId(actor: Actor): string {
  return actor.type === "key" ? actor.keyId : actor.type === "user" ? actor.userId : `system:${actor.name}`;
}

type Row = typeof auditLog.$inferSelect;

/** Canonical JSON (sorted keys) so the hash does not depend on property order. */
function canonical(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj).sort().map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(",")}}`;
}

export function entryHash(prevHash: string, r: Omit<Row, "hash" | "prevHash">): string {
  const body = canonical({
    id: r.id, seq: r.seq, at: r.at, actorType: r.actorType, actorId: r.actorId, action: r.action,
    targetType: r.targetType, targetId: r.targetId, before: r.before, after: r.after, requestId: r.requestId,
  });
  return createHash("sha256").update(prevHash).update(body).digest("hex");
}

/**
 * The chain head as this transaction last wrote it: a checkout appends several entries in one transaction, and only
 * the first needs to read the head. Keyed by the transaction object, so it dies with it. (A nested savepoint
 * transaction is another object and reads the head itself; none of our audited writes nest.)
 */
const heads = new WeakMap<object, { seq: number; hash: string }>();

export async function recordAudit(tx: StoreTx, ctx: Pick<Ctx, "actor" | "requestId" | "clock">, e: AuditEntry): Promise<void> {
  // Inside withTx: the store lock makes read-last-then-append safe.
  const last =
    heads.get(tx) ??
    (await prepared(dbOf(tx), "audit.head", (db) => db.select({ seq: auditLog.seq, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.seq)).limit(1).prepare()).all())[0];
  const row = {
    id: newId("aud", ctx.clock.now()),
    seq: (last?.seq ?? 0) + 1,
    at: ctx.clock.now(),
    actorType: ctx.actor.type,
    actorId: actorId(ctx.actor),
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId ?? null,
    before: e.before ?? null,
    after: e.after ?? null,
    requestId: ctx.requestId,
  };
  const prevHash = last?.hash ?? GENESIS_HASH;
  const hash = entryHash(prevHash, row);
  await insertRow(tx, auditLog, { ...row, prevHash, hash });
  heads.set(tx, { seq: row.seq, hash });
}

export interface ChainReport {
  ok: boolean;
  checked: number;
  /** seq of the first entry that does not match its chain, when not ok. */
  brokenAt?: number;
}

/** Recomputes the chain from the first entry; any edited, removed or reordered entry breaks it. */
export async function verifyAuditChain(db: StoreDb): Promise<ChainReport> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const pageSize = 1000;
  for (let after = 0; ; ) {
    const rows = await db.select().from(auditLog).where(gtSeq(after)).orderBy(asc(auditLog.seq)).limit(pageSize);
    for (const r of rows) {
      const { hash, prevHash, ...rest } = r;
      if (r.seq !== expectedSeq || prevHash !== prev || entryHash(prev, rest) !== hash) return { ok: false, checked, brokenAt: r.seq };
      prev = hash;
      expectedSeq++;
      checked++;
    }
    if (rows.length < pageSize) return { ok: true, checked };
    after = rows[rows.length - 1]!.seq;
  }
}

import { gt } from "drizzle-orm";
const gtSeq = (after: number) => gt(auditLog.seq, after);
