import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { storeAuth } from "../../http/auth.ts";
import { ErrorEnvelope, ErrorResponses } from "../../http/models.ts";
import { acceptPrices, addLine, createCart, removeLine, updateCart, updateLine } from "./carts.ts";
import { getCart, listCartShippingOptions, setShippingMethod } from "./view.ts";
import { AddLineBody, CartView, CreateCartBody, ShippingMethodBody, ShippingOptionsView, UpdateCartBody, UpdateLineBody } from "./cart.models.ts";

const E = ErrorEnvelope;
const Id = t.Object({ id: t.String({ maxLength: 64 }) });
const LineParams = t.Object({ id: t.String({ maxLength: 64 }), lineId: t.String({ maxLength: 64 }) });
const doc = (summary: string) => ({ tags: ["Store"], summary, security: [{ publishableKey: [] }] });
const cartResponse = { 200: CartView, ...ErrorResponses, 409: E };

export const cartStoreRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/store/carts" })
    .use(storeAuth(platform))
    .post("", async ({ ctx, body, set }) => {
      const id = await createCart(ctx, body);
      set.status = 201;
      return getCart(ctx, id);
    }, { body: CreateCartBody, response: { 201: CartView, ...ErrorResponses, 409: E }, detail: doc("Create a cart (optionally with items)") })
    .get("/:id", ({ ctx, params }) => getCart(ctx, params.id), { params: Id, response: { 200: CartView, ...ErrorResponses }, detail: doc("A cart with totals computed now") })
    .patch("/:id", async ({ ctx, params, body }) => {
      await updateCart(ctx, params.id, body);
      return getCart(ctx, params.id);
    }, { params: Id, body: UpdateCartBody, response: cartResponse, detail: doc("Set e-mail, shipping and billing address") })
    .post("/:id/lines", async ({ ctx, params, body }) => {
      await addLine(ctx, { cartId: params.id, ...body });
      return getCart(ctx, params.id);
    }, { params: Id, body: AddLineBody, response: cartResponse, detail: doc("Add a variant (merged with an existing line of the same variant); 409 cart.insufficient_stock") })
    .patch("/:id/lines/:lineId", async ({ ctx, params, body }) => {
      await updateLine(ctx, { cartId: params.id, lineId: params.lineId, quantity: body.quantity });
      return getCart(ctx, params.id);
    }, { params: LineParams, body: UpdateLineBody, response: cartResponse, detail: doc("Change a line's quantity (0 removes it)") })
    .delete("/:id/lines/:lineId", async ({ ctx, params }) => {
      await removeLine(ctx, { cartId: params.id, lineId: params.lineId });
      return getCart(ctx, params.id);
    }, { params: LineParams, response: cartResponse, detail: doc("Remove a line") })
    .post("/:id/accept-prices", async ({ ctx, params }) => {
      await acceptPrices(ctx, params.id);
      return getCart(ctx, params.id);
    }, { params: Id, response: cartResponse, detail: doc("Apply the catalog's current prices reported in priceChanges") })
    .get("/:id/shipping-options", ({ ctx, params }) => listCartShippingOptions(ctx, params.id), {
      params: Id, response: { 200: ShippingOptionsView, ...ErrorResponses }, detail: doc("Shipping options for the cart's address, cheapest first"),
    })
    .put("/:id/shipping-method", async ({ ctx, params, body }) => {
      await setShippingMethod(ctx, params.id, body.optionId);
      return getCart(ctx, params.id);
    }, { params: Id, body: ShippingMethodBody, response: cartResponse, detail: doc("Choose one of the shipping options") });
