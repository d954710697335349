// The checkout module's public API. `completeCart(ctx, cartId, { masterKey, outbox? })` is idempotent: completing a
// completed cart returns its order with `created: false` (the Stripe webhook calls it for buyers who left after 3DS).
export { completeCart, checkoutFaults, type KickOutbox } from "./complete.ts";
export { createPaymentSession, releaseUnusedPayment, type CheckoutDeps } from "./payment-session.ts";
export { checkoutStoreRoutes } from "./routes.ts";
