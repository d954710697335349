// Every module's routes, registered in one list. A module adds its store and admin route plugins here.
import type { Platform } from "../platform.ts";
import { settingsAdminRoutes, settingsStoreRoutes } from "../modules/settings/routes.ts";
import { keysAdminRoutes } from "../modules/access/keys.routes.ts";
import { authRoutes } from "../modules/access/auth.routes.ts";
import { membersAdminRoutes } from "../modules/access/members.routes.ts";
import { auditAdminRoutes } from "../modules/audit/routes.ts";
import { securityHeaders } from "./security.ts";
import { dashboardRoutes } from "./dashboard.ts";
import { storefrontRoutes } from "./storefront.ts";
import { flagsAdminRoutes, flagsStoreRoutes } from "../modules/flags/index.ts";
import { taxAdminRoutes } from "../modules/tax/index.ts";
import { inventoryAdminRoutes, inventoryStoreRoutes } from "../modules/inventory/index.ts";
import { shippingAdminRoutes, shippingStoreRoutes } from "../modules/shipping/index.ts";
import { jobsAdminRoutes } from "../jobs/routes.ts";
import { webhooksAdminRoutes } from "../modules/webhooks/index.ts";
import { emailsAdminRoutes } from "../modules/notifications/index.ts";
import { catalogStoreRoutes, categoryAdminRoutes, collectionAdminRoutes, mediaFileRoutes, productAdminRoutes } from "../modules/catalog/index.ts";
import { stripeAdminRoutes, stripeHookRoutes, stripeStoreRoutes } from "../modules/payments/stripe/index.ts"; // also registers the provider
import { cartStoreRoutes } from "../modules/cart/routes.ts";
import { checkoutStoreRoutes } from "../modules/checkout/index.ts";
import { ordersAdminRoutes, ordersStoreRoutes } from "../modules/orders/index.ts";
import { paymentsAdminRoutes, sandboxChallengeRoutes } from "../modules/payments/index.ts";

export const moduleRoutes = (platform: Platform) => [
  securityHeaders(),
  dashboardRoutes(),
  authRoutes(platform),
  membersAdminRoutes(platform),
  auditAdminRoutes(platform),
  settingsStoreRoutes(platform),
  settingsAdminRoutes(platform),
  keysAdminRoutes(platform),
  flagsStoreRoutes(platform),
  flagsAdminRoutes(platform),
  taxAdminRoutes(platform),
  inventoryAdminRoutes(platform),
  inventoryStoreRoutes(platform),
  shippingAdminRoutes(platform),
  shippingStoreRoutes(platform),
  catalogStoreRoutes(platform),
  productAdminRoutes(platform),
  categoryAdminRoutes(platform),
  collectionAdminRoutes(platform),
  mediaFileRoutes(platform),
  jobsAdminRoutes(platform),
  webhooksAdminRoutes(platform),
  emailsAdminRoutes(platform),
  stripeAdminRoutes(platform),
  stripeStoreRoutes(platform),
  stripeHookRoutes(platform),
  cartStoreRoutes(platform),
  checkoutStoreRoutes(platform),
  ordersStoreRoutes(platform),
  ordersAdminRoutes(platform),
  paymentsAdminRoutes(platform),
  sandboxChallengeRoutes(platform),
  // Last: its catch-all answers the storefront app for any GET no other route claims (deep links).
  storefrontRoutes(platform),
] as const;
