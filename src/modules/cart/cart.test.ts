import { describe, expect, test } from "bun:test";
import { Value } from "@sinclair/typebox/value";
import fc from "fast-check";
import { checkoutFixture, ADDRESS } from "../checkout/checkout.testing.ts";
import { emailSendJob } from "../notifications/jobs.ts";
import { Email } from "./cart.models.ts";

describe("carts", () => {
  test("lines merge by variant, stock is checked on add, totals follow every change", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_500, 3);
    const c = await f.store("/carts", { json: { items: [{ variantId: v, quantity: 1 }] } });
    expect(c.status).toBe(201);
    expect(c.body).toMatchObject({ currency: "EUR", email: null, status: "open", taxEstimated: true, priceChanges: [] });
    const id = c.body.id;
    const added = await f.store(`/carts/${id}/lines`, { json: { variantId: v, quantity: 2 } });
    expect(added.body.lines).toHaveLength(1);
    expect(added.body.lines[0]).toMatchObject({ quantity: 3, unitPrice: { amount: 1_500 }, total: { amount: 4_500 }, sku: expect.any(String) });
    expect(added.body.subtotal.amount).toBe(4_500);
    const tooMany = await f.store(`/carts/${id}/lines`, { json: { variantId: v, quantity: 1 } });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toMatchObject({ reason: "cart.insufficient_stock", details: { requested: 4, available: 3 } });
    const lineId = added.body.lines[0].id;
    const less = await f.store(`/carts/${id}/lines/${lineId}`, { method: "PATCH", json: { quantity: 1 } });
    expect(less.body.total.amount).toBe(1_500);
    const gone = await f.store(`/carts/${id}/lines/${lineId}`, { method: "DELETE" });
    expect(gone.body.lines).toEqual([]);
    expect(gone.body.total).toEqual({ amount: 0, currency: "EUR" });
  });

  test("integers in bodies are JSON numbers: a quantity sent as a string is refused, and the OpenAPI document says integer", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_500, 3);
    const r = await f.store("/carts", { json: { items: [{ variantId: v, quantity: "2" }] } });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body)).not.toContain('"2"');
    const doc = (await f.t.request("/v1/openapi.json")).json() as Promise<any>;
    const item = (await doc).paths["/v1/store/carts"].post.requestBody.content["application/json"].schema.properties.items.items;
    expect(item.properties.quantity).toMatchObject({ type: "integer", minimum: 1 });
    expect(item.properties.quantity.anyOf).toBeUndefined();
    // Query strings are text: ?limit=2 still works there.
    expect((await f.store("/products?limit=2")).status).toBe(200);
  });

  test("a catalog price change is reported, not applied, until accepted or re-added; paying refuses it", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 10);
    const id = await f.readyCart([{ variantId: v, quantity: 2 }]);
    const product = (await f.admin(`/products?limit=1`)).body.data[0];
    const patched = await f.admin(`/products/${product.id}/variants/${v}`, { method: "PATCH", json: { prices: [{ currency: "EUR", amount: 1_200 }] } });
    expect(patched.status).toBe(200);
    const cart = await f.store(`/carts/${id}`);
    expect(cart.body.subtotal.amount).toBe(2_000);
    expect(cart.body.priceChanges).toEqual([{ lineId: cart.body.lines[0].id, variantId: v, old: { amount: 1_000, currency: "EUR" }, new: { amount: 1_200, currency: "EUR" } }]);
    const pay = await f.pay(id);
    expect(pay.status).toBe(409);
    expect(pay.body.error.reason).toBe("cart.prices_changed");
    const accepted = await f.store(`/carts/${id}/accept-prices`, { method: "POST" });
    expect(accepted.body.priceChanges).toEqual([]);
    expect(accepted.body.subtotal.amount).toBe(2_400);
    // A change after the payment session does not block completion: the buyer authorized the snapshot total.
    expect((await f.pay(id)).status).toBe(201);
    await f.admin(`/products/${product.id}/variants/${v}`, { method: "PATCH", json: { prices: [{ currency: "EUR", amount: 1_300 }] } });
    const done = await f.complete(id);
    expect(done.status).toBe(201);
    expect(done.body.subtotal.amount).toBe(2_400);
    // A re-add refreshes the snapshot.
    const other = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.admin(`/products/${product.id}/variants/${v}`, { method: "PATCH", json: { prices: [{ currency: "EUR", amount: 1_400 }] } });
    expect((await f.store(`/carts/${other}`)).body.priceChanges).toHaveLength(1);
    const readded = await f.store(`/carts/${other}/lines`, { json: { variantId: v, quantity: 1 } });
    expect(readded.body.lines[0]).toMatchObject({ quantity: 2, unitPrice: { amount: 1_400 } });
    expect(readded.body.priceChanges).toEqual([]);
  });

  test("validation errors carry reasons", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000, 10);
    const id = (await f.store("/carts", { json: { items: [{ variantId: v, quantity: 1 }] } })).body.id;
    const xx = await f.store(`/carts/${id}`, { method: "PATCH", json: { shippingAddress: { ...ADDRESS, countryCode: "XX" } } });
    expect(xx.status).toBe(422);
    expect(xx.body.error).toMatchObject({ reason: "cart.invalid_country", details: { field: "shippingAddress.countryCode" } });
    const lower = await f.store(`/carts/${id}`, { method: "PATCH", json: { shippingAddress: { ...ADDRESS, countryCode: "fr" } } });
    expect(lower.status).toBe(422);
    const extra = await f.store(`/carts/${id}`, { method: "PATCH", json: { coupon: "FREE" } });
    expect(extra.status).toBe(422);
    const badEmail = await f.store(`/carts/${id}`, { method: "PATCH", json: { email: "not-an-email" } });
    expect(badEmail.body.error.reason).toBe("request.invalid");
    const zero = await f.store(`/carts/${id}/lines`, { json: { variantId: v, quantity: 0 } });
    expect(zero.status).toBe(422);
    const noAddress = await f.store(`/carts/${id}/shipping-options`);
    expect(noAddress.body.error.reason).toBe("cart.address_required");
    const notReady = await f.pay(id);
    expect(notReady.body.error.reason).toBe("cart.email_required");
    const currency = await f.store("/carts", { json: { currency: "XYZ" } });
    expect(currency.body.error.reason).toBe("cart.unknown_currency");
    const usd = await f.store("/carts", { json: { currency: "USD", items: [{ variantId: v, quantity: 1 }] } });
    expect(usd.body.error.reason).toBe("cart.variant_unavailable");
    const unknown = await f.store(`/carts/${id}/lines`, { json: { variantId: "var_01JD0000000000000000000000", quantity: 1 } });
    expect(unknown.status).toBe(404);
    const badOption = await f.store(`/carts/${id}`, { method: "PATCH", json: { shippingAddress: ADDRESS } }).then(() => f.store(`/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: "shr_nope" } }));
    expect(badOption.status).toBe(404);
  });

  test("another store's cart and order ids answer 404", async () => {
    await using f = await checkoutFixture();
    const other = await checkoutFixture({ t: f.t });
    const v = await f.product(1_000, 5);
    const id = await f.readyCart([{ variantId: v, quantity: 1 }]);
    await f.pay(id);
    const order = (await f.complete(id)).body;
    const as = { pk: other.s.pk };
    expect((await f.store(`/carts/${id}`, as)).status).toBe(404);
    expect((await f.store(`/carts/${id}/lines`, { ...as, json: { variantId: v, quantity: 1 } })).status).toBe(404);
    expect((await f.store(`/carts/${id}/complete`, { ...as, method: "POST" })).status).toBe(404);
    // Every other cart route too, reads and writes (the other store's carts are another database file).
    const lineId = (await f.store(`/carts/${id}`)).body.lines[0].id;
    for (const [path, init] of [
      [`/carts/${id}`, { method: "PATCH", json: { email: "eve@example.com" } }], [`/carts/${id}/lines/${lineId}`, { method: "PATCH", json: { quantity: 2 } }],
      [`/carts/${id}/lines/${lineId}`, { method: "DELETE" }], [`/carts/${id}/accept-prices`, { method: "POST" }], [`/carts/${id}/shipping-options`, {}],
      [`/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: "shr_x" } }], [`/carts/${id}/payment`, { json: { provider: "sandbox", data: { card: "4242424242424242" } } }],
    ] as const) {
      expect((await f.store(path, { ...as, ...init })).status, `${init.method ?? "GET"} ${path}`).toBe(404);
    }
    expect((await f.store(`/orders/${order.id}?token=${order.token}`, as)).status).toBe(404);
    expect((await other.admin(`/orders/${order.id}`)).status).toBe(404);
    expect((await other.admin(`/orders/${order.id}/refunds`, { json: { reason: "x" } })).status).toBe(404);
    expect((await other.admin(`/orders/${order.id}/cancel`, { json: { reason: "x" } })).status).toBe(404);
    expect((await other.admin(`/customers/${(await f.admin(`/orders/${order.id}`)).body.customerId}`)).status).toBe(404);
    expect((await other.admin("/orders")).body.data).toEqual([]);
  });

  test("a cart's amount is bounded (422 cart.amount_too_large), so totals stay exact integers; a refused change writes nothing", async () => {
    await using f = await checkoutFixture();
    const v = await f.product(1_000_000_000_000, null); // the largest price, no stock tracking
    const huge = await f.store("/carts", { json: { items: [{ variantId: v, quantity: 10_000 }] } });
    expect(huge.status).toBe(422);
    expect(huge.body.error.reason).toBe("cart.amount_too_large");
    const store = await f.t.platform.pool.get(f.s.id);
    expect(Number((await store.client.execute("select count(*) as n from carts")).rows[0]!.n)).toBe(0);
    const c = await f.store("/carts", { json: { items: [{ variantId: v, quantity: 10 }] } }); // exactly the bound
    expect(c.status).toBe(201);
    expect(c.body.subtotal.amount).toBe(10_000_000_000_000);
    const lineId = c.body.lines[0].id;
    const more = await f.store(`/carts/${c.body.id}/lines/${lineId}`, { method: "PATCH", json: { quantity: 11 } });
    expect(more.status).toBe(422);
    expect(more.body.error.reason).toBe("cart.amount_too_large");
    const add = await f.store(`/carts/${c.body.id}/lines`, { json: { variantId: await f.product(1, null), quantity: 1 } });
    expect(add.body.error.reason).toBe("cart.amount_too_large");
    const after = await f.store(`/carts/${c.body.id}`);
    expect(after.status).toBe(200);
    expect(after.body.lines.map((l: { quantity: number }) => l.quantity)).toEqual([10]);
  });

  test("an e-mail the order's notifications could not be sent to is refused (422), never stored cut short at a NUL", async () => {
    await using f = await checkoutFixture();
    const id = (await f.store("/carts", { json: {} })).body.id;
    // A NUL cut the stored e-mail to "ada" (the text column ends there); the others passed the cart and then failed
    // the email.send job's own check: an order nobody could send its confirmation to.
    for (const email of ["ada\u0000x@example.com", "ada;eve@example.com", "ada,eve@example.com", "ada<eve@example.com", '"ada"@example.com', "ada@exa\tmple.com", "ada@example.com\u007f"]) {
      const r = await f.store(`/carts/${id}`, { method: "PATCH", json: { email } });
      expect(r.status, JSON.stringify(email)).toBe(422);
      expect(JSON.stringify(r.body)).not.toContain("eve");
      expect((await f.store("/carts", { json: { email } })).status, JSON.stringify(email)).toBe(422);
    }
    expect((await f.store(`/carts/${id}`)).body.email).toBeNull();
    for (const email of ["Ada.Lovelace+shop@Example.co.uk", "o'brien@example.ie", "josé@exemple.fr"]) {
      const r = await f.store(`/carts/${id}`, { method: "PATCH", json: { email } });
      expect(r.status, email).toBe(200);
      expect(r.body.email).toBe(email.toLowerCase());
    }
    // Whatever a cart takes, the confirmation e-mail job takes too.
    const to = emailSendJob.input.properties.to;
    const part = fc.string({ unit: fc.constantFrom("a", "Z", ".", "-", "+", "@", ",", ";", "<", ">", '"', " ", "\t", "\u0000", "\u007f", "é", "(", ":"), minLength: 1, maxLength: 8 });
    fc.assert(fc.property(part, part, part, (a, b, c) => {
      const email = `${a}@${b}.${c}`;
      if (Value.Check(Email, email)) expect(Value.Check(to, email.toLowerCase()), JSON.stringify(email)).toBe(true);
    }), { numRuns: 3000 });
  });

  test("address fields blank or with control characters are refused (422, field named); the others are stored trimmed", async () => {
    await using f = await checkoutFixture();
    const id = (await f.store("/carts", { json: {} })).body.id;
    for (const [field, value] of [["firstName", "   "], ["lastName", "\u00a0"], ["line1", " \t "], ["city", "Pa\u0000ris"], ["postalCode", "75001\n"], ["company", "Acme\r\nBcc: x"], ["line2", "\u0007"]] as const) {
      const r = await f.store(`/carts/${id}`, { method: "PATCH", json: { shippingAddress: { ...ADDRESS, [field]: value } } });
      expect(r.status, `${field} ${JSON.stringify(value)}`).toBe(422);
      expect(r.body.error.details.issues.map((i: { path: string }) => i.path), field).toContain(`/shippingAddress/${field}`);
      const billing = await f.store(`/carts/${id}`, { method: "PATCH", json: { billingAddress: { ...ADDRESS, [field]: value } } });
      expect(billing.status, `billing ${field}`).toBe(422);
    }
    expect((await f.store(`/carts/${id}`)).body.shippingAddress).toBeNull();
    const padded = await f.store(`/carts/${id}`, {
      method: "PATCH",
      json: { shippingAddress: { ...ADDRESS, firstName: "  Ada ", line1: " 1 rue de Rivoli", company: "   ", line2: "", region: " IDF " } },
    });
    expect(padded.status).toBe(200);
    expect(padded.body.shippingAddress).toMatchObject({ firstName: "Ada", line1: "1 rue de Rivoli", company: null, line2: null, region: "IDF", city: "Paris" });
  });
});


