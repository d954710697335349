import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

export const FLAG_KEY_PATTERN = "^[a-z0-9][a-z0-9._-]{0,63}$";
export const ATTRIBUTE_PATTERN = "^[A-Za-z][A-Za-z0-9_]{0,39}$";
/** Visitor ids are opaque to us but end up in the database and in logs: a bounded, printable, safe charset. */
export const VISITOR_ID_PATTERN = "^[A-Za-z0-9._:@-]{1,128}$";

const Attribute = t.String({ pattern: ATTRIBUTE_PATTERN, description: "Visitor attribute, e.g. country" });
const AttributeValue = t.String({ minLength: 1, maxLength: 128 });

export const TargetingCondition = t.Union([
  t.Object({ attribute: Attribute, op: t.Literal("eq"), value: AttributeValue }, { additionalProperties: false }),
  t.Object(
    { attribute: Attribute, op: t.Literal("in"), values: t.Array(AttributeValue, { minItems: 1, maxItems: 100 }) },
    { additionalProperties: false },
  ),
]);

const Variations = t.Array(t.Unknown({ description: "Any JSON value" }), {
  minItems: 2,
  maxItems: 20,
  description: "Values served; index 0 is the control and the default",
});
const Weights = t.Array(t.Number({ minimum: 0, maximum: 1 }), {
  minItems: 2,
  maxItems: 20,
  description: "Traffic share of each variation; one per variation, summing to 1 (default: equal)",
});
const Coverage = t.Number({ minimum: 0, maximum: 1, description: "Share of (non-held-out) visitors included" });
const Holdout = t.Number({
  minimum: 0,
  exclusiveMaximum: 1,
  description: "Share of all visitors kept out of every experiment and served the default (same visitors for every flag)",
});
const Seed = t.String({ minLength: 1, maxLength: 128, description: "Hash seed; defaults to the key" });
const Targeting = t.Array(TargetingCondition, { maxItems: 20, description: "All must match (AND)" });

export const CreateFlagBody = t.Object(
  {
    key: t.String({ pattern: FLAG_KEY_PATTERN, description: "Unique per store, immutable" }),
    name: t.String({ minLength: 1, maxLength: 120 }),
    description: t.Optional(t.String({ maxLength: 2000 })),
    variations: Variations,
    weights: t.Optional(Weights),
    coverage: t.Optional(Coverage),
    seed: t.Optional(Seed),
    hashVersion: t.Optional(t.Union([t.Literal(1), t.Literal(2)], { description: "GrowthBook hash version; 2 by default" })),
    holdout: t.Optional(Holdout),
    targeting: t.Optional(Targeting),
  },
  { additionalProperties: false },
);

export const UpdateFlagBody = t.Object(
  {
    name: t.Optional(t.String({ minLength: 1, maxLength: 120 })),
    description: t.Optional(t.String({ maxLength: 2000 })),
    variations: t.Optional(Variations),
    weights: t.Optional(Weights),
    coverage: t.Optional(Coverage),
    seed: t.Optional(Seed),
    hashVersion: t.Optional(t.Union([t.Literal(1), t.Literal(2)])),
    holdout: t.Optional(Holdout),
    targeting: t.Optional(Targeting),
  },
  { additionalProperties: false },
);

export const FlagView = t.Object({
  id: t.String(),
  key: t.String(),
  name: t.String(),
  description: t.String(),
  status: t.Union([t.Literal("draft"), t.Literal("running"), t.Literal("paused"), t.Literal("archived")]),
  enabled: t.Boolean({ description: "Kill switch: false serves everyone the default" }),
  variations: t.Array(t.Unknown()),
  weights: t.Array(t.Number()),
  coverage: t.Number(),
  seed: t.String(),
  hashVersion: Int(),
  holdout: t.Number(),
  targeting: t.Array(TargetingCondition),
  version: Int({ description: "Assignment version; exposures are counted per version" }),
  startedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
});

export const ExposureSummary = t.Object({
  flagId: t.String(),
  key: t.String(),
  currentVersion: Int(),
  versions: t.Array(
    t.Object({
      version: Int(),
      seed: t.String(),
      total: Int(),
      variations: t.Array(t.Object({ index: Int(), value: t.Unknown(), count: Int() })),
    }),
  ),
});

export const FlagEvaluation = t.Object({
  value: t.Unknown(),
  variationIndex: Int(),
  reason: t.Union([t.Literal("SPLIT"), t.Literal("TARGETING_MATCH"), t.Literal("DEFAULT"), t.Literal("DISABLED")]),
  version: Int(),
});

export const FlagsForVisitor = t.Object({ flags: t.Record(t.String(), FlagEvaluation) });

export const FlagsQuery = t.Object(
  { visitorId: t.String({ pattern: VISITOR_ID_PATTERN, description: "The visitor's stable id (the hash attribute)" }) },
  { additionalProperties: t.String({ maxLength: 128 }), description: "Any other parameter is a visitor attribute, e.g. country=FR" },
);
