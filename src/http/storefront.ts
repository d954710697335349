// Serves the reference storefront (web/storefront) at `/`. Like dashboard.ts, its files come from the compiled
// binary (registered by the generated entry of src/tools/build.ts) or from a build directory (dist/storefront by
// default: `bun run build:web`). Hashed assets live at /assets/:name, immutable for a year; index.html is never
// cached. Every other GET that no route claims answers index.html, so deep links (/products/classic-tee,
// /orders/ord_…?token=…) reload into the app; paths under the server's own prefixes (/v1, /admin, /docs, /health,
// /assets, /media, /.well-known) and well-known file names (robots.txt, favicon.ico…) stay 404s. A path that is no
// page of the app (web/storefront/routes.ts, the list the app's router is built from) still gets index.html, so the
// app shows its NotFound page, but with status 404: crawlers and link checkers must not see a soft 404. The plugin is
// registered last (routes.ts) and its wildcard is the router's last resort: API routes always win.
//
// The store the app sells from is chosen by a publishable key written into index.html as
// <meta name="trafi-publishable-key">: TRAFI_STOREFRONT_KEY, or else the demo store's, read from its credentials
// file. Publishable keys are public by design (every buyer's browser sends it), so this leaks nothing.
import { Elysia, NotFoundError } from "elysia";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { assetResponse, CONTENT_TYPES, resolveFile, type SpaSource } from "./spa-files.ts";
import type { Platform } from "../platform.ts";
import { DEMO_CREDENTIALS_FILE } from "../demo.ts";
import { STOREFRONT_CSP } from "./security.ts";
import { KEY_PLACEHOLDER } from "./storefront-meta.ts";
import { escapeHtml } from "./html.ts";
// The app's own list of pages (plain data, no DOM): the server and the app's router cannot drift apart.
import { isStorefrontRoute } from "../../web/storefront/routes.ts";

export type StorefrontSource = SpaSource;

const DEFAULT_DIR = join(import.meta.dir, "..", "..", "dist", "storefront");
let source: StorefrontSource = { kind: "dir", dir: DEFAULT_DIR };

/** Called by the compiled binary's entry with the embedded files, and by tests with a build directory. */
export function setStorefrontSource(s: StorefrontSource): void {
  source = s;
}

/** Paths that belong to the server itself: an unknown one is a 404, never the storefront app. */
const RESERVED = ["/v1", "/admin", "/docs", "/health", "/assets", "/media", "/.well-known"];
// Files crawlers and browsers ask for by name: an HTML page under their name would be read as garbage (a robots.txt
// of HTML, an ACME or security.txt lookup answered 200).
const FILES = new Set(["/robots.txt", "/favicon.ico", "/sitemap.xml", "/apple-touch-icon.png"]);
const reserved = (path: string) => FILES.has(path) || RESERVED.some((p) => path === p || path.startsWith(`${p}/`));

/**
 * TRAFI_STOREFRONT_KEY, else the demo store's publishable key. The credentials file is read until it is found (the
 * demo store is provisioned at start, after the app is built) and then kept: `trafi serve` never rewrites it.
 */
export function storefrontKeyResolver(config: Platform["config"]): () => string | null {
  let demoKey: string | null = null;
  return () => {
    if (config.storefrontKey) return config.storefrontKey;
    if (demoKey) return demoKey;
    const file = join(config.dataDir, DEMO_CREDENTIALS_FILE);
    try {
      const creds = JSON.parse(readFileSync(file, "utf8")) as { publishableKey?: unknown };
      if (typeof creds.publishableKey === "string" && creds.publishableKey.startsWith("pk_")) demoKey = creds.publishableKey;
    } catch {
      // No demo store (or an unreadable file): the page says how to set TRAFI_STOREFRONT_KEY.
    }
    return demoKey;
  };
}

const htmlHeaders = { "content-type": CONTENT_TYPES.html!, "cache-control": "no-cache", "content-security-policy": STOREFRONT_CSP };

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title></head>
<body><main><h1>${title}</h1>${body}</main></body></html>`;

export const NO_KEY_HTML = page(
  "This storefront has no store yet",
  `<p>The reference storefront needs a store's <strong>publishable key</strong>. Set <code>TRAFI_STOREFRONT_KEY=pk_…</code>
(make one with <code>trafi keys create --store store_… --type publishable</code>) and restart the server.</p>
<p>On an empty data directory, <code>trafi serve</code> creates a demo store and this page uses its key.</p>
<p>The dashboard is at <a href="/admin">/admin</a>, the API reference at <a href="/docs">/docs</a>.</p>`,
);

const NOT_BUILT_HTML = page(
  "The storefront is not built",
  "<p>Run <code>bun run build:web</code>, then reload.</p>",
);

/** index.html with the key written in; `status` 404 for a path that is no page of the app (its NotFound page shows). */
async function indexResponse(key: string | null, status: 200 | 404 = 200): Promise<Response> {
  if (!key) return new Response(NO_KEY_HTML, { status: 503, headers: htmlHeaders });
  const path = resolveFile(source, "index.html");
  if (!path) return new Response(NOT_BUILT_HTML, { status: 503, headers: htmlHeaders });
  const html = (await Bun.file(path).text()).replaceAll(KEY_PLACEHOLDER, escapeHtml(key));
  return new Response(html, { status, headers: htmlHeaders });
}

const tags = ["Storefront"];

export const storefrontRoutes = (platform: Platform) => {
  const key = storefrontKeyResolver(platform.config);
  return new Elysia({ name: "trafi-storefront" })
    .get("/", () => indexResponse(key()), { detail: { tags, summary: "The reference storefront (HTML; no-cache)" } })
    .get("/assets/:name", ({ params }) => assetResponse(source, params.name), {
      detail: { tags, summary: "A content-hashed storefront asset (immutable)" },
    })
    .get(
      "/*",
      ({ path }) => {
        // The server's own prefixes keep the API's 404 envelope (an unknown /v1 route is a client bug, not a page).
        if (reserved(path)) throw new NotFoundError();
        return indexResponse(key(), isStorefrontRoute(path) ? 200 : 404);
      },
      { detail: { tags, summary: "Any storefront page (deep link): the app's index.html; 404 (same page) for a path that is no page" } },
    );
};
