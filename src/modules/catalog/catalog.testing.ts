// Test helpers of the catalog module: a platform with one store and short request helpers.
import { Value } from "@sinclair/typebox/value";
import type { TSchema } from "elysia";
import { adminHeaders, createTestPlatform, storeHeaders, type TestPlatform, type TestStore } from "../../testing/harness.ts";

// Bodies are `any`: tests read arbitrary fields of JSON responses and assert on them.
export interface CatalogFixture {
  t: TestPlatform;
  s: TestStore;
  admin(path: string, init?: { method?: string; json?: unknown; body?: BodyInit }): Promise<{ status: number; body: any }>;
  store(path: string): Promise<{ status: number; body: any; res: Response }>;
}

export async function catalogFixture(t?: TestPlatform): Promise<CatalogFixture> {
  const platform = t ?? (await createTestPlatform());
  const s = await platform.createStore();
  return {
    t: platform,
    s,
    async admin(path, init = {}) {
      const res = await platform.request(`/v1/admin${path}`, { method: init.method ?? (init.json === undefined && init.body === undefined ? "GET" : "POST"), headers: adminHeaders(s.sk), json: init.json, body: init.body });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    async store(path) {
      const res = await platform.request(`/v1/store${path}`, { headers: storeHeaders(s.pk) });
      return { status: res.status, body: await res.clone().json(), res };
    },
  };
}

export const eur = (amount: number, extra: Record<string, unknown> = {}) => [{ currency: "EUR", amount, ...extra }];

let n = 0;
/** A product body with two size variants; `over` replaces any field. */
export function productBody(over: Record<string, unknown> = {}) {
  n++;
  return {
    title: `Test Tee ${n}`,
    status: "active",
    tags: ["cotton"],
    options: [{ name: "Size", values: ["S", "M"] }],
    variants: [
      { sku: `T${n}-S`, options: { Size: "S" }, prices: eur(1999), costPrice: 700 },
      { sku: `T${n}-M`, options: { Size: "M" }, prices: [{ currency: "EUR", amount: 1999, compareAtAmount: 2499 }, { currency: "USD", amount: 2199 }], costPrice: 750 },
    ],
    ...over,
  };
}

/** Asserts that a response body matches its declared schema (store responses are pre-serialized, so not checked by Elysia). */
export function matches(schema: TSchema, value: unknown): string[] {
  return [...Value.Errors(schema, value)].map((e) => `${e.path}: ${e.message}`);
}
