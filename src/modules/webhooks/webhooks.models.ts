import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

const EventType = t.String({ pattern: "^(\\*|[a-z_]+(\\.[a-z_]+)*\\.(\\*|[a-z_]+))$", maxLength: 64, description: "order.placed, changeset.*, * …" });

export const EndpointView = t.Object({
  id: t.String(),
  url: t.String(),
  description: t.Union([t.String(), t.Null()]),
  events: t.Array(t.String()),
  enabled: t.Boolean(),
  createdAt: t.String({ format: "date-time" }),
  updatedAt: t.String({ format: "date-time" }),
});

export const CreatedEndpoint = t.Object({
  endpoint: EndpointView,
  secret: t.String({ description: "The signing secret; shown once, keep it on the receiving side" }),
});

export const CreateEndpointBody = t.Object(
  {
    url: t.String({ minLength: 1, maxLength: 2048 }),
    events: t.Array(EventType, { minItems: 1, maxItems: 50 }),
    description: t.Optional(t.String({ maxLength: 500 })),
    enabled: t.Optional(t.Boolean()),
    secret: t.Optional(t.String({ minLength: 24, maxLength: 200, description: "Bring your own secret; generated when omitted" })),
  },
  { additionalProperties: false },
);

export const UpdateEndpointBody = t.Object(
  {
    url: t.Optional(t.String({ minLength: 1, maxLength: 2048 })),
    events: t.Optional(t.Array(EventType, { minItems: 1, maxItems: 50 })),
    description: t.Optional(t.Union([t.String({ maxLength: 500 }), t.Null()])),
    enabled: t.Optional(t.Boolean()),
  },
  { additionalProperties: false },
);

export const DeliveryView = t.Object({
  id: t.String(),
  endpointId: t.String(),
  eventId: t.String(),
  eventType: t.String(),
  status: t.Union([t.Literal("pending"), t.Literal("retrying"), t.Literal("delivered"), t.Literal("dead")]),
  attempts: Int(),
  nextAttemptAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
  lastAttemptAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
  lastStatusCode: t.Union([Int(), t.Null()]),
  lastLatencyMs: t.Union([Int(), t.Null()]),
  lastResponseExcerpt: t.Union([t.String(), t.Null()]),
  lastError: t.Union([t.String(), t.Null()]),
  deliveredAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
  createdAt: t.String({ format: "date-time" }),
});

export const DeliveryQuery = t.Object({
  limit: t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: t.Optional(t.String({ maxLength: 200 })),
  endpointId: t.Optional(t.String({ maxLength: 64 })),
  status: t.Optional(t.Union([t.Literal("pending"), t.Literal("retrying"), t.Literal("delivered"), t.Literal("dead")])),
});

export const Deleted = t.Object({ id: t.String(), deleted: t.Literal(true) });
