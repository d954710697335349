import { afterAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { adminHeaders, createTestPlatform, storeHeaders } from "../../testing/harness.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { money } from "../../kernel/money.ts";
import { auditLog } from "../audit/index.ts";
import { priceRate } from "./options.ts";
import { seedShipping } from "./seed.ts";
import { shippingOptions } from "./zones.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Ship A");
const B = await t.createStore("Ship B");
const a = (path: string, init: { method?: string; json?: unknown } = {}) => t.request(`/v1/admin/shipping-zones${path}`, { ...init, headers: adminHeaders(A.sk) });
const b = (path: string, init: { method?: string; json?: unknown } = {}) => t.request(`/v1/admin/shipping-zones${path}`, { ...init, headers: adminHeaders(B.sk) });
const options = (pk: string, qs: string) => t.request(`/v1/store/shipping-options?${qs}`, { headers: storeHeaders(pk) });

const flat = { name: "Standard", carrier: "Colissimo", type: "flat", currency: "EUR", amount: 490, freeAbove: 6000 };
const weight = {
  name: "Parcel", carrier: "DHL", type: "weight", currency: "EUR",
  brackets: [{ maxGrams: 500, amount: 890 }, { maxGrams: 2000, amount: 1290 }],
};

describe("pricing rule", () => {
  test("flat, weight brackets (inclusive bounds), free above the subtotal, other currencies not offered", () => {
    const base = { amount: null, brackets: null, freeAbove: null, active: true };
    const f = { ...base, type: "flat" as const, currency: "EUR", amount: 490, freeAbove: 6000 };
    expect(priceRate(f, money(5999, "EUR"), 0)).toEqual(money(490, "EUR"));
    expect(priceRate(f, money(6000, "EUR"), 0)).toEqual(money(0, "EUR"));
    expect(priceRate(f, money(6000, "USD"), 0)).toBeNull();
    expect(priceRate({ ...f, active: false }, money(1, "EUR"), 0)).toBeNull();
    const w = { ...base, type: "weight" as const, currency: "EUR", brackets: weight.brackets };
    expect(priceRate(w, money(100, "EUR"), 500)?.amount).toBe(890);
    expect(priceRate(w, money(100, "EUR"), 501)?.amount).toBe(1290);
    expect(priceRate(w, money(100, "EUR"), 2001)).toBeNull();
  });
});

