import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses } from "../../http/models.ts";
import { getPaymentSettings, updatePaymentSettings } from "./payments.ts";

const Settings = t.Object({
  provider: t.Union([t.Literal("sandbox"), t.Literal("stripe")], { description: "The provider storefronts use by default" }),
  captureMethod: t.Union([t.Literal("automatic"), t.Literal("manual")], { description: "manual: orders stay pending until captured" }),
});
const UpdateSettings = t.Object(
  { provider: t.Optional(Settings.properties.provider), captureMethod: t.Optional(Settings.properties.captureMethod) },
  { additionalProperties: false, minProperties: 1 },
);

export const paymentsAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/settings/payments" })
    .use(adminAuth(platform))
    .get("", ({ ctx }) => getPaymentSettings(ctx), {
      permission: "payments:read",
      response: { 200: Settings, ...ErrorResponses },
      detail: { tags: ["Payments"], summary: "Payment provider and capture method" },
    })
    .patch("", ({ ctx, body }) => updatePaymentSettings(ctx, body), {
      permission: "payments:write",
      body: UpdateSettings,
      response: { 200: Settings, ...ErrorResponses },
      detail: { tags: ["Payments"], summary: "Change the payment provider or capture method" },
    });
