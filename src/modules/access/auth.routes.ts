// /v1/auth/*: dashboard login, logout, me, password reset and invite acceptance. Not store-scoped: limited per
// client IP (auth bucket) and, for login, by the per-account/per-IP backoff of throttle.ts.
import { Elysia } from "elysia";
import type { Platform } from "../../platform.ts";
import { AppError, Unauthorized } from "../../kernel/errors.ts";
import { ErrorResponses } from "../../http/models.ts";
import { AUTH_REQUESTS_PER_MINUTE, clientIp, enforce } from "../../http/ratelimit.ts";
import { requestMeta } from "../../http/request.ts";
import { access } from "./services.ts";
import { SESSION_ABSOLUTE_MS, SESSION_COOKIE, clearedSessionCookie, readCookie, sessionCookie } from "./sessions.ts";
import { confirmPasswordReset, login, me, requestPasswordReset } from "./auth.ts";
import { acceptInvite } from "./members.ts";
import { AcceptInviteBody, Accepted, InviteAccepted, LoggedOut, LoginBody, ResetConfirmBody, ResetRequestBody, SessionView } from "./access.models.ts";

type Server = Parameters<typeof clientIp>[1];
type HeaderBag = Record<string, string | number>;
const tags = ["Auth"];
const SAFE = new Set(["GET", "HEAD"]);

export const authRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/auth" })
    .derive(({ request, set, server }) => {
      const ip = clientIp(request, server as Server, platform.config.trustProxy);
      enforce(access(platform).buckets, set.headers as HeaderBag, [{ key: `auth:ip:${ip}`, perMinute: AUTH_REQUESTS_PER_MINUTE, name: "authRequestsPerMinute" }]);
      return { ip, sessionToken: readCookie(request.headers.get("cookie"), SESSION_COOKIE) };
    })
    .derive(async ({ request, sessionToken }) => {
      // The current session, for me/logout. Resolved lazily per route below: login must work without one.
      const resolveSession = async () => {
        const svc = access(platform);
        const s = sessionToken ? await svc.sessions.resolve(sessionToken) : null;
        if (!s) throw new Unauthorized("auth.invalid_session", "Not signed in, or the session expired");
        if (!SAFE.has(request.method) && !svc.sessions.checkCsrf(s, request.headers.get("x-csrf-token"))) {
          throw new AppError("FORBIDDEN", "auth.csrf", "A state-changing request with a session needs the x-csrf-token header");
        }
        return s;
      };
      return { resolveSession };
    })
    .post(
      "/login",
      async ({ body, request, set, ip, sessionToken }) => {
        const svc = access(platform);
        const { token, view } = await login(platform, body, {
          ip, userAgent: request.headers.get("user-agent"), requestId: requestMeta(request).requestId, previousToken: sessionToken, headers: set.headers as HeaderBag,
        });
        set.headers["set-cookie"] = sessionCookie(token, { secure: svc.secureCookies, maxAgeSec: SESSION_ABSOLUTE_MS / 1000 });
        set.headers["cache-control"] = "no-store";
        return view;
      },
      { body: LoginBody, response: { 200: SessionView, ...ErrorResponses }, detail: { tags, summary: "Log in: sets the trafi_session cookie and returns the CSRF token" } },
    )
    .post(
      "/logout",
      async ({ resolveSession, set }) => {
        const s = await resolveSession();
        await access(platform).sessions.revoke(s.id);
        set.headers["set-cookie"] = clearedSessionCookie(access(platform).secureCookies);
        return { loggedOut: true as const };
      },
      { response: { 200: LoggedOut, ...ErrorResponses }, detail: { tags, summary: "Log out: revokes the session (needs x-csrf-token)" } },
    )
    .get(
      "/me",
      async ({ resolveSession, set }) => {
        set.headers["cache-control"] = "no-store";
        return me(platform, await resolveSession());
      },
      { response: { 200: SessionView, ...ErrorResponses }, detail: { tags, summary: "The signed-in user, their stores and permissions, and the CSRF token" } },
    )
    .post(
      "/password-reset/request",
      async ({ body, set }) => {
        await requestPasswordReset(platform, body.email);
        set.status = 202;
        return { accepted: true as const };
      },
      { body: ResetRequestBody, response: { 202: Accepted, ...ErrorResponses }, detail: { tags, summary: "E-mail a single-use reset link (30 min); answers the same for unknown e-mails" } },
    )
    .post(
      "/password-reset/confirm",
      async ({ body, request }) => {
        await confirmPasswordReset(platform, body, requestMeta(request).requestId);
        return { accepted: true as const };
      },
      { body: ResetConfirmBody, response: { 200: Accepted, ...ErrorResponses }, detail: { tags, summary: "Set a new password with a reset token; signs out every session" } },
    )
    .post("/invites/accept", async ({ body, request }) => acceptInvite(platform, body, requestMeta(request).requestId), {
      body: AcceptInviteBody,
      response: { 200: InviteAccepted, ...ErrorResponses },
      detail: { tags, summary: "Accept a member invitation (creates the account when the e-mail is new)" },
    });
