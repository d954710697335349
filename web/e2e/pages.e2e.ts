// Every page route of the dashboard: it renders inside the shell with its breadcrumb, and axe finds no critical
// or serious violation. Screenshots land in web/e2e/screenshots/.
import { describe, expect, test } from "bun:test";
import * as h from "./harness.ts";
import type { E2EServer } from "./harness.ts";


const ROUTES: { path: string; heading: string; name: string }[] = [
  { path: "/admin", heading: "Overview", name: "overview" },
  { path: "/admin/products", heading: "Products", name: "products" },
  { path: "/admin/products/new", heading: "New product", name: "product-new" },
  { path: "/admin/categories", heading: "Categories", name: "categories" },
  { path: "/admin/collections", heading: "Collections", name: "collections" },
  { path: "/admin/orders", heading: "Orders", name: "orders" },
  { path: "/admin/customers", heading: "Customers", name: "customers" },
  { path: "/admin/settings", heading: "Store", name: "settings-store" },
  { path: "/admin/settings/payments", heading: "Payments", name: "settings-payments" },
  { path: "/admin/settings/taxes", heading: "Taxes", name: "settings-taxes" },
  { path: "/admin/settings/shipping", heading: "Shipping", name: "settings-shipping" },
  { path: "/admin/settings/email", heading: "Email", name: "settings-email" },
  { path: "/admin/settings/api-keys", heading: "API keys", name: "settings-api-keys" },
  { path: "/admin/settings/members", heading: "Members & roles", name: "settings-members" },
  { path: "/admin/settings/webhooks", heading: "Webhooks", name: "settings-webhooks" },
  { path: "/admin/ops/jobs", heading: "Jobs", name: "ops-jobs" },
  { path: "/admin/ops/audit", heading: "Audit log", name: "ops-audit" },
  { path: "/admin/no-such-page", heading: "Page not found", name: "not-found" },
];

describe("dashboard pages", () => {
  let s!: E2EServer;
  h.useE2EServer((server) => (s = server));

  test("login and password-reset pages pass axe", async () => {
    const { context, page } = await s.newPage();
    await page.goto(`${s.url}/admin/login`);
    await page.getByRole("heading", { name: "Log in" }).waitFor();
    expect(await h.axeProblems(page)).toEqual([]);
    await h.shot(page, "login");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Reset your password" }).waitFor();
    expect(await h.axeProblems(page)).toEqual([]);
    // The targets of the e-mailed links (token in the fragment, never sent to the server).
    await page.goto(`${s.url}/admin/reset-password#token=abc`);
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    expect(await h.axeProblems(page)).toEqual([]);
    await page.goto(`${s.url}/admin/accept-invite#token=abc`);
    await page.getByRole("heading", { name: "Join the store" }).waitFor();
    expect(await h.axeProblems(page)).toEqual([]);
    await page.getByLabel("Password").fill("long-enough-password");
    await page.getByRole("button", { name: "Accept invitation" }).click();
    await page.getByRole("alert").waitFor(); // an unknown token is refused with the reason and the request id
    expect(await page.getByRole("alert").textContent()).toMatch(/req_/);
    await context.close();
  }, 60_000);

  test("a wrong password shows the reason and the request id", async () => {
    const { context, page } = await s.newPage();
    await page.goto(`${s.url}/admin/login`);
    await page.getByLabel("E-mail").fill(s.creds.dashboardEmail);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Log in" }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("E-mail or password is wrong");
    expect(await alert.textContent()).toMatch(/Request id: req_/);
    await context.close();
  }, 30_000);

  test("every page route renders with its breadcrumb and has no critical/serious axe violation", async () => {
    const order = await h.placeOrder(s, "grace@example.com");
    const customers = await s.admin<{ data: { id: string; email: string; firstName: string | null; lastName: string | null }[] }>("/v1/admin/customers?limit=1");
    const c = customers.body.data[0]!;
    const products = await s.admin<{ data: { id: string; title: string }[] }>("/v1/admin/products?limit=1");
    const routes = [
      ...ROUTES,
      { path: `/admin/orders/${order.id}`, heading: `Order #${order.number}`, name: "order" },
      { path: `/admin/customers/${c.id}`, heading: [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email, name: "customer" },
      { path: `/admin/products/${products.body.data[0]!.id}`, heading: products.body.data[0]!.title, name: "product" },
    ];
    const { context, page } = await s.newPage();
    await s.login(page);
    const failures: string[] = [];
    for (const r of routes) {
      await page.goto(s.url + r.path);
      await page.getByRole("heading", { name: r.heading, level: 1, exact: true }).waitFor();
      await page.waitForFunction(() => !document.querySelector('[role="status"] .progress'), undefined, { timeout: 10_000 });
      expect(await page.getByRole("navigation", { name: "Breadcrumb" }).isVisible()).toBe(true);
      for (const p of await h.axeProblems(page)) failures.push(`${r.path}: ${p}`);
      await h.shot(page, r.name);
    }
    // Sortable headers: the products table sorts by price on click and says so to assistive technology.
    await page.goto(`${s.url}/admin/products`);
    const price = page.getByRole("columnheader", { name: "Price" });
    await price.getByRole("button").click();
    expect(await price.getAttribute("aria-sort")).toBe("ascending");
    await price.getByRole("button").click();
    expect(await price.getAttribute("aria-sort")).toBe("descending");
    expect(failures).toEqual([]);
    await context.close();
  }, 180_000);

  test("a list that fails shows the error with the request id, and Retry reloads it", async () => {
    const { context, page } = await s.newPage();
    await s.login(page);
    let fail = true;
    await page.route("**/v1/admin/webhooks?*", (route) =>
      fail
        ? route.fulfill({ status: 503, contentType: "application/json", headers: { "x-request-id": "req_e2e_failure" }, body: JSON.stringify({ error: { code: "UNAVAILABLE", reason: "internal", message: "down", requestId: "req_e2e_failure" } }) })
        : route.continue(),
    );
    await page.goto(`${s.url}/admin/settings/webhooks`);
    const alert = page.getByRole("alert").filter({ hasText: "req_e2e_failure" });
    await alert.waitFor();
    expect(await alert.textContent()).toContain("Something went wrong on our side");
    await h.shot(page, "error-state");
    fail = false;
    await alert.getByRole("button", { name: "Retry" }).click();
    await page.getByText("No endpoints").waitFor(); // the empty state says what to do next
    await context.close();
  }, 30_000);
});
