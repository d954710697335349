import { t } from "elysia";
import { Int } from "../../../kernel/schema.ts";

export const StripeSettingsView = t.Object({
  configured: t.Boolean(),
  mode: t.Union([t.Literal("test"), t.Literal("live"), t.Null()]),
  secretKeyHint: t.Union([t.String({ description: "e.g. sk_test_…abcd; the key itself is never returned" }), t.Null()]),
  publishableKey: t.Union([t.String(), t.Null()]),
  webhookSecretSet: t.Boolean(),
  webhookUrl: t.String({ description: "Give this URL to Stripe (Dashboard → Webhooks, or stripe listen --forward-to)" }),
  revision: Int(),
  updatedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
});

// Formats are checked by the verb, which answers every problem with its own reason (stripe.invalid_secret_key, …).
export const PutStripeSettingsBody = t.Object(
  {
    secretKey: t.Optional(t.String({ maxLength: 255, description: "sk_… or rk_…; required the first time, omit to keep" })),
    publishableKey: t.String({ maxLength: 255 }),
    webhookSecret: t.Optional(t.Union([t.String({ maxLength: 255 }), t.Null()], { description: "whsec_…; omit to keep, null to remove" })),
  },
  { additionalProperties: false },
);

export const WebhookAckView = t.Object({
  received: t.Literal(true),
  duplicate: t.Boolean(),
  outcome: t.String({ description: "completed, recorded, ignored, rejected or duplicate" }),
});

export const StripePublicConfig = t.Object({
  publishableKey: t.String({ description: "For Stripe.js on the storefront" }),
});
