// Serves the dashboard SPA under /admin. Assets come either from the files embedded in the compiled binary
// (registered by the generated entry of src/tools/build.ts) or from a build directory on disk (dist/web by
// default: `bun run build:web` / `bun run dev:web`). Hashed assets are immutable for a year; index.html is
// never cached, so a new build is picked up on the next navigation. Any other /admin path answers index.html
// (the client router resolves deep links such as /admin/products/prod_…). The CSP comes from security.ts.
import { Elysia } from "elysia";
import { join } from "node:path";
import { assetResponse, CONTENT_TYPES, resolveFile, type SpaSource } from "./spa-files.ts";

export type DashboardSource = SpaSource;

const DEFAULT_DIR = join(import.meta.dir, "..", "..", "dist", "web");
let source: DashboardSource = { kind: "dir", dir: DEFAULT_DIR };

/** Called by the compiled binary's entry with the embedded files, and by tests with a build directory. */
export function setDashboardSource(s: DashboardSource): void {
  source = s;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trafi Dashboard</title></head>
<body style="background:#000;color:#fff;font-family:system-ui;padding:2rem"><h1>The dashboard is not built</h1>
<p>Run <code>bun run build:web</code> (or <code>bun run dev:web</code> to rebuild on change), then reload.</p></body></html>`;

function indexResponse(): Response {
  const path = resolveFile(source, "index.html");
  const headers = { "content-type": CONTENT_TYPES.html!, "cache-control": "no-cache" };
  if (!path) return new Response(NOT_BUILT, { status: 503, headers });
  return new Response(Bun.file(path), { headers });
}

const tags = ["Dashboard"];

export const dashboardRoutes = () =>
  new Elysia({ name: "trafi-dashboard" })
    .get("/admin", () => indexResponse(), { detail: { tags, summary: "The dashboard (HTML; no-cache)" } })
    .get("/admin/assets/:name", ({ params }) => assetResponse(source, params.name), { detail: { tags, summary: "A content-hashed dashboard asset (immutable)" } })
    .get("/admin/*", () => indexResponse(), { detail: { tags, summary: "Any dashboard page (deep link): the app's index.html" } });
