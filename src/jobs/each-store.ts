// Walking the stores for a recurring platform job (outbox retention, the webhook sweep). Like the relay's start-up
// scan: ids from the control DB, a deleted store file skipped, one store's failure logged without ending the walk,
// and the walk given up when the runtime stops (worker.close() waits for this job). One store at a time, unlike the
// relay's four: housekeeping should yield to the traffic, and most stores cost one indexed read.
import { inArray } from "drizzle-orm";
import { NotFound } from "../kernel/errors.ts";
import type { StoreHandle } from "../tenancy/pool.ts";
import { stores } from "../tenancy/control.tables.ts";
import type { JobContext } from "./define.ts";

/** A walk's job timeout: most runs take seconds; a first run over a large backlog takes longer, and must not be cut. */
export const WALK_TIMEOUT_MS = 30 * 60_000;

export type StoreStatus = (typeof stores.$inferSelect)["status"];

export interface WalkReport {
  stores: number;
  failed: number;
}

export async function forEachStore(ctx: JobContext, statuses: StoreStatus[], fn: (store: StoreHandle) => Promise<void>): Promise<WalkReport> {
  const { platform } = ctx;
  const rows = await platform.control.db.select({ id: stores.id }).from(stores).where(inArray(stores.status, statuses)).orderBy(stores.id);
  const report: WalkReport = { stores: 0, failed: 0 };
  for (const { id } of rows) {
    if (!platform.jobs.running) break;
    try {
      await fn(await platform.pool.get(id));
      report.stores++;
    } catch (err) {
      if (err instanceof NotFound) continue; // its file is gone: nothing left to keep or send
      report.failed++;
      ctx.log.warn("a store failed; the next run tries again", { storeId: id, err });
    }
  }
  return report;
}
