import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { storeAuth } from "../../http/auth.ts";
import { ErrorEnvelope, ErrorResponses } from "../../http/models.ts";
import { PaymentBody, PaymentSessionView } from "../cart/cart.models.ts";
import { StoreOrderView, storeOrderView } from "../orders/index.ts";
import { createPaymentSession } from "./payment-session.ts";
import { completeCart } from "./complete.ts";

const E = ErrorEnvelope;
const Id = t.Object({ id: t.String({ maxLength: 64 }) });
const doc = (summary: string) => ({ tags: ["Store"], summary, security: [{ publishableKey: [] }] });

export const checkoutStoreRoutes = (platform: Platform) => {
  const deps = { masterKey: platform.config.masterKey, outbox: platform.outbox };
  return new Elysia({ prefix: "/v1/store/carts" })
    .use(storeAuth(platform))
    .post("/:id/payment", async ({ ctx, params, body, set }) => {
      const s = await createPaymentSession(ctx, params.id, body, deps);
      set.status = 201;
      return s;
    }, {
      params: Id, body: PaymentBody, response: { 201: PaymentSessionView, ...ErrorResponses, 402: E, 409: E },
      detail: doc('Start a payment session for the cart total (sandbox: data.card; 402 payment.declined)'),
    })
    .post("/:id/complete", async ({ ctx, params, set }) => {
      const { order, created } = await completeCart(ctx, params.id, deps);
      set.status = created ? 201 : 200;
      return storeOrderView(ctx.store.db, order, order.token);
    }, {
      params: Id, response: { 200: StoreOrderView, 201: StoreOrderView, ...ErrorResponses, 402: E, 409: E },
      detail: doc("Place the order: 201 order (200 when already completed) | 402 payment.* | 409 cart.insufficient_stock"),
    });
};
