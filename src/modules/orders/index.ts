// The orders module's public API.
export { orders, orderLines, orderEvents, fulfillments, refunds, ORDER_STATUSES, type OrderStatus } from "./orders.tables.ts";
export { placeOrderInTx, orderLinesOf, type OrderRow, type OrderLineRow, type PlaceOrderInput } from "./place.ts";
export { getOrderRow, storeOrderView, adminOrderView, listOrders, deriveStatus, isPaid } from "./orders.ts";
export { capturePayment, refundOrder, cancelOrder, fulfillOrder, type OrderDeps } from "./actions.ts";
export { StoreOrderView, AdminOrderView } from "./orders.models.ts";
export { ordersAdminRoutes, ordersStoreRoutes } from "./routes.ts";
