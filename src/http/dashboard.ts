// Serves the dashboard SPA under /admin. Assets come either from the files embedded in the compiled binary
// (registered by the generated entry of src/tools/build.ts) or from a build directory on disk (dist/web by
// default: `bun run build:web` / `bun run dev:web`). Hashed assets are immutable for a year; index.html is
// never cached, so a new build is picked up on the next navigation. Any other /admin path answers index.html
// (the client router resolves deep links such as /admin/products/prod_…). The CSP comes from security.ts.
import { Elysia } from "elysia";
import { existsSync } from "node:fs";
import { join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  html: "text/html; charset=utf-8",
  woff2: "font/woff2",
  woff: "font/woff",
  svg: "image/svg+xml",
  png: "image/png",
  map: "application/json",
};

/** Relative path (index.html, assets/x-abc.js) → a readable file path. */
export type DashboardSource = { kind: "embedded"; files: Record<string, string> } | { kind: "dir"; dir: string };

const DEFAULT_DIR = join(import.meta.dir, "..", "..", "dist", "web");
let source: DashboardSource = { kind: "dir", dir: DEFAULT_DIR };

/** Called by the compiled binary's entry with the embedded files, and by tests with a build directory. */
export function setDashboardSource(s: DashboardSource): void {
  source = s;
}

function resolve(rel: string): string | null {
  if (source.kind === "embedded") return source.files[rel] ?? null;
  const path = normalize(join(source.dir, rel));
  // normalize() folds "..": a path outside the build directory is never served.
  if (!path.startsWith(source.dir + sep) || !existsSync(path)) return null;
  return path;
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Trafi Dashboard</title></head>
<body style="background:#000;color:#fff;font-family:system-ui;padding:2rem"><h1>The dashboard is not built</h1>
<p>Run <code>bun run build:web</code> (or <code>bun run dev:web</code> to rebuild on change), then reload.</p></body></html>`;

function indexResponse(): Response {
  const path = resolve("index.html");
  const headers = { "content-type": TYPES.html!, "cache-control": "no-cache" };
  if (!path) return new Response(NOT_BUILT, { status: 503, headers });
  return new Response(Bun.file(path), { headers });
}

function assetResponse(name: string): Response | null {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) return null;
  const path = resolve(`assets/${name}`);
  if (!path) return null;
  const ext = name.slice(name.lastIndexOf(".") + 1);
  return new Response(Bun.file(path), {
    headers: { "content-type": TYPES[ext] ?? "application/octet-stream", "cache-control": "public, max-age=31536000, immutable" },
  });
}

const tags = ["Dashboard"];

const notFoundAsset = () =>
  new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" } });

export const dashboardRoutes = () =>
  new Elysia({ name: "trafi-dashboard" })
    .get("/admin", () => indexResponse(), { detail: { tags, summary: "The dashboard (HTML; no-cache)" } })
    .get("/admin/assets/:name", ({ params }) => assetResponse(params.name) ?? notFoundAsset(), { detail: { tags, summary: "A content-hashed dashboard asset (immutable)" } })
    .get("/admin/*", () => indexResponse(), { detail: { tags, summary: "Any dashboard page (deep link): the app's index.html" } });
