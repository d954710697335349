// Users (global) and memberships (user × store × role) in the control DB. Passwords are hashed with argon2id at
// OWASP's minimum parameters (19 MiB, t=2: ~80 ms here; Bun's default 64 MiB costs ~250 ms per login).
import { and, asc, eq, gt } from "drizzle-orm";
import type { Control } from "../../tenancy/control.ts";
import { memberships, stores, users } from "../../tenancy/control.tables.ts";
import { newId } from "../../kernel/ids.ts";
import { AppError, Conflict, NotFound, ValidationFailed } from "../../kernel/errors.ts";
import { ROLE_TEMPLATES, effectivePermissions, isRole, isValidScope, type Overrides, type Role } from "../../kernel/permissions.ts";

export type UserRow = typeof users.$inferSelect;
export type MembershipRow = typeof memberships.$inferSelect;

const ARGON = { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 } as const;
/** Verified against when the e-mail is unknown, so a miss costs the same time as a wrong password. */
let dummyHash: Promise<string> | undefined;

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

export function checkPassword(password: string): void {
  if (password.length < 10 || password.length > 256) {
    throw new ValidationFailed("user.weak_password", "A password must be 10 to 256 characters long", { field: "password" });
  }
}

export const hashPassword = (password: string): Promise<string> => Bun.password.hash(password, ARGON);

export async function verifyPassword(user: UserRow | undefined, password: string): Promise<boolean> {
  if (!user?.passwordHash) {
    dummyHash ??= hashPassword("timing-equalizer-password");
    await Bun.password.verify(password, await dummyHash);
    return false;
  }
  return Bun.password.verify(password, user.passwordHash);
}

export async function findUserByEmail(control: Control, email: string): Promise<UserRow | undefined> {
  return (await control.db.select().from(users).where(eq(users.email, normalizeEmail(email))))[0];
}

export async function getUser(control: Control, id: string): Promise<UserRow> {
  const row = (await control.db.select().from(users).where(eq(users.id, id)))[0];
  if (!row) throw new NotFound("user", id);
  return row;
}

export async function createUser(control: Control, now: number, input: { email: string; password?: string; name?: string | null }): Promise<UserRow> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw new ValidationFailed("user.invalid_email", "email must be an e-mail address", { field: "email" });
  }
  if (input.password !== undefined) checkPassword(input.password);
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null;
  const row: UserRow = { id: newId("usr", now), email, passwordHash, name: input.name ?? null, createdAt: now, updatedAt: now };
  return control.write(async () => {
    if (await findUserByEmail(control, email)) throw new Conflict("user.email_taken", "A user with this e-mail already exists");
    await control.db.insert(users).values(row);
    return row;
  });
}

export async function setPassword(control: Control, userId: string, password: string, now: number): Promise<void> {
  checkPassword(password);
  const passwordHash = await hashPassword(password);
  await control.write(() => control.db.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, userId)));
}

export function validateOverrides(role: Role, overrides: Overrides | null | undefined): Overrides | null {
  if (!overrides || (overrides.grant.length === 0 && overrides.revoke.length === 0)) return null;
  if (!ROLE_TEMPLATES[role].overridable) {
    throw new ValidationFailed("members.owner_fixed", "The Owner role is fixed: it takes no permission overrides", { field: "overrides" });
  }
  const bad = [...overrides.grant, ...overrides.revoke].filter((s) => !isValidScope(s));
  if (bad.length > 0) throw new ValidationFailed("members.invalid_overrides", "Overrides must be known permissions such as orders:read or orders:*", { invalid: bad });
  return { grant: [...new Set(overrides.grant)], revoke: [...new Set(overrides.revoke)] };
}

export function parseRole(role: string): Role {
  if (!isRole(role)) throw new ValidationFailed("members.unknown_role", `Unknown role "${role}"; see GET /v1/admin/roles`, { field: "role" });
  return role;
}

export interface Member {
  userId: string;
  email: string;
  name: string | null;
  role: Role;
  overrides: Overrides | null;
  permissions: string[];
  createdAt: number;
}

const toMember = (m: MembershipRow, u: Pick<UserRow, "email" | "name">): Member => {
  const role = isRole(m.role) ? m.role : "viewer"; // a role renamed in a later version degrades to read-only
  return { userId: m.userId, email: u.email, name: u.name, role, overrides: m.overrides ?? null, permissions: effectivePermissions(role, m.overrides), createdAt: m.createdAt };
};

