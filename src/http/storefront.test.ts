// Serving the reference storefront at / (a small stand-in build; the real one is built and driven by
// web/e2e/storefront.e2e.ts): the publishable key written into index.html (escaped), deep links, 404 (with the app)
// for paths that are no page of the app, the API and the other surfaces never shadowed, assets, the page shown when there is no key, and the storefront's CSP.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPlatform, storeHeaders } from "../testing/harness.ts";
import { DEMO_CREDENTIALS_FILE } from "../demo.ts";
import { setStorefrontSource } from "./storefront.ts";
import { KEY_PLACEHOLDER } from "./storefront-meta.ts";
import { API_CSP, DASHBOARD_CSP, STOREFRONT_CSP } from "./security.ts";
import { isStorefrontRoute, STOREFRONT_ROUTES } from "../../web/storefront/routes.ts";
import { createMatcher } from "../../node_modules/@solidjs/router/dist/utils.js";
import fc from "fast-check";

const dir = mkdtempSync(join(tmpdir(), "trafi-storefront-"));
mkdirSync(join(dir, "assets"));
writeFileSync(
  join(dir, "index.html"),
  `<!doctype html><html lang="en"><head><meta name="trafi-publishable-key" content="${KEY_PLACEHOLDER}"><script type="module" src="/assets/main-abc123.js"></script></head><body></body></html>`,
);
writeFileSync(join(dir, "assets", "main-abc123.js"), "console.log(1)");
writeFileSync(join(dir, "assets", "styles-def456.css"), "body{}");
setStorefrontSource({ kind: "dir", dir });
afterEach(() => setStorefrontSource({ kind: "dir", dir }));

// One platform whose data dir has no demo store (yet), one configured with TRAFI_STOREFRONT_KEY.
const bare = await createTestPlatform();
const configured = await createTestPlatform({ env: { TRAFI_STOREFRONT_KEY: "pk_FromTheEnvironment123" } });
const A = await configured.createStore("Configured");
afterAll(async () => {
  setStorefrontSource({ kind: "dir", dir: join(import.meta.dir, "..", "..", "dist", "storefront") });
  rmSync(dir, { recursive: true, force: true });
  await bare[Symbol.asyncDispose]();
  await configured[Symbol.asyncDispose]();
});

const metaKey = (html: string) => /<meta name="trafi-publishable-key" content="([^"]*)">/.exec(html)?.[1];

