// Orders through the browser: an order placed through the store API with the sandbox card is found in the
// dashboard, fulfilled with a tracking number, partly refunded and one unit returned; the admin API reflects each step.
import { describe, expect, test } from "bun:test";
import * as h from "./harness.ts";
import type { E2EServer, Order } from "./harness.ts";

describe("orders in the dashboard", () => {
  let s!: E2EServer;
  h.useE2EServer((server) => (s = server));

  test("find a store-API order, fulfil it with tracking, refund part of it", async () => {
    const placed = await h.placeOrder(s, "ada@example.com");
    const get = async () => (await s.admin<Order>(`/v1/admin/orders/${placed.id}`)).body;
    const { context, page } = await s.newPage();
    await s.login(page);
    await page.getByRole("link", { name: "Orders" }).first().click();
    await page.getByRole("heading", { name: "Orders", level: 1 }).waitFor();
    await page.getByRole("link", { name: `#${placed.number}` }).click();
    await page.getByRole("heading", { name: `Order #${placed.number}`, level: 1 }).waitFor();
    expect(await h.axeProblems(page)).toEqual([]);
    await h.shot(page, "order-detail");

    // Manual capture stores authorize first: capture when the dashboard offers it.
    const capture = page.getByRole("button", { name: "Capture payment" });
    if (await capture.isVisible()) {
      await capture.click();
      await page.getByLabel("Carrier").waitFor();
    }
    await page.getByLabel("Carrier").fill("colissimo");
    await page.getByLabel("Tracking number").fill("6A123456789FR");
    await page.getByLabel("Tracking URL").fill("https://www.laposte.fr/outils/suivre-vos-envois?code=6A123456789FR");
    await page.getByRole("button", { name: "Fulfil remaining items" }).click();
    await page.getByRole("link", { name: "6A123456789FR" }).waitFor();
    const fulfilled = await get();
    expect(fulfilled.fulfillmentStatus).toBe("fulfilled");
    expect(fulfilled.fulfillments.map((f) => f.trackingNumber)).toEqual(["6A123456789FR"]);

    await page.getByLabel(/^Amount/).fill("10.00");
    await page.getByLabel("Refund reason").fill("Late delivery gesture");
    await page.getByRole("button", { name: "Refund €10.00" }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.textContent()).toContain("cannot be undone");
    await dialog.getByRole("button", { name: "Refund", exact: true }).click();
    await dialog.waitFor({ state: "detached" });
    await page.getByText("−€10.00").first().waitFor();
    const refunded = await get();
    expect(refunded.refundedTotal.amount).toBe(1000);
    expect(refunded.status).toBe("partially_refunded");
    await h.shot(page, "order-fulfilled-refunded");

    // The buyer sends one unit back: authorize the return, then receive it into stock.
    await page.getByLabel(/return up to/).first().fill("1");
    await page.getByLabel("Return reason").fill("Too small");
    await page.getByRole("button", { name: "Authorize return" }).click();
    const rma = `#${placed.number}-R1`;
    await page.getByRole("button", { name: `Mark return ${rma} received` }).click();
    await page.getByText("Received and restocked").waitFor();
    const returned = await get();
    expect(returned.returns.map((r) => [r.number, r.status, r.restocked])).toEqual([[1, "received", true]]);
    await h.shot(page, "order-returned");
    expect(await h.axeProblems(page)).toEqual([]);

    // The customer page links back to the order.
    await page.goto(`${s.url}/admin/customers`);
    await page.getByRole("link", { name: /Ada Lovelace|ada@example.com/ }).click();
    await page.getByRole("link", { name: `#${placed.number}` }).waitFor();
    expect(await h.axeProblems(page)).toEqual([]);
    await context.close();
  }, 90_000);
});
