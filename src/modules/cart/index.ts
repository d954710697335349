// The cart module's public API.
export { carts, cartLines, type AddressRow, type ShippingMethodRow } from "./cart.tables.ts";
export { cartRow, readCart, linesOf, createCart, addLine, updateLine, removeLine, updateCart, acceptPrices, isCountryCode, type CartRow, type CartLineRow } from "./carts.ts";
export { getCart, loadCart, listCartShippingOptions, setShippingMethod } from "./view.ts";
export { priceCartRows, type PricedCart } from "./totals.ts";
export * as cartModels from "./cart.models.ts";
