// Serving the dashboard under /admin, from a build directory (a small stand-in build: the real one is built and
// driven by the browser tests in web/e2e), and the demo store's generated dashboard login.
import { afterAll, afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestPlatform } from "../testing/harness.ts";
import { setDashboardSource } from "./dashboard.ts";
import { DASHBOARD_CSP } from "./security.ts";
import { ensureDemoStore } from "../demo.ts";

const t = await createTestPlatform();
const dir = mkdtempSync(join(tmpdir(), "trafi-web-"));
mkdirSync(join(dir, "assets"));
writeFileSync(join(dir, "index.html"), '<!doctype html><script type="module" src="/admin/assets/main-abc123.js"></script>');
writeFileSync(join(dir, "assets", "main-abc123.js"), "console.log(1)");
writeFileSync(join(dir, "assets", "styles-def456.css"), "body{}");
writeFileSync(join(tmpdir(), "outside-secret.txt"), "secret");
afterEach(() => setDashboardSource({ kind: "dir", dir }));
afterAll(async () => {
  setDashboardSource({ kind: "dir", dir: join(import.meta.dir, "..", "..", "dist", "web") });
  rmSync(dir, { recursive: true, force: true });
  await t[Symbol.asyncDispose]();
});

test("index.html answers /admin and any deep link, never cached, with the dashboard CSP", async () => {
  setDashboardSource({ kind: "dir", dir });
  for (const path of ["/admin", "/admin/", "/admin/products/prod_123", "/admin/orders/ord_1/anything"]) {
    const res = await t.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
    expect(await res.text()).toContain("/admin/assets/main-abc123.js");
  }
});

test("hashed assets are immutable with their content type; unknown or escaping names are 404", async () => {
  setDashboardSource({ kind: "dir", dir });
  const js = await t.request("/admin/assets/main-abc123.js");
  expect(js.status).toBe(200);
  expect(js.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
  expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect((await t.request("/admin/assets/styles-def456.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
  expect((await t.request("/admin/assets/main-000.js")).status).toBe(404);
  // An encoded slash never reaches a file outside the build: at worst it is an unknown app path (index.html).
  const escape = await t.request("/admin/assets/..%2F..%2Foutside-secret.txt");
  expect(await escape.text()).not.toContain("secret");
});

test("embedded files (the compiled binary) are served by their relative path", async () => {
  setDashboardSource({ kind: "embedded", files: { "index.html": join(dir, "index.html"), "assets/main-abc123.js": join(dir, "assets", "main-abc123.js") } });
  expect((await t.request("/admin/customers")).status).toBe(200);
  expect((await t.request("/admin/assets/main-abc123.js")).status).toBe(200);
  expect((await t.request("/admin/assets/styles-def456.css")).status).toBe(404);
});

test("without a build, /admin says how to build the dashboard", async () => {
  setDashboardSource({ kind: "dir", dir: join(dir, "missing") });
  const res = await t.request("/admin/products");
  expect(res.status).toBe(503);
  expect(await res.text()).toContain("bun run build:web");
});

test("the demo store comes with an Owner login with a generated password that opens the dashboard API", async () => {
  const demo = await ensureDemoStore(t.platform);
  if (demo.kind !== "created") throw new Error(demo.kind);
  const { dashboardEmail, dashboardPassword, storeId } = demo.credentials;
  expect(dashboardPassword).toMatch(/^[A-Za-z0-9_-]{16}$/);
  const login = await t.request("/v1/auth/login", { method: "POST", json: { email: dashboardEmail, password: dashboardPassword } });
  expect(login.status).toBe(200);
  const view = await login.json();
  expect(view.stores).toEqual([expect.objectContaining({ storeId, role: "owner" })]);
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  const settings = await t.request("/v1/admin/settings", { headers: { cookie } });
  expect(settings.status).toBe(200);
});

test("`bun start` (the README's first command) builds the dashboard before serving, so /admin is never a 503 on a fresh clone", async () => {
  const pkg = (await Bun.file(new URL("../../package.json", import.meta.url)).json()) as { scripts: Record<string, string> };
  const start = pkg.scripts.start!;
  expect(start.indexOf("src/tools/build-web.ts")).toBeGreaterThanOrEqual(0);
  expect(start.indexOf("src/tools/build-web.ts")).toBeLessThan(start.indexOf("src/main.ts serve"));
});
