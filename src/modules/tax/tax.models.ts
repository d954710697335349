// TypeBox DTOs of the tax admin API.
import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

export const TaxCategoryT = t.Union([t.Literal("standard"), t.Literal("reduced"), t.Literal("zero")]);
export const CountryCode = t.String({ pattern: "^[A-Z]{2}$", description: "ISO 3166-1 alpha-2, upper case" });
const Region = t.String({ pattern: "^[A-Z0-9]{1,3}$", description: "ISO 3166-2 subdivision code without the country prefix" });
export const RatePercent = t.String({
  pattern: "^\\d{1,3}(\\.\\d{1,4})?$",
  description: "Percent as an exact decimal string with at most 4 decimals, 0–100: \"20\", \"5.5\"",
});
const Money = t.Object({ amount: Int(), currency: t.String() });

export const TaxRateView = t.Object({
  category: TaxCategoryT,
  name: t.String(),
  rate: t.String({ description: "Percent, exact" }),
  ratePpm: Int({ description: "The same rate in millionths (20% = 200000)" }),
});

export const TaxZoneView = t.Object({
  id: t.String(),
  name: t.String(),
  countryCode: t.String(),
  region: t.Union([t.String(), t.Null()]),
  rates: t.Array(TaxRateView),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
});

export const RateInput = t.Object(
  { name: t.Optional(t.String({ minLength: 1, maxLength: 80 })), rate: RatePercent },
  { additionalProperties: false },
);

export const CreateTaxZoneBody = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 120 }),
    countryCode: CountryCode,
    region: t.Optional(Region),
    rates: t.Optional(t.Array(t.Object({ category: TaxCategoryT, name: t.Optional(t.String({ minLength: 1, maxLength: 80 })), rate: RatePercent }, { additionalProperties: false }), { maxItems: 3 })),
  },
  { additionalProperties: false },
);

export const UpdateTaxZoneBody = t.Object(
  { name: t.Optional(t.String({ minLength: 1, maxLength: 120 })), region: t.Optional(t.Union([Region, t.Null()])) },
  { additionalProperties: false },
);

export const TaxZoneListQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  countryCode: t.Optional(CountryCode),
});

export const TaxSettingsView = t.Object({
  pricesIncludeTax: t.Boolean(),
  originCountry: t.Union([t.String(), t.Null()]),
  shippingTaxCategory: TaxCategoryT,
  updatedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
});

export const UpdateTaxSettingsBody = t.Object(
  {
    pricesIncludeTax: t.Optional(t.Boolean()),
    originCountry: t.Optional(t.Union([CountryCode, t.Null()])),
    shippingTaxCategory: t.Optional(TaxCategoryT),
  },
  // An empty patch changes nothing and would still be audited as a change.
  { additionalProperties: false, minProperties: 1 },
);

export const TaxQuoteBody = t.Object(
  {
    currency: t.String({ pattern: "^[A-Z]{3}$" }),
    lines: t.Array(
      t.Object(
        {
          id: t.String({ minLength: 1, maxLength: 64 }),
          unitPrice: Int({ minimum: 0, maximum: 1e12, description: "Minor units" }),
          quantity: Int({ minimum: 0, maximum: 100000 }),
          taxCategory: TaxCategoryT,
        },
        { additionalProperties: false },
      ),
      { maxItems: 500 },
    ),
    shippingAmount: t.Optional(Int({ minimum: 0, maximum: 1e12 })),
    address: t.Object({ countryCode: CountryCode, region: t.Optional(Region) }, { additionalProperties: false }),
    vatNumber: t.Optional(t.String({ maxLength: 32 })),
  },
  { additionalProperties: false },
);

const TaxLineView = t.Object({ code: t.String(), name: t.String(), ratePpm: Int(), rate: t.String(), amount: Money });
const TaxedLineView = t.Object({ id: t.String(), amount: Money, net: Money, tax: Money, gross: Money, taxLines: t.Array(TaxLineView) });

export const TaxQuoteView = t.Object({
  currency: t.String(),
  pricesIncludeTax: t.Boolean(),
  zone: t.Union([t.Object({ id: t.String(), name: t.String() }), t.Null()]),
  reverseCharge: t.Boolean(),
  vatNumberStatus: t.String(),
  note: t.Union([t.String(), t.Null()]),
  lines: t.Array(TaxedLineView),
  shipping: t.Union([TaxedLineView, t.Null()]),
  netTotal: Money,
  taxTotal: Money,
  grossTotal: Money,
});
