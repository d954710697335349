// `bun run bench`: HTTP throughput of Trafi against a bare Bun.serve baseline measured in the same run (wrk on
// loopback), then store provisioning and `migrate` over many stores. Prints two tables and writes
// bench/results/<timestamp>.json and bench/results/latest.json. Numbers are meant to be read as ratios to the
// same-run baseline (STACK-NOTES "Load"); nothing here asserts a time.
//
//   bun run bench                 default: 5 s per HTTP target after a 1 s warm-up, 50 provisions, 1,000 stores
//   bun run bench --quick         2 s per target, 20 provisions, 200 stores
//   env BENCH_DURATION (s), BENCH_WARMUP (s), BENCH_CONNECTIONS, BENCH_THREADS, BENCH_PROVISION, BENCH_STORES,
//       BENCH_CHECKOUTS, BENCH_CHECKOUTS_CONCURRENT, BENCH_CHECKOUTS_WARMUP
import { arch, cpus, loadavg, platform as osPlatform, release, tmpdir } from "node:os";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Subprocess } from "bun";
import { eq } from "drizzle-orm";
import { loadConfig, type Config } from "../src/config.ts";
import { openPlatform } from "../src/platform.ts";
import { silentLogger } from "../src/kernel/logger.ts";
import { migrateAll, type MigrateReport } from "../src/cli/migrate.ts";
import { openControl } from "../src/tenancy/control.ts";
import { plans as plansTable, stores as storesTable } from "../src/tenancy/control.tables.ts";
import { storeDbPath, storeDir } from "../src/tenancy/pool.ts";
import { deriveFileKey, openClient } from "../src/db/client.ts";
import { latestVersion } from "../src/db/migrate.ts";
import { newId } from "../src/kernel/ids.ts";
import { runFlagsBench, GOAL as FLAGS_GOAL } from "./flags.ts";
import { runCheckoutBench, type CheckoutBenchResult } from "./checkout.ts";
import { runCheckoutCost } from "./checkout-cost.ts";
import { fmt, freePort, killAll, mean, parseWrk, percentile, round, run, stopProcess, table, track, waitForHttp, type WrkResult } from "./lib.ts";

const ROOT = resolve(import.meta.dir, "..");
const RESULTS_DIR = join(import.meta.dir, "results");
/** A fixed test key: the bench data is thrown away, so nothing secret is protected by it. */
const MASTER_KEY = "0123456789abcdef".repeat(4);
const WRK = process.env.BENCH_WRK ?? "/usr/bin/wrk";
const HARD_LIMIT_MS = 5 * 60_000; // a wedged child must not hang the run forever

/** Aggregate CPU times from /proc/stat (Linux), or null elsewhere. */
function cpuTimes(): number[] | null {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith("cpu "));
    return line ? line.trim().split(/\s+/).slice(1).map(Number) : null;
  } catch {
    return null;
  }
}

