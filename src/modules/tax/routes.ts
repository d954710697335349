// Admin routes of the tax module: settings, zones and their rates, and a quote for a given cart-like input.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import {
  CreateTaxZoneBody, RateInput, TaxCategoryT, TaxQuoteBody, TaxQuoteView, TaxSettingsView, TaxZoneListQuery, TaxZoneView,
  UpdateTaxSettingsBody, UpdateTaxZoneBody,
} from "./tax.models.ts";
import {
  createTaxZone, deleteTaxRate, deleteTaxZone, getTaxSettings, getTaxZone, listTaxZones, quoteLinesFromBody, setTaxRate,
  taxQuote, updateTaxSettings, updateTaxZone,
} from "./zones.ts";

const tags = ["Taxes"];
const IdParams = t.Object({ id: t.String({ maxLength: 64 }) });
const RateParams = t.Object({ id: t.String({ maxLength: 64 }), category: TaxCategoryT });
const Deleted = t.Object({ id: t.String(), deleted: t.Literal(true) });

export const taxAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin" })
    .use(adminAuth(platform))
    .get("/tax-settings", ({ ctx }) => getTaxSettings(ctx), {
      permission: "taxes:read",
      response: { 200: TaxSettingsView, ...ErrorResponses },
      detail: { tags, summary: "Tax settings: tax-inclusive prices, origin country, shipping tax category" },
    })
    .patch("/tax-settings", ({ ctx, body }) => updateTaxSettings(ctx, body), {
      permission: "taxes:write",
      body: UpdateTaxSettingsBody,
      response: { 200: TaxSettingsView, ...ErrorResponses },
      detail: { tags, summary: "Update the tax settings" },
    })
    .get("/tax-zones", ({ ctx, query }) => listTaxZones(ctx, query), {
      permission: "taxes:read",
      query: TaxZoneListQuery,
      response: { 200: pageOf(TaxZoneView), ...ErrorResponses },
      detail: { tags, summary: "List tax zones with their rates" },
    })
    .post(
      "/tax-zones",
      async ({ ctx, body, set }) => {
        const zone = await createTaxZone(ctx, body);
        set.status = 201;
        return zone;
      },
      {
        permission: "taxes:write",
        body: CreateTaxZoneBody,
        response: { 201: TaxZoneView, ...ErrorResponses, 409: ErrorResponses[422] },
        detail: { tags, summary: "Create a tax zone (a country, optionally a region) with its rates" },
      },
    )
    .get("/tax-zones/:id", ({ ctx, params }) => getTaxZone(ctx, params.id), {
      permission: "taxes:read",
      params: IdParams,
      response: { 200: TaxZoneView, ...ErrorResponses },
      detail: { tags, summary: "One tax zone" },
    })
    .patch("/tax-zones/:id", ({ ctx, params, body }) => updateTaxZone(ctx, params.id, body), {
      permission: "taxes:write",
      params: IdParams,
      body: UpdateTaxZoneBody,
      response: { 200: TaxZoneView, ...ErrorResponses, 409: ErrorResponses[422] },
      detail: { tags, summary: "Rename a tax zone or change its region" },
    })
    .delete(
      "/tax-zones/:id",
      async ({ ctx, params }) => {
        await deleteTaxZone(ctx, params.id);
        return { id: params.id, deleted: true as const };
      },
      { permission: "taxes:write", params: IdParams, response: { 200: Deleted, ...ErrorResponses }, detail: { tags, summary: "Delete a tax zone and its rates" } },
    )
    .put("/tax-zones/:id/rates/:category", ({ ctx, params, body }) => setTaxRate(ctx, params.id, params.category, body), {
      permission: "taxes:write",
      params: RateParams,
      body: RateInput,
      response: { 200: TaxZoneView, ...ErrorResponses },
      detail: { tags, summary: "Set the zone's rate for a tax category" },
    })
    .delete("/tax-zones/:id/rates/:category", ({ ctx, params }) => deleteTaxRate(ctx, params.id, params.category), {
      permission: "taxes:write",
      params: RateParams,
      response: { 200: TaxZoneView, ...ErrorResponses },
      detail: { tags, summary: "Remove the zone's rate for a tax category" },
    })
    .post("/tax-quote", ({ ctx, body }) => taxQuote(ctx, { ...quoteLinesFromBody(body), address: body.address, vatNumber: body.vatNumber }), {
      permission: "taxes:read",
      body: TaxQuoteBody,
      response: { 200: TaxQuoteView, ...ErrorResponses },
      detail: { tags, summary: "Compute taxes for lines and an address with the store's zones and settings" },
    });
