// The API reference UI at /docs. Scalar's standalone bundle is served by Trafi itself (embedded in the binary),
// and its default web fonts are off: the page must work with no internet.
import { Elysia } from "elysia";
// @ts-expect-error -- a `type: "file"` import yields the asset's path (a string); TS only sees an untyped JS module
import scalarBundle from "../../node_modules/@scalar/api-reference/dist/browser/standalone.js" with { type: "file" };

const SCALAR_CONFIG = {
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  darkMode: true,
  theme: "none",
  metaData: { title: "Trafi API reference" },
};

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trafi API reference</title>
<style>body{margin:0;background:#000;color:#fff;font-family:system-ui,sans-serif}</style>
</head>
<body>
<noscript>The API reference needs JavaScript. The raw document is at <a href="/v1/openapi.json">/v1/openapi.json</a>.</noscript>
<div id="app"></div>
<script src="/docs/assets/scalar.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>`;

// Kept out of the HTML so the page's CSP can forbid inline scripts.
const INIT_JS = `Scalar.createApiReference("#app", ${JSON.stringify({ url: "/v1/openapi.json", ...SCALAR_CONFIG })});\n`;

export const docsRoutes = new Elysia({ name: "trafi.docs" })
  .get(
    "/docs",
    () =>
      new Response(DOCS_HTML, {
        headers: {
          "content-type": "text/html; charset=utf-8",
          // Scalar injects inline styles; scripts are only our own origin.
          "content-security-policy":
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
        },
      }),
    { detail: { hide: true } },
  )
  .get(
    "/docs/assets/scalar.js",
    () =>
      new Response(Bun.file(scalarBundle), {
        headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "public, max-age=86400" },
      }),
    { detail: { hide: true } },
  )
  .get(
    "/docs/assets/init.js",
    () => new Response(INIT_JS, { headers: { "content-type": "text/javascript; charset=utf-8", "cache-control": "no-cache" } }),
    { detail: { hide: true } },
  );
