import type { Command } from "./args.ts";
import { UsageError, required, withPlatform } from "./args.ts";
import { getStore } from "../tenancy/stores.ts";
import { STORE_ID_RE } from "../tenancy/pool.ts";
import { AppError } from "../kernel/errors.ts";
import { verifyAuditChain } from "../modules/audit/index.ts";

export const auditVerify: Command = {
  name: "audit verify",
  summary: "Recompute a store's audit hash chain; exit 1 and name the first broken entry if it was tampered with.",
  usage: "audit verify --store <storeId> [--json]",
  options: { store: { type: "string", description: "store id (store_…)" } },
  async run({ values }, io) {
    const storeId = required(values, "store", "the id of the store, see trafi stores list");
    if (!STORE_ID_RE.test(storeId)) throw new UsageError(`--store must be a store id like store_01J…, got "${storeId}"`);
    const report = await withPlatform(io, async (p) => {
      await getStore(p.control, storeId).catch((e) => {
        if (e instanceof AppError && e.code === "NOT_FOUND") throw new UsageError(`no store ${storeId}; see trafi stores list`);
        throw e;
      });
      return verifyAuditChain((await p.pool.get(storeId)).db);
    });
    if (values.json) io.out(JSON.stringify({ storeId, ...report }) + "\n");
    else if (report.ok) io.out(`Audit log of ${storeId} is intact: ${report.checked} entries verified.\n`);
    else io.out(`Audit log of ${storeId} is BROKEN at seq ${report.brokenAt}: that entry was edited, removed or reordered (${report.checked} entries before it verified).\n`);
    return report.ok ? 0 : 1;
  },
};
