import type { Command } from "./args.ts";
import { assertStoreExists, storeIdArg, withPlatform } from "./args.ts";
import { runSeeders } from "../seed.ts";
import { systemCtx } from "../kernel/system-ctx.ts";

export const seedCommand: Command = {
  name: "seed",
  summary: "Fill a store with the demo data of every module (idempotent).",
  usage: "seed --store <storeId> [--json]",
  options: { store: { type: "string", description: "store id (store_…)" } },
  async run({ values }, io) {
    const storeId = storeIdArg(values);
    const steps: { name: string; summary: string }[] = [];
    await withPlatform(io, async (p) => {
      await assertStoreExists(p, storeId);
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
