import { t } from "elysia";

const Email = t.String({ format: "email", maxLength: 254 });
const Password = t.String({ minLength: 1, maxLength: 256 });
// Spelled out (not mapped from ROLES) so TypeBox infers the literal union; a test checks both lists agree.
export const RoleName = t.Union([
  t.Literal("owner"), t.Literal("admin"), t.Literal("operator"), t.Literal("viewer"), t.Literal("risk_manager"), t.Literal("privacy_manager"),
]);
const Overrides = t.Object(
  { grant: t.Array(t.String({ maxLength: 64 }), { maxItems: 64 }), revoke: t.Array(t.String({ maxLength: 64 }), { maxItems: 64 }) },
  { additionalProperties: false },
);

export const LoginBody = t.Object({ email: Email, password: Password }, { additionalProperties: false });

const UserView = t.Object({ id: t.String(), email: t.String(), name: t.Union([t.String(), t.Null()]) });
const StoreAccess = t.Object({ storeId: t.String(), storeName: t.String(), role: RoleName, permissions: t.Array(t.String()) });

export const SessionView = t.Object({
  user: UserView,
  stores: t.Array(StoreAccess),
  csrfToken: t.String({ description: "Send as x-csrf-token on every state-changing request made with the session" }),
  session: t.Object({ id: t.String(), expiresAt: t.String({ format: "date-time" }), idleExpiresAt: t.String({ format: "date-time" }) }),
});

export const ResetRequestBody = t.Object({ email: Email }, { additionalProperties: false });
export const ResetConfirmBody = t.Object({ token: t.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false });
export const AcceptInviteBody = t.Object(
  { token: t.String({ minLength: 1, maxLength: 200 }), password: Password, name: t.Optional(t.String({ minLength: 1, maxLength: 120 })) },
  { additionalProperties: false },
);
export const Accepted = t.Object({ accepted: t.Literal(true) });
export const LoggedOut = t.Object({ loggedOut: t.Literal(true) });
export const InviteAccepted = t.Object({ storeId: t.String(), role: RoleName, userId: t.String() });

export const MemberView = t.Object({
  userId: t.String(),
  email: t.String(),
  name: t.Union([t.String(), t.Null()]),
  role: RoleName,
  overrides: t.Union([Overrides, t.Null()]),
  permissions: t.Array(t.String()),
  createdAt: t.String({ format: "date-time" }),
});
export const UpdateMemberBody = t.Object(
  { role: t.Optional(RoleName), overrides: t.Optional(t.Union([Overrides, t.Null()])) },
  { additionalProperties: false },
);
export const InviteBody = t.Object(
  { email: Email, role: RoleName, overrides: t.Optional(t.Union([Overrides, t.Null()])) },
  { additionalProperties: false },
);
export const InviteView = t.Object({
  id: t.String(),
  email: t.String(),
  role: RoleName,
  status: t.Union([t.Literal("pending"), t.Literal("accepted"), t.Literal("revoked"), t.Literal("expired")]),
  invitedBy: t.String(),
  createdAt: t.String({ format: "date-time" }),
  expiresAt: t.String({ format: "date-time" }),
});
export const TransferBody = t.Object(
  { userId: t.String({ maxLength: 64 }), password: Password },
  { additionalProperties: false, description: "FR39: the Owner confirms by re-entering their password" },
);
export const RoleView = t.Object({
  id: RoleName,
  name: t.String(),
  description: t.String(),
  include: t.Array(t.String()),
  exclude: t.Array(t.String()),
  overridable: t.Boolean(),
  permissions: t.Array(t.String()),
});
export const AllowedOrigins = t.Object(
  { allowedOrigins: t.Array(t.String({ minLength: 1, maxLength: 200 }), { maxItems: 50 }) },
  { additionalProperties: false },
);
