// Member administration of one store: invites, role changes, removal, ownership transfer. Memberships live in
// the control DB; every change is written to the store's audit log (actor, before, after). The control write and
// the audit entry are in two databases, so the audit entry is written right after the change commits.
import { createHash, randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { Platform } from "../../platform.ts";
import type { Ctx } from "../../kernel/context.ts";
import { newId } from "../../kernel/ids.ts";
import { AppError, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { coversAll, effectivePermissions, grants, type Overrides, type Role } from "../../kernel/permissions.ts";
import { withTx } from "../../db/tx.ts";
import { addControlOutbox } from "../../jobs/outbox.ts";
import { invites, memberships, plans, stores } from "../../tenancy/control.tables.ts";
import { recordAudit, actorId, type AuditEntry } from "../audit/index.ts";
import {
  addMembership, createUser, findUserByEmail, getMember, normalizeEmail, removeMembership, transferOwnership,
  updateMembership, validateOverrides, verifyPassword, getUser, checkPassword, type Member,
} from "./users.ts";

export const INVITE_TTL_MS = 7 * 24 * 3_600_000;
const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

async function audit(ctx: Ctx, e: AuditEntry): Promise<void> {
  await withTx(ctx, (tx) => recordAudit(tx, ctx, e));
}

const held = (ctx: Ctx): readonly string[] => (ctx.actor.type === "key" ? ctx.actor.scopes : ctx.actor.type === "user" ? ctx.actor.permissions : ["*"]);

/**
 * No escalation: a caller may only hand out permissions it holds itself, and only a holder of
 * `ownership:transfer` (an Owner, or a full-access key) may create or touch an Owner.
 */
function assertCanAssign(ctx: Ctx, role: Role, overrides: Overrides | null): void {
  if (role === "owner" && !grants(held(ctx), "ownership:transfer")) throw new AppError("FORBIDDEN", "members.owner_assignment", "Only an Owner can make someone an Owner");
  const wanted = effectivePermissions(role, overrides);
  if (!coversAll(held(ctx), wanted)) {
    throw new AppError("FORBIDDEN", "members.escalation", "You cannot grant permissions you do not hold", { missing: wanted.filter((p) => !grants(held(ctx), p)) });
  }
}

const snapshot = (m: Member) => ({ role: m.role, overrides: m.overrides });

export async function updateMember(platform: Platform, ctx: Ctx, userId: string, patch: { role?: Role; overrides?: Overrides | null }): Promise<Member> {
  const current = await getMember(platform.control, ctx.storeId, userId);
  const role = patch.role ?? current.role;
  const overrides = patch.overrides !== undefined ? patch.overrides : role === "owner" ? null : current.overrides;
  if (current.role === "owner") assertCanAssign(ctx, "owner", null);
  assertCanAssign(ctx, role, overrides);
  const { before, after } = await updateMembership(platform.control, ctx.storeId, userId, { role, overrides });
  await audit(ctx, { action: "member.updated", targetType: "member", targetId: userId, before: snapshot(before), after: snapshot(after) });
  return after;
}

export async function removeMember(platform: Platform, ctx: Ctx, userId: string): Promise<void> {
  const current = await getMember(platform.control, ctx.storeId, userId);
  if (current.role === "owner") assertCanAssign(ctx, "owner", null);
  const before = await removeMembership(platform.control, ctx.storeId, userId);
  await audit(ctx, { action: "member.removed", targetType: "member", targetId: userId, before: snapshot(before), after: null });
}

/** FR39: only a signed-in Owner, confirming with their password, can hand ownership to another member. */
export async function transfer(platform: Platform, ctx: Ctx, input: { userId: string; password: string }): Promise<Member> {
  if (ctx.actor.type !== "user") throw new AppError("FORBIDDEN", "ownership.session_required", "Ownership is transferred by a signed-in Owner, not by an API key");
  const me = await getUser(platform.control, ctx.actor.userId);
  if (!(await verifyPassword(me, input.password))) throw new AppError("FORBIDDEN", "ownership.confirmation_failed", "The password does not match: ownership was not transferred");
  await transferOwnership(platform.control, ctx.storeId, me.id, input.userId);
  await audit(ctx, { action: "ownership.transferred", targetType: "member", targetId: input.userId, before: { owner: me.id }, after: { owner: input.userId, previousOwnerRole: "admin" } });
  return getMember(platform.control, ctx.storeId, input.userId);
}

type InviteRow = typeof invites.$inferSelect;

export function inviteStatus(i: InviteRow, now: number): "pending" | "accepted" | "revoked" | "expired" {
  return i.acceptedAt !== null ? "accepted" : i.revokedAt !== null ? "revoked" : i.expiresAt <= now ? "expired" : "pending";
}

export async function createInvite(platform: Platform, ctx: Ctx, input: { email: string; role: Role; overrides?: Overrides | null }): Promise<InviteRow> {
  const overrides = validateOverrides(input.role, input.overrides);
  assertCanAssign(ctx, input.role, overrides);
  const email = normalizeEmail(input.email);
  const existing = await findUserByEmail(platform.control, email);
  if (existing) {
    const already = await getMember(platform.control, ctx.storeId, existing.id).catch(() => null);
    if (already) throw new AppError("CONFLICT", "members.already_member", "This e-mail already belongs to a member of the store");
  }
  const now = ctx.clock.now();
  await assertSeatAvailable(platform, ctx.storeId, now);
  const token = randomBytes(32).toString("base64url");
  const row: InviteRow = {
    id: newId("inv", now), storeId: ctx.storeId, email, role: input.role, overrides, tokenHash: sha256(token),
    invitedBy: actorId(ctx.actor), createdAt: now, expiresAt: now + INVITE_TTL_MS, acceptedAt: null, revokedAt: null,
  };
  const store = (await platform.control.db.select({ name: stores.name }).from(stores).where(eq(stores.id, ctx.storeId)))[0];
  const { control } = platform;
  await control.write(() =>
    control.db.transaction(async (tx) => {
      await tx.insert(invites).values(row);
      await addControlOutbox(tx, now, {
        topic: "email.send",
        key: `invite:${row.id}`,
        payload: {
          template: "member_invite",
          to: email,
          data: {
            storeName: store?.name ?? ctx.storeId,
            role: input.role,
            acceptUrl: `${platform.config.publicUrl}/admin/accept-invite#token=${token}`,
            expiresAt: new Date(row.expiresAt).toISOString(),
          },
        },
      });
    }),
  );
  await audit(ctx, { action: "member.invited", targetType: "invite", targetId: row.id, after: { email, role: input.role, overrides } });
  return row;
}

/** The plan's `members` limit counts members plus pending invitations. */
async function assertSeatAvailable(platform: Platform, storeId: string, now: number): Promise<void> {
  const { control } = platform;
  const plan = (await control.db.select({ id: plans.id, limits: plans.limits }).from(stores).innerJoin(plans, eq(plans.id, stores.planId)).where(eq(stores.id, storeId)))[0];
  const max = plan?.limits.members;
  if (max === undefined) return;
  const members = await control.db.select({ u: memberships.userId }).from(memberships).where(eq(memberships.storeId, storeId));
  const pending = (await control.db.select().from(invites).where(eq(invites.storeId, storeId))).filter((i) => inviteStatus(i, now) === "pending");
  if (members.length + pending.length >= max) {
    throw new AppError("CONFLICT", "members.plan_limit", `The plan "${plan!.id}" allows ${max} members (pending invitations count); move the store to a larger plan to invite more`, {
      limit: "members",
      max,
      plan: plan!.id,
    });
  }
}

export async function listInvites(platform: Platform, storeId: string, opts: { limit: number; before?: string | undefined }): Promise<InviteRow[]> {
  return platform.control.db
    .select()
    .from(invites)
    .where(and(eq(invites.storeId, storeId), opts.before ? lt(invites.id, opts.before) : undefined))
    .orderBy(desc(invites.id))
    .limit(opts.limit + 1);
}

export async function revokeInvite(platform: Platform, ctx: Ctx, id: string): Promise<InviteRow> {
  const now = ctx.clock.now();
  const { control } = platform;
  const row = await control.write(async () => {
    const r = (await control.db.select().from(invites).where(and(eq(invites.id, id), eq(invites.storeId, ctx.storeId))))[0];
    if (!r) throw new NotFound("invite", id);
    if (inviteStatus(r, now) !== "pending") return r;
    await control.db.update(invites).set({ revokedAt: now }).where(eq(invites.id, id));
    return { ...r, revokedAt: now };
  });
  await audit(ctx, { action: "member.invite_revoked", targetType: "invite", targetId: id, after: { email: row.email } });
  return row;
}

/**
 * Accepting an invite: a new e-mail gets an account with the given password; an existing account proves itself
 * with its password. The token is burnt in the same control write that creates the membership.
 */
export async function acceptInvite(platform: Platform, input: { token: string; password: string; name?: string | undefined }, requestId: string) {
  const now = platform.clock.now();
  const { control } = platform;
  const invalid = () => new ValidationFailed("invite.invalid_token", "This invitation is invalid, already used, revoked or expired", { field: "token" });
  const inv = (await control.db.select().from(invites).where(eq(invites.tokenHash, sha256(input.token))))[0];
  if (!inv || inviteStatus(inv, now) !== "pending") throw invalid();
  let user = await findUserByEmail(control, inv.email);
  if (user) {
    if (!(await verifyPassword(user, input.password))) throw new AppError("UNAUTHORIZED", "auth.invalid_credentials", "This e-mail already has an account: enter its password to accept");
  } else {
    checkPassword(input.password); // before burning the token, so a weak password does not waste the invitation
  }
  // Burnt first: of two concurrent accepts, exactly one goes on.
  const burnt = await control.write(async () => {
    const r = await control.db.update(invites).set({ acceptedAt: now }).where(and(eq(invites.id, inv.id), isNull(invites.acceptedAt), isNull(invites.revokedAt))).returning();
    return r.length === 1;
  });
  if (!burnt) throw invalid();
  user ??= await createUser(control, now, { email: inv.email, password: input.password, name: input.name ?? null });
  const role = inv.role as Role;
  await addMembership(control, now, { userId: user.id, storeId: inv.storeId, role, overrides: inv.overrides });
  const store = await platform.pool.get(inv.storeId);
  const actor = { type: "user" as const, userId: user.id, permissions: [] };
  await withTx({ store }, (tx) =>
    recordAudit(tx, { actor, requestId, clock: platform.clock }, { action: "member.joined", targetType: "member", targetId: user.id, after: { role, overrides: inv.overrides, inviteId: inv.id } }),
  );
  return { storeId: inv.storeId, role, userId: user.id };
}
