// What one checkout costs the store database, counted rather than timed (counts do not drift with a noisy machine):
// the 8-call storefront flow of bench/checkout.ts through app.handle in this process, with the store's LocalClient
// counters (src/db/local-client.ts `stats`): SQL statements run (BEGIN/COMMIT included), transactions that
// committed changes, and WAL fdatasyncs. The job workers run, and after each checkout the bench waits for them to
// finish (outbox relay, order e-mail, events): their statements are counted apart. Also the mean wall time of the
// 8 calls in process (no HTTP: a floor for the HTTP run).
//
//   bun bench/checkout-cost.ts            (run.ts imports runCheckoutCost)
import { ADDRESS, CARD_OK, checkoutFixture } from "../src/modules/checkout/checkout.testing.ts";
import type { LocalClient } from "../src/db/local-client.ts";
import { drainJobs, startTestJobs } from "../src/jobs/testing.ts";

export interface CheckoutCost {
  checkouts: number;
  /** Per checkout, and per call of the flow. */
  statements: number;
  commits: number;
  syncs: number;
  perCall: Array<{ call: string; statements: number }>;
  /** Statements, commits and syncs of the background work one checkout causes (relay, e-mail, events). */
  background: { statements: number; commits: number; syncs: number };
  meanMs: number;
  /** CPU time (user + system, all threads of this process) per checkout, the 8 calls only: less noisy than wall time. */
  cpuMs: number;
}

export async function runCheckoutCost(n = 50): Promise<CheckoutCost> {
  await using f = await checkoutFixture();
  await startTestJobs(f.t.platform);
  const variantId = await f.product(2_500, n + 10);
  const client = (await f.t.platform.pool.get(f.s.id)).client as LocalClient;
  const products = (await f.admin("/products?limit=100")).body as { data: Array<{ handle: string; variants: Array<{ id: string }> }> };
  const handle = products.data.find((p) => p.variants.some((v) => v.id === variantId))!.handle;
  const calls = ["GET product", "POST cart", "PATCH cart", "GET shipping-options", "PUT shipping-method", "POST payment", "POST complete", "GET order"];
  const perCall = new Map(calls.map((c) => [c, 0]));
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as any; // the flow reads a few fields of JSON bodies whose schema the OpenAPI tests own
  };
  let counting = false;
  const step = async <T>(call: string, fn: () => Promise<T>): Promise<T> => {
    const before = client.stats.statements;
    const r = await fn();
    if (counting) perCall.set(call, perCall.get(call)! + client.stats.statements - before);
    return r;
  };
  const one = async (i: number) => {
    const p = ok(await step("GET product", () => f.store(`/products/${handle}`)), "product");
    const vid = p.variants[0].id;
    const cart = ok(await step("POST cart", () => f.store("/carts", { json: { items: [{ variantId: vid, quantity: 1 }] } })), "cart");
    ok(await step("PATCH cart", () => f.store(`/carts/${cart.id}`, { method: "PATCH", json: { email: `cost${i}@example.com`, shippingAddress: ADDRESS } })), "address");
    const options = ok(await step("GET shipping-options", () => f.store(`/carts/${cart.id}/shipping-options`)), "options");
    ok(await step("PUT shipping-method", () => f.store(`/carts/${cart.id}/shipping-method`, { method: "PUT", json: { optionId: options.data[0].id } })), "method");
    ok(await step("POST payment", () => f.pay(cart.id, CARD_OK)), "payment");
    const order = ok(await step("POST complete", () => f.complete(cart.id)), "complete");
    ok(await step("GET order", () => f.store(`/orders/${order.id}?token=${order.token}`)), "order");
  };
  for (let i = 0; i < 5; i++) await one(-1 - i); // warm-up: caches, prepared statements, JIT
  await drainJobs(f.t.platform);
  const fg = { statements: 0, commits: 0, syncs: 0 };
  const bg = { statements: 0, commits: 0, syncs: 0 };
  const add = (into: typeof fg, from: typeof fg, to: typeof fg) => {
    into.statements += to.statements - from.statements;
    into.commits += to.commits - from.commits;
    into.syncs += to.syncs - from.syncs;
  };
  counting = true;
  let ms = 0;
  let cpuUs = 0;
  for (let i = 0; i < n; i++) {
    const s0 = { ...client.stats };
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await one(i);
    ms += performance.now() - t0;
    const c = process.cpuUsage(c0);
    cpuUs += c.user + c.system;
    const s1 = { ...client.stats };
    await drainJobs(f.t.platform);
    add(fg, s0, s1);
    add(bg, s1, { ...client.stats });
  }
  return {
    checkouts: n,
    statements: fg.statements / n,
    commits: fg.commits / n,
    syncs: fg.syncs / n,
    perCall: calls.map((call) => ({ call, statements: perCall.get(call)! / n })),
    background: { statements: bg.statements / n, commits: bg.commits / n, syncs: bg.syncs / n },
    meanMs: ms / n,
    cpuMs: cpuUs / 1000 / n,
  };
}

if (import.meta.main) process.stdout.write(`${JSON.stringify(await runCheckoutCost(), null, 2)}\n`);
