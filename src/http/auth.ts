// Store resolution, authentication, rate limits and permissions (API.md "Authentication").
// - /v1/store/*: `x-publishable-key: pk_…` → the store (plus CORS origin check and the store API buckets).
// - /v1/admin/*: `Authorization: Bearer sk_…` → the store, the key and its scopes; or the dashboard session cookie
//   `trafi_session` (+ `x-csrf-token` on writes, `x-trafi-store` to pick a store) → the store, the user and the
//   permissions of their membership.
// Authentication runs at the transform stage, before body validation, so an anonymous caller learns nothing
// about a route's input. Admin handlers get `ctx` only through the `permission` macro: a route that forgets to
// declare its permission does not type-check, and the permission test walks every admin route at run time.
import { Elysia } from "elysia";
import type { Platform } from "../platform.ts";
import type { Actor, Ctx } from "../kernel/context.ts";
import { AppError, Forbidden, NotFound, Unauthorized, ValidationFailed } from "../kernel/errors.ts";
import { grants, type Permission } from "../kernel/permissions.ts";
import { access } from "../modules/access/services.ts";
import { SESSION_COOKIE, readCookie } from "../modules/access/sessions.ts";
import { membershipsOf } from "../modules/access/users.ts";
import { allowedOrigins, originAllowed } from "../modules/access/origins.ts";
import { clientIp, enforce } from "./ratelimit.ts";
import { requestMeta } from "./request.ts";

type Server = Parameters<typeof clientIp>[1];
type HeaderBag = Record<string, string | number>;

async function storeCtx(platform: Platform, request: Request, storeId: string, actor: Actor): Promise<Ctx> {
  const meta = requestMeta(request);
  meta.storeId = storeId;
  const store = await platform.pool.get(storeId);
  return {
    storeId,
    store,
    actor,
    requestId: meta.requestId,
    clock: platform.clock,
    log: platform.log.child({ storeId, requestId: meta.requestId }),
  };
}

function bearer(header: string | null): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
  return m?.[1];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function storeAuth(platform: Platform) {
  return new Elysia().derive({ as: "scoped" }, async ({ request, set, server }) => {
    const token = request.headers.get("x-publishable-key");
    if (!token) throw new Unauthorized("auth.missing_key", "Send the store's publishable key in the x-publishable-key header");
    if (token.startsWith("sk_")) {
      throw new Unauthorized("auth.wrong_key_type", "A secret key must never be used in a storefront; use a publishable key (pk_…)");
    }
    const key = await platform.keys.resolve(token);
    if (!key || key.type !== "publishable") throw new Unauthorized("auth.invalid_key", "The publishable key is unknown or revoked");
    const svc = access(platform);
    const limits = await svc.limits.get(key.storeId);
    enforce(svc.buckets, set.headers as HeaderBag, [
      { key: `s:${key.storeId}`, perMinute: limits.store, name: "storeRequestsPerMinute", planId: limits.planId },
      { key: `s:${key.storeId}:ip:${clientIp(request, server as Server, platform.config.trustProxy)}`, perMinute: limits.client, name: "storeClientRequestsPerMinute", planId: limits.planId },
    ]);
    const ctx = await storeCtx(platform, request, key.storeId, { type: "key", keyId: key.id, keyType: key.type, scopes: key.scopes });
    await applyCors(platform, ctx, request, set.headers as HeaderBag);
    return { ctx };
  });
}

