// Public api of the webhooks module (other modules emit events through the outbox: topic "event").
export { webhooksAdminRoutes } from "./routes.ts";
export { WEBHOOK_JOBS, eventJob, webhookDeliverJob, webhookDispatchJob } from "./jobs.ts";
export { signPayload, verifySignature } from "./signature.ts";
export { RETRY_DELAYS_MS, MAX_ATTEMPTS } from "./deliveries.ts";
export { webhookEndpoints, webhookDeliveries } from "./webhooks.tables.ts";
