// /v1/admin/webhooks: endpoints CRUD, the deliveries log, replay and the synthetic test event.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { decodeCursor } from "../../kernel/pagination.ts";
import { ListQuery } from "../../kernel/pagination.ts";
import { createEndpoint, deleteEndpoint, endpointView, findEndpoint, listEndpoints, updateEndpoint } from "./endpoints.ts";
import { deliveryView, getDelivery, listDeliveries, replayDelivery, sendTestEvent, webhookDeps } from "./deliveries.ts";
import { CreateEndpointBody, CreatedEndpoint, Deleted, DeliveryQuery, DeliveryView, EndpointView, UpdateEndpointBody } from "./webhooks.models.ts";

const IdParams = t.Object({ id: t.String({ maxLength: 64 }) });
const tags = ["Webhooks"];

export const webhooksAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin/webhooks" })
    .use(adminAuth(platform))
    .get("", ({ ctx, query }) => listEndpoints(ctx, { limit: query.limit ?? 20, before: decodeCursor(query.cursor) }), {
      permission: "webhooks:read",
      query: ListQuery,
      response: { 200: pageOf(EndpointView), ...ErrorResponses },
      detail: { tags, summary: "List webhook endpoints" },
    })
    .post(
      "",
      async ({ ctx, body, set }) => {
        const created = await createEndpoint(ctx, webhookDeps(platform), body);
        set.status = 201;
        return created;
      },
      {
        permission: "webhooks:write",
        body: CreateEndpointBody,
        response: { 201: CreatedEndpoint, ...ErrorResponses },
        detail: { tags, summary: "Create a webhook endpoint (http(s), public address; the secret is shown once)" },
      },
    )
    .get(
      "/deliveries",
      ({ ctx, query }) =>
        listDeliveries(ctx, { limit: query.limit ?? 20, before: decodeCursor(query.cursor), endpointId: query.endpointId, status: query.status }),
      {
        permission: "webhooks:read",
        query: DeliveryQuery,
        response: { 200: pageOf(DeliveryView), ...ErrorResponses },
        detail: { tags, summary: "The deliveries log, newest first" },
      },
    )
    .get("/deliveries/:id", async ({ ctx, params }) => deliveryView(await getDelivery(ctx, params.id)), {
      permission: "webhooks:read",
      params: IdParams,
      response: { 200: DeliveryView, ...ErrorResponses },
      detail: { tags, summary: "One delivery" },
    })
    .post("/deliveries/:id/replay", async ({ ctx, params }) => deliveryView(await replayDelivery(platform, ctx, params.id)), {
      permission: "webhooks:write",
      params: IdParams,
      response: { 200: DeliveryView, ...ErrorResponses },
      detail: { tags, summary: "Send a dead or delivered delivery again, with a fresh retry budget" },
    })
    .get("/:id", async ({ ctx, params }) => endpointView(await findEndpoint(ctx, params.id)), {
      permission: "webhooks:read",
      params: IdParams,
      response: { 200: EndpointView, ...ErrorResponses },
      detail: { tags, summary: "One webhook endpoint" },
    })
    .patch("/:id", ({ ctx, params, body }) => updateEndpoint(ctx, webhookDeps(platform), params.id, body), {
      permission: "webhooks:write",
      params: IdParams,
      body: UpdateEndpointBody,
      response: { 200: EndpointView, ...ErrorResponses },
      detail: { tags, summary: "Update a webhook endpoint" },
    })
    .delete(
      "/:id",
      async ({ ctx, params }) => {
        await deleteEndpoint(ctx, params.id);
        return { id: params.id, deleted: true as const };
      },
      { permission: "webhooks:write", params: IdParams, response: { 200: Deleted, ...ErrorResponses }, detail: { tags, summary: "Delete a webhook endpoint" } },
    )
    .post(
      "/:id/test",
      async ({ ctx, params, set }) => {
        const d = await sendTestEvent(platform, ctx, params.id);
        set.status = 201;
        return deliveryView(d);
      },
      {
        permission: "webhooks:write",
        params: IdParams,
        response: { 201: DeliveryView, ...ErrorResponses },
        detail: { tags, summary: "Send a synthetic webhook.test event to this endpoint" },
      },
    );
