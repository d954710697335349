import { afterAll, describe, expect, test } from "bun:test";
import { createTestPlatform } from "../../testing/harness.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { money } from "../../kernel/money.ts";
import { createProduct } from "../catalog/products.ts";
import { seedTaxes } from "../tax/index.ts";
import { updateTaxSettings } from "../tax/zones.ts";
import { priceCart } from "./totals.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const S = await t.createStore("Pricing");
const ctx = await systemCtx(t.platform, S.id, "test");
await seedTaxes(ctx); // FR origin, tax-inclusive prices, EU zones
const tee = (await createProduct(ctx, {
  title: "Tee", status: "active",
  variants: [{ sku: "TEE", prices: [{ currency: "EUR", amount: 1999 }, { currency: "USD", amount: 2199 }], weightGrams: 200 }],
})).variants[0]!.id;
const book = (await createProduct(ctx, {
  title: "Book", status: "active", taxCategory: "reduced",
  variants: [{ sku: "BOOK", prices: [{ currency: "EUR", amount: 1250 }], weightGrams: 400 }],
})).variants[0]!.id;
const draft = (await createProduct(ctx, { title: "Soon", variants: [{ sku: "SOON", prices: [{ currency: "EUR", amount: 100 }] }] })).variants[0]!.id;

const cart = { currency: "EUR", items: [{ id: "l1", variantId: tee, quantity: 2 }, { id: "l2", variantId: book, quantity: 1 }], shippingAmount: money(490, "EUR") };
const amounts = (r: Awaited<ReturnType<typeof priceCart>>) =>
  [r.subtotal, r.shippingTotal, r.taxTotal, r.total].map((m) => m.amount);

describe("priceCart", () => {
  test("tax-inclusive, France: subtotal 5248, shipping 490, tax 666 + 65 + 82, total 5738", async () => {
    const r = await priceCart(ctx, { ...cart, address: { countryCode: "FR" } });
    // 3998 × 20/120 = 666.33 → 666; 1250 × 5.5/105.5 = 65.17 → 65; 490 × 20/120 = 81.67 → 82
    expect(amounts(r)).toEqual([5248, 490, 813, 5738]);
    expect(r.lines.map((l) => [l.id, l.title, l.unitPrice.amount, l.total.amount, l.tax.amount])).toEqual([
      ["l1", "Tee", 1999, 3998, 666],
      ["l2", "Book", 1250, 1250, 65],
    ]);
    expect(r.weightGrams).toBe(800);
    expect(r.taxEstimated).toBe(false);
  });

  test("tax-inclusive, Germany: the shelf price stays, the VAT is Germany's", async () => {
    const r = await priceCart(ctx, { ...cart, address: { countryCode: "DE" } });
    // 3998 × 19/119 = 638.33 → 638; 1250 × 7/107 = 81.78 → 82; 490 × 19/119 = 78.24 → 78
    expect(amounts(r)).toEqual([5248, 490, 798, 5738]);
  });

  test("no address yet: estimated for the origin country; B2B reverse charge with a valid number", async () => {
    const est = await priceCart(ctx, cart);
    expect([est.taxEstimated, est.taxTotal.amount]).toEqual([true, 813]);
    const b2b = await priceCart(ctx, { ...cart, address: { countryCode: "DE" }, vatNumber: "DE123456789" });
    // The buyer pays the nets: 3998 − 638, 1250 − 82, 490 − 78
    expect([b2b.reverseCharge, b2b.taxTotal.amount, b2b.total.amount]).toEqual([true, 0, 3360 + 1168 + 412]);
    expect(b2b.taxNote).toContain("reverse charge");
  });

  test("tax-exclusive: tax is added on top", async () => {
    await updateTaxSettings(ctx, { pricesIncludeTax: false });
    try {
      const r = await priceCart(ctx, { ...cart, address: { countryCode: "FR" } });
      // 3998 × 20% = 799.6 → 800; 1250 × 5.5% = 68.75 → 69; 490 × 20% = 98
      expect(amounts(r)).toEqual([5248, 490, 967, 6705]);
    } finally {
      await updateTaxSettings(ctx, { pricesIncludeTax: true });
    }
  });

  test("errors: no price in the currency, product not for sale, unknown variant, bad quantity", async () => {
    const err = async (p: Promise<unknown>) => p.then(() => null, (e: { reason?: string }) => e.reason);
    expect(await err(priceCart(ctx, { currency: "USD", items: [{ variantId: book, quantity: 1 }] }))).toBe("pricing.no_price");
    expect(await err(priceCart(ctx, { currency: "EUR", items: [{ variantId: draft, quantity: 1 }] }))).toBe("pricing.variant_unavailable");
    expect(await err(priceCart(ctx, { currency: "EUR", items: [{ variantId: "var_01JD0000000000000000000000", quantity: 1 }] }))).toBe("variant.not_found");
    expect(await err(priceCart(ctx, { currency: "EUR", items: [{ variantId: tee, quantity: 0 }] }))).toBe("pricing.invalid_quantity");
    const usd = await priceCart(ctx, { currency: "USD", items: [{ variantId: tee, quantity: 1 }], address: { countryCode: "US" } });
    expect(amounts(usd)).toEqual([2199, 0, 0, 2199]);
  });
});
