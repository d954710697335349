import { Elysia } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth, storeAuth } from "../../http/auth.ts";
import { renameStore } from "../../tenancy/stores.ts";
import { ErrorResponses } from "../../http/models.ts";
import { getSettings, updateSettings } from "./settings.ts";
import { getPaymentSettings } from "../payments/index.ts";
import { PublicStoreView, SettingsView, UpdateSettingsBody } from "./settings.models.ts";

export const settingsAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin" })
    .use(adminAuth(platform))
    .get("/settings", ({ ctx }) => getSettings(ctx), {
      permission: "settings:read",
      response: { 200: SettingsView, ...ErrorResponses },
      detail: { tags: ["Settings"], summary: "The store's profile" },
    })
    .patch(
      "/settings",
      async ({ ctx, body }) => {
        const s = await updateSettings(ctx, body);
        // The control DB keeps a copy of the name for operator listings; the store file is the source of truth.
        if (body.name !== undefined) await renameStore(platform.control, ctx.storeId, s.name, ctx.clock.now());
        return s;
      },
      {
        permission: "settings:write",
        body: UpdateSettingsBody,
        response: { 200: SettingsView, ...ErrorResponses },
        detail: { tags: ["Settings"], summary: "Update the store's profile" },
      },
    );

export const settingsStoreRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/store" }).use(storeAuth(platform)).get(
    "/store",
    async ({ ctx }) => {
      const [s, payments] = await Promise.all([getSettings(ctx), getPaymentSettings(ctx)]);
      // A storefront needs to know before checkout whether returns are offered and which provider takes payments
      // (a sandbox-only storefront must say so instead of failing at the last step).
      return { id: ctx.storeId, name: s.name, defaultCurrency: s.defaultCurrency, returnWindowDays: s.returnWindowDays, paymentProvider: payments.provider };
    },
    {
      response: { 200: PublicStoreView, ...ErrorResponses },
      detail: { tags: ["Store"], summary: "The store's public profile", security: [{ publishableKey: [] }] },
    },
  );
