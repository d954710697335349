// Demo seed: stock for every catalog variant at the default location, with a low-stock threshold. Idempotent:
// a variant that already has a ledger row or inventory settings is left alone.
import { eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { withTx } from "../../db/tx.ts";
import { getVariants, listVariantIds } from "../catalog/index.ts";
import { inventoryAdjustments, inventoryItems } from "./inventory.tables.ts";
import { adjustInTx } from "./stock.ts";

/** Deterministic demo quantities (no randomness: two seeds give the same store). */
const quantityFor = (i: number) => [24, 8, 40, 3, 15, 60, 12, 0, 30, 5][i % 10]!;

export async function seedInventory(ctx: Ctx): Promise<string> {
  const ids = await listVariantIds(ctx);
  const variants = (await getVariants(ctx, ids)).filter((v) => v.trackInventory);
  let stocked = 0;
  await withTx(ctx, async (tx) => {
    for (const [i, v] of variants.entries()) {
      const seen = await tx.select({ id: inventoryAdjustments.id }).from(inventoryAdjustments).where(eq(inventoryAdjustments.variantId, v.id)).limit(1);
      const item = await tx.select({ id: inventoryItems.variantId }).from(inventoryItems).where(eq(inventoryItems.variantId, v.id));
      if (seen.length > 0 || item.length > 0) continue;
      await tx.insert(inventoryItems).values({ variantId: v.id, lowStockThreshold: 5, updatedAt: ctx.clock.now() });
      const qty = quantityFor(i);
      if (qty > 0) await adjustInTx(tx, ctx, { variantId: v.id, delta: qty, reason: "received", note: "Demo stock" });
      stocked++;
    }
  });
  return `stock for ${variants.length} variants (${stocked} new) at the default location`;
}
