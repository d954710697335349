// The built files of a single-page app the server hosts (the dashboard under /admin, the storefront at /): from the
// compiled binary (embedded by the generated entry of src/tools/build.ts) or from a build directory on disk. Hashed
// assets are immutable for a year; an app's index.html is the caller's (never cached, possibly rewritten).
import { existsSync } from "node:fs";
import { join, normalize, sep } from "node:path";

export const CONTENT_TYPES: Record<string, string> = {
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
export type SpaSource = { kind: "embedded"; files: Record<string, string> } | { kind: "dir"; dir: string };

export function resolveFile(source: SpaSource, rel: string): string | null {
  if (source.kind === "embedded") return source.files[rel] ?? null;
  const path = normalize(join(source.dir, rel));
  // normalize() folds "..": a path outside the build directory is never served.
  if (!path.startsWith(source.dir + sep) || !existsSync(path)) return null;
  return path;
}

/** A content-hashed asset by its file name (only [A-Za-z0-9._-]), or a plain 404. */
export function assetResponse(source: SpaSource, name: string): Response {
  const path = /^[A-Za-z0-9._-]+$/.test(name) ? resolveFile(source, `assets/${name}`) : null;
  if (!path) return new Response("Not found", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" } });
  const ext = name.slice(name.lastIndexOf(".") + 1);
  return new Response(Bun.file(path), {
    headers: { "content-type": CONTENT_TYPES[ext] ?? "application/octet-stream", "cache-control": "public, max-age=31536000, immutable" },
  });
}
