import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

export const ApiKeyView = t.Object({
  id: t.String(),
  type: t.Union([t.Literal("publishable"), t.Literal("secret")]),
  name: t.String(),
  tokenHint: t.String({ description: "The token's first and last characters, to tell keys apart" }),
  scopes: t.Array(t.String()),
  createdAt: t.String({ format: "date-time" }),
  lastUsedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
  revokedAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
  expiresAt: t.Union([t.String({ format: "date-time" }), t.Null()]),
});

export const CreateApiKeyBody = t.Object(
  {
    type: t.Union([t.Literal("publishable"), t.Literal("secret")]),
    name: t.Optional(t.String({ minLength: 1, maxLength: 80 })),
    scopes: t.Optional(t.Array(t.String({ maxLength: 64 }), { minItems: 1, maxItems: 64 })),
    expiresAt: t.Optional(t.String({ format: "date-time" })),
  },
  { additionalProperties: false },
);

export const CreatedApiKey = t.Object({
  key: ApiKeyView,
  token: t.String({ description: "The full token. Shown once: store it now." }),
});

export const RotateApiKeyBody = t.Object(
  { overlapSeconds: t.Optional(Int({ minimum: 0, maximum: 7 * 24 * 3600, description: "How long the old token keeps working (default 86400)" })) },
  { additionalProperties: false },
);

export const RotatedApiKey = t.Object({
  key: ApiKeyView,
  token: t.String({ description: "The new token. Shown once: store it now." }),
  previous: ApiKeyView,
});
