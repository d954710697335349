// Per-module line coverage gate (PRD: core modules ≥ 70%). bun's own threshold is global, so this reads the
// lcov report of `bun test --coverage` and checks each core folder separately.
import { readFileSync } from "node:fs";

// "commerce" in the PRD is the catalog-to-order path: each of its modules is checked on its own.
const COMMERCE = ["catalog", "tax", "inventory", "shipping", "cart", "checkout", "payments", "orders", "customers"];
export const CORE_MODULES = ["src/kernel/", "src/db/", "src/tenancy/", "src/stats/", ...COMMERCE.map((m) => `src/modules/${m}/`)];
export const MIN_LINES = 0.7;

export function lineCoverageByPrefix(lcov: string, prefixes: string[]): Map<string, { hit: number; found: number }> {
  const totals = new Map(prefixes.map((p) => [p, { hit: 0, found: 0 }]));
  let file = "";
  for (const line of lcov.split("\n")) {
    if (line.startsWith("SF:")) file = line.slice(3).replace(/^\.\//, "");
    else if (line.startsWith("LF:") || line.startsWith("LH:")) {
      const prefix = prefixes.find((p) => file.includes(p));
      if (!prefix) continue;
      const t = totals.get(prefix)!;
      if (line.startsWith("LF:")) t.found += Number(line.slice(3));
      else t.hit += Number(line.slice(3));
    }
  }
  return totals;
}

if (import.meta.main) {
  const path = process.argv[2] ?? "coverage/lcov.info";
  const totals = lineCoverageByPrefix(readFileSync(path, "utf8"), CORE_MODULES);
  let failed = false;
  console.log("core module line coverage (minimum 70%):");
  for (const [prefix, { hit, found }] of totals) {
    if (found === 0) {
      console.log(`  ${prefix.padEnd(24)} (not present yet)`);
      continue;
    }
    const pct = hit / found;
    const ok = pct >= MIN_LINES;
    failed ||= !ok;
    console.log(`  ${prefix.padEnd(24)} ${(pct * 100).toFixed(1).padStart(5)}%  ${ok ? "ok" : "BELOW 70%"}`);
  }
  process.exit(failed ? 1 : 0);
}