/** Steal (8th field) as a share of all CPU time between two samples. */
function stealPct(a: number[] | null, b: number[] | null): number | null {
  if (!a || !b || a.length < 8 || b.length < 8) return null;
  const total = b.reduce((s, v, i) => s + v - (a[i] ?? 0), 0);
  return total > 0 ? round((100 * (b[7]! - a[7]!)) / total, 1) : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters

const argv = process.argv.slice(2);
for (const a of argv) {
  if (a !== "--quick" && a !== "--help") {
    process.stderr.write(`bench: unknown argument "${a}" (use --quick, or env BENCH_*; see bench/README.md)\n`);
    process.exit(2);
  }
}
if (argv.includes("--help")) {
  process.stdout.write("Usage: bun run bench [--quick]\nEnv: BENCH_DURATION, BENCH_WARMUP, BENCH_CONNECTIONS, BENCH_THREADS, BENCH_PROVISION, BENCH_STORES, BENCH_CHECKOUTS, BENCH_CHECKOUTS_CONCURRENT, BENCH_CHECKOUTS_WARMUP\n");
  process.exit(0);
}
const quick = argv.includes("--quick");

function envInt(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`bench: ${name} must be a whole number from ${min} to ${max}, got "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

const cpuCount = cpus().length;
const params = {
  quick,
  durationS: envInt("BENCH_DURATION", quick ? 2 : 5, 1, 600),
  warmupS: envInt("BENCH_WARMUP", 1, 0, 60),
  connections: envInt("BENCH_CONNECTIONS", 50, 1, 10_000),
  // wrk and the server share the machine: on a small box one wrk thread leaves a core for the server.
  threads: envInt("BENCH_THREADS", cpuCount >= 4 ? 2 : 1, 1, 64),
  provisionN: envInt("BENCH_PROVISION", quick ? 20 : 50, 1, 10_000),
  migrateStores: envInt("BENCH_STORES", quick ? 200 : 1_000, 1, 100_000),
  checkoutSequential: envInt("BENCH_CHECKOUTS", quick ? 20 : 50, 1, 10_000),
  checkoutConcurrent: envInt("BENCH_CHECKOUTS_CONCURRENT", 100, 1, 10_000),
  checkoutWarmup: envInt("BENCH_CHECKOUTS_WARMUP", 30, 0, 10_000),
};
if (params.connections < params.threads) params.connections = params.threads;

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Cleanup: every child is tracked in lib.ts; the temp dir goes too, on success, error or Ctrl+C.

const tmpRoot = mkdtempSync(join(tmpdir(), "trafi-bench-"));
let cleaned = false;
async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  await killAll();
  rmSync(tmpRoot, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  process.once(sig, () => {
    log(`${sig}: stopping children and removing ${tmpRoot}`);
    void cleanup().finally(() => process.exit(130));
  });
}
const watchdog = setTimeout(() => {
  log(`still running after ${HARD_LIMIT_MS / 1000} s; giving up`);
  void cleanup().finally(() => process.exit(1));
}, HARD_LIMIT_MS);
watchdog.unref();

// ---------------------------------------------------------------------------------------------------------------
// HTTP

interface Target {
  name: string;
  url: string;
  headers?: Record<string, string>;
  /** A wrk Lua script (method, body, headers) instead of -H. */
  script?: string;
  scriptEnv?: Record<string, string>;
  /** A request sent once before wrk to check the route answers 2xx (wrk itself never shows bodies). */
  probe: RequestInit;
}

interface HttpRow {
  target: string;
  url: string;
  server: "baseline" | "trafi (warn)" | "trafi (info → /dev/null)";
  valid: boolean;
  notes: string[];
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  ratio: number;
  wrk: WrkResult | null;
}

async function wrk(t: Target, seconds: number): Promise<{ result: WrkResult | null; error?: string }> {
  const cmd = [WRK, `-t${params.threads}`, `-c${params.connections}`, `-d${seconds}s`, "--latency"];
  for (const [k, v] of Object.entries(t.headers ?? {})) cmd.push("-H", `${k}: ${v}`);
  if (t.script) cmd.push("-s", t.script);
  cmd.push(t.url);
  const r = await run(cmd, { env: { ...process.env, ...t.scriptEnv } });
  if (r.code !== 0) return { result: null, error: `wrk exited ${r.code}: ${(r.stderr || r.stdout).trim().split("\n")[0]}` };
  try {
    return { result: parseWrk(r.stdout) };
  } catch (e) {
    return { result: null, error: (e as Error).message.split("\n")[0] };
  }
}

async function measure(t: Target, server: HttpRow["server"]): Promise<HttpRow> {
  const row: HttpRow = { target: t.name, url: t.url, server, valid: true, notes: [], reqPerSec: NaN, p50Ms: NaN, p99Ms: NaN, ratio: NaN, wrk: null };
  try {
    const res = await fetch(t.url, { ...t.probe, signal: AbortSignal.timeout(5_000) });
    const body = await res.text();
    if (!res.ok) {
      row.valid = false;
      row.notes.push(`probe: HTTP ${res.status} ${body.slice(0, 200)}`);
    }
  } catch (e) {
    row.valid = false;
    row.notes.push(`probe failed: ${(e as Error).message}`);
  }
  log(`${t.name} [${server}]: ${params.warmupS} s warm-up, ${params.durationS} s measured`);
  if (params.warmupS > 0) await wrk(t, params.warmupS);
  const { result, error } = await wrk(t, params.durationS);
  if (!result) {
    row.valid = false;
    row.notes.push(error ?? "wrk failed");
    return row;
  }
  row.wrk = result;
  row.reqPerSec = result.reqPerSec;
  row.p50Ms = result.p50Ms;
  row.p99Ms = result.p99Ms;
  if (result.non2xx > 0) {
    row.valid = false;
    row.notes.push(`${result.non2xx} non-2xx of ${result.requests}`);
  }
  if (result.requests === 0) {
    row.valid = false;
    row.notes.push("no requests completed");
  }
  const se = result.socketErrors;
  const errs = Object.entries(se).filter(([, n]) => n > 0);
  if (errs.length > 0) row.notes.push(`socket errors: ${errs.map(([k, n]) => `${k} ${n}`).join(", ")}`);
  return row;
}

function trafiEnv(dataDir: string, level: "warn" | "info"): Record<string, string | undefined> {
  return {
    ...process.env,
    TRAFI_DATA_DIR: dataDir,
    TRAFI_MASTER_KEY: MASTER_KEY,
    TRAFI_DEMO: "false",
    TRAFI_LOG_LEVEL: level,
  };
}

async function startTrafi(dataDir: string, level: "warn" | "info", logTo: string): Promise<{ proc: Subprocess; base: string }> {
  const port = freePort();
  const errFile = level === "info" ? join(tmpRoot, `trafi-${level}.err`) : logTo;
  const proc = track(
    Bun.spawn([process.execPath, "src/main.ts", "serve", "--port", String(port), "--host", "127.0.0.1"], {
      cwd: ROOT,
      env: trafiEnv(dataDir, level),
      stdout: Bun.file(logTo),
      stderr: Bun.file(errFile),
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/health`, proc);
  } catch (e) {
    const tail = existsSync(errFile) ? readFileSync(errFile, "utf8").split("\n").slice(-20).join("\n") : "";
    throw new Error(`Trafi did not start: ${(e as Error).message}\n${tail}`);
  }
  return { proc, base };
}

