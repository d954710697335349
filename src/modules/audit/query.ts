// Reading the audit log: newest first, filtered, with a cursor on the chain order (seq).
import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { StoreDb } from "../../db/client.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import { auditLog } from "./audit.tables.ts";

export interface AuditFilter {
  /** Exact action, or a prefix ending in ".*" ("member.*"). */
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  actorType?: string | undefined;
  actorId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
}

export const encodeSeqCursor = (seq: number): string => Buffer.from(`seq:${seq}`, "utf8").toString("base64url");

export function decodeSeqCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const m = /^seq:(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new ValidationFailed("pagination.invalid_cursor", "The cursor is not valid; use nextCursor from a previous page");
  return Number(m[1]);
}

export async function listAudit(db: StoreDb, f: AuditFilter, page: { limit: number; beforeSeq?: number | undefined }) {
  const where: SQL[] = [];
  if (f.action) {
    // LIKE wildcards in the caller's text are escaped; only our own ".*" suffix becomes a prefix match.
    if (f.action.endsWith(".*")) {
      const prefix = f.action.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`);
      where.push(sql`${auditLog.action} LIKE ${`${prefix}%`} ESCAPE '\\'`);
    } else where.push(eq(auditLog.action, f.action));
  }
  if (f.targetType) where.push(eq(auditLog.targetType, f.targetType));
  if (f.targetId) where.push(eq(auditLog.targetId, f.targetId));
  if (f.actorType) where.push(eq(auditLog.actorType, f.actorType));
  if (f.actorId) where.push(eq(auditLog.actorId, f.actorId));
  if (f.from !== undefined) where.push(gte(auditLog.at, f.from));
  if (f.to !== undefined) where.push(lte(auditLog.at, f.to));
  if (page.beforeSeq !== undefined) where.push(lt(auditLog.seq, page.beforeSeq));
  const rows = await db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.seq)).limit(page.limit + 1);
  const data = rows.slice(0, page.limit);
  const last = data[data.length - 1];
  return { data, nextCursor: rows.length > page.limit && last ? encodeSeqCursor(last.seq) : null };
}
