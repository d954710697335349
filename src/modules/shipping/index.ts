// The shipping module's public API: the only file other modules import.
export { shippingOptions, getShippingZone, type ShippingOption } from "./zones.ts";
export { priceRate } from "./options.ts";
export { shippingAdminRoutes, shippingStoreRoutes } from "./routes.ts";
export { seedShipping } from "./seed.ts";
