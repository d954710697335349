// A context for work that no HTTP request started: CLI commands, provisioning, jobs.
import type { Platform } from "../platform.ts";
import type { Ctx } from "./context.ts";
import { newId } from "./ids.ts";

export async function systemCtx(p: Platform, storeId: string, name: string): Promise<Ctx> {
  const requestId = newId("req");
  return {
    storeId,
    store: await p.pool.get(storeId),
    actor: { type: "system", name },
    requestId,
    clock: p.clock,
    log: p.log.child({ storeId, requestId, job: name }),
  };
}
