// GET /v1/admin/audit-log: the store's audit log, newest first, with filters and a cursor.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import { decodeSeqCursor, listAudit } from "./query.ts";
import { Int } from "../../kernel/schema.ts";

const AuditEntryView = t.Object({
  id: t.String(),
  seq: Int(),
  at: t.String({ format: "date-time" }),
  actor: t.Object({ type: t.String(), id: t.String() }),
  action: t.String(),
  targetType: t.String(),
  targetId: t.Union([t.String(), t.Null()]),
  before: t.Unknown(),
  after: t.Unknown(),
  requestId: t.String(),
  hash: t.String({ description: "SHA-256 chaining this entry to the previous one" }),
});

const Name = t.String({ minLength: 1, maxLength: 100, pattern: "^[A-Za-z0-9_.:*-]+$" });
const AuditQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  action: t.Optional(t.String({ minLength: 1, maxLength: 100, pattern: "^[a-z0-9_.]+(\\.\\*)?$", description: 'Exact action or a prefix such as "member.*"' })),
  targetType: t.Optional(Name),
  targetId: t.Optional(Name),
  actorType: t.Optional(t.Union([t.Literal("key"), t.Literal("user"), t.Literal("system")])),
  actorId: t.Optional(Name),
  from: t.Optional(t.String({ format: "date-time" })),
  to: t.Optional(t.String({ format: "date-time" })),
});

const time = (v: string | undefined, field: string): number | undefined => {
  if (v === undefined) return undefined;
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new ValidationFailed("request.invalid", `${field} must be an ISO date-time`, { field });
  return ms;
};

export const auditAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin" }).use(adminAuth(platform)).get(
    "/audit-log",
    async ({ ctx, query }) => {
      const page = await listAudit(
        ctx.store.db,
        { ...query, from: time(query.from, "from"), to: time(query.to, "to") },
        { limit: query.limit ?? 20, beforeSeq: decodeSeqCursor(query.cursor) },
      );
      return {
        data: page.data.map((r) => ({
          id: r.id, seq: r.seq, at: new Date(r.at).toISOString(), actor: { type: r.actorType, id: r.actorId }, action: r.action,
          targetType: r.targetType, targetId: r.targetId, before: r.before, after: r.after, requestId: r.requestId, hash: r.hash,
        })),
        nextCursor: page.nextCursor,
      };
    },
    {
      permission: "audit_log:read",
      query: AuditQuery,
      response: { 200: pageOf(AuditEntryView), ...ErrorResponses },
      detail: { tags: ["Audit"], summary: "Audit log, newest first; filter by action, target, actor and time" },
    },
  );
