// In-process flag evaluation throughput (issue 8, goal ≥ 1,000,000 evaluations/s), against a same-run baseline:
// one bare FNV-1a hash of each visitor id, the floor of any hashing assignment.
//
//   bun bench/flags.ts                      20 flags × 1,000,000 visitor ids
//   BENCH_FLAGS_VISITORS=200000 bun bench/flags.ts
//
// Rows: the baseline; `evaluateFlag` (pure, the definition already compiled), by wall clock and per CPU second of
// this process (the second is steadier when other work shares the cores); `getFlagsForVisitor` on a real store
// in steady state (definitions cached, exposures already recorded: what a returning visitor costs). Also exported as
// runFlagsBench() for bench/run.ts. Nothing here asserts a time.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fnv1a32 } from "../src/modules/flags/bucketing.ts";
import { defineFlag, evaluateFlag, type FlagDefinition, type FlagInput } from "../src/modules/flags/evaluate.ts";
import { createFlag, getFlagsForVisitor, transitionFlag } from "../src/modules/flags/index.ts";
import { loadConfig } from "../src/config.ts";
import { openPlatform } from "../src/platform.ts";
import { silentLogger } from "../src/kernel/logger.ts";
import { systemCtx } from "../src/kernel/system-ctx.ts";
import { fmt, table } from "./lib.ts";

export interface BenchRow {
  name: string;
  value: number;
  unit: string;
}

const FLAG_COUNT = 20;
export const GOAL = 1_000_000;

/** 20 flags like a real store's: 50/50 tests, multi-arm tests, partial coverage, holdouts, one targeted flag. */
function flagInputs(): FlagInput[] {
  return Array.from({ length: FLAG_COUNT }, (_, i): FlagInput => {
    const arms = i % 5 === 1 ? 4 : i % 5 === 2 ? 3 : 2;
    return {
      id: `flag_${String(i).padStart(26, "0")}`,
      key: `bench-flag-${i}`,
      status: "running",
      enabled: true,
      variations: Array.from({ length: arms }, (_, k) => k),
      weights: Array.from({ length: arms }, () => 1 / arms),
      coverage: i % 4 === 3 ? 0.5 : 1,
      seed: `bench-flag-${i}`,
      hashVersion: 2,
      holdout: i % 7 === 6 ? 0.05 : 0,
      targeting: i === FLAG_COUNT - 1 ? [{ attribute: "country", op: "in", values: ["FR", "BE"] }] : [],
      version: 1,
    };
  });
}

const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(8, "0").slice(-width);
const mix = (x: number) => Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) ^ Math.imul(x, 0x297a2d39);

/** Deterministic UUID-shaped ids (36 characters, like real visitor ids: hashing cost grows with length). */
function visitorIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => {
    const a = mix(i + 1);
    const b = mix(a);
    return `${hex(i, 8)}-${hex(a, 4)}-4${hex(a >>> 16, 3)}-a${hex(b, 3)}-${hex(b >>> 12, 4)}${hex(mix(b), 8)}`;
  });
}

/** Wall time and this process's CPU time: on a busy machine the two differ, and the CPU time shows the work. */
function timeIt(fn: () => number): { ms: number; cpuMs: number; sink: number } {
  const cpu = process.cpuUsage();
  const start = Bun.nanoseconds();
  const sink = fn();
  const ms = (Bun.nanoseconds() - start) / 1e6;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, sink };
}

function baseline(ids: readonly string[]): number {
  let sink = 0;
  for (let i = 0; i < ids.length; i++) sink ^= fnv1a32(ids[i]!);
  return sink;
}

function evaluateAll(defs: readonly FlagDefinition[], ids: readonly string[]): number {
  const attributes = { country: "FR" };
  let sink = 0;
  for (let i = 0; i < ids.length; i++) {
    const visitor = { id: ids[i]!, attributes };
    for (let f = 0; f < defs.length; f++) sink += evaluateFlag(defs[f]!, visitor).variationIndex;
  }
  return sink;
}

