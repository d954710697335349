// Browser-test harness: a real Trafi server (in-process, temp data dir, demo store with its generated Owner
// login), the dashboard and the storefront built into a temp directory, and Debian's Chromium driven by playwright-core.
// Run by `bun run test:e2e`. The files are named *.e2e.ts so plain `bun test` does not collect them (they need Chromium).
import { afterAll, beforeAll } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/kernel/logger.ts";
import { openPlatform } from "../../src/platform.ts";
import { startServer, type RunningServer } from "../../src/http/server.ts";
import { ensureDemoStore, type DemoCredentials } from "../../src/demo.ts";
import { setDashboardSource } from "../../src/http/dashboard.ts";
import { setStorefrontSource } from "../../src/http/storefront.ts";
import { buildStorefront, buildWeb, describeBuild } from "../../src/tools/build-web.ts";

export const SCREENSHOTS = join(import.meta.dir, "screenshots");
export const CHROMIUM = "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
];

/** playwright's launch() gives every browser a fresh temporary --user-data-dir (and deletes it on close). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface E2EServer extends AsyncDisposable {
  url: string;
  creds: Required<DemoCredentials>;
  browser: Browser;
  /** A fresh context (cookies isolated) with a page; the axe scanner needs newContext(), not newPage(). */
  newPage(): Promise<{ context: BrowserContext; page: Page }>;
  /** Logs in through the login form and lands on the overview. */
  login(page: Page): Promise<void>;
  admin<T = unknown>(path: string, init?: { method?: string; json?: unknown }): Promise<{ status: number; body: T }>;
  store<T = unknown>(path: string, init?: { method?: string; json?: unknown }): Promise<{ status: number; body: T }>;
}

export interface E2EOptions {
  /** Extra config variables for the server, e.g. TRAFI_STRIPE_API_BASE (a loopback FakeStripe); none by default. */
  env?: Record<string, string>;
}

export async function startE2E(opts: E2EOptions = {}): Promise<E2EServer> {
  const dir = mkdtempSync(join(tmpdir(), "trafi-e2e-"));
  const web = await buildWeb({ outDir: join(dir, "web") });
  console.log(describeBuild(web));
  setDashboardSource({ kind: "dir", dir: web.outDir });
  const storefront = await buildStorefront({ outDir: join(dir, "storefront") });
  console.log(describeBuild(storefront));
  setStorefrontSource({ kind: "dir", dir: storefront.outDir });
  const config = loadConfig({ ...opts.env, TRAFI_DATA_DIR: join(dir, "data"), TRAFI_MASTER_KEY: "b".repeat(64), PORT: "0", HOST: "127.0.0.1", TRAFI_LOG_LEVEL: "warn" });
  const platform = await openPlatform(config, { log: silentLogger });
  const demo = await ensureDemoStore(platform);
  if (demo.kind !== "created" || !demo.credentials.dashboardPassword) throw new Error("the demo store was not created with a dashboard login");
  await platform.jobs.start();
  const running: RunningServer = startServer(platform, { port: 0, host: "127.0.0.1" });
  const browser = await launchBrowser();
  mkdirSync(SCREENSHOTS, { recursive: true });
  const creds = demo.credentials as Required<DemoCredentials>;
  const call = async <T>(headers: Record<string, string>, path: string, init: { method?: string; json?: unknown } = {}) => {
    const res = await fetch(running.url + path, {
      method: init.method ?? "GET",
      headers: { ...headers, ...(init.json !== undefined ? { "content-type": "application/json" } : {}) },
      body: init.json !== undefined ? JSON.stringify(init.json) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  };
  return {
    url: running.url,
    creds,
    browser,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      context.setDefaultTimeout(10_000);
      return { context, page: await context.newPage() };
    },
    async login(page) {
      await page.goto(`${running.url}/admin/login`);
      await page.getByLabel("E-mail").fill(creds.dashboardEmail);
      await page.getByLabel("Password").fill(creds.dashboardPassword);
      await page.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
    },
    admin: (path, init) => call({ authorization: `Bearer ${creds.secretKey}` }, path, init),
    store: (path, init) => call({ "x-publishable-key": creds.publishableKey }, path, init),
    async [Symbol.asyncDispose]() {
      await browser.close().catch(() => {});
      await running.stop(1000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * axe on the current page: the critical and serious WCAG 2.1 A/AA violations (empty when the page passes); with
 * `all`, every rule axe runs by default (best practices included) at any impact: the storefront's bar is none at all.
 */
export async function axeProblems(page: Page, opts: { all?: boolean } = {}): Promise<string[]> {
  const builder = new AxeBuilder({ page });
  const r = await (opts.all ? builder : builder.withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])).analyze();
  return r.violations
    .filter((v) => opts.all || v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
}

export const shot = (page: Page, name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });

function check(res: { status: number; body: unknown }, want: number): void {
  if (res.status !== want) throw new Error(`expected ${want}, got ${res.status}: ${JSON.stringify(res.body)}`);
}

// An order placed the way a storefront does it: cart → address → shipping → sandbox card → complete.
const ADDRESS = { firstName: "Ada", lastName: "Lovelace", line1: "1 rue de Rivoli", city: "Paris", postalCode: "75001", countryCode: "FR" };

export interface Order { id: string; number: number; status: string; fulfillmentStatus: string; total: { amount: number }; refundedTotal: { amount: number }; fulfillments: { trackingNumber: string }[]; payment: { status: string; capturedAmount: { amount: number } } | null; returns: { number: number; status: string; restocked: boolean }[] }

export async function placeOrder(s: Pick<E2EServer, "admin" | "store">, email: string): Promise<Order> {
  const p = await s.admin<{ variants: { id: string }[] }>("/v1/admin/products", {
    method: "POST",
    json: { title: `Order test ${email}`, status: "active", variants: [{ sku: `OT-${email}`, prices: [{ currency: "EUR", amount: 3000 }], trackInventory: true }] },
  });
  if (p.status !== 201) throw new Error(`product: ${JSON.stringify(p.body)}`);
  const variantId = p.body.variants[0]!.id;
  check(await s.admin("/v1/admin/inventory/adjustments", { method: "POST", json: { variantId, delta: 10, reason: "received" } }), 201);
  const cart = await s.store<{ id: string }>("/v1/store/carts", { method: "POST", json: { email, items: [{ variantId, quantity: 2 }] } });
  check(cart, 201);
  const id = cart.body.id;
  check(await s.store(`/v1/store/carts/${id}`, { method: "PATCH", json: { shippingAddress: ADDRESS } }), 200);
  const options = await s.store<{ data: { id: string }[] }>(`/v1/store/carts/${id}/shipping-options`);
  check(await s.store(`/v1/store/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: options.body.data[0]!.id } }), 200);
  check(await s.store(`/v1/store/carts/${id}/payment`, { method: "POST", json: { provider: "sandbox", data: { card: "4242424242424242" } } }), 201);
  const order = await s.store<Order>(`/v1/store/carts/${id}/complete`, { method: "POST" });
  check(order, order.status === 200 ? 200 : 201);
  return order.body;
}


/**
 * One real server for the calling describe block: started before its tests (with the demo store and a built
 * dashboard), stopped after them. `use` receives it once it is up.
 */
export function useE2EServer(use: (s: E2EServer) => void, opts: E2EOptions = {}): void {
  let server: E2EServer | undefined;
  beforeAll(async () => {
    server = await startE2E(opts);
    use(server);
  }, 120_000);
  afterAll(async () => {
    await server?.[Symbol.asyncDispose]();
  }, 30_000);
}
