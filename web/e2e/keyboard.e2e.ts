// Creating a product with the keyboard only: Tab to each control (the focused element must show the lime focus
// ring), type, Enter. No mouse event is sent after the login.
import { describe, expect, test } from "bun:test";
import type { Page } from "playwright-core";
import * as h from "./harness.ts";
import type { E2EServer } from "./harness.ts";

const LIME = "rgb(204, 255, 0)";

/** Presses Tab until the focused element's label/name is `name`; returns its outline colour. */
async function tabTo(page: Page, name: string, max = 60): Promise<string> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> };
      if (!el) return null;
      const name = el.getAttribute("aria-label") ?? el.labels?.[0]?.textContent ?? el.textContent ?? "";
      return { name: name.trim(), outline: getComputedStyle(el).outlineColor, style: getComputedStyle(el).outlineStyle };
    });
    if (focused?.name === name) return focused.style === "none" ? "none" : focused.outline;
  }
  throw new Error(`Tab never reached "${name}"`);
}

describe("keyboard only", () => {
  let s!: E2EServer;
  h.useE2EServer((server) => (s = server));

  test("create a product with two variants using only the keyboard", async () => {
    const { context, page } = await s.newPage();
    await s.login(page);
    await page.goto(`${s.url}/admin/products`);
    await page.getByRole("heading", { name: "Products", level: 1 }).waitFor();

    expect(await tabTo(page, "New product")).toBe(LIME);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "New product", level: 1 }).waitFor();
    expect(await tabTo(page, "Title")).toBe(LIME);
    await page.keyboard.type("Keyboard Scarf");
    await tabTo(page, "Status");
    await page.keyboard.type("Active"); // type-ahead selects "Active (on sale)"
    await tabTo(page, "Add option");
    await page.keyboard.press("Enter");
    await tabTo(page, "Option 1 name");
    await page.keyboard.type("Colour");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Black, White");
    for (const [colour, price, stock] of [["Black", "19.99", "4"], ["White", "21", "6"]] as const) {
      await tabTo(page, `Price of ${colour}`);
      await page.keyboard.type(price);
      await tabTo(page, `Stock of ${colour}`);
      await page.keyboard.press("Control+A");
      await page.keyboard.type(stock);
    }
    await h.shot(page, "keyboard-create");
    expect(await tabTo(page, "Create product")).toBe(LIME);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Keyboard Scarf", level: 1 }).waitFor();

    const id = /products\/(prod_\w+)/.exec(page.url())![1];
    const p = await s.admin<{ status: string; variants: { id: string; options: Record<string, string>; prices: { amount: number }[] }[] }>(`/v1/admin/products/${id}`);
    expect(p.body.status).toBe("active");
    const byColour = Object.fromEntries(p.body.variants.map((v) => [v.options.Colour, v]));
    expect(byColour.Black!.prices[0]!.amount).toBe(1999);
    expect(byColour.White!.prices[0]!.amount).toBe(2100);
    const stock = await s.admin<{ onHand: number }>(`/v1/admin/inventory/variants/${byColour.White!.id}`);
    expect(stock.body.onHand).toBe(6);
    await context.close();
  }, 60_000);
});
