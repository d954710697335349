// The one call into checkout: a webhook completes a cart exactly as the storefront's POST /complete would.
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
