// Every table of a store database, gathered for drizzle-kit and typed queries. Each module owns its tables file.
export * from "../modules/settings/settings.tables.ts";
export * from "../modules/audit/audit.tables.ts";
export * from "../jobs/outbox.tables.ts";
export * from "../modules/catalog/catalog.tables.ts";
export * from "../modules/access/access.tables.ts";
export * from "../modules/flags/flags.tables.ts";
export * from "../modules/tax/tax.tables.ts";
export * from "../modules/inventory/inventory.tables.ts";
export * from "../modules/shipping/shipping.tables.ts";
export * from "../modules/webhooks/webhooks.tables.ts";
export * from "../modules/notifications/notifications.tables.ts";
export * from "../modules/cart/cart.tables.ts";
export * from "../modules/payments/payments.tables.ts";
export * from "../modules/customers/customers.tables.ts";
export * from "../modules/orders/orders.tables.ts";
export * from "../http/idempotency.tables.ts";
export * from "../modules/payments/stripe/stripe.tables.ts";
