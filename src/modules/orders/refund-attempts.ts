// Sums of a payment's refund rows, by state. Read by the refund checks (actions.ts) and by the Stripe webhook (which
// must not count attempts twice nor failed refunds again), hence their own small module: the payments module cannot
// import the order actions statically (they import it).
import { and, eq, gte, inArray, sql, type SQL } from "drizzle-orm";
import type { StoreDb } from "../../db/client.ts";
import type { StoreTx } from "../../db/tx.ts";
import { refunds } from "./orders.tables.ts";

type RefundStatus = (typeof refunds.$inferSelect)["status"];

/** The amount of this payment's refund rows in these states (and matching `also`, when given). */
export async function refundSum(db: StoreDb | StoreTx, paymentId: string, statuses: RefundStatus[], also?: SQL): Promise<number> {
  const row = (await db.select({ n: sql<number>`coalesce(sum(${refunds.amount}), 0)` }).from(refunds).where(and(eq(refunds.paymentId, paymentId), inArray(refunds.status, statuses), also)))[0];
  return Number(row?.n ?? 0);
}

/** The amount of this payment's attempts still requested: they may have moved, so they count as refunded. */
export const unsettledRefunds = (db: StoreDb | StoreTx, paymentId: string): Promise<number> => refundSum(db, paymentId, ["requested"]);

/** What is recorded as given back (pending or succeeded), whoever made it. */
export const recordedRefunds = (db: StoreDb | StoreTx, paymentId: string): Promise<number> => refundSum(db, paymentId, ["pending", "succeeded"]);

/**
 * What a `charge.refunded` snapshot taken at `at` (ms) still counts but no longer holds: refunds of this payment that
 * failed at or after that time. Subtracted from its amount_refunded, or a late snapshot would put them back.
 */
export const failedSince = (db: StoreDb | StoreTx, paymentId: string, at: number): Promise<number> => refundSum(db, paymentId, ["failed"], gte(refunds.failedAt, at));
