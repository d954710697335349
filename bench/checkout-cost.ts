// What one checkout costs the store database, counted rather than timed (counts do not drift with a noisy machine):
// the 8-call storefront flow of bench/checkout.ts through app.handle in this process, with the store's LocalClient
// counters (src/db/local-client.ts `stats`): SQL statements run (BEGIN/COMMIT included), transactions that
// committed changes, and WAL fdatasyncs. The job workers run, and after each checkout the bench waits for them to
// finish (outbox relay, order e-mail, events): their statements are counted apart. Also the mean wall time of the
// 8 calls in process (no HTTP: a floor for the HTTP run).
// Then `concurrent` checkouts at once, in process, as the HTTP bench's concurrent run does (after one unmeasured
// round): the wall time of the round, and the time the JS thread spent inside database statements (SQLite and
// building rows, local-client.ts `stats.statementMs`) per checkout, background work included. The JS thread runs
// those statements one after the other, so `concurrent` × that time is a floor under the round's wall time that no
// scheduling can beat: the database's share alone, before routing, validation, JSON, HTTP and the client.
//
//   bun bench/checkout-cost.ts            (run.ts imports runCheckoutCost)
import { checkoutFixture } from "../src/modules/checkout/checkout.testing.ts";
import { checkoutFlow, type StoreCall } from "./checkout.ts";
import type { LocalClient } from "../src/db/local-client.ts";
import { drainJobs, startTestJobs } from "../src/jobs/testing.ts";
import { readFileSync } from "node:fs";

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
  /** `checkouts` started at once in process (see the header); null when not asked for. */
  concurrent: ConcurrentCost | null;
}

export interface ConcurrentCost {
  checkouts: number;
  /** From the first call to the last answer of the round. */
  wallMs: number;
  /** Per checkout: time of the JS thread inside store database statements, the background work it causes included. */
  statementMs: number;
  statements: number;
  /** Per checkout: CPU of the JS (main) thread, from /proc (Linux; null elsewhere). */
  mainThreadCpuMs: number | null;
}

/** CPU ms of this process's main thread so far (utime + stime, 10 ms ticks), or null where /proc has no answer. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

export async function runCheckoutCost(n = 50, concurrent = 0): Promise<CheckoutCost> {
  await using f = await checkoutFixture();
  await startTestJobs(f.t.platform);
  const variantId = await f.product(2_500, n + 10 + 2 * concurrent);
  const client = (await f.t.platform.pool.get(f.s.id)).client as LocalClient;
  const products = (await f.admin("/products?limit=100")).body as { data: Array<{ handle: string; variants: Array<{ id: string }> }> };
  const handle = products.data.find((p) => p.variants.some((v) => v.id === variantId))!.handle;
  // Calls named like the table rows: "POST cart", "PUT shipping-method", … (ids stripped from the path).
  const perCall = new Map<string, number>();
  const singular: Record<string, string> = { carts: "cart", orders: "order", products: "product" };
  const nameOf = (method: string, path: string) => {
    const last = path.replace(/\?.*$/, "").split("/").filter((s) => s && !/_[0-9A-Z]{26}$/.test(s)).at(-1)!;
    return `${method} ${singular[last] ?? last}`;
  };
  let counting = false;
  const call: StoreCall = async (method, path, body) => {
    const before = client.stats.statements;
    const r = await f.store(path, { method, json: body });
    const name = path.startsWith("/products/") ? `${method} product` : nameOf(method, path);
    if (counting) perCall.set(name, (perCall.get(name) ?? 0) + client.stats.statements - before);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const one = (i: number) => checkoutFlow(call, handle, `cost${i}@example.com`);
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
  counting = false;
  let conc: ConcurrentCost | null = null;
  if (concurrent > 0) {
    const round = (from: number) => Promise.all(Array.from({ length: concurrent }, (_, i) => one(from + i)));
    await round(100_000); // unmeasured: the JIT meets the concurrent interleaving once
    await drainJobs(f.t.platform);
    const s0 = { ...client.stats };
    const cpu0 = mainThreadCpuMs();
    const t0 = performance.now();
    await round(200_000);
    const wallMs = performance.now() - t0;
    await drainJobs(f.t.platform);
    const cpu1 = mainThreadCpuMs();
    conc = {
      checkouts: concurrent,
      wallMs,
      statementMs: (client.stats.statementMs - s0.statementMs) / concurrent,
      statements: (client.stats.statements - s0.statements) / concurrent,
      mainThreadCpuMs: cpu0 === null || cpu1 === null ? null : (cpu1 - cpu0) / concurrent,
    };
  }
  return {
    checkouts: n,
    statements: fg.statements / n,
    commits: fg.commits / n,
    syncs: fg.syncs / n,
    perCall: [...perCall].map(([c, statements]) => ({ call: c, statements: statements / n })),
    background: { statements: bg.statements / n, commits: bg.commits / n, syncs: bg.syncs / n },
    meanMs: ms / n,
    cpuMs: cpuUs / 1000 / n,
    concurrent: conc,
  };
}

if (import.meta.main) process.stdout.write(`${JSON.stringify(await runCheckoutCost(50, 100), null, 2)}\n`);