async function cli(args: string[], dataDir: string): Promise<unknown> {
  const r = await run([process.execPath, "src/main.ts", ...args, "--json"], { cwd: ROOT, env: trafiEnv(dataDir, "warn") });
  if (r.code !== 0) throw new Error(`trafi ${args.join(" ")} exited ${r.code}: ${r.stderr.trim()}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "null");
}

/** A product of the demo seed (src/modules/catalog/seed-data.ts) with 12 variants and 2 images. */
const DEMO_HANDLE = "classic-organic-tee";

/** Per-minute limits high enough that wrk never meets a 429: the limiter still runs on every request. */
const BENCH_PLAN = {
  id: "bench_unlimited",
  name: "Bench (limits raised)",
  limits: {
    storeRequestsPerMinute: 1_000_000_000,
    adminRequestsPerMinute: 1_000_000_000,
    storeClientRequestsPerMinute: 1_000_000_000,
    adminCredentialRequestsPerMinute: 1_000_000_000,
    members: 1_000,
  },
};

/**
 * The default self_hosted plan allows one client 30,000 store and 15,000 admin requests a minute: a few seconds of
 * wrk. The bench store goes on a plan with raised limits (written into the temp control DB, before the server
 * starts), so a row measures the route, not the 429 path.
 */
async function useBenchPlan(dataDir: string, storeId: string): Promise<void> {
  const control = await openControl(dataDir, benchConfig(dataDir).masterKey);
  try {
    await control.write(async () => {
      await control.db.insert(plansTable).values({ ...BENCH_PLAN, createdAt: Date.now() }).onConflictDoNothing();
      await control.db.update(storesTable).set({ planId: BENCH_PLAN.id, updatedAt: Date.now() }).where(eq(storesTable.id, storeId));
    });
  } finally {
    control.close();
  }
}

let checkout: CheckoutBenchResult | null = null;

async function httpBench(): Promise<HttpRow[]> {
  const dataDir = join(tmpRoot, "http");
  mkdirSync(dataDir);
  log("provisioning the bench store with the CLI (stores create, keys create)");
  const store = (await cli(["stores", "create", "Bench store"], dataDir)) as { id: string };
  const pk = ((await cli(["keys", "create", "--store", store.id, "--type", "publishable"], dataDir)) as { token: string }).token;
  const sk = ((await cli(["keys", "create", "--store", store.id, "--type", "secret"], dataDir)) as { token: string }).token;
  log("seeding the bench store with the demo data (trafi seed)");
  await cli(["seed", "--store", store.id], dataDir);
  await useBenchPlan(dataDir, store.id);

  const rows: HttpRow[] = [];

  const basePort = freePort();
  const baseline = track(
    Bun.spawn([process.execPath, join(import.meta.dir, "baseline.ts"), String(basePort)], { cwd: ROOT, stdout: "ignore", stderr: "inherit" }),
  );
  const baseUrl = `http://127.0.0.1:${basePort}/`;
  await waitForHttp(baseUrl, baseline);
  rows.push(await measure({ name: "baseline: Bun.serve \"hello\"", url: baseUrl, probe: {} }, "baseline"));
  await stopProcess(baseline);

  const targets = (base: string): Target[] => [
    { name: "GET /health", url: `${base}/health`, probe: {} },
    {
      name: "GET /v1/store/store (pk)",
      url: `${base}/v1/store/store`,
      headers: { "x-publishable-key": pk },
      probe: { headers: { "x-publishable-key": pk } },
    },
    {
      name: "GET /v1/admin/settings (sk)",
      url: `${base}/v1/admin/settings`,
      headers: { authorization: `Bearer ${sk}` },
      probe: { headers: { authorization: `Bearer ${sk}` } },
    },
    {
      name: "GET /v1/store/products?limit=20 (pk)",
      url: `${base}/v1/store/products?limit=20`,
      headers: { "x-publishable-key": pk },
      probe: { headers: { "x-publishable-key": pk } },
    },
    {
      name: "GET /v1/store/products/:handle (pk)",
      url: `${base}/v1/store/products/${DEMO_HANDLE}`,
      headers: { "x-publishable-key": pk },
      probe: { headers: { "x-publishable-key": pk } },
    },
    {
      name: "GET /v1/store/flags?visitorId= (pk)",
      url: `${base}/v1/store/flags?visitorId=bench-visitor-1`,
      headers: { "x-publishable-key": pk },
      probe: { headers: { "x-publishable-key": pk } },
    },
    {
      name: "PATCH /v1/admin/settings (write)",
      url: `${base}/v1/admin/settings`,
      script: join(import.meta.dir, "patch-settings.lua"),
      scriptEnv: { BENCH_SK: sk },
      probe: {
        method: "PATCH",
        headers: { authorization: `Bearer ${sk}`, "content-type": "application/json" },
        body: JSON.stringify({ supportEmail: "x@example.com" }),
      },
    },
  ];

  log("starting Trafi (TRAFI_LOG_LEVEL=warn)");
  const warnLog = join(tmpRoot, "trafi-warn.log");
  const warn = await startTrafi(dataDir, "warn", warnLog);
  try {
    for (const t of targets(warn.base)) rows.push(await measure(t, "trafi (warn)"));
    log(`checkout: ${params.checkoutWarmup} warm-up checkouts, ${params.checkoutSequential} sequential 8-call checkouts, then ${params.checkoutConcurrent} at once`);
    checkout = await runCheckoutBench(warn.base, pk, { sk, sequential: params.checkoutSequential, concurrent: params.checkoutConcurrent, warmup: params.checkoutWarmup });
  } finally {
    await stopProcess(warn.proc);
  }

  log("starting Trafi (TRAFI_LOG_LEVEL=info, stdout → /dev/null)");
  const info = await startTrafi(dataDir, "info", "/dev/null");
  try {
    const t = targets(info.base)[1]!;
    rows.push(await measure({ ...t, name: `${t.name}, info logs → /dev/null` }, "trafi (info → /dev/null)"));
  } finally {
    await stopProcess(info.proc);
  }

  const base = rows[0]!;
  for (const r of rows) r.ratio = base.valid ? r.reqPerSec / base.reqPerSec : NaN;
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Provisioning and migrate

interface DbRow {
  measurement: string;
  n: number;
  totalMs: number;
  meanMs: number;
  p95Ms: number;
  notes: string;
  report?: MigrateReport;
}

function benchConfig(dataDir: string): Config {
  mkdirSync(dataDir, { recursive: true });
  // A small pool: provisioning 1,000 stores must not hold 1,000 files open.
  return loadConfig({ TRAFI_DATA_DIR: dataDir, TRAFI_MASTER_KEY: MASTER_KEY, TRAFI_DEMO: "false", TRAFI_POOL_SIZE: "32" });
}

async function provisionMany(dataDir: string, n: number, label: string): Promise<number[]> {
  const platform = await openPlatform(benchConfig(dataDir), { log: silentLogger });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await platform.provisionStore({ name: `${label} ${i}` });
      times.push(performance.now() - t0);
    }
  } finally {
    await platform.close();
  }
  return times;
}

