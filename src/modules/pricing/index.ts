// The pricing module's public API: cart-like totals from catalog variants (cart and checkout use it).
export { priceCart, type CartTotals, type PriceCartInput, type PriceItem, type PricedLine } from "./totals.ts";
