// The calls into the order actions: a refund's later news from Stripe changes the order it refunded, and a dispute
// goes on the order.
// Imported lazily, as checkout-link.ts is: the order actions import the payments module.
import type { StoreTx } from "../../../db/tx.ts";
import type { Ctx } from "../../../kernel/context.ts";
import type { PaymentRow } from "../payments.ts";
import type { DisputeNews, RefundNews, RefundNewsOutcome } from "../../orders/actions.ts";

export async function refundNewsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: RefundNews): Promise<{ outcome: RefundNewsOutcome; paymentPatch: Partial<PaymentRow> }> {
  const { refundNewsInTx: apply } = await import("../../orders/actions.ts");
  return apply(tx, ctx, p, news);
}

export async function disputeNewsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: DisputeNews): Promise<boolean> {
  const { disputeNewsInTx: apply } = await import("../../orders/actions.ts");
  return apply(tx, ctx, p, news);
}