/** A browser request from an origin the store has not allowed is refused (and gets no CORS headers). */
async function applyCors(platform: Platform, ctx: Ctx, request: Request, headers: HeaderBag): Promise<void> {
  const origin = request.headers.get("origin");
  if (!origin) return;
  headers["vary"] = "Origin";
  const allowed = await allowedOrigins(ctx.store, ctx.storeId, platform.clock.now());
  // Same-origin calls (the reference storefront served by this server, under whatever host name the browser
  // used) carry an Origin whose host is the request's own (Bun builds request.url from the Host header); a cross-site
  // page cannot change the host it reaches.
  if (!sameHost(origin, new URL(request.url).host) && !originAllowed(origin, allowed, access(platform).ownOrigin)) {
    throw new AppError("FORBIDDEN", "cors.origin_not_allowed", "This origin is not in the store's allowed origins (admin: PUT /v1/admin/settings/allowed-origins)", { origin });
  }
  headers["access-control-allow-origin"] = origin;
  headers["access-control-expose-headers"] = "x-request-id, ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after";
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

interface Principal {
  storeId: string;
  actor: Actor;
}

async function keyPrincipal(platform: Platform, token: string): Promise<Principal> {
  if (token.startsWith("pk_")) {
    throw new Unauthorized("auth.wrong_key_type", "Publishable keys only open the store API; the admin API needs a secret key (sk_…)");
  }
  const key = await platform.keys.resolve(token);
  if (!key || key.type !== "secret") throw new Unauthorized("auth.invalid_key", "The secret key is unknown or revoked");
  return { storeId: key.storeId, actor: { type: "key", keyId: key.id, keyType: key.type, scopes: key.scopes } };
}

async function sessionPrincipal(platform: Platform, request: Request, cookie: string): Promise<Principal> {
  const svc = access(platform);
  const session = await svc.sessions.resolve(cookie);
  if (!session) throw new Unauthorized("auth.invalid_session", "The session is unknown, expired or signed out; log in again");
  // Cookies ride along on cross-site requests; the CSRF token (readable only by our own pages) proves intent.
  if (!SAFE_METHODS.has(request.method) && !svc.sessions.checkCsrf(session, request.headers.get("x-csrf-token"))) {
    throw new AppError("FORBIDDEN", "auth.csrf", "A state-changing request with a session needs the x-csrf-token header from /v1/auth/me or login");
  }
  const stores = await membershipsOf(platform.control, session.userId);
  const wanted = request.headers.get("x-trafi-store");
  let m: (typeof stores)[number] | undefined;
  if (wanted) {
    m = stores.find((s) => s.storeId === wanted);
    // Same answer for "no such store" and "not yours": membership is not an existence oracle.
    if (!m) throw new NotFound("store", wanted.slice(0, 64));
  } else if (stores.length === 1) {
    m = stores[0];
  } else if (stores.length === 0) {
    throw new AppError("FORBIDDEN", "auth.no_store", "This user is not a member of any store");
  } else {
    throw new ValidationFailed("auth.store_required", "This user belongs to several stores: send x-trafi-store: store_…", { stores: stores.length });
  }
  return { storeId: m!.storeId, actor: { type: "user", userId: session.userId, permissions: m!.permissions } };
}

export function adminAuth(platform: Platform) {
  return new Elysia()
    .derive({ as: "scoped" }, async ({ request, set }) => {
      const token = bearer(request.headers.get("authorization"));
      const cookie = token ? undefined : readCookie(request.headers.get("cookie"), SESSION_COOKIE);
      if (!token && !cookie) throw new Unauthorized("auth.missing_credentials", "Send a secret key as Authorization: Bearer sk_… or log in (session cookie)");
      const principal = token ? await keyPrincipal(platform, token) : await sessionPrincipal(platform, request, cookie!);
      const svc = access(platform);
      const limits = await svc.limits.get(principal.storeId);
      const who = principal.actor.type === "key" ? principal.actor.keyId : principal.actor.type === "user" ? principal.actor.userId : "system";
      enforce(svc.buckets, set.headers as HeaderBag, [
        { key: `a:${principal.storeId}`, perMinute: limits.admin, name: "adminRequestsPerMinute", planId: limits.planId },
        { key: `a:${principal.storeId}:${who}`, perMinute: limits.credential, name: "adminCredentialRequestsPerMinute", planId: limits.planId },
      ]);
      return { principal };
    })
    .macro({
      /** The permission this route needs; gives the handler its `ctx`. */
      permission: (needed: Permission) => ({
        // Checked at the transform stage, right after authentication and before body validation: a caller
        // without the permission gets 403, never a description of what the route would accept.
        transform({ principal }) {
          if (!principal) throw new Unauthorized("auth.missing_credentials", "Send a secret key as Authorization: Bearer sk_…");
          const a = principal.actor;
          const held = a.type === "key" ? a.scopes : a.type === "user" ? a.permissions : [];
          if (!grants(held, needed)) throw new Forbidden(needed);
        },
        async resolve({ principal, request }) {
          if (!principal) throw new Unauthorized("auth.missing_credentials", "Send a secret key as Authorization: Bearer sk_…");
          return { ctx: await storeCtx(platform, request, principal.storeId, principal.actor) };
        },
        detail: { security: [{ secretKey: [] }, { sessionCookie: [] }], "x-permission": needed } as Record<string, unknown>,
      }),
    });
}
