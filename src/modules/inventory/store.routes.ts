// Store API of the inventory: what a product page shows next to "Add to cart". Coarse on purpose: a buyer learns
// whether a variant can be bought and, when it runs low (below the variant's low-stock threshold), how many are
// left ("only 3 left"); exact stock of well-stocked variants stays the merchant's business. The cart still checks
// stock on every add (409 cart.insufficient_stock): this answer is advice, not a hold.
import { Elysia, t } from "elysia";
import type { Ctx } from "../../kernel/context.ts";
import type { Platform } from "../../platform.ts";
import { storeAuth } from "../../http/auth.ts";
import { ErrorResponses } from "../../http/models.ts";
import { isId } from "../../kernel/ids.ts";
import { Int } from "../../kernel/schema.ts";
import { getVariants } from "../catalog/index.ts";
import { stockOfMany } from "./stock.ts";

export type StockStatus = "in_stock" | "low_stock" | "out_of_stock" | "backorder";

export const StoreStockView = t.Object({
  data: t.Array(t.Object({
    variantId: t.String(),
    status: t.Union([t.Literal("in_stock"), t.Literal("low_stock"), t.Literal("out_of_stock"), t.Literal("backorder")], {
      description: "backorder: none in stock, but the variant may be ordered anyway",
    }),
    available: t.Union([Int(), t.Null()], { description: "units left, given only when low_stock" }),
  })),
});

const MAX_IDS = 100;
// 100 ids of 30 characters and their commas: 3,099 characters; the count itself is capped in storeStock.
const StockQuery = t.Object({
  variantIds: t.String({ minLength: 1, maxLength: 4000, description: `comma-separated variant ids (at most ${MAX_IDS}; more are ignored)` }),
});

/** Stock status of published variants; unknown ids and variants of unpublished products are left out. Two reads in all. */
export async function storeStock(ctx: Pick<Ctx, "store" | "clock">, variantIds: string[]) {
  const ids = [...new Set(variantIds)].filter((id) => isId("var", id)).slice(0, MAX_IDS);
  const variants = (await getVariants(ctx, ids)).filter((v) => v.productStatus === "active");
  const stock = await stockOfMany(ctx.store.db, variants.filter((v) => v.trackInventory).map((v) => v.id), ctx.clock.now());
  const data: { variantId: string; status: StockStatus; available: number | null }[] = [];
  for (const v of variants) {
    const s = stock.get(v.id);
    if (!v.trackInventory || !s) {
      data.push({ variantId: v.id, status: "in_stock", available: null });
      continue;
    }
    if (s.available <= 0) {
      data.push({ variantId: v.id, status: v.allowBackorder ? "backorder" : "out_of_stock", available: null });
      continue;
    }
    const low = s.threshold !== null && s.available < s.threshold;
    data.push({ variantId: v.id, status: low ? "low_stock" : "in_stock", available: low ? s.available : null });
  }
  return { data };
}

export const inventoryStoreRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/store" }).use(storeAuth(platform)).get(
    "/stock",
    ({ ctx, query }) => storeStock(ctx, query.variantIds.split(",").map((s) => s.trim())),
    {
      query: StockQuery,
      response: { 200: StoreStockView, ...ErrorResponses },
      detail: { tags: ["Store"], summary: "Stock status of variants for a product page (in, low with the count left, out, backorder)", security: [{ publishableKey: [] }] },
    },
  );
