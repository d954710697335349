import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

export const SettingsView = t.Object({
  storeId: t.String(),
  name: t.String(),
  defaultCurrency: t.String({ description: "ISO 4217 code" }),
  timezone: t.String({ description: "IANA time zone" }),
  supportEmail: t.Union([t.String(), t.Null()]),
  returnWindowDays: t.Union([Int(), t.Null()], { description: "days after shipping during which buyers may start a return from the storefront; null: only the merchant can" }),
  storefrontUrl: t.Union([t.String(), t.Null()], { description: "order e-mails link to <storefrontUrl>/orders/<id>?token=…; null: no link" }),
  revision: Int({ description: "Incremented by every update" }),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
});

export const UpdateSettingsBody = t.Object(
  {
    name: t.Optional(t.String({ minLength: 1, maxLength: 120 })),
    defaultCurrency: t.Optional(t.String({ pattern: "^[A-Z]{3}$" })),
    timezone: t.Optional(t.String({ minLength: 1, maxLength: 64 })),
    supportEmail: t.Optional(t.Union([t.String({ format: "email", maxLength: 254 }), t.Null()])),
    returnWindowDays: t.Optional(t.Union([Int({ minimum: 1, maximum: 365 }), t.Null()])),
    // Well under the e-mail templates' 2,048-character links: the order path and token are added to it.
    storefrontUrl: t.Optional(t.Union([t.String({ minLength: 1, maxLength: 1500 }), t.Null()])),
  },
  { additionalProperties: false },
);

export const PublicStoreView = t.Object({
  id: t.String(),
  name: t.String(),
  defaultCurrency: t.String(),
  returnWindowDays: t.Union([Int(), t.Null()], { description: "days after shipping during which a buyer may start a return (POST /v1/store/orders/:id/returns); null: returns are not offered online" }),
  paymentProvider: t.Union([t.Literal("sandbox"), t.Literal("stripe")], { description: "the provider POST /v1/store/carts/:id/payment must name" }),
});
