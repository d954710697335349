import { Elysia, t } from "elysia";
import type { Platform } from "../../../platform.ts";
import { adminAuth, storeAuth } from "../../../http/auth.ts";
import { ErrorEnvelope, ErrorResponses } from "../../../http/models.ts";
import { NotFound } from "../../../kernel/errors.ts";
import { getStripeSettings, putStripeSettings, stripeCredentials } from "./settings.ts";
import { PutStripeSettingsBody, StripePublicConfig, StripeSettingsView, WebhookAckView } from "./stripe.models.ts";
import { readRawBody, receiveStripeWebhook } from "./webhooks.ts";
import { bindStripePlatform } from "./stripe-provider.ts";

export const stripeAdminRoutes = (platform: Platform) => {
  bindStripePlatform(platform);
  const deps = { masterKey: platform.config.masterKey, publicUrl: platform.config.publicUrl };
  return new Elysia({ prefix: "/v1/admin/settings/payments" })
    .use(adminAuth(platform))
    .get("/stripe", ({ ctx }) => getStripeSettings(ctx, deps.publicUrl), {
      permission: "payments:read",
      response: { 200: StripeSettingsView, ...ErrorResponses },
      detail: { tags: ["Settings"], summary: "Stripe configuration (secrets are never returned)" },
    })
    .put("/stripe", ({ ctx, body }) => putStripeSettings(ctx, deps, body), {
      permission: "payments:write",
      body: PutStripeSettingsBody,
      response: { 200: StripeSettingsView, ...ErrorResponses },
      detail: { tags: ["Settings"], summary: "Set the store's Stripe keys and webhook signing secret (stored sealed)" },
    });
};

export const stripeStoreRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/store" }).use(storeAuth(platform)).get(
    "/payment-providers/stripe",
    async ({ ctx }) => {
      const creds = await stripeCredentials(ctx.store.db, platform.config.masterKey);
      if (!creds) throw new NotFound("payment_provider", "stripe");
      return { publishableKey: creds.publishableKey };
    },
    {
      response: { 200: StripePublicConfig, ...ErrorResponses },
      detail: { tags: ["Store"], summary: "Stripe.js configuration of this store", security: [{ publishableKey: [] }] },
    },
  );

/** Stripe calls this; its signature is the authentication. The body is read raw: the signature covers its bytes. */
export const stripeHookRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/hooks" }).post(
    "/stripe/:storeId",
    async ({ request, params }) => receiveStripeWebhook(platform, request, params.storeId, await readRawBody(request)),
    {
      parse: "none",
      params: t.Object({ storeId: t.String({ maxLength: 64 }) }),
      response: { 200: WebhookAckView, 401: ErrorEnvelope, 413: ErrorEnvelope, 422: ErrorEnvelope, 500: ErrorEnvelope },
      detail: {
        tags: ["Webhooks"],
        summary: "Inbound Stripe events",
        description: "Authenticated by the Stripe-Signature header (the store's webhook signing secret) over the raw body; 401 when it does not verify.",
        security: [],
      },
    },
  );
