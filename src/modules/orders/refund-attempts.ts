// Refund attempts not settled yet (`requested` rows, actions.ts): asked of the provider, not yet recorded. Read by
// the refund checks here and by the Stripe webhook (which must not count them twice), hence its own small module:
// the payments module cannot import the order actions (they import it).
import { and, eq, sql } from "drizzle-orm";
import type { StoreDb } from "../../db/client.ts";
import type { StoreTx } from "../../db/tx.ts";
import { refunds } from "./orders.tables.ts";

/** The amount of this payment's attempts still requested: they may have moved, so they count as refunded. */
export async function unsettledRefunds(db: StoreDb | StoreTx, paymentId: string): Promise<number> {
  const row = (await db.select({ n: sql<number>`coalesce(sum(${refunds.amount}), 0)` }).from(refunds).where(and(eq(refunds.paymentId, paymentId), eq(refunds.status, "requested"))))[0];
  return Number(row?.n ?? 0);
}
