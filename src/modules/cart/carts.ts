// Cart verbs. Every change is one withTx; the view is priced afterwards, outside the lock.
import { and, asc, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../kernel/context.ts";
import { Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { isCurrency } from "../../kernel/currency.ts";
import { isCountryCode } from "../../kernel/country.ts";
import { isId, newId } from "../../kernel/ids.ts";
import { dbOf, withTx, type StoreTx, type TxOptions } from "../../db/tx.ts";
import { insertRow, prepared, updateById } from "../../db/prepared.ts";
import type { StoreDb } from "../../db/client.ts";
import { getVariants, type VariantInfo } from "../catalog/index.ts";
import { availability } from "../inventory/index.ts";
import { getSettings } from "../settings/settings.ts";
import { getCustomer } from "../customers/index.ts";
import { cartLines, carts, type AddressRow } from "./cart.tables.ts";
import { currentPrice } from "./totals.ts";

/**
 * Cart edits are acknowledged at COMMIT, their fsync following in the background (tx.ts): a power cut may lose the
 * last edit of a cart, which the buyer redoes; it cannot lose money, stock or an order (payment sessions and
 * completion are synchronous). Saves one fsync wait per cart call.
 */
export const CART_WRITE: TxOptions = { durability: "async" };

export type CartRow = typeof carts.$inferSelect;
export type CartLineRow = typeof cartLines.$inferSelect;
type Db = StoreDb | StoreTx;

export { isCountryCode };

export async function cartRow(db: Db, id: string): Promise<CartRow> {
  const c = isId("cart", id)
    ? (await prepared(dbOf(db), "cart.row", (d) => d.select().from(carts).where(eq(carts.id, sql.placeholder("id"))).prepare()).all({ id }))[0]
    : undefined;
  if (!c) throw new NotFound("cart", id);
  return c;
}

export const linesOf = (db: Db, cartId: string) => db.select().from(cartLines).where(eq(cartLines.cartId, cartId)).orderBy(asc(cartLines.id));

// Reads outside transactions run on every cart call: prepared once per store database (query building is the cost).
function prepare(db: StoreDb) {
  return {
    cart: db.select().from(carts).where(eq(carts.id, sql.placeholder("id"))).prepare(),
    lines: db.select().from(cartLines).where(eq(cartLines.cartId, sql.placeholder("id"))).orderBy(asc(cartLines.id)).prepare(),
  };
}
const statements = (db: StoreDb) => prepared(db, "cart.read", prepare);

/** The cart and its lines, outside any transaction (views, checks before a write). */
export async function readCart(db: StoreDb, id: string): Promise<{ cart: CartRow; lines: CartLineRow[] }> {
  const st = statements(db);
  const cart = isId("cart", id) ? (await st.cart.execute({ id }))[0] : undefined;
  if (!cart) throw new NotFound("cart", id);
  return { cart, lines: await st.lines.execute({ id }) };
}

async function openCart(tx: StoreTx, id: string): Promise<CartRow> {
  const c = await cartRow(tx, id);
  if (c.status !== "open") throw new Conflict("cart.completed", "This cart is already completed; start a new cart", { cartId: id, orderId: c.orderId });
  return c;
}

/** A variant for sale in the cart's currency, with enough stock for `quantity` in total (checked now, re-checked at completion). */
async function sellable(db: Db, ctx: Pick<Ctx, "store" | "clock">, variantId: string, currency: string, quantity: number): Promise<{ v: VariantInfo; unitPrice: number }> {
  const [v] = await getVariants(ctx, [variantId]);
  if (!v) throw new NotFound("variant", variantId);
  const price = currentPrice(v, currency);
  if (!price) throw new ValidationFailed("cart.variant_unavailable", `This variant is not for sale in ${currency}`, { variantId, currency });
  if (v.trackInventory && !v.allowBackorder) {
    const a = await availability(db, variantId, ctx.clock.now());
    if (a.available < quantity) {
      throw new Conflict("cart.insufficient_stock", "Not enough stock for this quantity", { variantId, requested: quantity, available: Math.max(0, a.available) });
    }
  }
  return { v, unitPrice: price.amount };
}

/**
 * Bounds of one cart, checked after every change of its lines in the same transaction (a refusal writes nothing).
 * Prices go up to 10^12 minor units and quantities to 10,000: unbounded, a subtotal would pass 2^53, where amounts
 * stop being exact and every read of the cart fails. 10^13 minor units is 100 billion of a two-decimal currency.
 */
export const MAX_CART_SUBTOTAL = 10_000_000_000_000;
export const MAX_CART_LINES = 500;

async function assertCartBounds(tx: StoreTx, cartId: string): Promise<void> {
  // total() is a float sum: it cannot overflow the way sum() of integers would, and the bound is far below 2^53.
  const [row] = await prepared(dbOf(tx), "cart.bounds", (d) =>
    d.select({ lines: sql<number>`count(*)`, subtotal: sql<number>`total(${cartLines.unitPrice} * ${cartLines.quantity})` }).from(cartLines).where(eq(cartLines.cartId, sql.placeholder("id"))).prepare(),
  ).all({ id: cartId });
  if (row && Number(row.lines) > MAX_CART_LINES) throw new ValidationFailed("cart.too_many_lines", `A cart holds at most ${MAX_CART_LINES} lines`, { field: "lines" });
  if (row && Number(row.subtotal) > MAX_CART_SUBTOTAL) {
    throw new ValidationFailed("cart.amount_too_large", "This cart's amount would be larger than a cart can hold", { field: "lines", max: MAX_CART_SUBTOTAL });
  }
}

async function touch(tx: StoreTx, cartId: string, now: number): Promise<void> {
  await updateById(tx, carts, cartId, { updatedAt: now });
}

/** Adds or merges a line (same variant → one line, quantities summed; a re-add refreshes the snapshot). */
async function addLineInTx(tx: StoreTx, ctx: Ctx, cart: CartRow, variantId: string, quantity: number): Promise<void> {
  const now = ctx.clock.now();
  const existing = (
    await prepared(dbOf(tx), "cart.lineOfVariant", (d) =>
      d.select().from(cartLines).where(and(eq(cartLines.cartId, sql.placeholder("cartId")), eq(cartLines.variantId, sql.placeholder("variantId")))).prepare(),
    ).all({ cartId: cart.id, variantId })
  )[0];
  const total = (existing?.quantity ?? 0) + quantity;
  if (total > 10_000) throw new ValidationFailed("cart.quantity_too_large", "At most 10000 of one variant per cart", { variantId });
  const { v, unitPrice } = await sellable(tx, ctx, variantId, cart.currency, total);
  if (existing) {
    await updateById(tx, cartLines, existing.id, { quantity: total, unitPrice, title: v.title, sku: v.sku, updatedAt: now });
  } else {
    await insertRow(tx, cartLines, { id: newId("line", now), cartId: cart.id, variantId, title: v.title, sku: v.sku, quantity, unitPrice, createdAt: now, updatedAt: now });
  }
}

export async function createCart(ctx: Ctx, input: { currency?: string; email?: string; items?: Array<{ variantId: string; quantity: number }> }): Promise<string> {
  const currency = input.currency ?? (await getSettings(ctx)).defaultCurrency;
  if (!isCurrency(currency)) throw new ValidationFailed("cart.unknown_currency", "currency must be a supported ISO 4217 code", { field: "currency" });
  const now = ctx.clock.now();
  const id = newId("cart", now);
  await withTx(ctx, async (tx) => {
    const row: CartRow = {
      id, currency, email: input.email?.toLowerCase() ?? null, customerId: null, shippingAddress: null, billingAddress: null,
      shippingMethod: null, paymentId: null, status: "open", orderId: null, createdAt: now, updatedAt: now, completedAt: null,
    };
    await insertRow(tx, carts, row);
    for (const it of input.items ?? []) await addLineInTx(tx, ctx, row, it.variantId, it.quantity);
    if (input.items?.length) await assertCartBounds(tx, id);
  }, CART_WRITE);
  return id;
}

export async function addLine(ctx: Ctx, input: { cartId: string; variantId: string; quantity: number }): Promise<void> {
  await withTx(ctx, async (tx) => {
    const cart = await openCart(tx, input.cartId);
    await addLineInTx(tx, ctx, cart, input.variantId, input.quantity);
    await assertCartBounds(tx, cart.id);
    await touch(tx, cart.id, ctx.clock.now());
  }, CART_WRITE);
}

async function lineOf(tx: StoreTx, cartId: string, lineId: string): Promise<CartLineRow> {
  const l = isId("line", lineId) ? (await tx.select().from(cartLines).where(and(eq(cartLines.id, lineId), eq(cartLines.cartId, cartId))))[0] : undefined;
  if (!l) throw new NotFound("cart_line", lineId);
  return l;
}

/** Quantity 0 removes the line. A new quantity keeps the line's price snapshot. */
export async function updateLine(ctx: Ctx, input: { cartId: string; lineId: string; quantity: number }): Promise<void> {
  await withTx(ctx, async (tx) => {
    const cart = await openCart(tx, input.cartId);
    const line = await lineOf(tx, cart.id, input.lineId);
    const now = ctx.clock.now();
    if (input.quantity === 0) await tx.delete(cartLines).where(eq(cartLines.id, line.id));
    else {
      if (input.quantity > line.quantity) await sellable(tx, ctx, line.variantId, cart.currency, input.quantity);
      await tx.update(cartLines).set({ quantity: input.quantity, updatedAt: now }).where(eq(cartLines.id, line.id));
      if (input.quantity > line.quantity) await assertCartBounds(tx, cart.id);
    }
    await touch(tx, cart.id, now);
  }, CART_WRITE);
}

export const removeLine = (ctx: Ctx, input: { cartId: string; lineId: string }) => updateLine(ctx, { ...input, quantity: 0 });

function checkAddress(a: AddressRow | undefined, field: string): void {
  if (a && !isCountryCode(a.countryCode)) {
    throw new ValidationFailed("cart.invalid_country", "countryCode must be an ISO 3166-1 alpha-2 country code", { field: `${field}.countryCode` });
  }
}

const OPTIONAL_TEXT = ["company", "line2", "region", "phone"] as const;

/**
 * Surrounding blanks trimmed (they would print on labels and invoices); an optional field left blank is no value.
 * The schema (cart.models.ts) already refused blank required fields, so none becomes empty here.
 */
function tidyAddress(a: AddressRow | undefined): AddressRow | undefined {
  if (!a) return a;
  const out: AddressRow = { ...a, firstName: a.firstName.trim(), lastName: a.lastName.trim(), line1: a.line1.trim(), city: a.city.trim(), postalCode: a.postalCode.trim() };
  for (const k of OPTIONAL_TEXT) {
    const v = a[k];
    if (typeof v === "string") out[k] = v.trim() === "" ? null : v.trim();
  }
  return out;
}

export async function updateCart(
  ctx: Ctx, id: string, input: { email?: string; shippingAddress?: AddressRow; billingAddress?: AddressRow; customerId?: string | null },
): Promise<void> {
  checkAddress(input.shippingAddress, "shippingAddress");
  checkAddress(input.billingAddress, "billingAddress");
  input = { ...input, shippingAddress: tidyAddress(input.shippingAddress), billingAddress: tidyAddress(input.billingAddress) };
  await withTx(ctx, async (tx) => {
    const cart = await openCart(tx, id);
    const patch: Partial<CartRow> = { updatedAt: ctx.clock.now() };
    if (input.email !== undefined) patch.email = input.email.toLowerCase();
    if (input.billingAddress !== undefined) patch.billingAddress = input.billingAddress;
    if (input.customerId !== undefined) {
      // Accounts come later; until then the id must at least name a customer of this store. The order's customer is
      // still found by e-mail at completion.
      if (input.customerId !== null) await getCustomer({ store: ctx.store }, input.customerId);
      patch.customerId = input.customerId;
    }
    if (input.shippingAddress !== undefined) {
      patch.shippingAddress = input.shippingAddress;
      // Another country may have other rates: the buyer picks again (the same country keeps the choice, re-priced).
      if (cart.shippingAddress?.countryCode !== input.shippingAddress.countryCode) patch.shippingMethod = null;
    }
    await updateById(tx, carts, cart.id, patch);
  }, CART_WRITE);
}

/** Applies today's catalog prices to every line (the buyer saw and accepted priceChanges). */
export async function acceptPrices(ctx: Ctx, id: string): Promise<void> {
  await withTx(ctx, async (tx) => {
    const cart = await openCart(tx, id);
    const lines = await linesOf(tx, cart.id);
    const variants = new Map((await getVariants(ctx, lines.map((l) => l.variantId))).map((v) => [v.id, v]));
    const now = ctx.clock.now();
    for (const l of lines) {
      const v = variants.get(l.variantId);
      const price = currentPrice(v, cart.currency);
      // No longer for sale: the line goes, as the price change told the buyer (new: null).
      if (!price || !v) await tx.delete(cartLines).where(eq(cartLines.id, l.id));
      else if (price.amount !== l.unitPrice) await tx.update(cartLines).set({ unitPrice: price.amount, title: v.title, sku: v.sku, updatedAt: now }).where(eq(cartLines.id, l.id));
    }
    await assertCartBounds(tx, cart.id);
    await touch(tx, cart.id, now);
  }, CART_WRITE);
}
