// Shapes shared by every route's OpenAPI description.
import { t } from "elysia";

export const ErrorEnvelope = t.Object(
  {
    error: t.Object({
      code: t.String({ description: "VALIDATION, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, … (API.md)" }),
      reason: t.String({ description: "Stable machine-readable reason, e.g. cart.insufficient_stock" }),
      message: t.String(),
      details: t.Optional(t.Record(t.String(), t.Unknown())),
      requestId: t.String(),
    }),
  },
  { title: "Error" },
);

const E = ErrorEnvelope;

/** The error statuses every authenticated route may answer. */
export const ErrorResponses = { 400: E, 401: E, 403: E, 404: E, 422: E, 429: E, 500: E } as const;

export const pageOf = <T extends Parameters<typeof t.Array>[0]>(item: T) =>
  t.Object({ data: t.Array(item), nextCursor: t.Union([t.String(), t.Null()]) });