export async function listMembers(control: Control, storeId: string, opts: { limit: number; after?: string | undefined }): Promise<{ data: Member[]; more: boolean }> {
  const rows = await control.db
    .select({ m: memberships, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.storeId, storeId), opts.after ? gt(memberships.userId, opts.after) : undefined))
    .orderBy(asc(memberships.userId))
    .limit(opts.limit + 1);
  return { data: rows.slice(0, opts.limit).map((r) => toMember(r.m, r)), more: rows.length > opts.limit };
}

/** One member of this store; a user of another store answers 404 like an unknown one. */
export async function getMember(control: Control, storeId: string, userId: string): Promise<Member> {
  const r = (
    await control.db
      .select({ m: memberships, email: users.email, name: users.name })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.storeId, storeId), eq(memberships.userId, userId)))
  )[0];
  if (!r) throw new NotFound("member", userId);
  return toMember(r.m, r);
}

/** The stores a user belongs to, with the role and resolved permissions in each. */
export async function membershipsOf(control: Control, userId: string): Promise<{ storeId: string; storeName: string; role: Role; permissions: string[] }[]> {
  const rows = await control.db
    .select({ m: memberships, storeName: stores.name, status: stores.status })
    .from(memberships)
    .innerJoin(stores, eq(stores.id, memberships.storeId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.storeId));
  return rows
    .filter((r) => r.status === "active")
    .map((r) => {
      const role = isRole(r.m.role) ? r.m.role : "viewer";
      return { storeId: r.m.storeId, storeName: r.storeName, role, permissions: effectivePermissions(role, r.m.overrides) };
    });
}

async function ownerCount(control: Control, storeId: string): Promise<number> {
  const rows = await control.db.select({ u: memberships.userId }).from(memberships).where(and(eq(memberships.storeId, storeId), eq(memberships.role, "owner")));
  return rows.length;
}

export class LastOwner extends AppError {
  constructor() {
    super("CONFLICT", "members.last_owner", "A store must keep at least one Owner: transfer ownership or promote another Owner first");
  }
}

/** Adds a membership; a user already in the store answers 409. */
export async function addMembership(control: Control, now: number, input: { userId: string; storeId: string; role: Role; overrides?: Overrides | null }): Promise<void> {
  const overrides = validateOverrides(input.role, input.overrides);
  await control.write(async () => {
    const existing = await control.db.select().from(memberships).where(and(eq(memberships.userId, input.userId), eq(memberships.storeId, input.storeId)));
    if (existing.length > 0) throw new Conflict("members.already_member", "This user is already a member of the store");
    await control.db.insert(memberships).values({ userId: input.userId, storeId: input.storeId, role: input.role, overrides, createdAt: now });
  });
}

/**
 * Changes a member's role/overrides. The owner check and the write run under the control write lock, so two
 * concurrent demotions cannot both pass the "another Owner remains" test.
 */
export async function updateMembership(control: Control, storeId: string, userId: string, change: { role: Role; overrides: Overrides | null }): Promise<{ before: Member; after: Member }> {
  const overrides = validateOverrides(change.role, change.overrides);
  return control.write(async () => {
    const before = await getMember(control, storeId, userId);
    if (before.role === "owner" && change.role !== "owner" && (await ownerCount(control, storeId)) <= 1) throw new LastOwner();
    await control.db.update(memberships).set({ role: change.role, overrides }).where(and(eq(memberships.storeId, storeId), eq(memberships.userId, userId)));
    return { before, after: await getMember(control, storeId, userId) };
  });
}

export async function removeMembership(control: Control, storeId: string, userId: string): Promise<Member> {
  return control.write(async () => {
    const before = await getMember(control, storeId, userId);
    if (before.role === "owner" && (await ownerCount(control, storeId)) <= 1) throw new LastOwner();
    await control.db.delete(memberships).where(and(eq(memberships.storeId, storeId), eq(memberships.userId, userId)));
    return before;
  });
}

/** Ownership transfer (FR39): the target becomes Owner and the previous Owner becomes Admin, atomically. */
export async function transferOwnership(control: Control, storeId: string, fromUserId: string, toUserId: string): Promise<void> {
  await control.write(async () => {
    const from = await getMember(control, storeId, fromUserId);
    if (from.role !== "owner") throw new AppError("FORBIDDEN", "ownership.not_owner", "Only an Owner can transfer ownership");
    await getMember(control, storeId, toUserId);
    if (fromUserId === toUserId) throw new ValidationFailed("ownership.same_user", "Ownership must go to another member", { field: "userId" });
    await control.db.transaction(async (tx) => {
      await tx.update(memberships).set({ role: "owner", overrides: null }).where(and(eq(memberships.storeId, storeId), eq(memberships.userId, toUserId)));
      await tx.update(memberships).set({ role: "admin", overrides: null }).where(and(eq(memberships.storeId, storeId), eq(memberships.userId, fromUserId)));
    });
  });
}