describe("the storefront at /", () => {
  test("index.html answers / and deep links with TRAFI_STOREFRONT_KEY written in, never cached, under the storefront CSP", async () => {
    for (const path of ["/", "/products/classic-tee", "/cart", "/checkout", "/orders/ord_01ABC?token=t0k3n"]) {
      const res = await configured.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control")).toBe("no-cache");
      expect(res.headers.get("content-security-policy")).toBe(STOREFRONT_CSP);
      const html = await res.text();
      expect(metaKey(html), path).toBe("pk_FromTheEnvironment123");
      expect(html).not.toContain(KEY_PLACEHOLDER);
    }
  });

  test("a path that is no page of the app answers 404 with the same shell (the app shows its NotFound page), headers unchanged", async () => {
    // Near misses of real routes included: a product or order path without its id, or with one segment too many.
    for (const path of ["/some/unknown/page", "/healthz", "/administrator", "/products", "/products/", "/products/a/b", "/orders", "/cart/x",
      "/cart//", "//cart", "/products//x", "/index.html", "/v1x", "/V1/store/store", "/checkout.php?x=1"]) {
      const res = await configured.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type"), path).toBe("text/html; charset=utf-8");
      expect(res.headers.get("cache-control"), path).toBe("no-cache");
      expect(res.headers.get("content-security-policy"), path).toBe(STOREFRONT_CSP);
      expect(metaKey(await res.text()), path).toBe("pk_FromTheEnvironment123");
    }
  });

  test("deep links to real pages stay 200 with a trailing slash, a query string, an encoded id or another case, as the app's router matches them", async () => {
    for (const path of ["/?utm_source=x", "/cart/", "/cart?step=2", "/checkout/?coupon=X", "/products/classic-tee/", "/products/classic-tee?variant=var_1",
      "/products/t%C3%A9e", "/products/a%2Fb", "/orders/ord_01ABC/?token=t0k3n", "/CART", "/Products/classic-tee"]) {
      const res = await configured.request(path);
      expect(res.status, path).toBe(200);
      expect(metaKey(await res.text()), path).toBe("pk_FromTheEnvironment123");
    }
  });

  test("the server's list of pages is the app's, matched as the app's router matches it", () => {
    // main.tsx builds its <Route>s from the shared list: no literal paths of its own besides the catch-all.
    const main = readFileSync(join(import.meta.dir, "..", "..", "web", "storefront", "main.tsx"), "utf8");
    expect([...main.matchAll(/<Route path="([^"]*)"/g)].map((m) => m[1])).toEqual(["*"]);
    expect(main).toContain("STOREFRONT_ROUTES.map(");
    // The router's own matcher (not exported by the package, so read from its file): any path the server calls a page
    // is one the app renders a page for, and the reverse. Segments near the real ones, empty ones, case and encodings.
    const routers = STOREFRONT_ROUTES.map((route) => createMatcher(route));
    const segment = fc.constantFrom("", "cart", "CART", "checkout", "products", "Products", "orders", "x", "ord_01ABC", "a%2Fb", "t%C3%A9e", ".", "index.html");
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 4 }), fc.boolean(), fc.boolean(), (segments, lead, trail) => {
        const path = (lead ? "/" : "") + segments.join("/") + (trail ? "/" : "");
        expect(isStorefrontRoute(path), JSON.stringify(path)).toBe(routers.some((match) => match(path) !== null));
      }),
      { numRuns: 2000 },
    );
  });

  test("the storefront CSP allows its own scripts, styles and API calls plus exactly Stripe.js's origins, and no framing of it", () => {
    const directives = new Map(STOREFRONT_CSP.split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));
    // Stripe's CSP guide for Stripe.js (the Payment Element and its 3-D Secure frames), nothing more.
    expect(directives.get("script-src")).toEqual(["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]);
    expect(directives.get("frame-src")).toEqual(["https://js.stripe.com", "https://*.js.stripe.com", "https://hooks.stripe.com"]);
    expect(directives.get("connect-src")).toEqual(["'self'", "https://api.stripe.com"]);
    expect(directives.get("style-src")).toEqual(["'self'"]);
    expect(directives.get("default-src")).toEqual(["'self'"]);
    for (const rule of ["img-src 'self' data: https:", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'", "form-action 'self'"]) {
      expect(STOREFRONT_CSP).toContain(rule);
    }
    expect(STOREFRONT_CSP).not.toContain("unsafe-inline");
    expect(STOREFRONT_CSP).not.toContain("unsafe-eval");
    // The dashboard never loads Stripe.js.
    expect(DASHBOARD_CSP).not.toContain("stripe");
  });

  test("API routes, the dashboard, docs, health and media are never shadowed; unknown ones under them stay 404s", async () => {
    const store = await configured.request("/v1/store/store", { headers: storeHeaders(A.pk) });
    expect(store.status).toBe(200);
    expect((await store.json()).name).toBe("Configured");
    expect(store.headers.get("content-security-policy")).toBe(API_CSP);
    const health = await configured.request("/health");
    expect(await health.json()).toMatchObject({ status: "ok" });
    expect((await configured.request("/v1/openapi.json")).headers.get("content-type")).toContain("application/json");
    expect(await (await configured.request("/docs")).text()).toContain("Trafi API reference");
    expect(await (await configured.request("/admin/orders")).text()).not.toContain("trafi-publishable-key");
    for (const path of ["/v1", "/v1/nothing-here", "/v1/store/nothing", "/docs/nothing", "/health/nothing", "/media/store_x/y.png", "/assets", "/assets/a/b.js",
      "/.well-known/security.txt", "/.well-known/acme-challenge/x", "/robots.txt", "/favicon.ico", "/sitemap.xml"]) {
      const res = await configured.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).not.toContain("trafi-publishable-key");
    }
    const unknownApi = await configured.request("/v1/nothing-here");
    expect((await unknownApi.json()).error.reason).toBe("route.not_found");
    // Only GET answers pages: a POST to a page path is no route.
    expect((await configured.request("/products/x", { method: "POST" })).status).toBe(404);
  });

  test("hashed assets are immutable with their content type; unknown or escaping names are 404", async () => {
    const js = await configured.request("/assets/main-abc123.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect((await configured.request("/assets/styles-def456.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
    const missing = await configured.request("/assets/main-000.js");
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("Not found");
    writeFileSync(join(tmpdir(), "storefront-outside-secret.txt"), "secret");
    for (const name of ["..%2F..%2Fstorefront-outside-secret.txt", "..%2Findex.html", "a%00.js"]) {
      const res = await configured.request(`/assets/${name}`);
      expect(res.status, name).toBe(404);
      expect(await res.text()).not.toContain("secret");
    }
    // An encoded dot-dot segment is resolved by the URL parser itself (/assets/%2E%2E is /): the app, never a file.
    expect(metaKey(await (await configured.request("/assets/%2E%2E")).text())).toBe("pk_FromTheEnvironment123");
  });

  test("embedded files (the compiled binary) are served by their relative path", async () => {
    setStorefrontSource({ kind: "embedded", files: { "index.html": join(dir, "index.html"), "assets/main-abc123.js": join(dir, "assets", "main-abc123.js") } });
    expect(metaKey(await (await configured.request("/products/x")).text())).toBe("pk_FromTheEnvironment123");
    expect((await configured.request("/assets/main-abc123.js")).status).toBe(200);
    expect((await configured.request("/assets/styles-def456.css")).status).toBe(404);
  });

  test("without a build, / says how to build it", async () => {
    setStorefrontSource({ kind: "dir", dir: join(dir, "missing") });
    const res = await configured.request("/");
    expect(res.status).toBe(503);
    expect(await res.text()).toContain("bun run build:web");
  });
});

