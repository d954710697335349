// A light stand-in for a placed order, for job, webhook and e-mail tests that are about delivery rather than
// checkout: it commits, in one transaction, the rows checkout commits with an order (an audit entry, the
// `email.send` order confirmation and the `order.placed` event). The crash test uses a real checkout instead
// (real-checkout.ts).
import type { Platform } from "../../platform.ts";
import { withTx } from "../../db/tx.ts";
import { newId } from "../../kernel/ids.ts";
import { systemCtx } from "../../kernel/system-ctx.ts";
import { recordAudit } from "../../modules/audit/index.ts";
import { addOutbox } from "../outbox.ts";

export const EUR = (amount: number) => ({ amount, currency: "EUR" });

export function orderData(orderId: string) {
  return {
    orderNumber: "1001",
    customerName: "Ada <Lovelace>",
    lines: [
      { title: "Linen shirt", sku: "SHIRT-M", quantity: 2, unitPrice: EUR(4_950), total: EUR(9_900) },
      { title: "Canvas tote & strap", sku: "TOTE", quantity: 1, unitPrice: EUR(1_999), total: EUR(1_999) },
    ],
    subtotal: EUR(11_899),
    shippingTotal: EUR(490),
    taxTotal: EUR(1_983),
    total: EUR(12_389),
    orderUrl: `https://shop.example.com/orders/${orderId}`,
  };
}

export async function commitOrder(platform: Platform, storeId: string, email: string): Promise<string> {
  const ctx = await systemCtx(platform, storeId, "checkout-fixture");
  const now = ctx.clock.now();
  const orderId = newId("ord", now);
  await withTx(ctx, async (tx) => {
    await recordAudit(tx, ctx, { action: "order.placed", targetType: "order", targetId: orderId, after: { email, total: EUR(12_389) } });
    await addOutbox(tx, now, { topic: "email.send", key: `receipt:${orderId}`, payload: { template: "order_confirmation", to: email, data: orderData(orderId) } });
    await addOutbox(tx, now, { topic: "event", key: `order.placed:${orderId}`, payload: { type: "order.placed", orderId, email, total: EUR(12_389) } });
  });
  return orderId;
}
