// Checkout over HTTP against a running server (issue 4, acceptance 6): the 8-call storefront flow run sequentially
// (p50/p95 per checkout) and N checkouts started at once on one store (p95, errors, oversells, checkouts/s).
//   1 GET product · 2 POST cart with items · 3 PATCH e-mail + address · 4 GET shipping options ·
//   5 PUT shipping method · 6 POST payment (sandbox 4242…) · 7 POST complete · 8 GET order?token
// Goals: sequential p95 ≤ 30 ms; concurrent (100) p95 ≤ 250 ms with 0 errors. Nothing here asserts a time.
//
//   bun bench/checkout.ts <baseUrl> <pk> [sk]      (run.ts imports runCheckoutBench instead)
// With a secret key the bench creates its own product with exactly enough stock and a shipping zone for FR when
// none exists, then checks oversells (orders placed vs. stock taken, stock never negative). Without one it uses the
// first product with a variant in stock (the demo store's seed) and cannot count oversells.
import { percentile, round } from "./lib.ts";

export interface CheckoutBenchOptions {
  /** Secret key of the same store: set-up and the oversell check. */
  sk?: string;
  sequential?: number;
  concurrent?: number;
  /** Checkouts run and not measured first (default 30). */
  warmup?: number;
}

export interface CheckoutBenchResult {
  sequential: { checkouts: number; p50Ms: number; p95Ms: number; errors: number; checkoutsPerS: number };
  concurrent: { checkouts: number; p50Ms: number; p95Ms: number; errors: number; outOfStock: number; checkoutsPerS: number };
  /** Failed checkouts by status and reason, e.g. "429 rate_limit.store" when the store's plan limit is too low. */
  errorReasons: Record<string, number>;
  /** null when no secret key was given (nothing to compare with). */
  oversells: number | null;
  callsPerCheckout: number;
}

const ADDRESS = { firstName: "Bench", lastName: "Buyer", line1: "1 rue de Rivoli", city: "Paris", postalCode: "75001", countryCode: "FR" };

class CallError extends Error {
  constructor(readonly status: number, readonly reason: string) {
    super(`${status} ${reason}`);
  }
}

// Responses are `any`: the bench reads a few fields of JSON bodies whose schema is the OpenAPI document's concern.
function client(baseUrl: string, headers: Record<string, string>) {
  return async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json: any = await res.json();
    if (res.status >= 300) throw new CallError(res.status, json?.error?.reason ?? "unknown");
    return json;
  };
}

async function setUp(baseUrl: string, sk: string, units: number): Promise<string> {
  const admin = client(baseUrl, { authorization: `Bearer ${sk}` });
  const zones = await admin("GET", "/v1/admin/shipping-zones?limit=100");
  if (!zones.data.some((z: any) => z.countries.includes("FR"))) {
    await admin("POST", "/v1/admin/shipping-zones", { name: "Bench FR", countries: ["FR"], rates: [{ name: "Standard", carrier: "La Poste", type: "flat", currency: "EUR", amount: 490 }] });
  }
  const settings = await admin("GET", "/v1/admin/settings");
  const p = await admin("POST", "/v1/admin/products", {
    title: `Bench tee ${Date.now()}`, status: "active", variants: [{ sku: `BENCH-${Date.now()}`, prices: [{ currency: settings.defaultCurrency, amount: 2_500 }] }],
  });
  const variantId = p.variants[0].id as string;
  await admin("POST", "/v1/admin/inventory/adjustments", { variantId, delta: units, reason: "received" });
  return p.handle ?? p.id;
}

async function pickProduct(store: ReturnType<typeof client>): Promise<string> {
  const list = await store("GET", "/v1/store/products?limit=20");
  if (!list.data.length) throw new Error("the store has no published product; pass a secret key so the bench creates one");
  return list.data[0].handle ?? list.data[0].id;
}

/** A call of the storefront API: method, path under /v1/store, optional JSON body → the parsed 2xx body (or throw). */
export type StoreCall = (method: string, path: string, body?: unknown) => Promise<any>;

/** The 8 calls of one checkout, in order; bench/checkout-cost.ts runs the same flow in process. */
export async function checkoutFlow(store: StoreCall, product: string, email: string): Promise<void> {
  const p = await store("GET", `/products/${product}`);
  const variantId = p.variants[0].id;
  const cart = await store("POST", "/carts", { items: [{ variantId, quantity: 1 }] });
  await store("PATCH", `/carts/${cart.id}`, { email, shippingAddress: ADDRESS });
  const options = await store("GET", `/carts/${cart.id}/shipping-options`);
  await store("PUT", `/carts/${cart.id}/shipping-method`, { optionId: options.data[0].id });
  await store("POST", `/carts/${cart.id}/payment`, { provider: "sandbox", data: { card: "4242424242424242" } });
  const order = await store("POST", `/carts/${cart.id}/complete`);
  await store("GET", `/orders/${order.id}?token=${order.token}`);
}

