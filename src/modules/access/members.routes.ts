// /v1/admin/members, /v1/admin/roles and the store's allowed origins. Every route declares its permission.
import { Elysia, t } from "elysia";
import type { Platform } from "../../platform.ts";
import { adminAuth } from "../../http/auth.ts";
import { ErrorResponses, pageOf } from "../../http/models.ts";
import { ListQuery, decodeCursor, encodeCursor } from "../../kernel/pagination.ts";
import { ValidationFailed } from "../../kernel/errors.ts";
import { ROLES, ROLE_TEMPLATES, effectivePermissions } from "../../kernel/permissions.ts";
import { getMember, listMembers, type Member } from "./users.ts";
import { createInvite, inviteStatus, listInvites, removeMember, revokeInvite, transfer, updateMember } from "./members.ts";
import { allowedOrigins, setAllowedOrigins } from "./origins.ts";
import { AllowedOrigins, InviteBody, InviteView, MemberView, RoleView, TransferBody, UpdateMemberBody } from "./access.models.ts";

const memberView = (m: Member) => ({ ...m, createdAt: new Date(m.createdAt).toISOString() });
const UserParams = t.Object({ userId: t.String({ maxLength: 64 }) });
const IdParams = t.Object({ id: t.String({ maxLength: 64 }) });
const tags = ["Members"];

function decodeUserCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const id = Buffer.from(cursor, "base64url").toString("utf8");
  if (!/^usr_[0-9A-Z]{26}$/.test(id)) throw new ValidationFailed("pagination.invalid_cursor", "The cursor is not valid; use nextCursor from a previous page");
  return id;
}

export const membersAdminRoutes = (platform: Platform) =>
  new Elysia({ prefix: "/v1/admin" })
    .use(adminAuth(platform))
    .get(
      "/members",
      async ({ ctx, query }) => {
        const limit = query.limit ?? 20;
        const page = await listMembers(platform.control, ctx.storeId, { limit, after: decodeUserCursor(query.cursor) });
        const last = page.data[page.data.length - 1];
        return { data: page.data.map(memberView), nextCursor: page.more && last ? encodeCursor(last.userId) : null };
      },
      { permission: "members:read", query: ListQuery, response: { 200: pageOf(MemberView), ...ErrorResponses }, detail: { tags, summary: "Members of the store" } },
    )
    .get("/members/:userId", async ({ ctx, params }) => memberView(await getMember(platform.control, ctx.storeId, params.userId)), {
      permission: "members:read",
      params: UserParams,
      response: { 200: MemberView, ...ErrorResponses },
      detail: { tags, summary: "One member" },
    })
    .patch("/members/:userId", async ({ ctx, params, body }) => memberView(await updateMember(platform, ctx, params.userId, body)), {
      permission: "members:write",
      params: UserParams,
      body: UpdateMemberBody,
      response: { 200: MemberView, ...ErrorResponses },
      detail: { tags, summary: "Change a member's role or permission overrides (409 members.last_owner when demoting the last Owner)" },
    })
    .delete(
      "/members/:userId",
      async ({ ctx, params, set }) => {
        await removeMember(platform, ctx, params.userId);
        set.status = 204;
      },
      { permission: "members:write", params: UserParams, response: ErrorResponses, detail: { tags, summary: "Remove a member (never the last Owner); answers 204" } },
    )
    .post("/members/transfer-ownership", async ({ ctx, body }) => memberView(await transfer(platform, ctx, body)), {
      permission: "ownership:transfer",
      body: TransferBody,
      response: { 200: MemberView, ...ErrorResponses },
      detail: { tags, summary: "Transfer ownership to another member, confirmed with the Owner's password (FR39)" },
    })
    .get(
      "/members/invites",
      async ({ ctx, query }) => {
        const limit = query.limit ?? 20;
        const rows = await listInvites(platform, ctx.storeId, { limit, before: decodeCursor(query.cursor) });
        const now = ctx.clock.now();
        const data = rows.slice(0, limit).map((i) => inviteView(i, now));
        return { data, nextCursor: rows.length > limit ? encodeCursor(data[data.length - 1]!.id) : null };
      },
      { permission: "members:read", query: ListQuery, response: { 200: pageOf(InviteView), ...ErrorResponses }, detail: { tags, summary: "Invitations" } },
    )
    .post(
      "/members/invites",
      async ({ ctx, body, set }) => {
        const row = await createInvite(platform, ctx, body);
        set.status = 201;
        return inviteView(row, ctx.clock.now());
      },
      { permission: "members:write", body: InviteBody, response: { 201: InviteView, ...ErrorResponses }, detail: { tags, summary: "Invite someone by e-mail (single-use link, 7 days)" } },
    )
    .post("/members/invites/:id/revoke", async ({ ctx, params }) => inviteView(await revokeInvite(platform, ctx, params.id), ctx.clock.now()), {
      permission: "members:write",
      params: IdParams,
      response: { 200: InviteView, ...ErrorResponses },
      detail: { tags, summary: "Revoke a pending invitation" },
    })
    .get(
      "/roles",
      () => ROLES.map((id) => ({ id, ...ROLE_TEMPLATES[id], include: [...ROLE_TEMPLATES[id].include], exclude: [...ROLE_TEMPLATES[id].exclude], permissions: effectivePermissions(id) })),
      { permission: "roles:read", response: { 200: t.Array(RoleView), ...ErrorResponses }, detail: { tags, summary: "The role templates and the permissions each grants today" } },
    )
    .get("/settings/allowed-origins", async ({ ctx }) => ({ allowedOrigins: await allowedOrigins(ctx.store, ctx.storeId, ctx.clock.now()) }), {
      permission: "settings:read",
      response: { 200: AllowedOrigins, ...ErrorResponses },
      detail: { tags: ["Settings"], summary: "Origins allowed to call the store API from a browser (CORS)" },
    })
    .put("/settings/allowed-origins", async ({ ctx, body }) => ({ allowedOrigins: await setAllowedOrigins(ctx, body.allowedOrigins) }), {
      permission: "settings:write",
      body: AllowedOrigins,
      response: { 200: AllowedOrigins, ...ErrorResponses },
      detail: { tags: ["Settings"], summary: "Replace the allowed origins (\"*\" allows any; empty: only this server's own origin)" },
    });

function inviteView(i: Parameters<typeof inviteStatus>[0], now: number) {
  return {
    id: i.id,
    email: i.email,
    role: i.role as (typeof ROLES)[number],
    status: inviteStatus(i, now),
    invitedBy: i.invitedBy,
    createdAt: new Date(i.createdAt).toISOString(),
    expiresAt: new Date(i.expiresAt).toISOString(),
  };
}