/** getFlagsForVisitor on a real store file, in steady state. Returns evaluations per second. */
async function storeSteadyState(visitors: number, rounds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), "trafi-bench-flags-"));
  const platform = await openPlatform(
    loadConfig({ TRAFI_DATA_DIR: dir, TRAFI_MASTER_KEY: "0123456789abcdef".repeat(4), TRAFI_DEMO: "false", TRAFI_LOG_LEVEL: "warn" }),
    { log: silentLogger },
  );
  try {
    const store = await platform.provisionStore({ name: "Bench flags" });
    const ctx = await systemCtx(platform, store.id, "bench");
    for (const input of flagInputs()) {
      const f = await createFlag(ctx, {
        key: input.key,
        name: input.key,
        variations: [...input.variations],
        weights: [...input.weights],
        coverage: input.coverage,
        holdout: input.holdout,
        targeting: [...input.targeting],
      });
      await transitionFlag(ctx, f.id, "start");
    }
    const ids = visitorIds(visitors);
    for (const id of ids) await getFlagsForVisitor(ctx, { id, attributes: { country: "FR" } }); // records exposures
    const { ms } = await (async () => {
      const start = Bun.nanoseconds();
      for (let r = 0; r < rounds; r++) for (const id of ids) await getFlagsForVisitor(ctx, { id, attributes: { country: "FR" } });
      return { ms: (Bun.nanoseconds() - start) / 1e6 };
    })();
    return (visitors * rounds * FLAG_COUNT) / (ms / 1000);
  } finally {
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runFlagsBench(opts: { visitors?: number; storeVisitors?: number; storeRounds?: number } = {}): Promise<BenchRow[]> {
  const n = opts.visitors ?? 1_000_000;
  const ids = visitorIds(n);
  const defs = flagInputs().map(defineFlag);
  // Warm-up so the JIT has compiled the hot paths before anything is timed; the full baseline pass also flattens
  // the template-built id strings, which would otherwise be charged to whichever row touches them first.
  baseline(ids);
  evaluateAll(defs, ids.slice(0, 50_000));
  const base = timeIt(() => baseline(ids));
  const evals = timeIt(() => evaluateAll(defs, ids));
  const storeRate = await storeSteadyState(opts.storeVisitors ?? 500, opts.storeRounds ?? 40);
  const evalName = `evaluateFlag, ${FLAG_COUNT} flags × ${n.toLocaleString("en-US")} visitors`;
  return [
    { name: "baseline: FNV-1a of the visitor id", value: n / (base.ms / 1000), unit: "hashes/s" },
    { name: evalName, value: (n * FLAG_COUNT) / (evals.ms / 1000), unit: "evaluations/s" },
    { name: `${evalName}, per CPU second`, value: (n * FLAG_COUNT) / (evals.cpuMs / 1000), unit: "evaluations/CPU-s" },
    { name: "getFlagsForVisitor on a store (cached, exposures known)", value: storeRate, unit: "evaluations/s" },
  ];
}

if (import.meta.main) {
  const raw = process.env.BENCH_FLAGS_VISITORS;
  const visitors = raw ? Number(raw) : undefined;
  if (visitors !== undefined && !(Number.isInteger(visitors) && visitors >= 1_000 && visitors <= 10_000_000)) {
    process.stderr.write(`bench: BENCH_FLAGS_VISITORS must be a whole number from 1000 to 10000000, got "${raw}"\n`);
    process.exit(2);
  }
  const rows = await runFlagsBench({ visitors });
  const base = rows[0]!.value;
  process.stdout.write(
    table(
      ["row", "rate", "unit", "ratio to baseline", `goal ${fmt(GOAL, 0)}/s`],
      // The goal is for the pure evaluation (wall clock, row 2); the other rows are context.
      rows.map((r, i) => [r.name, fmt(r.value, 0), r.unit, fmt(r.value / base, 3), i !== 1 ? "" : r.value >= GOAL ? "met" : "NOT met"]),
      ["l", "r", "l", "r", "l"],
    ) + "\n",
  );
}
