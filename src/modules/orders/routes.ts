import { Elysia, t } from "elysia";
import { actorHolds } from "../../kernel/permissions.ts";
import type { Platform } from "../../platform.ts";
import { adminAuth, storeAuth } from "../../http/auth.ts";
import { ErrorEnvelope, ErrorResponses, pageOf } from "../../http/models.ts";
import { getCustomer, listCustomers, customerView } from "../customers/index.ts";
import { capturePayment, cancelOrder, fulfillOrder, refundOrder } from "./actions.ts";
import { adminOrderView, getOrderForBuyer, getOrderRow, listOrders } from "./orders.ts";
import { cancelReturn, getReturn, listReturns, receiveReturn, requestReturn, requestReturnAsBuyer } from "./returns.ts";
import {
  AdminOrderView, BuyerReturnBody, CancelBody, CustomerView, FulfillBody, OrderListQuery, OrderSummary, ReceiveReturnBody, RefundBody, ReturnBody, ReturnView, StoreOrderView,
} from "./orders.models.ts";
import type { OrderStatus } from "./orders.tables.ts";

const E = ErrorEnvelope;
const Id = t.Object({ id: t.String({ maxLength: 64 }) });
const ReturnId = t.Object({ id: t.String({ maxLength: 64 }), returnId: t.String({ maxLength: 64 }) });
const tags = (tag: string, summary: string) => ({ tags: [tag], summary });

