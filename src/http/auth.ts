// Store resolution and permissions (API.md "Authentication").
// - /v1/store/*: `x-publishable-key: pk_…` → the store.
// - /v1/admin/*: `Authorization: Bearer sk_…` → the store, the actor and its scopes.
// Authentication runs at the transform stage, before body validation, so an anonymous caller learns nothing
// about a route's input. Admin handlers get `ctx` only through the `permission` macro: a route that forgets to
// declare its permission does not type-check, and the permission test walks every admin route at run time.
import { Elysia } from "elysia";
import type { Platform } from "../platform.ts";
import type { Actor, Ctx } from "../kernel/context.ts";
import { Forbidden, Unauthorized } from "../kernel/errors.ts";
import { grants, type Permission } from "../kernel/permissions.ts";
import type { ApiKey } from "../tenancy/keys.ts";
import { requestMeta } from "./request.ts";

async function storeCtx(platform: Platform, request: Request, key: ApiKey, actor: Actor): Promise<Ctx> {
  const meta = requestMeta(request);
  meta.storeId = key.storeId;
  const store = await platform.pool.get(key.storeId);
  return {
    storeId: key.storeId,
    store,
    actor,
    requestId: meta.requestId,
    clock: platform.clock,
    log: platform.log.child({ storeId: key.storeId, requestId: meta.requestId }),
  };
}

function bearer(header: string | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

export function storeAuth(platform: Platform) {
  return new Elysia().derive({ as: "scoped" }, async ({ request }) => {
    const token = request.headers.get("x-publishable-key");
    if (!token) throw new Unauthorized("auth.missing_key", "Send the store's publishable key in the x-publishable-key header");
    if (token.startsWith("sk_")) {
      throw new Unauthorized("auth.wrong_key_type", "A secret key must never be used in a storefront; use a publishable key (pk_…)");
    }
    const key = await platform.keys.resolve(token);
    if (!key || key.type !== "publishable") throw new Unauthorized("auth.invalid_key", "The publishable key is unknown or revoked");
    return { ctx: await storeCtx(platform, request, key, { type: "key", keyId: key.id, keyType: key.type, scopes: key.scopes }) };
  });
}

export function adminAuth(platform: Platform) {
  return new Elysia()
    .derive({ as: "scoped" }, async ({ request }) => {
      const token = bearer(request.headers.get("authorization"));
      if (!token) throw new Unauthorized("auth.missing_credentials", "Send a secret key as Authorization: Bearer sk_…");
      if (token.startsWith("pk_")) {
        throw new Unauthorized("auth.wrong_key_type", "Publishable keys only open the store API; the admin API needs a secret key (sk_…)");
      }
      const key = await platform.keys.resolve(token);
      if (!key || key.type !== "secret") throw new Unauthorized("auth.invalid_key", "The secret key is unknown or revoked");
      const actor: Actor = { type: "key", keyId: key.id, keyType: key.type, scopes: key.scopes };
      return { principal: { key, actor } };
    })
    .macro({
      /** The permission this route needs; gives the handler its `ctx`. */
      permission: (needed: Permission) => ({
        // Checked at the transform stage, right after authentication and before body validation: a caller
        // without the permission gets 403, never a description of what the route would accept.
        transform({ principal }) {
          if (!principal) throw new Unauthorized("auth.missing_credentials", "Send a secret key as Authorization: Bearer sk_…");
          const scopes = principal.actor.type === "key" ? principal.actor.scopes : [];
          if (!grants(scopes, needed)) throw new Forbidden(needed);
        },
        async resolve({ principal, request }) {
          if (!principal) throw new Unauthorized("auth.missing_credentials", "Send a secret key as Authorization: Bearer sk_…");
          return { ctx: await storeCtx(platform, request, principal.key, principal.actor) };
        },
        detail: { security: [{ secretKey: [] }], "x-permission": needed } as Record<string, unknown>,
      }),
    });
}
