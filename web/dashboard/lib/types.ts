// The API shapes the dashboard reads (a subset of /v1/openapi.json; money is integer minor units).
export type ProductStatus = "draft" | "active" | "archived";
export interface Money { amount: number; currency: string }
export interface Media { id: string; url: string; alt: string; contentType: string | null; position: number }
export interface Variant {
  id: string; productId: string; title: string; sku: string | null; barcode: string | null;
  options: Record<string, string>; prices: Money[]; compareAtPrices: Money[]; costPrice: Money | null;
  weightGrams: number; trackInventory: boolean; allowBackorder: boolean; position: number;
}
export interface Product {
  id: string; title: string; handle: string; description: string; status: ProductStatus;
  vendor: string | null; productType: string | null; tags: string[]; taxCategory: "standard" | "reduced" | "zero";
  options: { name: string; values: string[] }[]; media: Media[]; categories: { id: string; name: string; handle: string }[];
  variants: Variant[]; createdAt: string; updatedAt: string;
}
export interface Category { id: string; name: string; handle: string; description: string; parentId: string | null; position: number }
export interface Collection { id: string; title: string; handle: string; description: string; productIds: string[] }
export interface StockLevel { variantId: string; trackInventory: boolean; onHand: number; reserved: number; available: number; lowStockThreshold: number | null }
export interface Location { id: string; name: string; isDefault: boolean }
export interface Settings { storeId: string; name: string; defaultCurrency: string; timezone: string; supportEmail: string | null; returnWindowDays: number | null; storefrontUrl: string | null; revision: number }
export interface ApiKey {
  id: string; type: "publishable" | "secret"; name: string; tokenHint: string; scopes: string[];
  createdAt: string; lastUsedAt: string | null; revokedAt: string | null; expiresAt: string | null;
}
export type Role = "owner" | "admin" | "operator" | "viewer" | "risk_manager" | "privacy_manager";
export interface Member { userId: string; email: string; name: string | null; role: Role; permissions: string[]; createdAt: string }
export interface Invite { id: string; email: string; role: Role; status: string; createdAt: string; expiresAt: string }
export interface RoleView { id: Role; name: string; description: string; permissions: string[] }
export interface Webhook { id: string; url: string; description: string | null; events: string[]; enabled: boolean; createdAt: string }
export interface Delivery {
  id: string; endpointId: string; eventId: string; eventType: string; status: "pending" | "retrying" | "delivered" | "dead";
  attempts: number; lastStatusCode: number | null; lastError: string | null; createdAt: string; deliveredAt: string | null;
}
export interface JobsView {
  counts: { waiting: number; active: number; delayed: number; failed: number; dead: number };
  problems: { id: string; name: string; storeId: string | null; state: "failed" | "dead"; attempts: number; lastError: string | null; failedAt: string | null }[];
}
export interface AuditEntry { id: string; seq: number; at: string; actor: { type: string; id: string }; action: string; targetType: string; targetId: string | null; requestId: string }
export interface TaxZone { id: string; name: string; countryCode: string; region: string | null; rates: { category: string; name: string; rate: string }[] }
export interface TaxSettings { pricesIncludeTax: boolean; originCountry: string | null; shippingTaxCategory: string }
export interface ShippingRate { id: string; name: string; carrier: string; type: "flat" | "weight"; currency: string; amount: number | null; freeAbove: number | null; active: boolean }
export interface ShippingZone { id: string; name: string; countries: string[]; rates: ShippingRate[] }
export interface Flag { id: string; key: string; name: string; status: string; enabled: boolean }
export interface EmailProvider { provider: "outbox" | "smtp"; fromAddress: string | null; fromName: string | null; smtp: { host: string; port: number; secure: boolean; user: string | null; hasPassword: boolean } | null }
export interface SessionView {
  user: { id: string; email: string; name: string | null };
  stores: { storeId: string; storeName: string; role: Role; permissions: string[] }[];
  csrfToken: string;
}
export type OrderStatus = "pending" | "paid" | "partially_fulfilled" | "fulfilled" | "cancelled" | "partially_refunded" | "refunded";
export interface OrderSummary { id: string; number: number; status: OrderStatus; email: string; customerId: string | null; total: Money; refundedTotal: Money; createdAt: string }
export interface Address { firstName: string; lastName: string; company?: string | null; line1: string; line2?: string | null; city: string; postalCode: string; region?: string | null; countryCode: string; phone?: string | null }
export interface OrderLine { id: string; variantId: string; title: string; sku: string | null; quantity: number; fulfilledQuantity: number; unitPrice: Money; total: Money }
export interface Order {
  id: string; number: number; status: OrderStatus; email: string; currency: string; lines: OrderLine[];
  shippingAddress: Address | null; shippingMethod: { name: string; carrier: string; price: Money } | null;
  subtotal: Money; discountTotal: Money; shippingTotal: Money; taxTotal: Money; total: Money; refundedTotal: Money; taxIncluded: boolean;
  fulfillmentStatus: "unfulfilled" | "partially_fulfilled" | "fulfilled"; createdAt: string; customerId: string | null; cancelledAt: string | null;
  payment: { id: string; provider: string; status: string; captureMethod: string; amount: Money; capturedAmount: Money; refundedAmount: Money } | null;
  fulfillments: { id: string; carrier: string; trackingNumber: string; trackingUrl: string; lines: { lineId: string; quantity: number }[]; createdAt: string }[];
  refunds: { id: string; amount: Money; reason: string; status: string; returnId: string | null; createdAt: string }[];
  returns: OrderReturn[];
  timeline: { id: string; type: string; message: string; createdAt: string }[];
}
export interface OrderReturn {
  id: string; number: number; status: "requested" | "received" | "cancelled"; reason: string; note: string | null; restocked: boolean;
  lines: { lineId: string; quantity: number; title: string; sku: string | null }[]; refundIds: string[];
  createdAt: string; receivedAt: string | null; cancelledAt: string | null;
}
export interface Customer { id: string; email: string; firstName: string | null; lastName: string | null; ordersCount: number; createdAt: string }
