// Admin routes for the store's API keys. The key index lives in the control DB, always filtered by the caller's
// store: another store's key id answers 404.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { ListQuery, decodeCursor } from "../../kernel/pagination.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import type { ApiKey } from "../../tenancy/keys.ts";
import { ApiKeyView, CreateApiKeyBody, CreatedApiKey } from "./keys.models.ts";

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
        const { key, token } = await platform.keys.create({ storeId: ctx.storeId, type: body.type, name: body.name, scopes: body.scopes, expiresAt });
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
    .post("/:id/revoke", async ({ ctx, params }) => keyView(await platform.keys.revoke(ctx.storeId, params.id)), {
      permission: "api_keys:write",
      params: IdParams,
      response: { 200: ApiKeyView, ...ErrorResponses },
      detail: { tags, summary: "Revoke an API key at once" },
    });
