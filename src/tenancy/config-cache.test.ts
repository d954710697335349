// The per-store config memo: unit behaviour with stand-in handles, then through the real app: an admin change of
// tax rates, shipping rates or payment settings is seen by the very next storefront request of the same process.
import { afterAll, describe, expect, test } from "bun:test";
import { and, eq } from "drizzle-orm";
import { cachedConfig, invalidateConfig } from "./config-cache.ts";
import type { StoreHandle } from "./pool.ts";
import { createTestPlatform } from "../testing/harness.ts";
import { checkoutFixture, type CheckoutFixture } from "../modules/checkout/checkout.testing.ts";
import { taxRates } from "../modules/tax/tax.tables.ts";

/** A stand-in store handle: the cache only uses it as a WeakMap key. */
const fakeStore = (): StoreHandle => ({}) as unknown as StoreHandle;

/** A load whose calls are counted and whose result the test settles by hand. */
function controlledLoad<T>() {
  const pending: Array<{ resolve: (v: T) => void; reject: (e: unknown) => void }> = [];
  let calls = 0;
  return {
    load: () => {
      calls++;
      return new Promise<T>((resolve, reject) => pending.push({ resolve, reject }));
    },
    get calls() {
      return calls;
    },
    resolve: (i: number, v: T) => pending[i]!.resolve(v),
    reject: (i: number, e: unknown) => pending[i]!.reject(e),
  };
}

describe("cachedConfig / invalidateConfig", () => {
  test("concurrent callers share one load and get the same value", async () => {
    const store = fakeStore();
    const l = controlledLoad<{ rate: number }>();
    const a = cachedConfig(store, "k", l.load);
    const b = cachedConfig(store, "k", l.load);
    const c = cachedConfig(store, "k", l.load);
    expect(l.calls).toBe(1);
    l.resolve(0, { rate: 20 });
    const [va, vb, vc] = await Promise.all([a, b, c]);
    expect(va).toEqual({ rate: 20 });
    expect(vb).toBe(va);
    expect(vc).toBe(va);
    // Later callers are served from the memo too.
    expect(await cachedConfig(store, "k", l.load)).toBe(va);
    expect(l.calls).toBe(1);
  });

  test("a rejected load is shared by its concurrent callers but not remembered: the next call loads again", async () => {
    const store = fakeStore();
    const l = controlledLoad<string>();
    const a = cachedConfig(store, "k", l.load);
    const b = cachedConfig(store, "k", l.load);
    l.reject(0, new Error("disk on fire"));
    await expect(a).rejects.toThrow("disk on fire");
    await expect(b).rejects.toThrow("disk on fire");
    expect(l.calls).toBe(1);
    const again = cachedConfig(store, "k", l.load);
    expect(l.calls).toBe(2);
    l.resolve(1, "loaded");
    expect(await again).toBe("loaded");
    expect(await cachedConfig(store, "k", l.load)).toBe("loaded");
    expect(l.calls).toBe(2);
  });

  test("a load that throws synchronously inside an async function is not remembered either", async () => {
    const store = fakeStore();
    let calls = 0;
    const load = async () => {
      calls++;
      if (calls === 1) throw new Error("first fails");
      return calls;
    };
    await expect(cachedConfig(store, "k", load)).rejects.toThrow("first fails");
    expect(await cachedConfig(store, "k", load)).toBe(2);
    expect(await cachedConfig(store, "k", load)).toBe(2);
    expect(calls).toBe(2);
  });

  test("invalidate drops the value: the next call loads again; other keys keep theirs", async () => {
    const store = fakeStore();
    let version = 1;
    let loads = 0;
    const load = async () => {
      loads++;
      return version;
    };
    let otherLoads = 0;
    const other = async () => {
      otherLoads++;
      return "other";
    };
    expect(await cachedConfig(store, "tax.zones", load)).toBe(1);
    expect(await cachedConfig(store, "shipping", other)).toBe("other");
    version = 2;
    expect(await cachedConfig(store, "tax.zones", load)).toBe(1); // memoized: the change is not seen yet
    invalidateConfig(store, "tax.zones");
    expect(await cachedConfig(store, "tax.zones", load)).toBe(2);
    expect(loads).toBe(2);
    expect(await cachedConfig(store, "shipping", other)).toBe("other");
    expect(otherLoads).toBe(1);
    // Invalidating a key never loaded, or a store never seen, is harmless.
    invalidateConfig(store, "never.loaded");
    invalidateConfig(fakeStore(), "tax.zones");
    expect(await cachedConfig(store, "tax.zones", load)).toBe(2);
    expect(loads).toBe(2);
  });

  test("an invalidate during a load makes the next caller load anew instead of taking the in-flight value", async () => {
    const store = fakeStore();
    const l = controlledLoad<string>();
    const before = cachedConfig(store, "k", l.load);
    // A writer commits and invalidates while a reader's load (which may have read the old rows) is in flight.
    invalidateConfig(store, "k");
    const after = cachedConfig(store, "k", l.load);
    expect(l.calls).toBe(2);
    l.resolve(1, "new");
    l.resolve(0, "old");
    expect(await before).toBe("old");
    expect(await after).toBe("new");
    // The slower, older load did not overwrite the newer value.
    expect(await cachedConfig(store, "k", l.load)).toBe("new");
    expect(l.calls).toBe(2);
  });

  test("an old load failing after an invalidate does not drop the newer value", async () => {
    const store = fakeStore();
    const l = controlledLoad<string>();
    const before = cachedConfig(store, "k", l.load);
    invalidateConfig(store, "k");
    const after = cachedConfig(store, "k", l.load);
    l.resolve(1, "new");
    expect(await after).toBe("new");
    l.reject(0, new Error("old load failed"));
    await expect(before).rejects.toThrow("old load failed");
    expect(await cachedConfig(store, "k", l.load)).toBe("new");
    expect(l.calls).toBe(2);
  });

  test("two store handles have separate values for the same key", async () => {
    const a = fakeStore();
    const b = fakeStore();
    expect(await cachedConfig(a, "payments.settings", async () => "a's")).toBe("a's");
    expect(await cachedConfig(b, "payments.settings", async () => "b's")).toBe("b's");
    expect(await cachedConfig(a, "payments.settings", async () => "not loaded")).toBe("a's");
    invalidateConfig(b, "payments.settings");
    expect(await cachedConfig(a, "payments.settings", async () => "not loaded")).toBe("a's");
    expect(await cachedConfig(b, "payments.settings", async () => "b's again")).toBe("b's again");
  });
});