function provisionRow(measurement: string, times: number[], notes: string): DbRow {
  const total = times.reduce((a, b) => a + b, 0);
  return { measurement, n: times.length, totalMs: total, meanMs: mean(times), p95Ms: percentile(times, 95), notes };
}

async function timedMigrate(dataDir: string, concurrency: number): Promise<{ ms: number; report: MigrateReport }> {
  const { masterKey } = benchConfig(dataDir);
  const control = await openControl(dataDir, masterKey);
  try {
    const t0 = performance.now();
    const report = await migrateAll(control, dataDir, masterKey, undefined, { concurrency });
    return { ms: performance.now() - t0, report };
  } finally {
    control.close();
  }
}

function migrateRow(measurement: string, m: { ms: number; report: MigrateReport }, expect: "migrated" | "upToDate", notes: string): DbRow {
  const r = m.report;
  const problems: string[] = [];
  if (r.failed.length > 0) problems.push(`${r.failed.length} FAILED (first: ${r.failed[0]!.error})`);
  if (r[expect] !== r.total) problems.push(`expected all ${expect}, got migrated ${r.migrated} / up to date ${r.upToDate}`);
  return {
    measurement,
    n: r.total,
    totalMs: m.ms,
    meanMs: m.ms / Math.max(1, r.total),
    p95Ms: NaN,
    notes: [...problems, notes].filter(Boolean).join("; "),
    report: r,
  };
}

