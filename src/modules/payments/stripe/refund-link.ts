// The calls into the order actions: a refund's later news from Stripe changes the order it refunded, refunds made in
// the Stripe dashboard and an authorization canceled at Stripe reach the order, and a dispute goes on the order.
// Imported lazily, as checkout-link.ts is: the order actions import the payments module.
import type { StoreTx } from "../../../db/tx.ts";
import type { Ctx } from "../../../kernel/context.ts";
import type { PaymentRow } from "../payments.ts";
import type { DisputeNews, OrderDeps, RefundNews, RefundNewsOutcome } from "../../orders/actions.ts";

export async function refundNewsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: RefundNews): Promise<{ outcome: RefundNewsOutcome; paymentPatch: Partial<PaymentRow> }> {
  const { refundNewsInTx: apply } = await import("../../orders/actions.ts");
  return apply(tx, ctx, p, news);
}

export async function disputeNewsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, news: DisputeNews): Promise<boolean> {
  const { disputeNewsInTx: apply } = await import("../../orders/actions.ts");
  return apply(tx, ctx, p, news);
}

export async function outsideRefundsInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, listed: RefundNews[], providerRefunded: number): Promise<{ recorded: number; paymentPatch: Partial<PaymentRow> }> {
  const { outsideRefundsInTx: apply } = await import("../../orders/actions.ts");
  return apply(tx, ctx, p, listed, providerRefunded);
}

export async function authorizationCanceledInTx(tx: StoreTx, ctx: Ctx, p: PaymentRow, reason: string | null): Promise<void> {
  const { authorizationCanceledInTx: apply } = await import("../../orders/actions.ts");
  return apply(tx, ctx, p, reason);
}

/** Runs `fn` under the order's action lock (runOrderAction): no capture, refund or cancellation of it runs meanwhile. */
export async function underOrderLock<T>(ctx: Ctx, orderId: string, deps: OrderDeps, fn: () => Promise<T>): Promise<T> {
  const { runOrderAction } = await import("../../orders/actions.ts");
  return runOrderAction(ctx, orderId, deps, fn);
}
