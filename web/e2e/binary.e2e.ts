// The compiled binary: `bun run build` embeds the dashboard and the storefront in dist/trafi; run from another
// working directory, it serves /admin and / with the right caching, and a deep link to an order reloads into the same page.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import type { Browser } from "playwright-core";

const root = join(import.meta.dir, "..", "..");

describe("dist/trafi serves the dashboard", () => {
  let proc: Subprocess<"ignore", "pipe", "pipe">;
  let work: string;
  let url: string;
  let banner = "";
  let browser: Browser;

  beforeAll(async () => {
    const build = Bun.spawnSync(["bun", "run", "build"], { cwd: root, stdout: "pipe", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
    console.log(build.stdout.toString().trim());
    work = mkdtempSync(join(tmpdir(), "trafi-bin-"));
    const port = (() => { const s = Bun.serve({ port: 0, fetch: () => new Response("") }); const p = s.port; s.stop(true); return p; })();
    url = `http://127.0.0.1:${port}`;
    proc = Bun.spawn([join(root, "dist", "trafi"), "serve"], {
      cwd: work,
      env: { ...process.env, TRAFI_DATA_DIR: join(work, "data"), PORT: String(port), TRAFI_LOG_LEVEL: "warn", TRAFI_MASTER_KEY: "c".repeat(64) },
      stdin: "ignore", stdout: "pipe", stderr: "pipe",
    });
    const reader = proc.stdout.getReader();
    const decoder = new TextDecoder();
    while (!banner.includes("Stop with Ctrl+C")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`serve exited: ${await new Response(proc.stderr).text()}`);
      banner += decoder.decode(value);
    }
    reader.releaseLock();
    const h = await import("./harness.ts");
    browser = await h.launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    proc?.kill("SIGTERM");
    await proc?.exited;
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  test("hashed assets are immutable, index.html is not cached, unknown /admin paths fall back to the app", async () => {
    const index = await fetch(`${url}/admin/orders/ord_unknown`);
    expect(index.status).toBe(200);
    expect(index.headers.get("cache-control")).toBe("no-cache");
    expect(index.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await index.text();
    const js = /src="(\/admin\/assets\/main-[^"]+\.js)"/.exec(html)![1]!;
    const css = /href="(\/admin\/assets\/styles-[^"]+\.css)"/.exec(html)![1]!;
    for (const asset of [js, css]) {
      const r = await fetch(url + asset);
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    expect((await fetch(`${url}/admin/assets/missing-123.js`)).status).toBe(404);
    expect(html).not.toMatch(/https?:\/\/(?!127)/); // nothing from a CDN
  }, 30_000);

  test("the storefront is embedded too: / and its deep links carry the demo store's key, its assets are immutable", async () => {
    const pk = /Publishable key \(storefront\): *(pk_\w+)/.exec(banner)![1]!;
    expect(banner).toContain(`Storefront  ${url}/`);
    const page = await fetch(`${url}/products/classic-organic-tee`);
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-cache");
    expect(page.headers.get("content-security-policy")).toContain("connect-src 'self'");
    const html = await page.text();
    expect(html).toContain(`<meta name="trafi-publishable-key" content="${pk}">`);
    const js = /src="(\/assets\/main-[^"]+\.js)"/.exec(html)![1]!;
    const css = /href="(\/assets\/styles-[^"]+\.css)"/.exec(html)![1]!;
    for (const asset of [js, css]) {
      const r = await fetch(url + asset);
      expect(r.status).toBe(200);
      expect(r.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    expect(html).not.toMatch(/https?:\/\/(?!127)/); // nothing from a CDN
  }, 30_000);

  test("deep link to an order reloads into the order page", async () => {
    const h = await import("./harness.ts");
    const pk = /Publishable key \(storefront\): *(pk_\w+)/.exec(banner)![1]!;
    const sk = /Secret key \(admin API\): *(sk_\w+)/.exec(banner)![1]!;
    const [, email, password] = /Log in as +(\S+) \/ (\S+)/.exec(banner)!;
    const call = (headers: Record<string, string>) => async <T>(path: string, init: { method?: string; json?: unknown } = {}) => {
      const r = await fetch(url + path, { method: init.method ?? "GET", headers: { ...headers, "content-type": "application/json" }, body: init.json === undefined ? undefined : JSON.stringify(init.json) });
      return { status: r.status, body: (await r.json()) as T };
    };
    const order = await h.placeOrder({ admin: call({ authorization: `Bearer ${sk}` }), store: call({ "x-publishable-key": pk }) }, "deeplink@example.com");

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await page.goto(`${url}/admin/orders/${order.id}`);
    // Not signed in yet: the login page keeps where we were going.
    await page.getByLabel("E-mail").fill(email!);
    await page.getByLabel("Password").fill(password!);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("heading", { name: `Order #${order.number}`, level: 1 }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: `Order #${order.number}`, level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/orders/${order.id}`);
    await h.shot(page, "binary-deep-link");
    await context.close();
  }, 60_000);
});
