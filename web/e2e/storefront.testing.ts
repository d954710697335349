// Shared by the storefront's browser tests (storefront.e2e.ts, storefront-stripe.e2e.ts): a cart made ready to pay
// through the store API, and the checkout page opened on it.
import { expect } from "bun:test";
import type { Page } from "playwright-core";
import type { E2EServer } from "./harness.ts";

export const ADDRESS = { firstName: "Ada", lastName: "Lovelace", line1: "1 rue de Rivoli", city: "Paris", postalCode: "75001", countryCode: "FR" };

/** An open cart (one tote bag) with e-mail, address and the first shipping option, ready to pay; returns its id. */
export async function readyCart(s: E2EServer, email: string, address: Record<string, string> = ADDRESS): Promise<string> {
  const product = (await s.store<{ variants: { id: string }[] }>("/v1/store/products/canvas-tote-bag")).body;
  const cart = await s.store<{ id: string }>("/v1/store/carts", { method: "POST", json: { email, items: [{ variantId: product.variants[0]!.id, quantity: 1 }] } });
  expect(cart.status).toBe(201);
  const id = cart.body.id;
  expect((await s.store(`/v1/store/carts/${id}`, { method: "PATCH", json: { shippingAddress: address } })).status).toBe(200);
  const options = await s.store<{ data: { id: string }[] }>(`/v1/store/carts/${id}/shipping-options`);
  expect((await s.store(`/v1/store/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: options.body.data[0]!.id } })).status).toBe(200);
  return id;
}

/** The checkout page of that cart (its id put where the storefront keeps it), once its card field shows. */
export async function openCheckout(s: E2EServer, page: Page, cartId: string): Promise<void> {
  await page.goto(`${s.url}/`);
  await page.evaluate((id) => localStorage.setItem("trafi.cartId", id), cartId);
  await page.goto(`${s.url}/checkout`);
  await page.getByLabel("Card number").waitFor();
}
