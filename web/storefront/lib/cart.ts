// The buyer's cart: its id kept in localStorage, its latest server view in a signal (the header's count reads it).
// The server computes every total; this module only sends changes and keeps the answer. A cart the server no longer
// knows (404: expired, or another store's), one already completed, or a stored id that is not a cart id at all (edited
// or corrupted localStorage; the API refuses it with 422) is forgotten, and the next add starts a new one.
import { createStore, reconcile } from "solid-js/store";
import { ApiError, api } from "./api.ts";
import { CART_KEY, LAST_ORDER_KEY, storage, type LastOrder } from "./storage.ts";
import type { Cart, Order } from "./types.ts";

// A store reconciled by id: a line keeps its identity across answers, so the cart page's rows (and the field that has
// focus) survive a quantity change instead of being rebuilt.
const [state, setState] = createStore<{ cart: Cart | null }>({ cart: null });
export const cart = (): Cart | null => state.cart;
const setCart = (c: Cart | null) => setState("cart", reconcile(c, { key: "id" }));

export const itemCount = (): number => cart()?.lines.reduce((n, l) => n + l.quantity, 0) ?? 0;

/** The store API path of a cart. */
export const cartPath = (id: string) => `/v1/store/carts/${encodeURIComponent(id)}`;

function forget(): void {
  storage.remove(CART_KEY);
  setCart(null);
}

/** The shape of the ids the API gives carts (src/kernel/ids.ts: a prefix and a ULID). */
const CART_ID = /^cart_[0-9A-Z]{26}$/;

/** The stored cart id, or null; one that cannot be a cart id is dropped rather than sent. */
function storedId(): string | null {
  const id = storage.get(CART_KEY);
  if (id !== null && !CART_ID.test(id)) {
    storage.remove(CART_KEY);
    return null;
  }
  return id;
}

/** 422 whose issues name the path's cart id (/id): the API will never know that cart. */
const badId = (e: ApiError) =>
  e.status === 422 && Array.isArray(e.details?.issues) && (e.details.issues as { path?: unknown }[]).some((i) => i?.path === "/id");

const isGone = (e: unknown) => e instanceof ApiError && (e.status === 404 || e.reason === "cart.completed" || badId(e));

/** Keeps a cart answer from any call (the checkout's too). */
export function keep(c: Cart): Cart {
  if (c.status !== "open") {
    forget();
    return c;
  }
  storage.set(CART_KEY, c.id);
  setCart(c);
  return c;
}

export async function loadCart(): Promise<Cart | null> {
  const id = storedId();
  if (!id) {
    setCart(null);
    return null;
  }
  try {
    const c = keep(await api.get<Cart>(cartPath(id)));
    return c.status === "open" ? c : null;
  } catch (e) {
    if (isGone(e)) {
      forget();
      return null;
    }
    throw e;
  }
}

export async function addToCart(variantId: string, quantity: number): Promise<Cart> {
  const id = storedId();
  if (id) {
    try {
      return keep(await api.post<Cart>(`${cartPath(id)}/lines`, { variantId, quantity }));
    } catch (e) {
      if (!isGone(e)) throw e;
      forget();
    }
  }
  return keep(await api.post<Cart>("/v1/store/carts", { items: [{ variantId, quantity }] }));
}

/** Runs a change of the current cart; a cart that is gone is forgotten before the error reaches the page. */
async function change(fn: (id: string) => Promise<Cart>): Promise<Cart> {
  const id = cart()?.id ?? storedId();
  if (!id) throw new ApiError(404, "NOT_FOUND", "cart.not_found", "no cart", null, undefined);
  try {
    return keep(await fn(id));
  } catch (e) {
    if (isGone(e)) forget();
    throw e;
  }
}

export const setQuantity = (lineId: string, quantity: number) => change((id) => api.patch<Cart>(`${cartPath(id)}/lines/${encodeURIComponent(lineId)}`, { quantity }));
export const removeLine = (lineId: string) => change((id) => api.del<Cart>(`${cartPath(id)}/lines/${encodeURIComponent(lineId)}`));
export const acceptPrices = () => change((id) => api.post<Cart>(`${cartPath(id)}/accept-prices`));
export const updateCart = (patch: Record<string, unknown>) => change((id) => api.patch<Cart>(cartPath(id), patch));
export const chooseShipping = (optionId: string) => change((id) => api.put<Cart>(`${cartPath(id)}/shipping-method`, { optionId }));

/** After the order is placed: the cart is done, and the order's link is kept for "your last order". */
export function completed(order: Order): LastOrder | null {
  forget();
  if (!order.token) return null;
  const last: LastOrder = { id: order.id, number: order.number, token: order.token };
  storage.set(LAST_ORDER_KEY, JSON.stringify(last));
  return last;
}