/** One full checkout over HTTP, timed end to end. */
async function checkout(store: ReturnType<typeof client>, product: string, i: number): Promise<number> {
  const t0 = performance.now();
  await checkoutFlow((method, path, body) => store(method, `/v1/store${path}`, body), product, `bench${i}@example.com`);
  return performance.now() - t0;
}

async function availableOf(baseUrl: string, sk: string, product: string): Promise<{ variantId: string; available: number }> {
  const admin = client(baseUrl, { authorization: `Bearer ${sk}` });
  const store = await admin("GET", `/v1/admin/products?limit=100`);
  const p = store.data.find((x: any) => x.handle === product || x.id === product);
  const variantId = p.variants[0].id as string;
  const s = await admin("GET", `/v1/admin/inventory/variants/${variantId}`);
  return { variantId, available: Number(s.available ?? s.totals?.available) };
}

export async function runCheckoutBench(baseUrl: string, pk: string, opts: CheckoutBenchOptions = {}): Promise<CheckoutBenchResult> {
  const sequentialN = opts.sequential ?? 50;
  const concurrentN = opts.concurrent ?? 100;
  const store = client(baseUrl, { "x-publishable-key": pk });
  const warmupN = opts.warmup ?? 30;
  const product = opts.sk ? await setUp(baseUrl, opts.sk, sequentialN + concurrentN + warmupN) : await pickProduct(store);
  // Warm-up, as the HTTP rows' 1 s: prepared statements, caches and the JIT. With 5 checkouts the first ~10 measured
  // ones still ran colder code, ~1.5× slower, and they were the sequential p95 (measured 2026-11-22).
  for (let i = 0; i < warmupN; i++) await checkout(store, product, -1 - i);

  const seq: number[] = [];
  let seqErrors = 0;
  const errorReasons: Record<string, number> = {};
  const note = (e: unknown) => {
    const k = e instanceof CallError ? `${e.status} ${e.reason}` : String(e);
    errorReasons[k] = (errorReasons[k] ?? 0) + 1;
  };
  const s0 = performance.now();
  for (let i = 0; i < sequentialN; i++) {
    try {
      seq.push(await checkout(store, product, i));
    } catch (e) {
      seqErrors++;
      note(e);
    }
  }
  const seqWall = performance.now() - s0;

  const c0 = performance.now();
  const settled = await Promise.allSettled(Array.from({ length: concurrentN }, (_, i) => checkout(store, product, 10_000 + i)));
  const conWall = performance.now() - c0;
  const conc = settled.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failures = settled.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
  const outOfStock = failures.filter((e) => e instanceof CallError && e.reason === "cart.insufficient_stock").length;
  failures.forEach(note);

  let oversells: number | null = null;
  if (opts.sk) {
    const { available } = await availableOf(baseUrl, opts.sk, product);
    // Every warm-up checkout sold one unit (a failed one throws before the bench goes on).
    const sold = warmupN + seq.length + conc.length;
    const stocked = sequentialN + concurrentN + warmupN;
    // An oversell is a sale beyond the stock: available below zero, or more orders than stock taken.
    oversells = Math.max(0, -available) + Math.max(0, sold - (stocked - Math.max(0, available)));
  }
  return {
    sequential: { checkouts: seq.length, p50Ms: round(percentile(seq, 50)), p95Ms: round(percentile(seq, 95)), errors: seqErrors, checkoutsPerS: round((seq.length / seqWall) * 1000, 1) },
    concurrent: {
      checkouts: conc.length, p50Ms: round(percentile(conc, 50)), p95Ms: round(percentile(conc, 95)), errors: failures.length - outOfStock, outOfStock,
      checkoutsPerS: round((conc.length / conWall) * 1000, 1),
    },
    errorReasons,
    oversells,
    callsPerCheckout: 8,
  };
}

if (import.meta.main) {
  const [baseUrl, pk, sk] = process.argv.slice(2);
  if (!baseUrl || !pk) {
    process.stderr.write("usage: bun bench/checkout.ts <baseUrl> <pk> [sk]\n");
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await runCheckoutBench(baseUrl, pk, { sk }), null, 2)}\n`);
}