describe("shipping zones admin API", () => {
  test("create with rates, read, list, change countries, add/update/delete a rate, delete — audited", async () => {
    const res = await a("", { method: "POST", json: { name: "France", countries: ["FR", "MC"], rates: [flat] } });
    expect(res.status).toBe(201);
    const zone = await res.json();
    expect(zone).toMatchObject({ name: "France", countries: ["FR", "MC"] });
    expect(zone.rates[0]).toMatchObject({ ...flat, brackets: null, active: true, zoneId: zone.id });
    expect((await (await a(`/${zone.id}`)).json()).id).toBe(zone.id);
    expect((await (await a("")).json()).data.map((z: { id: string }) => z.id)).toContain(zone.id);

    const patched = await (await a(`/${zone.id}`, { method: "PATCH", json: { countries: ["FR"], name: "France métropolitaine" } })).json();
    expect([patched.name, patched.countries]).toEqual(["France métropolitaine", ["FR"]]);
    const rate = await (await a(`/${zone.id}/rates`, { method: "POST", json: weight })).json();
    expect(rate.brackets).toEqual(weight.brackets);
    const toFlat = await (await a(`/${zone.id}/rates/${rate.id}`, { method: "PATCH", json: { type: "flat", amount: 990 } })).json();
    expect([toFlat.type, toFlat.amount, toFlat.brackets]).toEqual(["flat", 990, null]);
    expect(await (await a(`/${zone.id}/rates/${rate.id}`, { method: "DELETE" })).json()).toEqual({ id: rate.id, deleted: true });
    expect((await a(`/${zone.id}/rates/${rate.id}`, { method: "PATCH", json: { amount: 1 } })).status).toBe(404);

    expect((await a(`/${zone.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await a(`/${zone.id}`)).status).toBe(404);
    const store = await t.platform.pool.get(A.id);
    const actions = (await store.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetType, "shipping_zone"))).map((r) => r.action);
    expect(actions).toEqual(["shipping_zone.created", "shipping_zone.updated", "shipping_zone.deleted"]);
  });

  test("validation: a country in two zones → 409; malformed rates → 422 with a reason", async () => {
    await a("", { method: "POST", json: { name: "Germany", countries: ["DE"] } });
    const dup = await a("", { method: "POST", json: { name: "DACH", countries: ["AT", "DE"] } });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error).toMatchObject({ reason: "shipping.country_in_other_zone", details: { countryCode: "DE" } });
    const cases: [unknown, string | null][] = [
      [{ name: "X", countries: ["PT", "PT"] }, "shipping.duplicate_country"],
      [{ name: "X", countries: ["PT"], rates: [{ ...flat, amount: undefined }] }, "shipping.invalid_rate"],
      [{ name: "X", countries: ["PT"], rates: [{ ...weight, amount: 100 }] }, "shipping.invalid_rate"],
      [{ name: "X", countries: ["PT"], rates: [{ ...weight, brackets: [{ maxGrams: 500, amount: 1 }, { maxGrams: 500, amount: 2 }] }] }, "shipping.invalid_brackets"],
      [{ name: "X", countries: ["PT"], rates: [{ ...flat, currency: "XXX" }] }, "shipping.unknown_currency"],
      // Codes no address carries: the zone would never match (UK buyers are GB, Greek ones GR).
      [{ name: "X", countries: ["UK"] }, "shipping.unknown_country"],
      [{ name: "X", countries: ["PT", "XX"] }, "shipping.unknown_country"],
      [{ name: "X", countries: ["pt"] }, null],
      [{ name: "X", countries: [] }, null],
      [{ name: "X", countries: ["PT"], rates: [{ ...flat, amount: 4.9 }] }, null],
      [{ name: "X", countries: ["PT"], rates: [{ ...flat, type: "pigeon" }] }, null],
    ];
    for (const [json, reason] of cases) {
      const res = await a("", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(422);
      if (reason) expect((await res.json()).error.reason, JSON.stringify(json)).toBe(reason);
    }
    // Nothing half-written: PT is still free.
    expect((await a("", { method: "POST", json: { name: "Portugal", countries: ["PT"] } })).status).toBe(201);
  });

  test("isolation: another store's zone and rate ids → 404 on every route", async () => {
    const zone = await (await b("", { method: "POST", json: { name: "B zone", countries: ["FR"], rates: [flat] } })).json();
    const rateId = zone.rates[0].id;
    for (const [method, path, json] of [
      ["GET", `/${zone.id}`, undefined],
      ["PATCH", `/${zone.id}`, { name: "hijack" }],
      ["DELETE", `/${zone.id}`, undefined],
      ["POST", `/${zone.id}/rates`, flat],
      ["PATCH", `/${zone.id}/rates/${rateId}`, { amount: 1 }],
      ["DELETE", `/${zone.id}/rates/${rateId}`, undefined],
    ] as const) {
      const res = await a(path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
    const still = await (await b(`/${zone.id}`)).json();
    expect([still.name, still.rates[0].amount]).toEqual(["B zone", 490]);
    // And B's zone does not give A's storefront any option.
    expect((await (await options(A.pk, "countryCode=FR&currency=EUR&subtotal=1000")).json()).data).toEqual([]);
  });
});

describe("shipping options", () => {
  test("the seeded zones: France flat €4.90 free from €60, EU by weight; unknown country → none", async () => {
    const C = await t.createStore("Ship C");
    const ctx = await systemCtx(t.platform, C.id, "seed");
    await seedShipping(ctx);
    expect(await seedShipping(ctx)).toContain("already");
    const fr = await (await options(C.pk, "countryCode=FR&currency=EUR&subtotal=2500&weightGrams=300")).json();
    expect(fr.data.map((o: { carrier: string; price: { amount: number } }) => [o.carrier, o.price.amount])).toEqual([["Colissimo", 490], ["Chronopost", 1290]]);
    expect(fr.data[0]).toMatchObject({ name: "Standard", zoneName: "France", free: false, price: { amount: 490, currency: "EUR" } });
    const frFree = await (await options(C.pk, "countryCode=FR&currency=EUR&subtotal=6000")).json();
    expect(frFree.data[0]).toMatchObject({ carrier: "Colissimo", free: true, price: { amount: 0, currency: "EUR" } });
    const de = await shippingOptions(ctx, { address: { countryCode: "de" }, subtotal: money(2500, "EUR"), weightGrams: 1200 });
    expect(de.map((o) => [o.carrier, o.price.amount])).toEqual([["DHL", 1290]]);
    expect(await shippingOptions(ctx, { address: { countryCode: "DE" }, subtotal: money(2500, "EUR"), weightGrams: 20_000 })).toEqual([]);
    expect((await (await options(C.pk, "countryCode=US&currency=EUR&subtotal=2500")).json()).data).toEqual([]);
    expect((await (await options(C.pk, "countryCode=FR&currency=USD&subtotal=2500")).json()).data).toEqual([]);
  });

  test("the store route validates its query and needs a publishable key", async () => {
    expect((await options(A.pk, "countryCode=FR&currency=EUR")).status).toBe(422);
    expect((await options(A.pk, "countryCode=FR&currency=XXX&subtotal=1")).status).toBe(422);
    expect((await options(A.pk, "countryCode=France&currency=EUR&subtotal=1")).status).toBe(422);
    expect((await t.request("/v1/store/shipping-options?countryCode=FR&currency=EUR&subtotal=1")).status).toBe(401);
  });
});