export const ordersAdminRoutes = (platform: Platform) => {
  const deps = { masterKey: platform.config.masterKey, outbox: platform.outbox };
  return new Elysia({ prefix: "/v1/admin" })
    .use(adminAuth(platform))
    .get("/orders", ({ ctx, query }) => listOrders(ctx, { ...query, status: query.status?.split(",") as OrderStatus[] | undefined }), {
      permission: "orders:read", query: OrderListQuery, response: { 200: pageOf(OrderSummary), ...ErrorResponses },
      detail: tags("Orders", "Orders, newest first; filters: status (comma-separated), email, number, customerId, createdFrom/createdTo"),
    })
    .get("/orders/:id", async ({ ctx, params }) => adminOrderView(ctx.store.db, await getOrderRow(ctx.store.db, params.id)), {
      permission: "orders:read", params: Id, response: { 200: AdminOrderView, ...ErrorResponses }, detail: tags("Orders", "One order with payment, fulfillments, refunds and timeline"),
    })
    .post("/orders/:id/capture", async ({ ctx, params }) => adminOrderView(ctx.store.db, await capturePayment(ctx, params.id, deps)), {
      // orders:write like refunds: whoever handles orders moves their money; payments:* is the provider settings.
      permission: "orders:write", params: Id, response: { 200: AdminOrderView, ...ErrorResponses, 402: E, 409: E },
      detail: tags("Orders", "Capture the authorized payment (stores on manual capture)"),
    })
    .post("/orders/:id/refunds", async ({ ctx, params, body, set, request }) => {
      // The Idempotency-Key also makes a retried refund the same refund at the provider (actions.ts).
      const o = await refundOrder(ctx, params.id, { ...body, requestKey: request.headers.get("idempotency-key") }, deps);
      set.status = 201;
      return adminOrderView(ctx.store.db, o);
    }, {
      permission: "orders:write", params: Id, body: RefundBody, response: { 201: AdminOrderView, ...ErrorResponses, 402: E, 409: E },
      detail: tags("Orders", "Refund all or part of what was captured (409 refund.exceeds_captured above it). A retry with the same Idempotency-Key is the same refund, also at the provider"),
    })
    .post("/orders/:id/cancel", async ({ ctx, params, body }) => adminOrderView(ctx.store.db, await cancelOrder(ctx, params.id, body, deps)), {
      permission: "orders:write", params: Id, body: CancelBody, response: { 200: AdminOrderView, ...ErrorResponses, 402: E, 409: E },
      detail: tags("Orders", "Cancel an unshipped order: stock goes back, the payment is voided or refunded"),
    })
    .post("/orders/:id/fulfillments", async ({ ctx, params, body, set }) => {
      const r = await fulfillOrder(ctx, params.id, body, deps);
      set.status = 201;
      return adminOrderView(ctx.store.db, r.order);
    }, {
      permission: "orders:write", params: Id, body: FulfillBody, response: { 201: AdminOrderView, ...ErrorResponses, 409: E },
      detail: tags("Orders", "Ship lines (all remaining when lines is omitted) with carrier and tracking"),
    })
    // Returns are read with their order (orders:read: the order view lists them too); changing them is returns:write.
    .get("/orders/:id/returns", async ({ ctx, params }) => ({ data: await listReturns(ctx, params.id), nextCursor: null }), {
      permission: "orders:read", params: Id, response: { 200: pageOf(ReturnView), ...ErrorResponses },
      detail: tags("Orders", "The returns of an order, oldest first"),
    })
    .post("/orders/:id/returns", async ({ ctx, params, body, set }) => {
      const r = await requestReturn(ctx, params.id, body, deps);
      set.status = 201;
      return r;
    }, {
      // returns:write apart from orders:write so a warehouse's key can receive parcels without touching money.
      permission: "returns:write", params: Id, body: ReturnBody, response: { 201: ReturnView, ...ErrorResponses, 409: E },
      detail: tags("Orders", "Authorize the return of shipped units (409 return.exceeds_shipped beyond what was shipped and not already under a return); the event order.return_requested tells the warehouse"),
    })
    .get("/orders/:id/returns/:returnId", ({ ctx, params }) => getReturn(ctx, params.id, params.returnId), {
      permission: "orders:read", params: ReturnId, response: { 200: ReturnView, ...ErrorResponses }, detail: tags("Orders", "One return"),
    })
    .post("/orders/:id/returns/:returnId/receive", ({ ctx, params, body }) => receiveReturn(ctx, params.id, params.returnId, body, deps), {
      permission: "returns:write", params: ReturnId, body: ReceiveReturnBody, response: { 200: ReturnView, ...ErrorResponses, 409: E },
      detail: tags("Orders", "The parcel arrived: the units go back to stock unless restock is false. Refund separately, naming the return (POST /orders/:id/refunds { returnId })"),
    })
    .post("/orders/:id/returns/:returnId/cancel", ({ ctx, params }) => cancelReturn(ctx, params.id, params.returnId, deps), {
      permission: "returns:write", params: ReturnId, response: { 200: ReturnView, ...ErrorResponses, 409: E },
      detail: tags("Orders", "Withdraw a return that was not received: its units can be returned again"),
    })
    .get("/customers", ({ ctx, query }) => listCustomers(ctx, query), {
      permission: "customers:read",
      query: t.Object({ limit: t.Optional(t.Integer({ minimum: 1, maximum: 100 })), cursor: t.Optional(t.String({ maxLength: 200 })), email: t.Optional(t.String({ maxLength: 254 })) }, { additionalProperties: false }),
      response: { 200: pageOf(CustomerView), ...ErrorResponses }, detail: tags("Customers", "Customers (guests recognised by e-mail), newest first"),
    })
    .get("/customers/:id", async ({ ctx, params }) => {
      const c = await getCustomer(ctx, params.id);
      // Their orders are order data: listed only for a caller who may read orders (customers:read alone sees the count).
      const orders = actorHolds(ctx.actor, "orders:read") ? (await listOrders(ctx, { customerId: c.id, limit: 100 })).data : [];
      return { ...customerView(c), orders };
    }, {
      permission: "customers:read", params: Id, response: { 200: t.Object({ ...CustomerView.properties, orders: t.Array(OrderSummary) }), ...ErrorResponses },
      detail: tags("Customers", "One customer with their latest orders (listed only for callers that also hold orders:read)"),
    });
};

const Token = t.Object({ token: t.String({ minLength: 1, maxLength: 100 }) });

export const ordersStoreRoutes = (platform: Platform) => {
  const deps = { masterKey: platform.config.masterKey, outbox: platform.outbox };
  return new Elysia({ prefix: "/v1/store" })
    .use(storeAuth(platform))
    .get("/orders/:id", ({ ctx, params, query }) => getOrderForBuyer(ctx, params.id, query.token), {
      params: Id,
      query: Token,
      response: { 200: StoreOrderView, ...ErrorResponses },
      detail: { ...tags("Store", "The buyer's view of one order (token from the completion response)"), security: [{ publishableKey: [] }] },
    })
    .post("/orders/:id/returns", async ({ ctx, params, query, body, set }) => {
      const r = await requestReturnAsBuyer(ctx, params.id, query.token, body, deps);
      set.status = 201;
      return r;
    }, {
      params: Id,
      query: Token,
      body: BuyerReturnBody,
      response: { 201: StoreOrderView.properties.returns.items, ...ErrorResponses, 409: E },
      detail: {
        ...tags("Store", "The buyer starts a return of shipped units, within the store's return window (409 return.not_offered / return.window_closed / return.exceeds_shipped)"),
        security: [{ publishableKey: [] }],
      },
    });
};
