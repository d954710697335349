// Security headers and CORS of the store API from per-store allowed origins.
import { afterAll, describe, expect, test } from "bun:test";
import { adminHeaders, createTestPlatform, storeHeaders } from "../testing/harness.ts";
import { API_CSP, DASHBOARD_CSP, FRAME_CSP, STOREFRONT_CSP } from "./security.ts";

const t = await createTestPlatform({ env: { TRAFI_PUBLIC_URL: "https://shop.example.com" } });
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Store A");
const B = await t.createStore("Store B");

describe("security headers", () => {
  test("API responses (success and error) forbid framing, sniffing and referrers", async () => {
    for (const res of [
      await t.request("/v1/store/store", { headers: storeHeaders(A.pk) }),
      await t.request("/v1/admin/settings"),
      await t.request("/health"),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("content-security-policy")).toBe(API_CSP);
    }
  });

  test("the dashboard gets its CSP with frame-ancestors 'none'; /docs keeps its own", async () => {
    const res = await t.request("/admin/products/42");
    expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("frame-ancestors 'none'");
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    const docs = await t.request("/docs");
    expect(docs.headers.get("content-security-policy")).toContain("script-src 'self'");
    // Storefront pages (storefront.ts) answer with their own CSP; other non-API responses keep frame-ancestors.
    expect((await t.request("/some/storefront/page")).headers.get("content-security-policy")).toBe(STOREFRONT_CSP);
    expect((await t.request("/assets/missing.js")).headers.get("content-security-policy")).toBe(FRAME_CSP);
  });
});

describe("CORS on the store API", () => {
  test("preflight is answered before any key is known", async () => {
    const res = await t.request("/v1/store/store", {
      method: "OPTIONS",
      headers: { origin: "https://front.example.com", "access-control-request-method": "GET", "access-control-request-headers": "x-publishable-key" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://front.example.com");
    expect(res.headers.get("access-control-allow-headers")).toContain("x-publishable-key");
  });

  test("only the store's allowed origins (and the server's own) may call it; set per store by an admin", async () => {
    const call = (pk: string, origin: string) => t.request("/v1/store/store", { headers: storeHeaders(pk, { origin }) });
    const denied = await call(A.pk, "https://front.example.com");
    expect(denied.status).toBe(403);
    expect((await denied.json()).error.reason).toBe("cors.origin_not_allowed");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const own = await call(A.pk, "https://shop.example.com");
    expect(own.status).toBe(200);
    expect(own.headers.get("access-control-allow-origin")).toBe("https://shop.example.com");
    expect((await t.request("/v1/store/store", { headers: storeHeaders(A.pk) })).status).toBe(200); // no Origin: not a browser
    expect((await call(A.pk, "http://localhost")).status).toBe(200); // same host as the request: same-origin page

    const bad = await t.request("/v1/admin/settings/allowed-origins", { method: "PUT", headers: adminHeaders(A.sk), json: { allowedOrigins: ["https://front.example.com/path"] } });
    expect(bad.status).toBe(422);
    const put = await t.request("/v1/admin/settings/allowed-origins", { method: "PUT", headers: adminHeaders(A.sk), json: { allowedOrigins: ["https://front.example.com"] } });
    expect(await put.json()).toEqual({ allowedOrigins: ["https://front.example.com"] });
    const ok = await call(A.pk, "https://front.example.com");
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://front.example.com");
    expect(ok.headers.get("vary")).toContain("Origin");
    expect((await call(B.pk, "https://front.example.com")).status).toBe(403); // B did not allow it
    expect((await (await t.request("/v1/admin/settings/allowed-origins", { headers: adminHeaders(A.sk) })).json()).allowedOrigins).toEqual(["https://front.example.com"]);

    await t.request("/v1/admin/settings/allowed-origins", { method: "PUT", headers: adminHeaders(B.sk), json: { allowedOrigins: ["*"] } });
    expect((await call(B.pk, "https://anything.example")).status).toBe(200);
    const audit = await (await t.request("/v1/admin/audit-log?action=settings.allowed_origins_changed", { headers: adminHeaders(B.sk) })).json();
    expect(audit.data[0]).toMatchObject({ before: [], after: ["*"] });
  });
});
