// The calls into checkout and orders: a webhook completes a cart exactly as the storefront's POST /complete would,
// and records a capture made at Stripe as the admin's capture would.
// Imported lazily: checkout imports the payments module (provider registry, payment records), so a static edge
// back from here would make the two modules' load order matter.
import type { Ctx } from "../../../kernel/context.ts";

export interface CompletionDeps {
  masterKey: Uint8Array;
  outbox: { kick(storeId: string): void };
}

/** Idempotent (checkout returns the existing order for a completed cart); returns the order id. */
export async function completeCart(ctx: Ctx, cartId: string, deps: CompletionDeps): Promise<{ id: string }> {
  const { completeCart: complete } = await import("../../checkout/index.ts");
  const { order } = await complete(ctx, cartId, deps);
  return { id: order.id };
}

/** The order's capture (orders/actions.ts capturePayment): records a capture made at Stripe, once. */
export async function captureOrder(ctx: Ctx, orderId: string, deps: CompletionDeps): Promise<void> {
  const { capturePayment } = await import("../../orders/index.ts");
  await capturePayment(ctx, orderId, deps);
}