describe("the publishable key", () => {
  test("with no key and no demo store, / says how to set TRAFI_STOREFRONT_KEY; the demo store's key is used once it exists", async () => {
    const none = await bare.request("/");
    expect(none.status).toBe(503);
    expect(none.headers.get("content-security-policy")).toBe(STOREFRONT_CSP);
    const text = await none.text();
    expect(text).toContain("TRAFI_STOREFRONT_KEY");
    expect(text).toContain('<html lang="en">');
    expect(text).not.toMatch(/<script|style=/); // nothing the CSP would refuse

    // The demo store is provisioned at start, after the app exists: its credentials file is read when it appears.
    // Whatever the file holds is escaped (publishable keys are public, but the page must not be injectable).
    const hostile = `pk_"><script>alert(1)</script>&'`;
    writeFileSync(join(bare.dir, DEMO_CREDENTIALS_FILE), JSON.stringify({ publishableKey: hostile }));
    const res = await bare.request("/products/anything");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(metaKey(html)).toBe("pk_&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;&#39;");
  });

  test("TRAFI_STOREFRONT_KEY wins over the demo store's key", async () => {
    writeFileSync(join(configured.dir, DEMO_CREDENTIALS_FILE), JSON.stringify({ publishableKey: "pk_TheDemoStoreKey" }));
    expect(metaKey(await (await configured.request("/")).text())).toBe("pk_FromTheEnvironment123");
  });

  test("the storefront's own calls are same-origin: the store API accepts an Origin equal to the server's host", async () => {
    // A browser on the storefront page sends Origin: <scheme>://<the host it loaded the page from>.
    const res = await configured.request("/v1/store/store", { headers: storeHeaders(A.pk, { origin: "http://localhost" }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost");
    const foreign = await configured.request("/v1/store/store", { headers: storeHeaders(A.pk, { origin: "https://evil.example" }) });
    expect(foreign.status).toBe(403);
  });
});
