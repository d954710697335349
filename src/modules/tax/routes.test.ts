import { afterAll, describe, expect, test } from "bun:test";
import { count, eq } from "drizzle-orm";
import { adminHeaders, createTestPlatform } from "../../testing/harness.ts";
import { auditLog } from "../audit/index.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { seedTaxes } from "./seed.ts";

const t = await createTestPlatform();
afterAll(() => t[Symbol.asyncDispose]());
const A = await t.createStore("Tax A");
const B = await t.createStore("Tax B");
const a = (path: string, init: { method?: string; json?: unknown } = {}) => t.request(path, { ...init, headers: adminHeaders(A.sk) });
const b = (path: string, init: { method?: string; json?: unknown } = {}) => t.request(path, { ...init, headers: adminHeaders(B.sk) });

const frZone = { name: "France", countryCode: "FR", rates: [{ category: "standard", rate: "20" }, { category: "reduced", rate: "5.5" }] };

describe("tax zones admin API", () => {
  test("create, read, list, rename, set and remove rates, delete — each change audited", async () => {
    const res = await a("/v1/admin/tax-zones", { method: "POST", json: frZone });
    expect(res.status).toBe(201);
    const zone = await res.json();
    expect(zone).toMatchObject({ name: "France", countryCode: "FR", region: null });
    expect(zone.rates).toEqual([
      { category: "standard", name: "France standard", rate: "20", ratePpm: 200000 },
      { category: "reduced", name: "France reduced", rate: "5.5", ratePpm: 55000 },
    ]);
    expect((await (await a(`/v1/admin/tax-zones/${zone.id}`)).json()).id).toBe(zone.id);
    const list = await (await a("/v1/admin/tax-zones?countryCode=FR")).json();
    expect(list.data.map((z: { id: string }) => z.id)).toEqual([zone.id]);

    const renamed = await (await a(`/v1/admin/tax-zones/${zone.id}`, { method: "PATCH", json: { name: "France métropolitaine" } })).json();
    expect(renamed.name).toBe("France métropolitaine");
    const withZero = await (await a(`/v1/admin/tax-zones/${zone.id}/rates/zero`, { method: "PUT", json: { rate: "0", name: "Exempt" } })).json();
    expect(withZero.rates.map((r: { category: string }) => r.category)).toEqual(["standard", "reduced", "zero"]);
    const updated = await (await a(`/v1/admin/tax-zones/${zone.id}/rates/reduced`, { method: "PUT", json: { rate: "10" } })).json();
    expect(updated.rates[1]).toMatchObject({ rate: "10", ratePpm: 100000, name: "France reduced" });
    const removed = await (await a(`/v1/admin/tax-zones/${zone.id}/rates/zero`, { method: "DELETE" })).json();
    expect(removed.rates.length).toBe(2);
    expect((await a(`/v1/admin/tax-zones/${zone.id}/rates/zero`, { method: "DELETE" })).status).toBe(404);

    expect(await (await a(`/v1/admin/tax-zones/${zone.id}`, { method: "DELETE" })).json()).toEqual({ id: zone.id, deleted: true });
    expect((await a(`/v1/admin/tax-zones/${zone.id}`)).status).toBe(404);

    const store = await t.platform.pool.get(A.id);
    const audits = await store.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, zone.id));
    expect(audits.map((r) => r.action)).toEqual([
      "tax_zone.created", "tax_zone.updated", "tax_rate.set", "tax_rate.set", "tax_rate.deleted", "tax_zone.deleted",
    ]);
  });

  test("validation: duplicate place → 409, bad rate or country → 422 with a reason", async () => {
    const first = await a("/v1/admin/tax-zones", { method: "POST", json: { name: "Spain", countryCode: "ES" } });
    expect(first.status).toBe(201);
    const dup = await a("/v1/admin/tax-zones", { method: "POST", json: { name: "Spain again", countryCode: "ES" } });
    expect(dup.status).toBe(409);
    expect((await dup.json()).error.reason).toBe("tax.zone_exists");
    // A region of the same country is another place.
    expect((await a("/v1/admin/tax-zones", { method: "POST", json: { name: "Canarias", countryCode: "ES", region: "CN" } })).status).toBe(201);

    const tooHigh = await a("/v1/admin/tax-zones", { method: "POST", json: { name: "X", countryCode: "PT", rates: [{ category: "standard", rate: "150" }] } });
    expect(tooHigh.status).toBe(422);
    expect((await tooHigh.json()).error.reason).toBe("tax.invalid_rate");
    const twice = await a("/v1/admin/tax-zones", {
      method: "POST",
      json: { name: "X", countryCode: "PT", rates: [{ category: "standard", rate: "23" }, { category: "standard", rate: "13" }] },
    });
    expect((await twice.json()).error.reason).toBe("tax.duplicate_category");
    // Codes no address carries: "EL" is Greece's VAT prefix, its buyers' addresses say GR.
    for (const countryCode of ["EL", "XX", "UK"]) {
      const res = await a("/v1/admin/tax-zones", { method: "POST", json: { name: "X", countryCode, rates: [{ category: "standard", rate: "24" }] } });
      expect(res.status, countryCode).toBe(422);
      expect((await res.json()).error.reason).toBe("tax.unknown_country");
    }
    const origin = await a("/v1/admin/tax-settings", { method: "PATCH", json: { originCountry: "XX" } });
    expect(origin.status).toBe(422);
    expect((await origin.json()).error.reason).toBe("tax.unknown_country");
    for (const json of [
      { name: "X", countryCode: "fr" },
      { name: "X", countryCode: "PT", rates: [{ category: "standard", rate: "19.99999" }] },
      { name: "X", countryCode: "PT", rates: [{ category: "luxury", rate: "20" }] },
      { name: "X", countryCode: "PT", extra: true },
    ]) {
      const res = await a("/v1/admin/tax-zones", { method: "POST", json });
      expect(res.status, JSON.stringify(json)).toBe(422);
    }
    expect((await a("/v1/admin/tax-zones/txz_nope")).status).toBe(404);
  });

  test("isolation: another store's zone id → 404 on every route, and nothing changes", async () => {
    const zone = await (await b("/v1/admin/tax-zones", { method: "POST", json: { ...frZone, name: "B France" } })).json();
    for (const [method, path, json] of [
      ["GET", `/v1/admin/tax-zones/${zone.id}`, undefined],
      ["PATCH", `/v1/admin/tax-zones/${zone.id}`, { name: "hijack" }],
      ["DELETE", `/v1/admin/tax-zones/${zone.id}`, undefined],
      ["PUT", `/v1/admin/tax-zones/${zone.id}/rates/standard`, { rate: "1" }],
      ["DELETE", `/v1/admin/tax-zones/${zone.id}/rates/standard`, undefined],
    ] as const) {
      const res = await a(path, { method, json });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect((await res.json()).error.reason).toBe("tax_zone.not_found");
    }
    const still = await (await b(`/v1/admin/tax-zones/${zone.id}`)).json();
    expect([still.name, still.rates[0].rate]).toEqual(["B France", "20"]);
    const listA = await (await a("/v1/admin/tax-zones")).json();
    expect(listA.data.map((z: { id: string }) => z.id)).not.toContain(zone.id);
  });
});

