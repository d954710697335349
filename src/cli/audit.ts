import type { Command } from "./args.ts";
import { assertStoreExists, storeIdArg, withPlatform } from "./args.ts";
import { verifyAuditChain } from "../modules/audit/index.ts";

export const auditVerify: Command = {
  name: "audit verify",
  summary: "Recompute a store's audit hash chain; exit 1 and name the first broken entry if it was tampered with.",
  usage: "audit verify --store <storeId> [--json]",
  options: { store: { type: "string", description: "store id (store_…)" } },
  async run({ values }, io) {
    const storeId = storeIdArg(values);
    const report = await withPlatform(io, async (p) => {
      await assertStoreExists(p, storeId);
      return verifyAuditChain((await p.pool.get(storeId)).db);
    });
    if (values.json) io.out(JSON.stringify({ storeId, ...report }) + "\n");
    else if (report.ok) io.out(`Audit log of ${storeId} is intact: ${report.checked} entries verified.\n`);
    else io.out(`Audit log of ${storeId} is BROKEN at seq ${report.brokenAt}: that entry was edited, removed or reordered (${report.checked} entries before it verified).\n`);
    return report.ok ? 0 : 1;
  },
};