// One platform for the integration tests; each test has its own store (fixtures given a platform leave it open).
const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());

async function frZoneId(f: CheckoutFixture): Promise<string> {
  const zones = await f.admin("/tax-zones?countryCode=FR");
  expect(zones.status).toBe(200);
  const fr = zones.body.data.find((z: any) => z.countryCode === "FR" && z.region === null);
  expect(fr).toBeDefined();
  return fr.id as string;
}

async function shippingZone(f: CheckoutFixture): Promise<{ id: string; rates: Array<{ id: string; name: string; amount: number }> }> {
  const zones = await f.admin("/shipping-zones");
  expect(zones.status).toBe(200);
  expect(zones.body.data).toHaveLength(1);
  return zones.body.data[0];
}

describe("config changes through the admin API are seen by the next storefront request", () => {
  test("a cart's tax follows a change of the FR standard rate and of the tax settings at once", async () => {
    await using f = await checkoutFixture({ t });
    const v = await f.product(4_000, 10);
    const cartId = await f.readyCart([{ variantId: v, quantity: 1 }]); // Standard shipping, 490
    // Warm the cache: FR standard 20% on prices that include tax.
    const before = await f.store(`/carts/${cartId}`);
    expect(before.status).toBe(200);
    expect(before.body.lines[0].taxLines[0]).toMatchObject({ code: "FR:standard", amount: { amount: 667, currency: "EUR" } });
    expect(before.body.taxTotal.amount).toBe(667 + 82);
    expect(before.body.total.amount).toBe(4_490);

    const zoneId = await frZoneId(f);
    const put = await f.admin(`/tax-zones/${zoneId}/rates/standard`, { method: "PUT", json: { rate: "10" } });
    expect(put.status).toBe(200);
    expect(put.body.rates.find((r: any) => r.category === "standard")).toMatchObject({ rate: "10", ratePpm: 100_000 });

    // 10% included: 4000 × 10/110 = 363.6 → 364; 490 × 10/110 = 44.5 → 45.
    const after = await f.store(`/carts/${cartId}`);
    expect(after.body.lines[0].taxLines[0]).toMatchObject({ code: "FR:standard", amount: { amount: 364, currency: "EUR" } });
    expect(after.body.taxTotal.amount).toBe(364 + 45);
    expect(after.body.total.amount).toBe(4_490);

    // Prices now exclude tax: the tax is added on top, on the very next read.
    const settings = await f.admin("/tax-settings", { method: "PATCH", json: { pricesIncludeTax: false } });
    expect(settings.status).toBe(200);
    expect(settings.body.pricesIncludeTax).toBe(false);
    const excl = await f.store(`/carts/${cartId}`);
    expect(excl.body.taxTotal.amount).toBe(400 + 49);
    expect(excl.body.total.amount).toBe(4_490 + 449);

    // Removing the rate: no FR standard tax at all.
    const del = await f.admin(`/tax-zones/${zoneId}/rates/standard`, { method: "DELETE" });
    expect(del.status).toBe(200);
    const none = await f.store(`/carts/${cartId}`);
    expect(none.body.taxTotal.amount).toBe(0);
    expect(none.body.total.amount).toBe(4_490);
  });

  test("the admin tax quote follows a rate change too", async () => {
    await using f = await checkoutFixture({ t });
    const quote = () =>
      f.admin("/tax-quote", { json: { currency: "EUR", lines: [{ id: "l1", unitPrice: 1_100, quantity: 1, taxCategory: "standard" }], address: { countryCode: "FR" } } });
    const q1 = await quote();
    expect(q1.status).toBe(200);
    expect(q1.body.taxTotal.amount).toBe(183); // 1100 incl. 20% → 183.3
    const zoneId = await frZoneId(f);
    expect((await f.admin(`/tax-zones/${zoneId}/rates/standard`, { method: "PUT", json: { rate: "10" } })).status).toBe(200);
    const q2 = await quote();
    expect(q2.status).toBe(200);
    expect(q2.body.taxTotal.amount).toBe(100); // 1100 incl. 10% → 100
  });

  test("shipping options follow a rate added, changed, deactivated and deleted", async () => {
    await using f = await checkoutFixture({ t });
    const v = await f.product(2_000, 10);
    const cartId = await f.readyCart([{ variantId: v, quantity: 1 }]); // picks Standard (490)
    const options = async () => (await f.store(`/carts/${cartId}/shipping-options`)).body.data.map((o: any) => [o.name, o.price.amount]);
    const publicOptions = async () =>
      (await f.store("/shipping-options?countryCode=FR&subtotal=2000&currency=EUR")).body.data.map((o: any) => [o.name, o.price.amount]);
    expect(await options()).toEqual([["Standard", 490], ["Express", 1_500]]);
    expect(await publicOptions()).toEqual([["Standard", 490], ["Express", 1_500]]);

    const zone = await shippingZone(f);
    const added = await f.admin(`/shipping-zones/${zone.id}/rates`, { json: { name: "Relay", carrier: "Mondial Relay", type: "flat", currency: "EUR", amount: 290 } });
    expect(added.status).toBe(201);
    expect(await options()).toEqual([["Relay", 290], ["Standard", 490], ["Express", 1_500]]);
    expect(await publicOptions()).toEqual([["Relay", 290], ["Standard", 490], ["Express", 1_500]]);

    // The cart's chosen method (Standard) is priced from the changed rate on the next read.
    const standard = zone.rates.find((r) => r.name === "Standard")!;
    const changed = await f.admin(`/shipping-zones/${zone.id}/rates/${standard.id}`, { method: "PATCH", json: { amount: 590 } });
    expect(changed.status).toBe(200);
    expect(await options()).toEqual([["Relay", 290], ["Standard", 590], ["Express", 1_500]]);
    const cart = await f.store(`/carts/${cartId}`);
    expect(cart.body.shippingTotal).toEqual({ amount: 590, currency: "EUR" });
    expect(cart.body.total.amount).toBe(2_000 + 590);

    const express = zone.rates.find((r) => r.name === "Express")!;
    expect((await f.admin(`/shipping-zones/${zone.id}/rates/${express.id}`, { method: "PATCH", json: { active: false } })).status).toBe(200);
    expect(await options()).toEqual([["Relay", 290], ["Standard", 590]]);

    expect((await f.admin(`/shipping-zones/${zone.id}/rates/${added.body.id}`, { method: "DELETE" })).status).toBe(200);
    expect(await options()).toEqual([["Standard", 590]]);

    // A country moved out of the zone has no options on the next request.
    expect((await f.admin(`/shipping-zones/${zone.id}`, { method: "PATCH", json: { countries: ["DE", "BE"] } })).status).toBe(200);
    expect(await publicOptions()).toEqual([]);
  });

  test("a payment settings change is seen by the next payment session and completion", async () => {
    await using f = await checkoutFixture({ t });
    const v = await f.product(1_000, 10);
    // Warm the cache: sandbox, automatic capture.
    const first = await f.readyCart([{ variantId: v, quantity: 1 }]);
    expect((await f.pay(first)).status).toBe(201);
    const paid = await f.complete(first);
    expect(paid.body.status).toBe("paid");

    // Stripe only: the sandbox is refused on the next session.
    const toStripe = await f.admin("/settings/payments", { method: "PATCH", json: { provider: "stripe" } });
    expect(toStripe.body).toEqual({ provider: "stripe", captureMethod: "automatic" });
    const second = await f.readyCart([{ variantId: v, quantity: 1 }]);
    const refused = await f.pay(second);
    expect(refused.status).toBe(422);
    expect(refused.body.error.reason).toBe("payment.provider_not_enabled");
    expect(refused.body.error.details.enabled).toBe("stripe");

    // Back to the sandbox with manual capture: the session is accepted and the order waits for its capture.
    const manual = await f.admin("/settings/payments", { method: "PATCH", json: { provider: "sandbox", captureMethod: "manual" } });
    expect(manual.body).toEqual({ provider: "sandbox", captureMethod: "manual" });
    expect((await f.admin("/settings/payments")).body).toEqual({ provider: "sandbox", captureMethod: "manual" });
    const p = await f.pay(second);
    expect(p.status).toBe(201);
    const order = await f.complete(second);
    expect(order.status).toBe(201);
    expect(order.body.status).toBe("pending");
    const detail = await f.admin(`/orders/${order.body.id}`);
    expect(detail.body.payment).toMatchObject({ captureMethod: "manual", status: "authorized" });
  });

  test("stores on one platform do not share config: a rate change in one leaves the other's carts alone", async () => {
    await using a = await checkoutFixture({ t });
    await using b = await checkoutFixture({ t });
    const va = await a.product(4_000, 5);
    const vb = await b.product(4_000, 5);
    const cartA = await a.readyCart([{ variantId: va, quantity: 1 }]);
    const cartB = await b.readyCart([{ variantId: vb, quantity: 1 }]);
    expect((await a.store(`/carts/${cartA}`)).body.taxTotal.amount).toBe(667 + 82);
    expect((await b.store(`/carts/${cartB}`)).body.taxTotal.amount).toBe(667 + 82);
    expect((await a.admin(`/tax-zones/${await frZoneId(a)}/rates/standard`, { method: "PUT", json: { rate: "10" } })).status).toBe(200);
    expect((await a.store(`/carts/${cartA}`)).body.taxTotal.amount).toBe(364 + 45);
    expect((await b.store(`/carts/${cartB}`)).body.taxTotal.amount).toBe(667 + 82);
  });

  test("a write that bypasses the modules is served from the memo until the store is reopened, which starts empty", async () => {
    await using f = await checkoutFixture({ t });
    const v = await f.product(4_000, 5);
    const cartId = await f.readyCart([{ variantId: v, quantity: 1 }]);
    expect((await f.store(`/carts/${cartId}`)).body.taxTotal.amount).toBe(667 + 82);
    // As another process would (the CLI): straight to the file, no invalidation in this process.
    const store = await t.platform.pool.get(f.s.id);
    const zoneId = await frZoneId(f);
    await store.db.update(taxRates).set({ ratePpm: 100_000 }).where(and(eq(taxRates.zoneId, zoneId), eq(taxRates.category, "standard")));
    expect((await f.store(`/carts/${cartId}`)).body.taxTotal.amount).toBe(667 + 82);
    // A reopened handle has its own, empty memo.
    await t.platform.pool.close(f.s.id);
    const reopened = await t.platform.pool.get(f.s.id);
    expect(reopened).not.toBe(store);
    expect((await f.store(`/carts/${cartId}`)).body.taxTotal.amount).toBe(364 + 45);
  });
});