/**
 * Stores on schema version 0: an empty (encrypted, WAL) database file per store and its control row with
 * schemaVersion 0. `migrate` then applies every store migration to each, as it would after an upgrade.
 */
async function createVersionZeroStores(dataDir: string, n: number): Promise<void> {
  const config = benchConfig(dataDir);
  const control = await openControl(dataDir, config.masterKey);
  try {
    const rows: (typeof storesTable.$inferInsert)[] = [];
    for (let i = 0; i < n; i++) {
      const now = Date.now();
      const id = newId("store", now);
      mkdirSync(storeDir(dataDir, id), { recursive: true });
      const client = await openClient({ path: storeDbPath(dataDir, id), encryptionKey: deriveFileKey(config.masterKey, id) });
      client.close();
      rows.push({ id, name: `v0 store ${i}`, status: "active", planId: "self_hosted", schemaVersion: 0, isDemo: false, createdAt: now, updatedAt: now });
    }
    for (let i = 0; i < rows.length; i += 100) {
      const chunk = rows.slice(i, i + 100);
      await control.write(() => control.db.insert(storesTable).values(chunk));
    }
  } finally {
    control.close();
  }
}

async function dbBench(): Promise<DbRow[]> {
  const rows: DbRow[] = [];
  const N = params.migrateStores;

  log(`provisioning ${params.provisionN} stores in-process (fresh data dir)`);
  rows.push(
    provisionRow(
      "provision one store (platform.provisionStore)",
      await provisionMany(join(tmpRoot, "provision"), params.provisionN, "p"),
      "new encrypted file + store migrations + settings row + control row",
    ),
  );

  // The 1,000 stores: empty encrypted files registered at schema version 0 (cheap), migrated from scratch by
  // migrateAll (measured), which leaves them all up to date for the walks that follow (measured again).
  const migDir = join(tmpRoot, "migrate");
  log(`creating ${N} stores on schema version 0 (empty files)`);
  const c0 = performance.now();
  await createVersionZeroStores(migDir, N);
  const createMs = performance.now() - c0;
  rows.push({
    measurement: "setup: empty store files at version 0",
    n: N,
    totalMs: createMs,
    meanMs: createMs / N,
    p95Ms: NaN,
    notes: "file + WAL pragma + control row; not a product path",
  });
  log(`migrateAll over ${N} stores from version 0 (concurrency 1)`);
  rows.push(
    migrateRow(
      `migrate from version 0 → ${latestVersion("store")} (concurrency 1)`,
      await timedMigrate(migDir, 1),
      "migrated",
      "every store migration applied to each store",
    ),
  );
  log(`migrateAll over ${N} up-to-date stores (concurrency 1)`);
  rows.push(migrateRow("migrate, all up to date (concurrency 1)", await timedMigrate(migDir, 1), "upToDate", "open + check + record version, per store"));
  log(`migrateAll over ${N} up-to-date stores (concurrency 4)`);
  rows.push(migrateRow("migrate, all up to date (--concurrency 4)", await timedMigrate(migDir, 4), "upToDate", ""));
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// Output

function gitInfo(): { commit: string | null; dirty: boolean | null } {
  try {
    const head = Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: ROOT });
    if (head.exitCode !== 0) return { commit: null, dirty: null };
    const status = Bun.spawnSync(["git", "status", "--porcelain"], { cwd: ROOT });
    return { commit: head.stdout.toString().trim(), dirty: status.exitCode === 0 ? status.stdout.toString().trim() !== "" : null };
  } catch {
    return { commit: null, dirty: null };
  }
}

