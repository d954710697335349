// The crash test's order is a real one: the parent prepares a cart through the real store and admin APIs (product,
// stock, shipping zone, e-mail, address, shipping method, sandbox payment session); the child only completes it.
import type { Platform } from "../../platform.ts";
import { createApp } from "../../http/app.ts";

const ADDRESS = { firstName: "Ada", lastName: "Lovelace", line1: "1 rue de Rivoli", city: "Paris", postalCode: "75001", countryCode: "FR" };

/** Returns the id of a cart ready to complete (its sandbox payment session is authorized). */
export async function prepareCart(platform: Platform, storeId: string, email: string): Promise<string> {
  const app = createApp(platform);
  const pk = (await platform.keys.create({ storeId, type: "publishable" })).token;
  const sk = (await platform.keys.create({ storeId, type: "secret" })).token;
  const call = async (path: string, method: string, key: { pk?: string; sk?: string }, json?: unknown) => {
    const headers: Record<string, string> = key.pk ? { "x-publishable-key": key.pk } : { authorization: `Bearer ${key.sk}` };
    if (json !== undefined) headers["content-type"] = "application/json";
    const res = await app.handle(new Request(`http://localhost${path}`, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) }));
    const body = (await res.json()) as Record<string, any>; // test data: only a few fields are read
    if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(body)}`);
    return body;
  };
  await call("/v1/admin/shipping-zones", "POST", { sk }, { name: "France", countries: ["FR"], rates: [{ name: "Standard", carrier: "La Poste", type: "flat", currency: "EUR", amount: 490 }] });
  const product = await call("/v1/admin/products", "POST", { sk }, { title: "Linen shirt", status: "active", variants: [{ sku: "SHIRT-M", prices: [{ currency: "EUR", amount: 4_950 }] }] });
  const variantId = product.variants[0].id as string;
  await call("/v1/admin/inventory/adjustments", "POST", { sk }, { variantId, delta: 5, reason: "received" });
  const cart = await call("/v1/store/carts", "POST", { pk }, { email, items: [{ variantId, quantity: 2 }] });
  await call(`/v1/store/carts/${cart.id}`, "PATCH", { pk }, { shippingAddress: ADDRESS });
  const options = await call(`/v1/store/carts/${cart.id}/shipping-options`, "GET", { pk });
  await call(`/v1/store/carts/${cart.id}/shipping-method`, "PUT", { pk }, { optionId: options.data[0].id });
  await call(`/v1/store/carts/${cart.id}/payment`, "POST", { pk }, { provider: "sandbox", data: { card: "4242424242424242" } });
  return cart.id as string;
}
