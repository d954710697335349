import type { Command } from "./args.ts";
import { UsageError, required, withPlatform } from "./args.ts";
import { getStore } from "../tenancy/stores.ts";
import { STORE_ID_RE } from "../tenancy/pool.ts";
import { AppError } from "../kernel/errors.ts";
import { runSeeders } from "../seed.ts";
import { systemCtx } from "../kernel/system-ctx.ts";

export const seedCommand: Command = {
  name: "seed",
  summary: "Fill a store with the demo data of every module (idempotent).",
  usage: "seed --store <storeId> [--json]",
  options: { store: { type: "string", description: "store id (store_…)" } },
  async run({ values }, io) {
    const storeId = required(values, "store", "the id of the store to seed, see trafi stores list");
    if (!STORE_ID_RE.test(storeId)) throw new UsageError(`--store must be a store id like store_01J…, got "${storeId}"`);
    const steps: { name: string; summary: string }[] = [];
    await withPlatform(io, async (p) => {
      await getStore(p.control, storeId).catch((e) => {
        if (e instanceof AppError && e.code === "NOT_FOUND") throw new UsageError(`no store ${storeId}; see trafi stores list`);
        throw e;
      });
      await runSeeders(await systemCtx(p, storeId, "seed"), (name, summary) => {
        steps.push({ name, summary });
        if (!values.json) io.err(`seeded ${name}: ${summary}\n`);
      });
    });
    if (values.json) io.out(JSON.stringify({ storeId, steps }) + "\n");
    else io.out(`Seeded store ${storeId}\n`);
    return 0;
  },
};