describe("tax settings and quotes", () => {
  test("settings default to tax-inclusive, update and audit", async () => {
    expect(await (await b("/v1/admin/tax-settings")).json()).toEqual({ pricesIncludeTax: true, originCountry: null, shippingTaxCategory: "standard", updatedAt: null });
    const res = await b("/v1/admin/tax-settings", { method: "PATCH", json: { pricesIncludeTax: false, originCountry: "FR" } });
    expect(await res.json()).toMatchObject({ pricesIncludeTax: false, originCountry: "FR", shippingTaxCategory: "standard" });
    expect((await b("/v1/admin/tax-settings", { method: "PATCH", json: { originCountry: "France" } })).status).toBe(422);
    expect((await b("/v1/admin/tax-settings", { method: "PATCH", json: {} })).status).toBe(422); // nothing to change: not audited as a change
    const store = await t.platform.pool.get(B.id);
    const [n] = await store.db.select({ n: count() }).from(auditLog).where(eq(auditLog.action, "tax_settings.updated"));
    expect(n!.n).toBe(1);
  });

  test("a quote uses the store's zones and mode; reverse charge only with a well-formed number", async () => {
    const C = await t.createStore("Tax C");
    await seedTaxes(await systemCtx(t.platform, C.id, "seed"));
    await seedTaxes(await systemCtx(t.platform, C.id, "seed")); // idempotent
    const zones = await (await t.request("/v1/admin/tax-zones", { headers: adminHeaders(C.sk) })).json();
    expect(zones.data.length).toBe(6);
    const p1 = await (await t.request("/v1/admin/tax-zones?limit=4", { headers: adminHeaders(C.sk) })).json();
    const p2 = await (await t.request(`/v1/admin/tax-zones?limit=4&cursor=${p1.nextCursor}`, { headers: adminHeaders(C.sk) })).json();
    expect([...p1.data, ...p2.data].map((z: { id: string }) => z.id)).toEqual(zones.data.map((z: { id: string }) => z.id));
    expect(p2.nextCursor).toBeNull();
    const quote = (json: unknown) => t.request("/v1/admin/tax-quote", { method: "POST", headers: adminHeaders(C.sk), json });
    const body = {
      currency: "EUR",
      lines: [{ id: "l1", unitPrice: 1999, quantity: 1, taxCategory: "standard" }],
      shippingAmount: 490,
      address: { countryCode: "DE" },
    };
    const r = await (await quote(body)).json();
    // Inclusive (seed): 1999 × 19/119 = 319.17 → 319; shipping 490 × 19/119 = 78.24 → 78.
    expect(r.lines[0].tax).toEqual({ amount: 319, currency: "EUR" });
    expect(r.shipping.tax.amount).toBe(78);
    expect(r.taxTotal.amount).toBe(397);
    expect(r.grossTotal.amount).toBe(2489);
    const rc = await (await quote({ ...body, vatNumber: "DE123456789" })).json();
    expect([rc.reverseCharge, rc.taxTotal.amount, rc.grossTotal.amount]).toEqual([true, 0, 1680 + 412]);
    expect(rc.note).toContain("reverse charge");
    const bad = await (await quote({ ...body, vatNumber: "DE12345" })).json();
    expect([bad.reverseCharge, bad.vatNumberStatus, bad.taxTotal.amount]).toEqual([false, "malformed", 397]);
    expect((await quote({ ...body, currency: "XXX" })).status).toBe(422);
    // Amounts past exact integers (10^12 × 100,000) are the caller's: 422, not a 500.
    const huge = await quote({ ...body, lines: [{ id: "l1", unitPrice: 1_000_000_000_000, quantity: 100_000, taxCategory: "standard" }] });
    expect(huge.status).toBe(422);
    expect(((await huge.json()) as { error: { reason: string } }).error.reason).toBe("tax.amount_too_large");
  });
});
