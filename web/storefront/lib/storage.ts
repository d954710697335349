// localStorage that never throws (private windows and disabled storage throw on access): the shop still works,
// it just forgets the cart on reload.
export const storage = {
  get(key: string): string | null {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key: string, value: string): void {
    try {
      localStorage.setItem(key, value);
    } catch {
      /* nothing to keep it in */
    }
  },
  remove(key: string): void {
    try {
      localStorage.removeItem(key);
    } catch {
      /* nothing to remove */
    }
  },
};

export const CART_KEY = "trafi.cartId";
export const LAST_ORDER_KEY = "trafi.lastOrder";

export interface LastOrder {
  id: string;
  number: number;
  token: string;
}

export function lastOrder(): LastOrder | null {
  const raw = storage.get(LAST_ORDER_KEY);
  if (!raw) return null;
  try {
    const o = JSON.parse(raw) as Partial<LastOrder>;
    return typeof o.id === "string" && typeof o.token === "string" && typeof o.number === "number" ? (o as LastOrder) : null;
  } catch {
    return null;
  }
}

export const orderHref = (o: { id: string; token: string }) => `/orders/${encodeURIComponent(o.id)}?token=${encodeURIComponent(o.token)}`;
