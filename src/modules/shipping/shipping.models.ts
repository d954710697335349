// TypeBox DTOs of the shipping API.
import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);
const DateTime = t.String({ format: "date-time" });
const Country = t.String({ pattern: "^[A-Z]{2}$", description: "ISO 3166-1 alpha-2" });
const Currency = t.String({ pattern: "^[A-Z]{3}$" });
const MinorUnits = Int({ minimum: 0, maximum: 1_000_000_000_000 });
const Money = t.Object({ amount: Int(), currency: t.String() });
const RateType = t.Union([t.Literal("flat"), t.Literal("weight")]);
const Bracket = t.Object(
  { maxGrams: Int({ minimum: 1, maximum: 100_000_000 }), amount: MinorUnits },
  { additionalProperties: false },
);

export const ShippingRateView = t.Object({
  id: t.String(), zoneId: t.String(), name: t.String(), carrier: t.String(), type: RateType, currency: t.String(),
  amount: Nullable(Int()), brackets: Nullable(t.Array(t.Object({ maxGrams: Int(), amount: Int() }))),
  freeAbove: Nullable(Int()), active: t.Boolean(), createdAt: DateTime, updatedAt: DateTime,
});

export const ShippingZoneView = t.Object({
  id: t.String(), name: t.String(), countries: t.Array(t.String()), rates: t.Array(ShippingRateView), createdAt: DateTime, updatedAt: DateTime,
});

const rateFields = {
  name: t.String({ minLength: 1, maxLength: 120 }),
  carrier: t.String({ minLength: 1, maxLength: 80, description: "Carrier name, used for tracking links later" }),
  type: RateType,
  currency: Currency,
  amount: t.Optional(Nullable(MinorUnits)),
  brackets: t.Optional(Nullable(t.Array(Bracket, { minItems: 1, maxItems: 50 }))),
  freeAbove: t.Optional(Nullable(MinorUnits)),
  active: t.Optional(t.Boolean()),
};
export const CreateShippingRateBody = t.Object(rateFields, { additionalProperties: false });
export const UpdateShippingRateBody = t.Object(
  {
    name: t.Optional(rateFields.name), carrier: t.Optional(rateFields.carrier), type: t.Optional(RateType), currency: t.Optional(Currency),
    amount: rateFields.amount, brackets: rateFields.brackets, freeAbove: rateFields.freeAbove, active: rateFields.active,
  },
  { additionalProperties: false, minProperties: 1 },
);

export const CreateShippingZoneBody = t.Object(
  {
    name: t.String({ minLength: 1, maxLength: 120 }),
    countries: t.Array(Country, { minItems: 1, maxItems: 250 }),
    rates: t.Optional(t.Array(CreateShippingRateBody, { maxItems: 50 })),
  },
  { additionalProperties: false },
);
export const UpdateShippingZoneBody = t.Object(
  { name: t.Optional(t.String({ minLength: 1, maxLength: 120 })), countries: t.Optional(t.Array(Country, { minItems: 1, maxItems: 250 })) },
  { additionalProperties: false, minProperties: 1 },
);

export const ShippingOptionView = t.Object({
  id: t.String({ description: "The rate id: what a cart's shipping method points to" }),
  name: t.String(), carrier: t.String(), zoneId: t.String(), zoneName: t.String(), price: Money, free: t.Boolean(),
});
export const ShippingOptionsQuery = t.Object({
  countryCode: Country,
  currency: Currency,
  subtotal: t.Integer({ minimum: 0, maximum: 1_000_000_000_000 }),
  weightGrams: t.Optional(t.Integer({ minimum: 0, maximum: 100_000_000, default: 0 })),
});
export const ShippingOptionsView = t.Object({ data: t.Array(ShippingOptionView) });
