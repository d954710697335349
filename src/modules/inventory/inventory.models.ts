// TypeBox DTOs of the inventory admin API.
import { t } from "elysia";
import { Int } from "../../kernel/schema.ts";

const Id = t.String({ maxLength: 64 });
const DateTime = t.String({ format: "date-time" });
const Nullable = <T extends Parameters<typeof t.Union>[0][number]>(s: T) => t.Union([s, t.Null()]);
// Spelled out (not mapped from ADJUSTMENT_REASONS) so the static type is the exact union; the test checks they agree.
export const Reason = t.Union([
  t.Literal("received"), t.Literal("sold"), t.Literal("returned"), t.Literal("damaged"), t.Literal("lost"), t.Literal("correction"), t.Literal("transfer"),
]);
/** What a person may write by hand: a transfer is two rows written together (POST /transfers), never one alone. */
export const ManualReason = t.Union([
  t.Literal("received"), t.Literal("sold"), t.Literal("returned"), t.Literal("damaged"), t.Literal("lost"), t.Literal("correction"),
]);
const Limit = t.Optional(t.Integer({ minimum: 1, maximum: 100, default: 20 }));
const Cursor = t.Optional(t.String({ maxLength: 200 }));

export const LevelView = t.Object({
  id: t.String(), variantId: t.String(), locationId: t.String(), onHand: Int(), reserved: Int(), available: Int(), updatedAt: DateTime,
});
export const LevelsQuery = t.Object({ limit: Limit, cursor: Cursor, variantId: t.Optional(Id), locationId: t.Optional(Id) });

export const VariantStockView = t.Object({
  variantId: t.String(), trackInventory: t.Boolean(), allowBackorder: t.Boolean(), onHand: Int(), reserved: Int(),
  available: Int(), lowStockThreshold: Nullable(Int()), levels: t.Array(LevelView),
});
export const UpdateVariantStockBody = t.Object(
  { lowStockThreshold: Nullable(Int({ minimum: 0, maximum: 1_000_000_000 })) },
  { additionalProperties: false },
);

export const AdjustmentView = t.Object({
  id: t.String(), variantId: t.String(), locationId: t.String(), delta: Int(), reason: Reason, note: Nullable(t.String()),
  onHandAfter: Int(), reservationId: Nullable(t.String()), actorId: t.String(), createdAt: DateTime,
});
export const CreateAdjustmentBody = t.Object(
  {
    variantId: Id,
    locationId: t.Optional(Id),
    delta: Int({ minimum: -1_000_000_000, maximum: 1_000_000_000, description: "Non-zero change of on-hand stock" }),
    reason: ManualReason,
    note: t.Optional(t.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const CreateTransferBody = t.Object(
  {
    variantId: Id,
    fromLocationId: Id,
    toLocationId: Id,
    quantity: Int({ minimum: 1, maximum: 1_000_000_000 }),
    note: t.Optional(t.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export const TransferView = t.Object({ out: AdjustmentView, in: AdjustmentView });
export const AdjustmentsQuery = t.Object({ limit: Limit, cursor: Cursor, variantId: t.Optional(Id) });

export const ReservationView = t.Object({
  id: t.String(), variantId: t.String(), locationId: t.String(), quantity: Int(), reference: Nullable(t.String()),
  status: t.Union([t.Literal("active"), t.Literal("expired"), t.Literal("released"), t.Literal("committed")]),
  expiresAt: Nullable(DateTime), createdAt: DateTime, updatedAt: DateTime,
});
export const CreateReservationBody = t.Object(
  {
    variantId: Id,
    quantity: Int({ minimum: 1, maximum: 1_000_000 }),
    locationId: t.Optional(Id),
    ttlSeconds: t.Optional(Int({ minimum: 1, maximum: 30 * 24 * 3600, description: "Hold expires after this many seconds" })),
    reference: t.Optional(t.String({ minLength: 1, maxLength: 120 })),
  },
  { additionalProperties: false },
);
export const ReservationsQuery = t.Object({
  limit: Limit, cursor: Cursor, variantId: t.Optional(Id),
  status: t.Optional(t.Union([t.Literal("active"), t.Literal("expired"), t.Literal("released"), t.Literal("committed")])),
});
export const CommitView = t.Object({ reservation: ReservationView, adjustment: Nullable(AdjustmentView) });

export const LocationView = t.Object({ id: t.String(), name: t.String(), isDefault: t.Boolean(), createdAt: DateTime });
export const CreateLocationBody = t.Object({ name: t.String({ minLength: 1, maxLength: 120 }) }, { additionalProperties: false });
