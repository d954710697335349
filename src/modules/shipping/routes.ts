// Shipping routes: zones and rates (admin), options for an address (store).
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth, storeAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { ListQuery } from "../../kernel/pagination.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import { isCurrency } from "../../kernel/currency.ts";
import { money } from "../../kernel/money.ts";
import {
  CreateShippingRateBody, CreateShippingZoneBody, ShippingOptionsQuery, ShippingOptionsView, ShippingRateView, ShippingZoneView,
  UpdateShippingRateBody, UpdateShippingZoneBody,
} from "./shipping.models.ts";
import {
  createShippingRate, createShippingZone, deleteShippingRate, deleteShippingZone, getShippingZone, listShippingZones, shippingOptions,
  updateShippingRate, updateShippingZone,
} from "./zones.ts";

const tags = ["Shipping"];
const E409 = { 409: ErrorResponses[422] };
const IdParams = t.Object({ id: t.String({ maxLength: 64 }) });
const RateParams = t.Object({ id: t.String({ maxLength: 64 }), rateId: t.String({ maxLength: 64 }) });
const Deleted = t.Object({ id: t.String(), deleted: t.Literal(true) });

export const shippingAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/shipping-zones" })
    .use(adminAuth(platform))
    .get("", ({ ctx, query }) => listShippingZones(ctx, query), {
      permission: "shipping:read", query: ListQuery, response: { 200: pageOf(ShippingZoneView), ...ErrorResponses }, detail: { tags, summary: "List shipping zones with their rates" },
    })
    .post("", async ({ ctx, body, set }) => {
      const z = await createShippingZone(ctx, body);
      set.status = 201;
      return z;
    }, {
      permission: "shipping:write", body: CreateShippingZoneBody, response: { 201: ShippingZoneView, ...ErrorResponses, ...E409 },
      detail: { tags, summary: "Create a shipping zone (each country belongs to one zone at most)" },
    })
    .get("/:id", ({ ctx, params }) => getShippingZone(ctx, params.id), {
      permission: "shipping:read", params: IdParams, response: { 200: ShippingZoneView, ...ErrorResponses }, detail: { tags, summary: "One shipping zone" },
    })
    .patch("/:id", ({ ctx, params, body }) => updateShippingZone(ctx, params.id, body), {
      permission: "shipping:write", params: IdParams, body: UpdateShippingZoneBody, response: { 200: ShippingZoneView, ...ErrorResponses, ...E409 },
      detail: { tags, summary: "Rename a zone or replace its countries" },
    })
    .delete("/:id", async ({ ctx, params }) => {
      await deleteShippingZone(ctx, params.id);
      return { id: params.id, deleted: true as const };
    }, { permission: "shipping:write", params: IdParams, response: { 200: Deleted, ...ErrorResponses }, detail: { tags, summary: "Delete a zone and its rates" } })
    .post("/:id/rates", async ({ ctx, params, body, set }) => {
      const r = await createShippingRate(ctx, params.id, body);
      set.status = 201;
      return r;
    }, {
      permission: "shipping:write", params: IdParams, body: CreateShippingRateBody, response: { 201: ShippingRateView, ...ErrorResponses },
      detail: { tags, summary: "Add a flat or weight-based rate, optionally free above a subtotal" },
    })
    .patch("/:id/rates/:rateId", ({ ctx, params, body }) => updateShippingRate(ctx, params.id, params.rateId, body), {
      permission: "shipping:write", params: RateParams, body: UpdateShippingRateBody, response: { 200: ShippingRateView, ...ErrorResponses },
      detail: { tags, summary: "Change a rate" },
    })
    .delete("/:id/rates/:rateId", async ({ ctx, params }) => {
      await deleteShippingRate(ctx, params.id, params.rateId);
      return { id: params.rateId, deleted: true as const };
    }, { permission: "shipping:write", params: RateParams, response: { 200: Deleted, ...ErrorResponses }, detail: { tags, summary: "Delete a rate" } });

export const shippingStoreRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/store" }).use(storeAuth(platform)).get(
    "/shipping-options",
    async ({ ctx, query }) => {
      if (!isCurrency(query.currency)) throw new ValidationFailed("shipping.unknown_currency", "currency must be a supported ISO 4217 code", { field: "currency" });
      const data = await shippingOptions(ctx, {
        address: { countryCode: query.countryCode },
        subtotal: money(query.subtotal, query.currency),
        weightGrams: query.weightGrams ?? 0,
      });
      return { data };
    },
    {
      query: ShippingOptionsQuery,
      response: { 200: ShippingOptionsView, ...ErrorResponses },
      detail: { tags, summary: "Shipping options for a destination country, subtotal and weight", security: [{ publishableKey: [] }] },
    },
  );
