// The Stripe payment provider: settings (sealed keys), the PaymentProvider, and inbound webhooks.
// Importing this module registers the provider (src/http/routes.ts imports it at startup).
import { registerProvider } from "../provider.ts";
import { stripeProvider } from "./stripe-provider.ts";

registerProvider(stripeProvider);

export { stripeProvider, bindStripePlatform } from "./stripe-provider.ts";
export { stripeAdminRoutes, stripeHookRoutes, stripeStoreRoutes } from "./routes.ts";
export { stripeCredentials, type StripeCredentials } from "./settings.ts";
