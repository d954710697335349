// Test helpers of the checkout: a store with products, stock, shipping and EU taxes, and short request helpers for
// the storefront flow. Everything goes through app.handle with real store files.
import { adminHeaders, createTestPlatform, storeHeaders, type TestPlatform, type TestStore } from "../../testing/harness.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { seedTaxes } from "../tax/index.ts";
import type { Clock } from "../../kernel/clock.ts";

// Bodies are `any`: tests read arbitrary fields of JSON responses.
export interface Res {
  status: number;
  body: any;
  headers: Headers;
}

export const ADDRESS = { firstName: "Ada", lastName: "Lovelace", line1: "1 rue de Rivoli", city: "Paris", postalCode: "75001", countryCode: "FR" };
export const CARD_OK = "4242424242424242";
export const CARD_DECLINE = "4000000000000002";
export const CARD_3DS = "4000002500003155";

export interface CheckoutFixture extends AsyncDisposable {
  t: TestPlatform;
  s: TestStore;
  admin(path: string, init?: { method?: string; json?: unknown; headers?: Record<string, string> }): Promise<Res>;
  store(path: string, init?: { method?: string; json?: unknown; headers?: Record<string, string>; pk?: string }): Promise<Res>;
  /** A product with one variant at `price` EUR cents and `stock` units; returns the variant id. */
  product(price: number, stock: number | null, over?: Record<string, unknown>): Promise<string>;
  /** Cart with items + e-mail + address + the first shipping option; returns the cart id. */
  readyCart(items: Array<{ variantId: string; quantity: number }>, email?: string): Promise<string>;
  pay(cartId: string, card?: string): Promise<Res>;
  complete(cartId: string): Promise<Res>;
}

async function asRes(r: Response): Promise<Res> {
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, headers: r.headers };
}

let n = 0;
export async function checkoutFixture(opts: { t?: TestPlatform; clock?: Clock } = {}): Promise<CheckoutFixture> {
  const t = opts.t ?? (await createTestPlatform({ clock: opts.clock }));
  const s = await t.createStore();
  await seedTaxes(await systemCtx(t.platform, s.id, "test"));
  const admin: CheckoutFixture["admin"] = async (path, init = {}) =>
    asRes(await t.request(`/v1/admin${path}`, { method: init.method ?? (init.json === undefined ? "GET" : "POST"), headers: adminHeaders(s.sk, init.headers), json: init.json }));
  const store: CheckoutFixture["store"] = async (path, init = {}) =>
    asRes(await t.request(`/v1/store${path}`, { method: init.method ?? (init.json === undefined ? "GET" : "POST"), headers: storeHeaders(init.pk ?? s.pk, init.headers), json: init.json }));
  const zone = await admin("/shipping-zones", {
    json: { name: "Europe", countries: ["FR", "DE", "BE"], rates: [{ name: "Standard", carrier: "La Poste", type: "flat", currency: "EUR", amount: 490 }, { name: "Express", carrier: "DHL", type: "flat", currency: "EUR", amount: 1500 }] },
  });
  if (zone.status !== 201) throw new Error(`shipping zone: ${JSON.stringify(zone.body)}`);
  const f: CheckoutFixture = {
    t, s, admin, store,
    async product(price, stock, over = {}) {
      n++;
      const p = await admin("/products", {
        json: { title: `Shirt ${n}`, status: "active", variants: [{ sku: `SH-${n}`, prices: [{ currency: "EUR", amount: price }], trackInventory: stock !== null, ...over }] },
      });
      if (p.status !== 201) throw new Error(`product: ${JSON.stringify(p.body)}`);
      const variantId = p.body.variants[0].id as string;
      if (stock) {
        const a = await admin("/inventory/adjustments", { json: { variantId, delta: stock, reason: "received" } });
        if (a.status !== 201) throw new Error(`stock: ${JSON.stringify(a.body)}`);
      }
      return variantId;
    },
    async readyCart(items, email = "ada@example.com") {
      const c = await store("/carts", { json: { email, items } });
      if (c.status !== 201) throw new Error(`cart: ${JSON.stringify(c.body)}`);
      const id = c.body.id as string;
      const u = await store(`/carts/${id}`, { method: "PATCH", json: { shippingAddress: ADDRESS } });
      if (u.status !== 200) throw new Error(`address: ${JSON.stringify(u.body)}`);
      const o = await store(`/carts/${id}/shipping-options`);
      const m = await store(`/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: o.body.data[0].id } });
      if (m.status !== 200) throw new Error(`shipping method: ${JSON.stringify(m.body)}`);
      return id;
    },
    pay: (cartId, card = CARD_OK) => store(`/carts/${cartId}/payment`, { json: { provider: "sandbox", data: { card } } }),
    complete: (cartId) => store(`/carts/${cartId}/complete`, { method: "POST" }),
    // A fixture given a shared platform leaves it to its owner.
    [Symbol.asyncDispose]: () => (opts.t ? Promise.resolve() : t[Symbol.asyncDispose]()),
  };
  return f;
}