function wrkVersion(): string | null {
  try {
    const r = Bun.spawnSync([WRK, "--version"]);
    return (r.stdout.toString() + r.stderr.toString()).split("\n")[0]?.trim() || null;
  } catch {
    return null;
  }
}

function httpTable(rows: HttpRow[]): string {
  return table(
    ["target", "req/s", "p50 ms", "p99 ms", "ratio", "notes"],
    rows.map((r) => [
      r.target,
      fmt(r.reqPerSec, 0),
      fmt(r.p50Ms, 3),
      fmt(r.p99Ms, 3),
      Number.isFinite(r.ratio) ? `${fmt(r.ratio, 2)}×` : "—",
      [r.valid ? "" : "INVALID", ...r.notes].filter(Boolean).join("; "),
    ]),
    ["l", "r", "r", "r", "r", "l"],
  );
}

function dbTable(rows: DbRow[]): string {
  return table(
    ["measurement", "stores", "total ms", "ms/store (mean)", "p95 ms/store", "notes"],
    rows.map((r) => [r.measurement, String(r.n), fmt(r.totalMs, 0), fmt(r.meanMs, 2), fmt(r.p95Ms, 2), r.notes]),
    ["l", "r", "r", "r", "r", "l"],
  );
}

async function main(): Promise<number> {
  const started = new Date();
  const t0 = performance.now();
  const git = gitInfo();
  const loadStart = loadavg()[0] ?? 0;
  const cpuStart = cpuTimes();
  if (loadStart > cpuCount * 0.5) {
    log(`the machine is busy (1-min load ${loadStart.toFixed(2)} on ${cpuCount} CPUs): expect noisy numbers; ratios suffer less than absolutes`);
  }
  log(`temp dir ${tmpRoot}; wrk -t${params.threads} -c${params.connections} -d${params.durationS}s --latency (warm-up ${params.warmupS} s)`);

  const http = await httpBench();
  const httpNotes = [
    `wrk -t${params.threads} -c${params.connections} -d${params.durationS}s --latency after a ${params.warmupS} s warm-up, loopback, ${cpuCount} CPUs shared by wrk and the server.`,
    "ratio = req/s of the row / req/s of the baseline in this run. Trafi rows run with TRAFI_LOG_LEVEL=warn: request (access) logging is OFF,",
    "except the last row (TRAFI_LOG_LEVEL=info, one JSON line per request written to /dev/null). INVALID = non-2xx answers or a failed probe.",
    `The bench store is on plan "${BENCH_PLAN.id}" (rate limits 1e9/min): the limiter runs on every request but never answers 429.`,
  ];
  process.stdout.write(`\nHTTP (one store, its keys made with \`trafi stores create\` / \`keys create\`)\n\n${httpTable(http)}\n${httpNotes.join("\n")}\n`);

  if (checkout) {
    const c = checkout;
    process.stdout.write(
      `\nCheckout (the 8-call storefront flow of bench/checkout.ts, sandbox card; goals: sequential p95 ≤ 30 ms, ${c.concurrent.checkouts} concurrent p95 ≤ 250 ms, 0 errors)\n\n` +
        table(
          ["run", "checkouts", "p50 ms", "p95 ms", "checkouts/s", "errors", "oversells"],
          [
            ["sequential", String(c.sequential.checkouts), fmt(c.sequential.p50Ms, 1), fmt(c.sequential.p95Ms, 1), fmt(c.sequential.checkoutsPerS, 1), String(c.sequential.errors), ""],
            ["concurrent", String(c.concurrent.checkouts), fmt(c.concurrent.p50Ms, 1), fmt(c.concurrent.p95Ms, 1), fmt(c.concurrent.checkoutsPerS, 1), String(c.concurrent.errors), String(c.oversells ?? "n/a")],
          ],
          ["l", "r", "r", "r", "r", "r", "r"],
        ) +
        "\n" +
        (Object.keys(c.errorReasons).length > 0 ? `errors by reason: ${JSON.stringify(c.errorReasons)}\n` : ""),
    );
  }

  log("checkout cost in process (bench/checkout-cost.ts)");
  const cost = await runCheckoutCost(quick ? 20 : 50, params.checkoutConcurrent);
  process.stdout.write(
    `\nCheckout cost, counted (the same 8 calls through app.handle in process, ${cost.checkouts} checkouts, job workers running; store DB statements)\n\n` +
      table(
        ["call", "SQL statements"],
        [...cost.perCall.map((c) => [c.call, fmt(c.statements, 1)]), ["checkout", fmt(cost.statements, 1)]],
        ["l", "r"],
      ) +
      `\nper checkout: ${fmt(cost.commits, 1)} write transactions, ${fmt(cost.syncs, 1)} WAL fsyncs (shared by concurrent commits), ` +
      `${fmt(cost.meanMs, 1)} ms mean and ${fmt(cost.cpuMs, 1)} ms of CPU for the 8 calls in process. Then in the background (relay, e-mail, events): ` +
      `${fmt(cost.background.statements, 1)} statements, ${fmt(cost.background.commits, 1)} write transactions. Statements include BEGIN and COMMIT.\n`,
  );
  if (cost.concurrent) {
    const c = cost.concurrent;
    process.stdout.write(
      `\n${c.checkouts} checkouts at once in process: ${fmt(c.wallMs, 0)} ms for the round; per checkout ${fmt(c.statements, 1)} statements taking ` +
        `${fmt(c.statementMs, 2)} ms of the JS thread (background work included)` +
        (c.mainThreadCpuMs === null ? "" : `, of ${fmt(c.mainThreadCpuMs, 1)} ms of its CPU`) +
        `. Floor for the round from the database statements alone: ${fmt(c.statementMs * c.checkouts, 0)} ms ` +
        `(the concurrent goal is p95 ≤ 250 ms).\n`,
    );
  }

  const db = await dbBench();
  const dbNotes = [
    `In-process, fresh temp data dirs. The store schema has ${latestVersion("store")} migration(s). The migrate rows run over the same ${params.migrateStores} stores:`,
    "first from version 0 (empty encrypted files: every migration applied, as provisioning does before its settings and control rows), then again",
    "once all are up to date. ms/store (mean) for migrate = total / stores; p95 only where each store is timed on its own.",
  ];
  process.stdout.write(`\nProvisioning and migrate\n\n${dbTable(db)}\n${dbNotes.join("\n")}\n`);

  log("in-process flag evaluation (bench/flags.ts)");
  const flags = await runFlagsBench({ visitors: params.durationS <= 2 ? 200_000 : 1_000_000 });
  const flagsBase = flags[0]!.value;
  process.stdout.write(
    `\nFeature flags, in process (goal: ≥ ${fmt(FLAGS_GOAL, 0)} evaluations/s)\n\n` +
      table(
        ["row", "rate", "unit", "ratio to baseline"],
        flags.map((r) => [r.name, fmt(r.value, 0), r.unit, fmt(r.value / flagsBase, 3)]),
        ["l", "r", "l", "r"],
      ) +
      "\n",
  );

  const finished = new Date();
  const result = {
    format: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    durationS: round((performance.now() - t0) / 1000, 1),
    machine: {
      cpus: cpuCount,
      cpuModel: cpus()[0]?.model ?? null,
      os: `${osPlatform()} ${release()}`,
      arch: arch(),
      bun: Bun.version,
      bunRevision: Bun.revision,
      wrk: wrkVersion(),
      gitCommit: git.commit,
      gitDirty: git.dirty,
      /** 1-minute load average before and after: a busy machine explains a noisy run. */
      loadAvg1mStart: round(loadStart, 2),
      loadAvg1mEnd: round(loadavg()[0] ?? 0, 2),
      /** Share of CPU time the hypervisor gave to other guests during the run (/proc/stat "steal"), in %. */
      cpuStealPct: stealPct(cpuStart, cpuTimes()),
    },
    params,
    http: {
      notes: httpNotes.join(" "),
      rows: http.map((r) => ({
        target: r.target,
        server: r.server,
        url: r.url.replace(/:\d+/, ":PORT"),
        valid: r.valid,
        notes: r.notes,
        reqPerSec: round(r.reqPerSec, 1),
        p50Ms: round(r.p50Ms, 3),
        p99Ms: round(r.p99Ms, 3),
        ratioToBaseline: round(r.ratio, 3),
        wrk: r.wrk,
      })),
    },
    checkout,
    checkoutCost: {
      ...cost,
      meanMs: round(cost.meanMs, 2),
      cpuMs: round(cost.cpuMs, 2),
      concurrent: cost.concurrent && { ...cost.concurrent, wallMs: round(cost.concurrent.wallMs, 1), statementMs: round(cost.concurrent.statementMs, 3) },
    },
    flags: { goalPerSecond: FLAGS_GOAL, rows: flags.map((r) => ({ ...r, value: round(r.value, 0) })) },
    db: {
      notes: dbNotes.join(" "),
      rows: db.map((r) => ({
        measurement: r.measurement,
        stores: r.n,
        totalMs: round(r.totalMs, 1),
        meanMsPerStore: round(r.meanMs, 3),
        p95MsPerStore: Number.isFinite(r.p95Ms) ? round(r.p95Ms, 3) : null,
        notes: r.notes,
        report: r.report ? { ...r.report, failed: r.report.failed.slice(0, 5) } : undefined,
      })),
    },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  const json = JSON.stringify(result, null, 2) + "\n";
  const file = join(RESULTS_DIR, `${started.toISOString().replace(/:/g, "-")}.json`);
  writeFileSync(file, json);
  writeFileSync(join(RESULTS_DIR, "latest.json"), json);
  process.stdout.write(
    `\n1-min load average ${result.machine.loadAvg1mStart} at start, ${result.machine.loadAvg1mEnd} at end, on ${cpuCount} CPUs (above ~${cpuCount / 2}: other work shared the machine).\n` +
    (result.machine.cpuStealPct === null ? "" : `CPU steal during the run: ${result.machine.cpuStealPct}% (time the hypervisor gave other guests; above a few % every time here is noisy).\n`) +
      `Results: ${file} (and bench/results/latest.json), ${result.durationS} s in all.\n`,
  );
  return http.every((r) => r.valid) && db.every((r) => !r.notes.includes("FAILED") && !r.notes.includes("expected all")) ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  log(`failed: ${(e as Error).stack ?? String(e)}`);
  code = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
process.exit(code);