describe("cart → order money invariants (generated carts, fixed seed)", () => {
  // Each run: products at random prices and tax categories, a random cart of them, a random EU destination and
  // shipping option, prices with or without tax; then paid and completed. What the buyer was shown, what the
  // payment asked for and what the order keeps must be the same integers, and they must add up.
  test("line totals add to the subtotal; total = subtotal − discount + shipping (+ tax when exclusive); cart = payment = order", async () => {
    await using f = await checkoutFixture();
    const sumOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    const taxOf = (ls: Array<{ taxLines: Array<{ amount: { amount: number } }> }>) => sumOf(ls.flatMap((l) => l.taxLines.map((t) => t.amount.amount)));
    // Zero- and three-decimal currencies too: the Europe zone gets rates in them (a flat one free above a subtotal).
    const zone = (await f.admin("/shipping-zones")).body.data[0];
    for (const [currency, amount, freeAbove] of [["JPY", 800, 20_000], ["KWD", 2_500, 40_000]] as const) {
      const r = await f.admin(`/shipping-zones/${zone.id}/rates`, { json: { name: `Flat ${currency}`, carrier: "Post", type: "flat", currency, amount, freeAbove } });
      expect(r.status).toBe(201);
    }
    const gen = fc.record({
      currency: fc.constantFrom("EUR", "JPY", "KWD"),
      inclusive: fc.boolean(),
      country: fc.constantFrom("FR", "DE", "BE"),
      option: fc.nat({ max: 1 }),
      lines: fc.array(fc.record({ price: fc.integer({ min: 1, max: 250_000 }), quantity: fc.integer({ min: 1, max: 40 }), reduced: fc.boolean() }), { minLength: 1, maxLength: 6 }),
    });
    await fc.assert(fc.asyncProperty(gen, async (c) => {
      expect((await f.admin("/tax-settings", { method: "PATCH", json: { pricesIncludeTax: c.inclusive } })).status).toBe(200);
      const items = [];
      for (const l of c.lines) {
        const p = await f.admin("/products", {
          json: { title: "Item", status: "active", taxCategory: l.reduced ? "reduced" : "standard", variants: [{ prices: [{ currency: "EUR", amount: l.price }, ...(c.currency === "EUR" ? [] : [{ currency: c.currency, amount: l.price }])], trackInventory: false }] },
        });
        expect(p.status).toBe(201);
        items.push({ variantId: p.body.variants[0].id, quantity: l.quantity });
      }
      const created = await f.store("/carts", { json: { currency: c.currency, email: "ada@example.com", items } });
      expect(created.status).toBe(201);
      const id = created.body.id;
      await f.store(`/carts/${id}`, { method: "PATCH", json: { shippingAddress: { ...ADDRESS, countryCode: c.country } } });
      const options = (await f.store(`/carts/${id}/shipping-options`)).body.data;
      const cart = (await f.store(`/carts/${id}/shipping-method`, { method: "PUT", json: { optionId: options[c.option % options.length].id } })).body;
      const a = (m: { amount: number }) => m.amount;
      expect(cart.lines.map((l: any) => a(l.total))).toEqual(cart.lines.map((l: any) => a(l.unitPrice) * l.quantity));
      expect(a(cart.subtotal)).toBe(sumOf(cart.lines.map((l: any) => a(l.total))));
      expect(a(cart.total)).toBe(a(cart.subtotal) - a(cart.discountTotal) + a(cart.shippingTotal) + (c.inclusive ? 0 : a(cart.taxTotal)));
      expect(cart.taxIncluded).toBe(c.inclusive);
      // The cart shows every tax it counts: the lines' and the shipping's tax lines add up to its taxTotal.
      expect(taxOf(cart.lines) + taxOf([{ taxLines: cart.shippingTaxLines }])).toBe(a(cart.taxTotal));
      const pay = await f.pay(id);
      expect(pay.status).toBe(201);
      expect(pay.body.amount).toEqual(cart.total);
      const order = await f.complete(id);
      expect(order.status).toBe(201);
      const o = (await f.admin(`/orders/${order.body.id}`)).body;
      for (const k of ["subtotal", "discountTotal", "shippingTotal", "taxTotal", "total"]) expect([k, o[k]]).toEqual([k, cart[k]]);
      expect(o.payment.amount).toEqual(cart.total);
      expect(o.payment.capturedAmount).toEqual(cart.total);
      // Every tax line the order keeps (lines and shipping) adds up to its tax total, to the minor unit.
      expect(taxOf(o.lines) + taxOf([o.shippingMethod])).toBe(a(o.taxTotal));
      expect(o.lines.map((l: any) => a(l.total))).toEqual(cart.lines.map((l: any) => a(l.total)));
      expect(o.taxIncluded).toBe(c.inclusive);
    }), { seed: 20_250_611, numRuns: 15 });
  }, 60_000);
});
