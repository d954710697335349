// Acceptance: /v1/openapi.json is valid OpenAPI 3 and lists every route; /docs references no external host.
import { afterAll, describe, expect, test } from "bun:test";
import SwaggerParser from "@apidevtools/swagger-parser";
import { createTestPlatform } from "../testing/harness.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

describe("OpenAPI document", () => {
  test("validates as OpenAPI 3", async () => {
    const spec = await (await t.request("/v1/openapi.json")).json();
    expect(spec.openapi).toMatch(/^3\./);
    // validate() throws with the list of problems when the document is invalid.
    await SwaggerParser.validate(structuredClone(spec));
  });

  test("describes every public route with its security", async () => {
    const spec = await (await t.request("/v1/openapi.json")).json();
    const documented = new Set<string>();
    for (const [path, ops] of Object.entries(spec.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) documented.add(`${method.toUpperCase()} ${path}`);
    }
    const expected = t.app.routes
      .filter((r) => !r.path.startsWith("/docs") && r.path !== "/v1/openapi.json")
      .map((r) => `${r.method} ${r.path.replace(/:([^/]+)/g, "{$1}")}`);
    expect(expected.length).toBeGreaterThan(5);
    for (const e of expected) expect(documented.has(e), e).toBe(true);
    expect(spec.paths["/v1/admin/settings"].get.security).toEqual([{ secretKey: [] }, { sessionCookie: [] }]);
    expect(spec.paths["/v1/store/store"].get.security).toEqual([{ publishableKey: [] }]);
  });
});

describe("/docs", () => {
  test("references no external host: every script, style and link is served by Trafi", async () => {
    const res = await t.request("/docs");
    expect(res.status).toBe(200);
    const html = await res.text();
    const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref.startsWith("/") && !ref.startsWith("//"), ref).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    // Each referenced asset is really served.
    for (const ref of refs.filter((r) => r.startsWith("/docs/"))) expect((await t.request(ref)).status, ref).toBe(200);
    const init = await (await t.request("/docs/assets/init.js")).text();
    expect(init).toContain('"withDefaultFonts":false');
    expect(init).not.toMatch(/https?:\/\//);
  });
});
