// Catalog through the browser: create a product with two variants, prices, cost and opening stock; the store API
// lists it and the inventory API holds the stock; edit stock and upload an image with alt text.
import { describe, expect, test } from "bun:test";
import * as h from "./harness.ts";
import type { E2EServer } from "./harness.ts";

// A 1×1 PNG: the media API accepts images by their magic bytes.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4/5/hPwAHggJ/PchI7wAAAABJRU5ErkJggg==", "base64");

interface StoreProduct { id: string; title: string; variants: { id: string; title: string; sku: string | null; prices: { amount: number; currency: string }[] }[] }

describe("catalog in the dashboard", () => {
  let s!: E2EServer;
  h.useE2EServer((server) => (s = server));

  test("create a product with two variants and stock; the store API lists it; edit stock; upload media", async () => {
    const { context, page } = await s.newPage();
    await s.login(page);
    await page.getByRole("link", { name: "Catalog" }).click();
    await page.getByRole("link", { name: "New product" }).click();
    await page.getByLabel("Title").fill("E2E Rope Hoodie");
    await page.getByLabel("Status").selectOption("active");
    await page.getByRole("button", { name: "Add option" }).click();
    await page.getByLabel("Option 1 name").fill("Size");
    await page.getByLabel("Option 1 values").fill("S, M");
    await page.getByLabel("SKU of S").fill("HOOD-S");
    await page.getByLabel("Price of S").fill("49.00");
    await page.getByLabel("Cost of S").fill("20");
    await page.getByLabel("Stock of S").fill("5");
    await page.getByLabel("SKU of M").fill("HOOD-M");
    await page.getByLabel("Price of M").fill("51.5");
    await page.getByLabel("Stock of M").fill("3");
    await h.shot(page, "product-create-filled");
    await page.getByRole("button", { name: "Create product" }).click();
    await page.getByRole("heading", { name: "E2E Rope Hoodie", level: 1 }).waitFor();
    const id = /\/admin\/products\/(prod_[0-9A-Za-z]+)/.exec(page.url())?.[1];
    expect(await page.getByLabel("Status").inputValue()).toBe("active");
    expect(id).toBeDefined();

    const listed = await s.store<{ data: StoreProduct[] }>(`/v1/store/products?q=${encodeURIComponent("Rope Hoodie")}`);
    expect(listed.status).toBe(200);
    const p = listed.body.data.find((x) => x.id === id)!;
    expect(p.title).toBe("E2E Rope Hoodie");
    const bySku = Object.fromEntries(p.variants.map((v) => [v.sku, v]));
    expect(bySku["HOOD-S"]!.prices).toEqual([{ amount: 4900, currency: "EUR" }]);
    expect(bySku["HOOD-M"]!.prices).toEqual([{ amount: 5150, currency: "EUR" }]);
    const stockOf = async (variantId: string) => (await s.admin<{ onHand: number }>(`/v1/admin/inventory/variants/${variantId}`)).body.onHand;
    expect(await stockOf(bySku["HOOD-S"]!.id)).toBe(5);
    expect(await stockOf(bySku["HOOD-M"]!.id)).toBe(3);
    const admin = await s.admin<{ variants: { sku: string; costPrice: { amount: number } | null }[] }>(`/v1/admin/products/${id}`);
    expect(admin.body.variants.find((v) => v.sku === "HOOD-S")!.costPrice!.amount).toBe(2000);

    // Edit the stock of M on the product page: recorded as a correction adjustment.
    await page.getByLabel("Stock on hand of M").fill("7");
    await page.getByRole("row").filter({ has: page.getByLabel("Stock on hand of M") }).getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Saved M" }).waitFor();
    expect(await stockOf(bySku["HOOD-M"]!.id)).toBe(7);

    // Media: alt text is required.
    await page.getByLabel("Image file").setInputFiles({ name: "hoodie.png", mimeType: "image/png", buffer: PNG });
    await page.getByLabel("Alt text (required)").fill("Grey rope hoodie, front view");
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("img", { name: "Grey rope hoodie, front view" }).waitFor();
    const media = await s.admin<{ data: { alt: string }[] }>(`/v1/admin/products/${id}/media`);
    expect(media.body.data.map((m) => m.alt)).toEqual(["Grey rope hoodie, front view"]);
    expect(await h.axeProblems(page)).toEqual([]);
    await h.shot(page, "product-edit");

    // The list finds it by search and status filter.
    await page.goto(`${s.url}/admin/products?q=Rope&status=active`);
    await page.getByRole("link", { name: "E2E Rope Hoodie" }).waitFor();
    await context.close();
  }, 90_000);

  test("a destructive action asks for confirmation naming the consequence", async () => {
    const { context, page } = await s.newPage();
    await s.login(page);
    await page.goto(`${s.url}/admin/settings/api-keys`);
    await page.getByLabel("Name").fill("Temp key");
    await page.getByRole("button", { name: "Create key" }).click();
    const token = await page.getByLabel("Token").inputValue();
    expect(token).toMatch(/^sk_/);
    await page.getByRole("row").filter({ hasText: "Temp key" }).getByRole("button", { name: "Revoke" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain("fails from now on");
    expect(await h.axeProblems(page)).toEqual([]);
    await h.shot(page, "confirm-dialog");
    await dialog.getByRole("button", { name: "Revoke key" }).click();
    await dialog.waitFor({ state: "detached" });
    const res = await fetch(`${s.url}/v1/admin/settings`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
    await context.close();
  }, 60_000);
});
