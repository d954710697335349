// createApp(platform): the whole HTTP surface as one Elysia app. Tests drive it with app.handle(new Request(…));
// the server wraps it with the access log and graceful shutdown (server.ts).
import { Elysia } from "elysia";
import { openapi } from "@elysiajs/openapi";
import type { Platform } from "../platform.ts";
import { AppError } from "../kernel/errors.ts";
import { controlReady } from "../tenancy/control.ts";
import { envelope, fromAppError, validationIssues } from "./envelope.ts";
import { requestMeta } from "./request.ts";
import { docsRoutes } from "./docs.ts";
import { moduleRoutes } from "./routes.ts";
import { idempotency } from "./idempotency.ts";
import pkg from "../../package.json" with { type: "json" };

export const VERSION: string = pkg.version;

export function createApp(platform: Platform) {
  // normalize: false → unknown body fields are rejected (422) instead of silently dropped, and a response that
  // strays from its schema is caught as our bug (500) instead of being trimmed quietly.
  const app = new Elysia({ name: "trafi", normalize: false })
      .onRequest(({ request, set }) => {
        set.headers["x-request-id"] = requestMeta(request).requestId;
        set.headers["x-content-type-options"] = "nosniff";
      })
      .use(idempotency(platform)) // before the error envelope: its onError only releases an in-flight key
      .onError({ as: "global" }, ({ code, error, request }) => {
        const meta = requestMeta(request);
        const id = meta.requestId;
        let res: Response;
        if (error instanceof AppError) res = fromAppError(error, id);
        else if (code === "VALIDATION" && (error as { type?: string }).type === "response") {
          platform.log.error("response failed its schema", { requestId: id, storeId: meta.storeId, issues: validationIssues(error) });
          res = envelope(500, "INTERNAL", "internal", "Something went wrong on our side; quote the request id if you report it", id);
        } else if (code === "VALIDATION") {
          res = envelope(422, "VALIDATION", "request.invalid", "The request does not match the expected shape", id, {
            issues: validationIssues(error),
          });
        } else if (code === "PARSE") {
          res = envelope(400, "MALFORMED_JSON", "request.malformed_body", "The request body could not be parsed; send valid JSON with content-type application/json", id);
        } else if (code === "NOT_FOUND") {
          res = envelope(404, "NOT_FOUND", "route.not_found", "No route matches this method and path", id);
        } else if (code === "INVALID_COOKIE_SIGNATURE" || code === "INVALID_FILE_TYPE") {
          res = envelope(400, "VALIDATION", "request.invalid", "The request is not acceptable", id);
        } else {
          // Unexpected: the log keeps everything (with the request id), the client gets nothing it could misuse.
          platform.log.error("unhandled error", { requestId: id, storeId: meta.storeId, code: String(code), err: error });
          res = envelope(500, "INTERNAL", "internal", "Something went wrong on our side; quote the request id if you report it", id);
        }
        meta.status = res.status;
        return res;
      })
      .use(
        openapi({
          path: "/docs/openapi", // the UI route of the plugin is off (provider: null); /docs is ours
          specPath: "/v1/openapi.json",
          provider: null,
          documentation: {
            info: {
              title: "Trafi API",
              version: VERSION,
              description:
                "Commerce API of Trafi. Store API: `x-publishable-key`. Admin API: `Authorization: Bearer sk_…`. Errors use one envelope; money is integer minor units.",
            },
            tags: [
              { name: "Store", description: "Storefront API (publishable key)" },
              { name: "Settings", description: "Store profile (admin)" },
              { name: "API keys", description: "Publishable and secret keys (admin)" },
              { name: "Ops", description: "Health and readiness" },
            ],
            components: {
              securitySchemes: {
                publishableKey: { type: "apiKey", in: "header", name: "x-publishable-key" },
                secretKey: { type: "http", scheme: "bearer", description: "A secret key, sk_…" },
                sessionCookie: { type: "apiKey", in: "cookie", name: "trafi_session", description: "Dashboard session (POST /v1/auth/login); writes also need x-csrf-token" },
              },
            },
          },
        }),
      )
      .use(docsRoutes)
      .get("/health", () => ({ status: "ok", version: VERSION }), { detail: { tags: ["Ops"], summary: "Liveness" } })
      .get(
        "/health/ready",
        async ({ set }) => {
          const checks: Record<string, string> = {};
          try {
            await platform.control.client.execute("SELECT 1");
            checks.controlDb = "ok";
            const m = await controlReady(platform.control);
            checks.migrations = m.ok ? "ok" : `control schema ${m.version}, expected ${m.latest}`;
          } catch {
            checks.controlDb = "unreachable";
          }
          const ok = Object.values(checks).every((v) => v === "ok") && Object.keys(checks).length === 2;
          if (!ok) set.status = 503;
          return { status: ok ? "ready" : "not_ready", checks };
        },
        { detail: { tags: ["Ops"], summary: "Readiness: control DB reachable and migrated" } },
      );
  for (const routes of moduleRoutes(platform)) app.use(routes);
  return app;
}

export type App = ReturnType<typeof createApp>;
