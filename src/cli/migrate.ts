// `trafi migrate`: the control DB, then every store, one at a time with a progress line. A store that fails is
// recorded and reported, and the walk goes on; the exit code is 1 when any store failed.
import { existsSync } from "node:fs";
import type { Command, CommandIO } from "./args.ts";
import { UsageError, str } from "./args.ts";
import { loadConfig } from "../config.ts";
import { openClient } from "../db/client.ts";
import { latestVersion, migrate } from "../db/migrate.ts";
import { openControl, type Control } from "../tenancy/control.ts";
import { allStoreIds, recordSchemaVersion } from "../tenancy/stores.ts";
import { TenantPool, storeDbPath } from "../tenancy/pool.ts";
import { silentLogger } from "../kernel/logger.ts";

export interface MigrateReport {
  total: number;
  migrated: number;
  upToDate: number;
  failed: { storeId: string; error: string }[];
  latest: number;
  durationMs: number;
}

/** Migrates every store; `onProgress` is called after each one. */
export async function migrateAll(
  control: Control,
  dataDir: string,
  masterKey: Uint8Array,
  onProgress: (done: number, total: number, storeId: string) => void = () => {},
  opts: { concurrency?: number } = {},
): Promise<MigrateReport> {
  const started = performance.now();
  const ids = await allStoreIds(control);
  // Keys are derived the same way the pool derives them.
  const keyOf = new TenantPool({ dataDir, masterKey, maxOpen: 1, idleMs: 60_000, log: silentLogger });
  const report: MigrateReport = { total: ids.length, migrated: 0, upToDate: 0, failed: [], latest: latestVersion("store"), durationMs: 0 };
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const storeId = ids[next++]!;
      try {
        const path = storeDbPath(dataDir, storeId);
        if (!existsSync(path)) throw new Error(`database file missing: ${path}`);
        const client = await openClient({ path, encryptionKey: keyOf.fileKey(storeId) });
        try {
          const r = await migrate(client, "store");
          if (r.applied.length > 0) report.migrated++;
          else report.upToDate++;
          await recordSchemaVersion(control, storeId, r.to, null, Date.now());
        } finally {
          client.close();
        }
      } catch (e) {
        const error = (e as Error).message.split("\n")[0]!.slice(0, 300);
        report.failed.push({ storeId, error });
        await recordSchemaVersion(control, storeId, 0, error, Date.now()).catch(() => {});
      }
      onProgress(++done, ids.length, storeId);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 1) }, worker));
  report.durationMs = Math.round(performance.now() - started);
  return report;
}

export function progressPrinter(io: CommandIO, label: string) {
  let lastPct = -1;
  return (done: number, total: number) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (io.isTTY) {
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      io.err(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} (${pct}%)`);
      if (done === total) io.err("\n");
    } else if (pct >= lastPct + 10 || done === total) {
      // Not a terminal (CI, logs): a line every 10% instead of a redrawn bar.
      lastPct = pct;
      io.err(`${label} ${done}/${total} (${pct}%)\n`);
    }
  };
}

export const migrateCommand: Command = {
  name: "migrate",
  summary: "Migrate the control database and every store to the latest schema.",
  usage: "migrate [--concurrency 1] [--json]",
  options: { concurrency: { type: "string", description: "stores migrated at once (1–16, default 1)" } },
  async run({ values }, io) {
    const cRaw = str(values, "concurrency") ?? "1";
    const concurrency = Number(cRaw);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) throw new UsageError(`--concurrency must be 1–16, got "${cRaw}"`);
    const config = loadConfig(io.env, { generateMasterKey: false });
    const control = await openControl(config.dataDir, config.masterKey);
    let report: MigrateReport;
    try {
      report = await migrateAll(control, config.dataDir, config.masterKey, values.json ? undefined : progressPrinter(io, "migrating stores"), { concurrency });
    } finally {
      control.close();
    }
    if (values.json) io.out(JSON.stringify(report) + "\n");
    else {
      io.out(
        `${report.total} stores: ${report.migrated} migrated, ${report.upToDate} already on version ${report.latest}, ${report.failed.length} failed (${report.durationMs} ms)\n`,
      );
      for (const f of report.failed) io.out(`  FAILED ${f.storeId}: ${f.error}\n`);
    }
    return report.failed.length > 0 ? 1 : 0;
  },
};
