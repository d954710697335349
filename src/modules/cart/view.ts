// The cart as the API shows it, and the shipping step (options for the address, choosing one).
import { eq } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { withTx } from "../../db/tx.ts";
import { updateById } from "../../db/prepared.ts";
import { shippingOptions } from "../shipping/index.ts";
import { getVariants } from "../catalog/index.ts";
import { paymentRow, paymentView } from "../payments/index.ts";
import { carts } from "./cart.tables.ts";
import { CART_WRITE, cartRow, readCart, type CartLineRow, type CartRow } from "./carts.ts";
import { priceCartRows, type PricedCart } from "./totals.ts";
import { Conflict } from "../../kernel/errors.ts";
import { sum, taxIncluded } from "../../kernel/money.ts";

const iso = (ms: number) => new Date(ms).toISOString();

export async function loadCart(ctx: Pick<Ctx, "store">, id: string): Promise<{ cart: CartRow; priced: PricedCart; lines: CartLineRow[] }> {
  const { cart, lines } = await readCart(ctx.store.db, id);
  return { cart, lines, priced: await priceCartRows(ctx, cart, lines) };
}

export async function getCart(ctx: Pick<Ctx, "store">, id: string) {
  const { cart, priced } = await loadCart(ctx, id);
  const p = cart.paymentId ? paymentView(await paymentRow(ctx.store.db, cart.paymentId)) : null;
  return {
    id: cart.id, currency: cart.currency, email: cart.email, customerId: cart.customerId, status: cart.status, orderId: cart.orderId,
    lines: priced.lines, shippingAddress: cart.shippingAddress, billingAddress: cart.billingAddress, shippingMethod: priced.shippingMethod,
    shippingTaxLines: priced.shippingTaxLines,
    payment: p && { id: p.id, provider: p.provider, status: p.status, amount: p.amount, clientSecret: p.clientSecret, nextAction: p.nextAction, failureReason: p.failureReason },
    subtotal: priced.subtotal, discountTotal: priced.discountTotal, shippingTotal: priced.shippingTotal, taxTotal: priced.taxTotal, total: priced.total,
    taxEstimated: priced.taxEstimated, taxNote: priced.taxNote,
    taxIncluded: taxIncluded({ subtotal: priced.subtotal.amount, discountTotal: priced.discountTotal.amount, shippingTotal: priced.shippingTotal.amount, taxTotal: priced.taxTotal.amount, total: priced.total.amount }),
    priceChanges: priced.priceChanges, createdAt: iso(cart.createdAt), updatedAt: iso(cart.updatedAt),
  };
}

/** Options priced for the snapshot subtotal and today's weights: only lines and variants are read, not taxes. */
async function optionsFor(ctx: Pick<Ctx, "store">, id: string) {
  const { cart, lines } = await readCart(ctx.store.db, id);
  if (!cart.shippingAddress) throw new ValidationFailed("cart.address_required", "Set the cart's shippingAddress first", { field: "shippingAddress" });
  const subtotal = sum(lines.map((l) => ({ amount: l.unitPrice * l.quantity, currency: cart.currency })), cart.currency);
  const weights = new Map((await getVariants(ctx, lines.map((l) => l.variantId))).map((v) => [v.id, v.weightGrams]));
  const weightGrams = lines.reduce((s, l) => s + (weights.get(l.variantId) ?? 0) * l.quantity, 0);
  return { cart, options: await shippingOptions(ctx, { address: cart.shippingAddress, subtotal, weightGrams }) };
}

export async function listCartShippingOptions(ctx: Pick<Ctx, "store">, id: string) {
  const { options } = await optionsFor(ctx, id);
  return { data: options.map((o) => ({ id: o.id, name: o.name, carrier: o.carrier, price: o.price, free: o.free })) };
}

export async function setShippingMethod(ctx: Ctx, id: string, optionId: string): Promise<void> {
  const { options } = await optionsFor(ctx, id);
  const o = options.find((x) => x.id === optionId);
  if (!o) throw new NotFound("shipping_option", optionId);
  await withTx(ctx, async (tx) => {
    const cart = await cartRow(tx, id);
    if (cart.status !== "open") throw new Conflict("cart.completed", "This cart is already completed; start a new cart", { cartId: id });
    const method = { optionId: o.id, name: o.name, carrier: o.carrier, amount: o.price.amount, currency: o.price.currency };
    await updateById(tx, carts, id, { shippingMethod: method, updatedAt: ctx.clock.now() });
  }, CART_WRITE);
}
