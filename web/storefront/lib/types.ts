// The store API's views this app reads (src/modules/*/…models.ts, API.md "Store API"). Money is always integer minor
// units plus an ISO currency.
export interface Money {
  amount: number;
  currency: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

export interface StoreProfile {
  id: string;
  name: string;
  defaultCurrency: string;
  returnWindowDays: number | null;
  paymentProvider: "sandbox" | "stripe";
}

export interface Media {
  id: string;
  url: string;
  alt: string;
  position: number;
}

export interface Variant {
  id: string;
  title: string;
  sku: string | null;
  options: Record<string, string>;
  prices: Money[];
  compareAtPrices: Money[];
  trackInventory: boolean;
  allowBackorder: boolean;
  position: number;
}

export interface Product {
  id: string;
  title: string;
  handle: string;
  description: string;
  vendor: string | null;
  options: { name: string; values: string[] }[];
  media: Media[];
  variants: Variant[];
}

export type StockStatus = "in_stock" | "low_stock" | "out_of_stock" | "backorder";
export interface Stock {
  variantId: string;
  status: StockStatus;
  available: number | null;
}

export interface Address {
  firstName: string;
  lastName: string;
  company?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  postalCode: string;
  region?: string | null;
  countryCode: string;
  phone?: string | null;
}

export interface TaxLine {
  code: string;
  name: string;
  rate: string;
  amount: Money;
}

export interface CartLine {
  id: string;
  variantId: string;
  title: string;
  sku: string | null;
  quantity: number;
  unitPrice: Money;
  total: Money;
  taxLines: TaxLine[];
}

export interface Totals {
  subtotal: Money;
  discountTotal: Money;
  shippingTotal: Money;
  taxTotal: Money;
  total: Money;
  taxIncluded: boolean;
  taxNote: string | null;
}

export interface Cart extends Totals {
  id: string;
  currency: string;
  email: string | null;
  status: "open" | "completed";
  orderId: string | null;
  lines: CartLine[];
  shippingAddress: Address | null;
  shippingMethod: { optionId: string; name: string; carrier: string; price: Money } | null;
  taxEstimated: boolean;
  priceChanges: { lineId: string; variantId: string; old: Money; new: Money | null }[];
  /** The cart's current payment session, if one was started (a Stripe one carries its PaymentIntent's client secret). */
  payment?: PaymentSession | null;
}

export interface ShippingOption {
  id: string;
  name: string;
  carrier: string;
  price: Money;
  free: boolean;
}

export interface PaymentSession {
  id: string;
  provider?: "sandbox" | "stripe";
  status: string;
  amount: Money;
  clientSecret?: string | null;
  /** What the buyer must do before completing, e.g. a 3-D Secure page: { type: "redirect_to_url", url }. */
  nextAction?: { type: string; url?: string } | null;
}

export type OrderStatus = "pending" | "paid" | "partially_fulfilled" | "fulfilled" | "cancelled" | "partially_refunded" | "refunded";

export interface OrderReturn {
  number: number;
  status: "requested" | "received" | "cancelled";
  lines: { lineId: string; quantity: number }[];
  createdAt: string;
  receivedAt: string | null;
}

export interface Order extends Totals {
  id: string;
  number: number;
  status: OrderStatus;
  email: string;
  currency: string;
  token: string | null;
  lines: (CartLine & { fulfilledQuantity: number })[];
  shippingAddress: Address;
  billingAddress: Address;
  shippingMethod: { name: string; carrier: string; price: Money };
  refundedTotal: Money;
  fulfillmentStatus: "unfulfilled" | "partially_fulfilled" | "fulfilled";
  fulfillments: { carrier: string; trackingNumber: string; trackingUrl: string; createdAt: string }[];
  returns: OrderReturn[];
  createdAt: string;
}
