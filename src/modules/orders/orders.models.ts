// TypeBox DTOs of orders (admin and buyer views), customers and the admin bodies.
import { t } from "elysia";
import { Money } from "../catalog/catalog.models.ts";
import { AddressView } from "../cart/cart.models.ts";
import { ORDER_STATUSES } from "./orders.tables.ts";
import { Int } from "../../kernel/schema.ts";

const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);
export const OrderStatus = t.Union([
  t.Literal("pending"), t.Literal("paid"), t.Literal("partially_fulfilled"), t.Literal("fulfilled"), t.Literal("cancelled"), t.Literal("partially_refunded"), t.Literal("refunded"),
]);
const TaxLine = t.Object({ code: t.String(), name: t.String(), rate: t.String(), amount: Money });
const Line = t.Object({
  id: t.String(), variantId: t.String(), title: t.String(), sku: Nullable(t.String()), quantity: Int(), fulfilledQuantity: Int(),
  unitPrice: Money, total: Money, taxLines: t.Array(TaxLine),
});
const base = {
  id: t.String(), number: Int(), status: OrderStatus, email: t.String(), currency: t.String(), lines: t.Array(Line),
  shippingAddress: AddressView, billingAddress: AddressView,
  shippingMethod: t.Object({ optionId: t.String(), name: t.String(), carrier: t.String(), price: Money, taxLines: t.Array(TaxLine, { description: "the tax on shipping, by rate" }) }),
  subtotal: Money, discountTotal: Money, shippingTotal: Money, taxTotal: Money, total: Money, refundedTotal: Money,
  taxIncluded: t.Boolean({ description: "prices included the tax: the total is subtotal − discount + shipping, taxTotal is inside it" }),
  taxNote: Nullable(t.String()),
  fulfillmentStatus: t.Union([t.Literal("unfulfilled"), t.Literal("partially_fulfilled"), t.Literal("fulfilled")]),
  createdAt: t.String(), updatedAt: t.String(),
};
const FulfillmentLine = t.Object({ lineId: t.String(), quantity: Int() });

export const StoreOrderView = t.Object({
  ...base,
  token: Nullable(t.String({ description: "Returned once, at completion: keep it to read the order later (GET /v1/store/orders/:id?token=)" })),
  fulfillments: t.Array(t.Object({ carrier: t.String(), trackingNumber: t.String(), trackingUrl: t.String(), createdAt: t.String() })),
  returns: t.Array(t.Object({
    number: Int({ description: "#<order number>-R<number> on the parcel" }), status: t.Union([t.Literal("requested"), t.Literal("received"), t.Literal("cancelled")]),
    lines: t.Array(t.Object({ lineId: t.String(), quantity: Int() })), createdAt: t.String(), receivedAt: Nullable(t.String()),
  })),
});

export const ReturnView = t.Object({
  id: t.String(), orderId: t.String(), number: Int({ description: "per order, from 1 (#1042-R1)" }),
  status: t.Union([t.Literal("requested"), t.Literal("received"), t.Literal("cancelled")]),
  reason: t.String(), note: Nullable(t.String()), restocked: t.Boolean({ description: "received items went back to stock" }),
  lines: t.Array(t.Object({ lineId: t.String(), quantity: Int(), variantId: Nullable(t.String()), title: t.String(), sku: Nullable(t.String()) })),
  refundIds: t.Array(t.String(), { description: "refunds made for this return" }),
  createdAt: t.String(), receivedAt: Nullable(t.String()), cancelledAt: Nullable(t.String()), updatedAt: t.String(),
});

export const AdminOrderView = t.Object({
  ...base,
  customerId: t.String(), cartId: t.String(), cancelledAt: Nullable(t.String()),
  payment: t.Object({ id: t.String(), provider: t.String(), status: t.String(), captureMethod: t.String(), amount: Money, capturedAmount: Money, refundedAmount: Money }),
  fulfillments: t.Array(t.Object({ id: t.String(), carrier: t.String(), trackingNumber: t.String(), trackingUrl: t.String(), lines: t.Array(FulfillmentLine), createdAt: t.String() })),
  refunds: t.Array(t.Object({ id: t.String(), amount: Money, reason: t.String(), status: t.String(), returnId: Nullable(t.String({ description: "the return this refund pays back" })), createdAt: t.String() })),
  returns: t.Array(ReturnView),
  timeline: t.Array(t.Object({ id: t.String(), type: t.String(), message: t.String(), data: Nullable(t.Record(t.String(), t.Unknown())), createdAt: t.String() })),
});

export const OrderSummary = t.Object({
  id: t.String(), number: Int(), status: OrderStatus, email: t.String(), customerId: t.String(), total: Money, refundedTotal: Money, createdAt: t.String(),
});

export const OrderListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  status: t.Optional(t.String({ pattern: `^(${ORDER_STATUSES.join("|")})(,(${ORDER_STATUSES.join("|")}))*$`, description: "one status or several, comma-separated" })),
  email: t.Optional(t.String({ maxLength: 254 })),
  number: t.Optional(t.Integer({ minimum: 1 })),
  customerId: t.Optional(t.String({ maxLength: 64 })),
  createdFrom: t.Optional(t.String({ format: "date-time" })),
  createdTo: t.Optional(t.String({ format: "date-time" })),
}, { additionalProperties: false });

export const RefundBody = t.Object(
  {
    amount: t.Optional(Int({ minimum: 1, description: "minor units; omitted = everything still refundable" })), reason: t.String({ minLength: 1, maxLength: 500 }),
    returnId: t.Optional(t.String({ maxLength: 64, description: "the return (requested or received) this refund pays back" })),
  },
  { additionalProperties: false },
);
export const CancelBody = t.Object({ reason: t.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false });
export const FulfillBody = t.Object(
  {
    lines: t.Optional(t.Array(t.Object({ lineId: t.String({ maxLength: 64 }), quantity: Int({ minimum: 1, maximum: 10_000 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 500 })),
    carrier: t.String({ minLength: 1, maxLength: 80 }),
    trackingNumber: t.String({ minLength: 1, maxLength: 120 }),
    trackingUrl: t.String({ pattern: "^https?://", maxLength: 2048 }),
  },
  { additionalProperties: false },
);

export const CustomerView = t.Object({
  id: t.String(), email: t.String(), firstName: Nullable(t.String()), lastName: Nullable(t.String()), ordersCount: Int(), createdAt: t.String(), updatedAt: t.String(),
});

export const ReturnBody = t.Object(
  {
    lines: t.Array(t.Object({ lineId: t.String({ maxLength: 64 }), quantity: Int({ minimum: 1, maximum: 10_000 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 500 }),
    reason: t.String({ minLength: 1, maxLength: 500 }),
    note: t.Optional(t.Union([t.String({ maxLength: 2000 }), t.Null()])),
  },
  { additionalProperties: false },
);
export const ReceiveReturnBody = t.Object(
  {
    restock: t.Optional(t.Boolean({ default: true, description: "put the received units back in stock (default true)" })),
    locationId: t.Optional(t.String({ maxLength: 64, description: "where they go back; default: where the sale took them from" })),
  },
  { additionalProperties: false },
);

export const BuyerReturnBody = t.Object(
  {
    lines: ReturnBody.properties.lines,
    reason: t.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
