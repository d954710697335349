// TypeBox DTOs of carts: strict request bodies and the exact cart view (API.md "Store API").
import { t } from "elysia";
import { Money } from "../catalog/catalog.models.ts";
import { Int } from "../../kernel/schema.ts";

const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);
// Address text: no control characters (a NUL cuts a text column short, a line break forges lines on a label or an
// e-mail), and a required field holds more than blanks. Surrounding blanks are trimmed by updateCart.
const TEXT = "[^\\u0000-\\u001F\\u007F]";
const Str = (max: number) => t.String({ minLength: 1, maxLength: max, pattern: `^(?=[\\s\\S]*\\S)${TEXT}+$` });
const OptStr = (max: number) => t.Optional(Nullable(t.String({ maxLength: max, pattern: `^${TEXT}*$` })));
// No blanks, control characters or the characters that separate or quote addresses in a mail header (`,;<>"()[]:\`):
// "ada;eve@x.io" would reach the order's e-mail job, which refuses it (notifications/jobs.ts), and a NUL would cut
// the stored address short. Non-ASCII letters stay allowed (internationalized addresses).
const EMAIL_PART = "[^\\s@,;:<>()\\[\\]\\\\\"\\u0000-\\u001F\\u007F]+";
export const Email = t.String({ maxLength: 254, pattern: `^${EMAIL_PART}@${EMAIL_PART}\\.${EMAIL_PART}$`, description: "e-mail address" });
const Quantity = Int({ minimum: 1, maximum: 10_000 });
const VariantId = t.String({ pattern: "^var_[0-9A-Z]{26}$" });

export const Address = t.Object(
  {
    firstName: Str(100), lastName: Str(100), company: OptStr(200),
    line1: Str(200), line2: OptStr(200), city: Str(100), postalCode: Str(20),
    region: OptStr(100),
    countryCode: t.String({ pattern: "^[A-Z]{2}$", description: "ISO 3166-1 alpha-2" }),
    phone: t.Optional(Nullable(t.String({ minLength: 3, maxLength: 32, pattern: "^[0-9+()\\-. ]+$" }))),
  },
  { additionalProperties: false },
);

export const CreateCartBody = t.Object(
  {
    currency: t.Optional(t.String({ pattern: "^[A-Z]{3}$" })),
    email: t.Optional(Email),
    items: t.Optional(t.Array(t.Object({ variantId: VariantId, quantity: Quantity }, { additionalProperties: false }), { maxItems: 100 })),
  },
  { additionalProperties: false },
);
export const AddLineBody = t.Object({ variantId: VariantId, quantity: Quantity }, { additionalProperties: false });
export const UpdateLineBody = t.Object({ quantity: Int({ minimum: 0, maximum: 10_000 }) }, { additionalProperties: false });
export const UpdateCartBody = t.Object(
  {
    email: t.Optional(Email),
    shippingAddress: t.Optional(Address),
    billingAddress: t.Optional(Address),
    customerId: t.Optional(Nullable(t.String({ pattern: "^cus_[0-9A-Z]{26}$" }))),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const ShippingMethodBody = t.Object({ optionId: t.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
export const PaymentBody = t.Object(
  { provider: t.Union([t.Literal("sandbox"), t.Literal("stripe")]), data: t.Optional(t.Record(t.String({ maxLength: 64 }), t.Unknown())) },
  { additionalProperties: false },
);

const TaxLineView = t.Object({ code: t.String(), name: t.String(), rate: t.String(), amount: Money });
const AddressView = t.Object({
  firstName: t.String(), lastName: t.String(), company: t.Optional(Nullable(t.String())), line1: t.String(), line2: t.Optional(Nullable(t.String())),
  city: t.String(), postalCode: t.String(), region: t.Optional(Nullable(t.String())), countryCode: t.String(), phone: t.Optional(Nullable(t.String())),
});
export { AddressView };
export const CartLineView = t.Object({
  id: t.String(), variantId: t.String(), title: t.String(), sku: Nullable(t.String()), quantity: Int(),
  unitPrice: Money, total: Money, taxLines: t.Array(TaxLineView),
});
export const ShippingMethodView = t.Object({ optionId: t.String(), name: t.String(), carrier: t.String(), price: Money });
export const PaymentSessionView = t.Object({
  id: t.String(), provider: t.String(),
  status: t.String({ description: "requires_action | authorized | captured | failed | voided | partially_refunded | refunded" }),
  amount: Money, clientSecret: Nullable(t.String()),
  nextAction: Nullable(t.Object({ type: t.String(), url: t.Optional(t.String()) })), failureReason: Nullable(t.String()),
});
export const CartView = t.Object({
  id: t.String(), currency: t.String(), email: Nullable(t.String()), customerId: Nullable(t.String()),
  status: t.Union([t.Literal("open"), t.Literal("completed")]), orderId: Nullable(t.String()),
  lines: t.Array(CartLineView),
  shippingAddress: Nullable(AddressView), billingAddress: Nullable(AddressView), shippingMethod: Nullable(ShippingMethodView),
  shippingTaxLines: t.Array(TaxLineView, { description: "the tax on shipping, by rate: with the lines' taxLines, they add up to taxTotal" }),
  payment: Nullable(PaymentSessionView),
  subtotal: Money, discountTotal: Money, shippingTotal: Money, taxTotal: Money, total: Money,
  taxEstimated: t.Boolean({ description: "true until a shipping address is set: taxes are estimated for the store's country" }),
  taxIncluded: t.Boolean({ description: "prices include the tax: the total is subtotal − discount + shipping, taxTotal is inside it" }),
  taxNote: Nullable(t.String()),
  priceChanges: t.Array(t.Object({ lineId: t.String(), variantId: t.String(), old: Money, new: Nullable(Money) }), {
    description: "Catalog prices that differ from the cart's snapshot; accept with POST /accept-prices or re-add the variant",
  }),
  createdAt: t.String(), updatedAt: t.String(),
});
export const ShippingOptionsView = t.Object({
  data: t.Array(t.Object({ id: t.String(), name: t.String(), carrier: t.String(), price: Money, free: t.Boolean() })),
});
