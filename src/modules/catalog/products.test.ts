import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { desc } from "drizzle-orm";
import { auditLog } from "../audit/index.ts";
import { outbox } from "../../jobs/outbox.tables.ts";
import { catalogFixture, eur, productBody, type CatalogFixture } from "./catalog.testing.ts";

let f: CatalogFixture;
beforeAll(async () => {
  f = await catalogFixture();
});
afterAll(async () => {
  await f.t[Symbol.asyncDispose]();
});

async function lastAudit(action: string) {
  const db = (await f.t.platform.pool.get(f.s.id)).db;
  const rows = await db.select().from(auditLog).orderBy(desc(auditLog.seq)).limit(20);
  return rows.find((r) => r.action === action);
}

describe("admin products", () => {
  test("creates a product with nested options and variants; prices are Money, cost price shown to admins", async () => {
    const r = await f.admin("/products", { json: productBody({ title: "Crème Brûlée Mug", description: "<p onclick=\"x()\">Nice <script>alert(1)</script>mug</p>" }) });
    expect(r.status).toBe(201);
    const p = r.body;
    expect(p.id).toMatch(/^prod_/);
    expect(p.handle).toBe("creme-brulee-mug");
    expect(p.description).toBe("<p>Nice mug</p>");
    expect(p.options).toEqual([{ name: "Size", values: ["S", "M"] }]);
    expect(p.variants).toHaveLength(2);
    expect(p.variants[0].id).toMatch(/^var_/);
    expect(p.variants[0].title).toBe("Crème Brûlée Mug — S");
    expect(p.variants[0].costPrice).toEqual({ amount: 700, currency: "EUR" });
    expect(p.variants[1].prices).toEqual([{ amount: 1999, currency: "EUR" }, { amount: 2199, currency: "USD" }]);
    expect(p.variants[1].compareAtPrices).toEqual([{ amount: 2499, currency: "EUR" }]);
    expect(p.taxCategory).toBe("standard");
    expect(await lastAudit("product.created")).toBeDefined();
  });

  test("a derived handle gets a suffix when taken; an explicit taken handle is 409 product.handle_taken", async () => {
    const a = await f.admin("/products", { json: productBody({ title: "Duplicate Name" }) });
    const b = await f.admin("/products", { json: productBody({ title: "Duplicate Name" }) });
    expect(a.body.handle).toBe("duplicate-name");
    expect(b.body.handle).toBe("duplicate-name-2");
    const c = await f.admin("/products", { json: productBody({ handle: "duplicate-name" }) });
    expect(c.status).toBe(409);
    expect(c.body.error.reason).toBe("product.handle_taken");
    const d = await f.admin(`/products/${b.body.id}`, { method: "PATCH", json: { handle: "duplicate-name" } });
    expect(d.status).toBe(409);
    expect(d.body.error.reason).toBe("product.handle_taken");
  });

  test("a variant without a price in the default currency is 422 variant.price_required", async () => {
    const r = await f.admin("/products", { json: productBody({ variants: [{ sku: "NOEUR-1", options: { Size: "S" }, prices: [{ currency: "USD", amount: 100 }] }] }) });
    expect(r.status).toBe(422);
    expect(r.body.error.reason).toBe("variant.price_required");
    const empty = await f.admin("/products", { json: productBody({ variants: [{ sku: "NOEUR-2", options: { Size: "S" }, prices: [] }] }) });
    expect(empty.body.error.reason).toBe("variant.price_required");
  });

  test("a duplicate sku is 409 variant.sku_taken, in the same request or against another product", async () => {
    const first = await f.admin("/products", { json: productBody() });
    const sku = first.body.variants[0].sku;
    const other = await f.admin("/products", { json: productBody({ variants: [{ sku, options: { Size: "S" }, prices: eur(100) }] }) });
    expect(other.status).toBe(409);
    expect(other.body.error.reason).toBe("variant.sku_taken");
    const same = await f.admin("/products", {
      json: productBody({ variants: [{ sku: "TWICE", options: { Size: "S" }, prices: eur(100) }, { sku: "TWICE", options: { Size: "M" }, prices: eur(100) }] }),
    });
    expect(same.status).toBe(409);
    expect(same.body.error.reason).toBe("variant.sku_taken");
  });

  test("option rules: unknown option, unknown value, missing value, duplicate combination → 422", async () => {
    const bad = async (variants: unknown[]) => (await f.admin("/products", { json: productBody({ variants }) })).body.error.reason;
    expect(await bad([{ options: { Colour: "Red", Size: "S" }, prices: eur(1) }])).toBe("variant.unknown_option");
    expect(await bad([{ options: { Size: "XXL" }, prices: eur(1) }])).toBe("variant.unknown_option_value");
    expect(await bad([{ options: {}, prices: eur(1) }])).toBe("variant.option_required");
    expect(await bad([{ options: { Size: "S" }, prices: eur(1) }, { options: { Size: "S" }, prices: eur(2) }])).toBe("variant.duplicate_options");
    expect(await bad([{ options: { Size: "S" }, prices: [{ currency: "XXX", amount: 1 }, ...eur(1)] }])).toBe("variant.unknown_currency");
    const floats = await f.admin("/products", { json: productBody({ variants: [{ options: { Size: "S" }, prices: eur(19.99) }] }) });
    expect(floats.status).toBe(422); // money is integer minor units, never a float
  });

  test("unknown fields and bad handles are rejected at the edge", async () => {
    expect((await f.admin("/products", { json: { ...productBody(), price: 5 } })).status).toBe(422);
    expect((await f.admin("/products", { json: productBody({ handle: "Not A Slug" }) })).status).toBe(422);
  });

  test("reads, lists (cursor pages, status filter, q) and updates", async () => {
    const p = (await f.admin("/products", { json: productBody({ title: "Listable Lamp", status: "draft" }) })).body;
    expect((await f.admin(`/products/${p.id}`)).body.title).toBe("Listable Lamp");
    const drafts = await f.admin("/products?status=draft&limit=100");
    expect(drafts.body.data.map((x: { id: string }) => x.id)).toContain(p.id);
    expect(drafts.body.data.every((x: { status: string }) => x.status === "draft")).toBe(true);
    expect((await f.admin("/products?q=lamp")).body.data.map((x: { id: string }) => x.id)).toEqual([p.id]);
    const page1 = await f.admin("/products?limit=2");
    expect(page1.body.data).toHaveLength(2);
    const page2 = await f.admin(`/products?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data[0].id).not.toBe(page1.body.data[1].id);
    expect((await f.admin("/products?cursor=garbage")).body.error.reason).toBe("pagination.invalid_cursor");

    const u = await f.admin(`/products/${p.id}`, {
      method: "PATCH",
      json: { title: "Listed Lamp", tags: ["light", "Light", " home "], taxCategory: "reduced", seoTitle: "Lamp", description: "<a href=\"javascript:x\">x</a>" },
    });
    expect(u.status).toBe(200);
    expect(u.body.title).toBe("Listed Lamp");
    expect(u.body.tags).toEqual(["light", "home"]);
    expect(u.body.taxCategory).toBe("reduced");
    expect(u.body.description).toBe("<a>x</a>");
    expect(u.body.variants[0].title).toBe("Listed Lamp — S");
  });

  test("options can change only if existing variants still fit", async () => {
    const p = (await f.admin("/products", { json: productBody() })).body;
    const grow = await f.admin(`/products/${p.id}`, { method: "PATCH", json: { options: [{ name: "Size", values: ["S", "M", "L"] }] } });
    expect(grow.body.options[0].values).toEqual(["S", "M", "L"]);
    const shrink = await f.admin(`/products/${p.id}`, { method: "PATCH", json: { options: [{ name: "Size", values: ["L"] }] } });
    expect(shrink.status).toBe(422);
    expect(shrink.body.error.reason).toBe("product.options_in_use");
  });

  test("status change and delete are audited; deleted → 404", async () => {
    const p = (await f.admin("/products", { json: productBody({ status: "draft" }) })).body;
    await f.admin(`/products/${p.id}`, { method: "PATCH", json: { status: "active" } });
    const a = await lastAudit("product.status_changed");
    expect(a?.targetId).toBe(p.id);
    expect(a?.before).toEqual({ status: "draft" });
    expect(a?.after).toEqual({ status: "active" });
    expect((await f.admin(`/products/${p.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await lastAudit("product.deleted"))?.targetId).toBe(p.id);
    expect((await f.admin(`/products/${p.id}`)).status).toBe(404);
    expect((await f.admin(`/products/${p.id}`, { method: "DELETE" })).status).toBe(404);
  });

  test("bulk status change reports per item and does not fail all on one bad id", async () => {
    const a = (await f.admin("/products", { json: productBody({ status: "draft" }) })).body;
    const b = (await f.admin("/products", { json: productBody({ status: "draft" }) })).body;
    const missing = "prod_01ARZ3NDEKTSV4RRFFQ69G5FAV";
    const r = await f.admin("/products/bulk-status", { json: { ids: [a.id, missing, b.id, "junk"], status: "archived" } });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { ok: boolean }) => x.ok)).toEqual([true, false, true, false]);
    expect(r.body.results[1].error.reason).toBe("product.not_found");
    expect((await f.admin(`/products/${a.id}`)).body.status).toBe("archived");
    expect((await f.admin(`/products/${b.id}`)).body.status).toBe("archived");
  });

  test("create, update, variant change and delete each write a product event to the outbox", async () => {
    const p = (await f.admin("/products", { json: productBody() })).body;
    await f.admin(`/products/${p.id}`, { method: "PATCH", json: { title: "Evented" } });
    await f.admin(`/products/${p.id}/variants/${p.variants[0].id}`, { method: "PATCH", json: { prices: eur(123) } });
    await f.admin(`/products/${p.id}`, { method: "DELETE" });
    const db = (await f.t.platform.pool.get(f.s.id)).db;
    const rows = (await db.select().from(outbox).orderBy(outbox.id)).filter((r) => (r.payload as { productId?: string }).productId === p.id);
    expect(rows.every((r) => r.topic === "event")).toBe(true);
    expect(rows.map((r) => (r.payload as { type: string }).type)).toEqual(["product.created", "product.updated", "product.updated", "product.deleted"]);
  });
});
