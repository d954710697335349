// Admin routes for the store's API keys. The key index lives in the control DB, always filtered by the caller's
// store: another store's key id answers 404.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { ListQuery, decodeCursor } from "../../kernel/pagination.ts";
import { AppError, ValidationFailed } from "../../kernel/errors.ts";
import { scopeWithin } from "../../kernel/permissions.ts";
import type { ApiKey } from "../../tenancy/keys.ts";
import type { Ctx } from "../../kernel/context.ts";
import { withTx } from "../../db/tx.ts";
import { recordAudit } from "../audit/index.ts";
import { ApiKeyView, CreateApiKeyBody, CreatedApiKey, RotateApiKeyBody, RotatedApiKey } from "./keys.models.ts";

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const keyView = (k: ApiKey) => ({
  id: k.id,
  type: k.type,
  name: k.name,
  tokenHint: k.tokenHint,
  scopes: k.scopes,
  createdAt: new Date(k.createdAt).toISOString(),
  lastUsedAt: iso(k.lastUsedAt),
  revokedAt: iso(k.revokedAt),
  expiresAt: iso(k.expiresAt),
});

/** The key index is in the control DB; the audit entry follows in the store's log once the change committed. */
const auditKey = (ctx: Ctx, action: string, before: ApiKey | null, after: ApiKey) =>
  withTx(ctx, (tx) => recordAudit(tx, ctx, { action, targetType: "api_key", targetId: after.id, before: before && keyView(before), after: keyView(after) }));

/**
 * No escalation through keys: a secret key may only carry permissions its creator holds (an Admin cannot mint a
 * full-access key, nor rotate one into a fresh token).
 */
function assertScopesHeld(ctx: Ctx, type: "publishable" | "secret", scopes: readonly string[]): void {
  if (type !== "secret") return;
  const a = ctx.actor;
  const held = a.type === "key" ? a.scopes : a.type === "user" ? a.permissions : ["*"];
  const missing = scopes.filter((s) => !scopeWithin(held, s));
  if (missing.length > 0) {
    throw new AppError("FORBIDDEN", "api_key.escalation", "A key cannot carry permissions you do not hold; pass scopes you have", { missing });
  }
}

const DEFAULT_OVERLAP_S = 24 * 3600;

const IdParams = t.Object({ id: t.String({ maxLength: 64 }) });
const tags = ["API keys"];

export const keysAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/api-keys" })
    .use(adminAuth(platform))
    .get(
      "",
      async ({ ctx, query }) => {
        const page = await platform.keys.list(ctx.storeId, { limit: query.limit ?? 20, before: decodeCursor(query.cursor) });
        return { data: page.data.map(keyView), nextCursor: page.nextCursor };
      },
      { permission: "api_keys:read", query: ListQuery, response: { 200: pageOf(ApiKeyView), ...ErrorResponses }, detail: { tags, summary: "List API keys" } },
    )
    .post(
      "",
      async ({ ctx, body, set }) => {
        let expiresAt: number | null = null;
        if (body.expiresAt !== undefined) {
          expiresAt = Date.parse(body.expiresAt);
          if (!(expiresAt > ctx.clock.now())) {
            throw new ValidationFailed("api_key.expiry_in_past", "expiresAt must be in the future", { field: "expiresAt" });
          }
        }
        assertScopesHeld(ctx, body.type, body.scopes ?? ["*"]);
        const { key, token } = await platform.keys.create({ storeId: ctx.storeId, type: body.type, name: body.name, scopes: body.scopes, expiresAt });
        await auditKey(ctx, "api_key.created", null, key);
        set.status = 201;
        return { key: keyView(key), token };
      },
      {
        permission: "api_keys:write",
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKey, ...ErrorResponses },
        detail: { tags, summary: "Create an API key (the token is shown once)" },
      },
    )
    .get("/:id", async ({ ctx, params }) => keyView(await platform.keys.get(ctx.storeId, params.id)), {
      permission: "api_keys:read",
      params: IdParams,
      response: { 200: ApiKeyView, ...ErrorResponses },
      detail: { tags, summary: "One API key" },
    })
    .post(
      "/:id/rotate",
      async ({ ctx, params, body, set }) => {
        const overlapMs = (body?.overlapSeconds ?? DEFAULT_OVERLAP_S) * 1000;
        const current = await platform.keys.get(ctx.storeId, params.id);
        assertScopesHeld(ctx, current.type, current.scopes);
        const { key, token, previous } = await platform.keys.rotate(ctx.storeId, params.id, overlapMs);
        await auditKey(ctx, "api_key.rotated", previous, key);
        set.status = 201;
        return { key: keyView(key), token, previous: keyView(previous) };
      },
      {
        permission: "api_keys:write",
        params: IdParams,
        body: t.Optional(RotateApiKeyBody),
        response: { 201: RotatedApiKey, ...ErrorResponses },
        detail: { tags, summary: "Rotate a key: a new token now, the old one keeps working until the overlap ends (default 24 h)" },
      },
    )
    .post("/:id/revoke", async ({ ctx, params }) => {
      const before = await platform.keys.get(ctx.storeId, params.id);
      const after = await platform.keys.revoke(ctx.storeId, params.id);
      if (before.revokedAt === null) await auditKey(ctx, "api_key.revoked", before, after);
      return keyView(after);
    }, {
      permission: "api_keys:write",
      params: IdParams,
      response: { 200: ApiKeyView, ...ErrorResponses },
      detail: { tags, summary: "Revoke an API key at once" },
    });
